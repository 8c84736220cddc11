"""The SLA sweep of pending second, sampled and adjudicating scorings leaves
one audit event per scoring it reminds or escalates, as the review sweep does."""

import datetime
import zoneinfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import scoring, services
from assessments.models import Scoring, ScoringKind
from audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor, review_rows, submit_for_review
from tests.assessments.scoring_helpers import scorings_of, three_assessors, use_policy

pytestmark = pytest.mark.django_db

NY = zoneinfo.ZoneInfo("America/New_York")
SWEEP_VERBS = ("scoring.reminder_sent", "scoring.escalated")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=NY)


def stamp(value: str) -> datetime.datetime:
    """A time stamp as the event's JSON holds it (SQLite stores UTC without an offset)."""
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def sweep_events():
    return AuditEvent.objects.filter(verb__in=SWEEP_VERBS).order_by("id")


@pytest.fixture
def paired(credential, learner):
    """A submission in review under double scoring with adjudication."""
    three_assessors(credential)
    use_policy(credential)
    return submit_for_review(learner=learner, credential=credential).review


def test_a_second_scoring_is_reminded_then_escalated_in_the_audit_trail_once_each(
    paired, learner, frozen
):
    second = scorings_of(paired)[ScoringKind.SECOND]
    frozen.move_to(at(second.remind_on))
    assert scoring.scorings_sla_sweep() == (1, 0)
    assert scoring.scorings_sla_sweep() == (0, 0)  # the same day: nothing new recorded
    frozen.move_to(at(second.due_on + datetime.timedelta(days=1)))
    assert scoring.scorings_sla_sweep() == (0, 1)
    assert scoring.scorings_sla_sweep() == (0, 0)

    second.refresh_from_db()
    # The escalation does not remind the assessor again: one event per step.
    reminded, escalated = sweep_events()
    assert (reminded.verb, escalated.verb) == SWEEP_VERBS
    for event in (reminded, escalated):
        assert event.actor is None and event.actor_label == services.SWEEP_ACTOR
        assert event.target_type == ContentType.objects.get_for_model(Scoring)
        assert event.target_id == str(second.pk)
        assert event.target_label == f"Second scoring of {paired.submission.reference}"
        # Blind: the learner is never named.
        assert learner.name not in event.target_label
        assert learner.email not in event.target_label
    assert set(reminded.after) == {"reminder_sent_at", "due_on"}
    assert reminded.after["due_on"] == second.due_on.isoformat()
    assert stamp(reminded.after["reminder_sent_at"]) == second.reminder_sent_at
    assert reminded.created_at == second.reminder_sent_at
    assert set(escalated.after) == {"escalated_at", "reminder_sent_at", "due_on"}
    assert escalated.after["due_on"] == second.due_on.isoformat()
    assert stamp(escalated.after["escalated_at"]) == second.escalated_at
    # It shows the holder had been reminded before it went overdue.
    assert stamp(escalated.after["reminder_sent_at"]) == second.reminder_sent_at
    assert escalated.created_at == second.escalated_at


def _open_scorings(credential, count: int) -> list[Scoring]:
    """``count`` open scorings of every swept kind, half coming due on
    2026-12-11 (to remind) and half overdue since 2026-12-01 (to escalate,
    some of them never given to anyone)."""
    assessors = [make_assessor(credential=credential) for _ in range(2)]
    learner = UserFactory(name="Hidden Learner")
    kinds = [ScoringKind.SECOND, ScoringKind.SAMPLE, ScoringKind.ADJUDICATION]
    rows = []
    for index in range(count):
        due_on = datetime.date(2026, 12, 11) if index % 2 else datetime.date(2026, 12, 1)
        [review] = review_rows(
            credential=credential, count=1, assessor=assessors[0], due_on=due_on, learner=learner
        )
        rows.append(
            Scoring(
                review=review,
                kind=kinds[index % 3],
                assessor=None if index % 4 == 0 else assessors[1],
                due_on=review.due_on,
                remind_on=review.remind_on,
            )
        )
    return Scoring.objects.bulk_create(rows)


def _sweep_queries(credential, count: int, frozen, hour: int) -> int:
    _open_scorings(credential, count)
    frozen.move_to(at(datetime.date(2026, 12, 9), hour))  # each run its own stamp
    ContentType.objects.clear_cache()  # each run reads the content type of scorings
    with CaptureQueriesContext(connection) as queries:
        reminded, escalated = scoring.scorings_sla_sweep()
    assert reminded + escalated == count
    return len(queries)


def test_each_scoring_reminded_or_escalated_gets_its_own_event_named_by_its_kind(
    credential, frozen
):
    scorings = _open_scorings(credential, 6)
    frozen.move_to(at(datetime.date(2026, 12, 9)))
    assert scoring.scorings_sla_sweep() == (3, 3)

    events = {(e.target_id, e.verb): e for e in sweep_events()}
    expected = {
        (str(s.pk), "scoring.reminder_sent" if s.due_on.day == 11 else "scoring.escalated")
        for s in scorings
    }
    assert set(events) == expected
    for s in Scoring.objects.select_related("review__submission"):
        [event] = [e for (pk, _), e in events.items() if pk == str(s.pk)]
        assert event.target_label == f"{s.get_kind_display()} of {s.review.submission.reference}"
        assert "Hidden Learner" not in event.target_label


def test_the_sweeps_queries_do_not_grow_with_the_scorings_it_records(credential, frozen):
    small = _sweep_queries(credential, 6, frozen, hour=10)
    Scoring.objects.all().delete()
    large = _sweep_queries(credential, 60, frozen, hour=11)
    assert small == large
    assert sweep_events().count() == 66


def test_a_sweep_that_fails_records_nothing(credential, frozen, monkeypatch):
    """The events are written in the sweep's transaction: when queueing its
    emails fails, neither the stamps nor the events remain."""
    _open_scorings(credential, 4)
    frozen.move_to(at(datetime.date(2026, 12, 9)))

    def broken(**kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(scoring, "email_enqueue_deferred", broken)
    with pytest.raises(RuntimeError):
        scoring.scorings_sla_sweep()
    assert not sweep_events().exists()
    assert not Scoring.objects.filter(reminder_sent_at__isnull=False).exists()
    assert not Scoring.objects.filter(escalated_at__isnull=False).exists()
