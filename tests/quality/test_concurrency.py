"""Quality review races that only real concurrent connections can show (PostgreSQL):
two submits open one round, two last reviews close the round once, two override
clicks publish once and record one override."""

import pytest
from django.contrib.auth.models import Permission

from audit.models import AuditEvent
from quality import services
from quality.exceptions import RoundAlreadyOpen
from quality.models import ComponentResult, GateOverride, Mark, ReviewRound, RoundStatus
from tests.accounts.factories import UserFactory
from tests.concurrency import postgres_only, race
from tests.quality.conftest import build_world

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


def test_two_submits_open_one_round():
    world = build_world(5)
    world.self_assess()
    results = race(
        [lambda: services.round_open(credential=world.credential, actor=world.designer)] * 2
    )
    assert sum(isinstance(r, ReviewRound) for r in results) == 1
    assert sum(isinstance(r, RoundAlreadyOpen) for r in results) == 1
    assert ReviewRound.objects.count() == 1


def test_last_two_reviews_close_the_round_once():
    world = build_world(5)
    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    a1 = world.score(a1, Mark.MET, submit=False)
    a2 = world.score(a2, Mark.MET, submit=False)
    results = race(
        [
            lambda: services.review_submit(assignment=a1, actor=world.reviewer1),
            lambda: services.review_submit(assignment=a2, actor=world.reviewer2),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.PASSED
    assert ComponentResult.objects.filter(round=review_round).count() == 5
    assert AuditEvent.objects.filter(verb="quality.round_passed").count() == 1


def test_two_override_clicks_publish_once():
    world = build_world(5)
    staff = UserFactory(email="override@example.org", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="override_gate"),
        Permission.objects.get(codename="change_microcredential"),
    )
    staff = type(staff).objects.get(pk=staff.pk)
    results = race(
        [
            lambda: services.version_publish(
                credential=world.credential, actor=staff, override_reason="Deadline."
            )
        ]
        * 2
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert GateOverride.objects.count() == 1
    assert AuditEvent.objects.filter(verb="credential.published").count() == 1
