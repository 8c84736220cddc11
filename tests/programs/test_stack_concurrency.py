"""Two requests completing the same stack at once issue one award (PostgreSQL)."""

import pytest

from audit.models import AuditEvent
from programs.models import StackAward
from programs.services.stacks import stack_award_issue
from tests.badges.factories import award_row
from tests.concurrency import postgres_only, race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
    postgres_only,
]


def test_the_stack_award_is_issued_once_under_concurrency(monkeypatch, learner, stack, members):
    # Members awarded without the automatic check, so the race below is the first issue.
    monkeypatch.setattr("programs.services.stacks.stacks_check", lambda **kwargs: [])
    for credential in members:
        award_row(learner=learner, credential=credential)
    assert not StackAward.objects.exists()

    results = race(
        atomic=True,
        calls=[lambda: stack_award_issue(stack=stack, learner=learner) for _ in range(4)],
    )

    assert all(isinstance(r, StackAward) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert StackAward.objects.count() == 1
    assert AuditEvent.objects.filter(verb="programs.stack_awarded").count() == 1
