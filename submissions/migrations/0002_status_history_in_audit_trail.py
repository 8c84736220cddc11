"""An application's status history moves into the one audit trail.

Every ``StatusChange`` row becomes an ``audit.AuditEvent`` on its
submission, with the same actor, time and note, before the table goes.
"""

from django.db import migrations

BATCH = 2000
LABELS = {
    "draft": "Draft",
    "awaiting_payment": "Awaiting payment",
    "in_review": "In review",
    "awarded": "Awarded",
    "denied": "Denied",
}


def copy_to_audit_trail(apps, schema_editor):
    StatusChange = apps.get_model("submissions", "StatusChange")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    changes = StatusChange.objects.select_related("submission", "actor").order_by("id")
    if not changes.exists():
        return
    kind, _ = ContentType.objects.get_or_create(app_label="submissions", model="submission")
    events = []
    for change in changes.iterator(chunk_size=BATCH):
        submission = change.submission
        before = {"status": change.from_status} if change.from_status else {}
        events.append(
            AuditEvent(
                created_at=change.created_at,
                actor_id=change.actor_id,
                actor_label=(change.actor.email if change.actor_id else "system")[:254],
                verb=f"submission.{change.to_status}",
                target_type=kind,
                target_id=str(submission.pk),
                target_label=f"{submission.reference} ({LABELS.get(submission.status, '')})",
                before=before,
                after={"status": change.to_status},
                data={"note": change.note, "reference": submission.reference},
            )
        )
        if len(events) >= BATCH:
            AuditEvent.objects.bulk_create(events)
            events = []
    AuditEvent.objects.bulk_create(events)


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_initial"),
        ("audit", "0001_audit_event"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_to_audit_trail, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="StatusChange"),
    ]
