"""A help request's history moves into the one audit trail.

Every ``TicketEvent`` row becomes an ``audit.AuditEvent`` on its ticket,
with the same actor, time and note, before the table goes.
"""

from django.db import migrations

BATCH = 2000


def _change(event):
    """The verb, before and after of one ticket event, as the services now write them."""
    if event.kind == "created":
        return "ticket.created", {}, {"status": event.to_status}
    if event.kind == "assigned":
        verb = "ticket.assigned" if event.assignee_id else "ticket.unassigned"
        return verb, {}, {"assignee": event.assignee_id}
    if event.from_status == event.to_status:
        return f"ticket.{event.kind}", {}, {}
    return (
        f"ticket.{event.to_status}",
        {"status": event.from_status},
        {"status": event.to_status},
    )


def copy_to_audit_trail(apps, schema_editor):
    TicketEvent = apps.get_model("helpdesk", "TicketEvent")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ticket_events = TicketEvent.objects.select_related("ticket", "actor").order_by("id")
    if not ticket_events.exists():
        return
    kind, _ = ContentType.objects.get_or_create(app_label="helpdesk", model="ticket")
    events = []
    for event in ticket_events.iterator(chunk_size=BATCH):
        ticket = event.ticket
        verb, before, after = _change(event)
        data = {"reference": ticket.reference}
        if event.note:
            data["note"] = event.note
        events.append(
            AuditEvent(
                created_at=event.created_at,
                actor_id=event.actor_id,
                actor_label=(event.actor.email if event.actor_id else "system")[:254],
                verb=verb,
                target_type=kind,
                target_id=str(ticket.pk),
                target_label=f"{ticket.reference}: {ticket.subject}"[:200],
                before=before,
                after=after,
                data=data,
            )
        )
        if len(events) >= BATCH:
            AuditEvent.objects.bulk_create(events)
            events = []
    AuditEvent.objects.bulk_create(events)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0002_initial_faq"),
        ("audit", "0001_audit_event"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_to_audit_trail, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="TicketEvent"),
    ]
