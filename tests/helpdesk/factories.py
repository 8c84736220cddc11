"""FAQ content as plain rows, and help requests made through the real services."""

import importlib

import factory
from django.apps import apps
from django.contrib.auth.models import Permission

from audit.selectors import audit_events_for
from helpdesk import services
from helpdesk.models import FaqEntry, FaqTopic, Ticket
from tests.accounts.factories import UserFactory


class FaqTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqTopic

    title = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    summary = "Answers about one part of the platform."


class FaqEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaqEntry

    topic = factory.SubFactory(FaqTopicFactory)
    question = factory.Sequence(lambda n: f"Question number {n}?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    answer = "A helpful answer."


def staff_with(*codenames, **user_fields):
    """A staff account holding exactly these helpdesk permissions."""
    user = UserFactory(is_staff=True, **user_fields)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="helpdesk", codename__in=codenames)
    )
    return user


def ticket_for(user, *, subject="Where is my receipt?", submission=None, **extra):
    return services.ticket_create(
        requester=user,
        email=user.email,
        subject=subject,
        message=extra.pop("message", "I paid yesterday and cannot find it."),
        submission=submission,
        **extra,
    )


def many_tickets(user, count, *, submission=None):
    """Plain rows, for list pages at size (the service would throttle them)."""
    return Ticket.objects.bulk_create(
        Ticket(
            requester=user,
            email=user.email,
            subject=f"Question {n}",
            message="?",
            submission=submission if n % 2 else None,
        )
        for n in range(count)
    )


def load_initial_answers() -> None:
    """What the data migration loads; browser tests empty the database, so tests
    that need the initial answers load them (it never duplicates or overwrites)."""
    importlib.import_module("helpdesk.migrations.0002_initial_faq").load_initial_faq(apps, None)


def trail(ticket):
    """The ticket's audit events, oldest first."""
    return list(audit_events_for(ticket).order_by("created_at", "id"))
