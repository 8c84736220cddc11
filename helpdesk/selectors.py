"""Reads shaped for the help pages: topics with their answers, search, a learner's requests."""

from uuid import UUID

from django.contrib.auth.models import Permission
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from accounts.models import User
from submissions.models import Status, Submission
from submissions.selectors import submission_list_for_learner

from .models import FaqEntry, FaqTopic, Ticket

MAX_SEARCH_TERMS = 8


def faq_topic_list() -> QuerySet[FaqTopic]:
    """Published topics with their published entries, in two queries."""
    entries = FaqEntry.objects.filter(is_published=True).order_by("position", "id")
    return FaqTopic.objects.filter(is_published=True).prefetch_related(
        Prefetch("entries", queryset=entries, to_attr="published_entries")
    )


def faq_topic_nav() -> QuerySet[FaqTopic]:
    """Published topics alone, for navigation."""
    return FaqTopic.objects.filter(is_published=True)


def faq_topic_get(*, slug: str) -> FaqTopic:
    """A published topic with its published entries, or 404."""
    return get_object_or_404(faq_topic_list(), slug=slug)


def faq_entry_find(*, slug: str) -> FaqEntry | None:
    """A published answer under a published topic, wherever staff moved it."""
    return (
        FaqEntry.objects.select_related("topic")
        .filter(slug=slug, is_published=True, topic__is_published=True)
        .first()
    )


def search_terms(query: str) -> list[str]:
    return query.split()[:MAX_SEARCH_TERMS]


def faq_search(*, query: str) -> QuerySet[FaqEntry]:
    """Published answers containing every word of ``query`` in the question, the answer
    or the topic's title; those whose question holds every word come first."""
    terms = search_terms(query)
    if not terms:
        return FaqEntry.objects.none()
    matches, in_question = Q(), Q()
    for term in terms:
        matches &= (
            Q(question__icontains=term)
            | Q(answer__icontains=term)
            | Q(topic__title__icontains=term)
        )
        in_question &= Q(question__icontains=term)
    return (
        FaqEntry.objects.filter(matches, is_published=True, topic__is_published=True)
        .select_related("topic")
        .annotate(
            rank=Case(When(in_question, then=Value(0)), default=1, output_field=IntegerField())
        )
        .order_by("rank", "topic__position", "topic__title", "position", "id")
    )


def ticket_list_for_requester(*, user: User) -> QuerySet[Ticket]:
    """The signed-in person's own requests, newest first; nobody else's."""
    return (
        Ticket.objects.filter(requester=user)
        .select_related("submission")
        .order_by("-created_at", "-id")
    )


def ticket_get_for_requester(*, uuid: UUID, user: User) -> Ticket:
    """The requester's own ticket with its answers, or 404 (someone else's looks like nothing)."""
    return get_object_or_404(
        Ticket.objects.select_related("submission").prefetch_related("replies"),
        uuid=uuid,
        requester=user,
    )


def submissions_for_contact(*, user: User) -> QuerySet[Submission]:
    """The applications a signed-in person can attach to a request: their own, any status."""
    return submission_list_for_learner(learner=user, statuses=Status.values)


def helpdesk_agents() -> QuerySet[User]:
    """Active staff who may answer requests (``helpdesk.change_ticket``), for assignment."""
    permission = Permission.objects.filter(
        content_type__app_label="helpdesk", codename="change_ticket"
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
        .distinct()
        .order_by("email")
    )
