"""The three rules and external achievements, evaluated on members a learner earned."""

import pytest

from programs.models import MemberKind, Stack, StackMember, StackRule
from programs.stacks import evaluate


def _members(n, required=()):
    return [
        StackMember(
            pk=i + 1,
            kind=MemberKind.CREDENTIAL,
            external_name=f"M{i + 1}",
            required=i in required,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("earned", "complete", "counted"),
    [((), False, 0), ((0, 1), False, 2), ((0, 1, 2), True, 3)],
)
def test_all_of_them(earned, complete, counted):
    members = _members(3)
    progress = evaluate(Stack(rule=StackRule.ALL), members, {members[i] for i in earned})
    assert (progress.complete, progress.counted, progress.needed) == (complete, counted, 3)


def test_n_of_m_completes_with_any_n_and_names_the_next():
    members = _members(4)
    stack = Stack(rule=StackRule.N_OF_M, count=2)
    progress = evaluate(stack, members, {members[3]})
    assert not progress.complete
    assert progress.next_member is members[0]
    assert evaluate(stack, members, {members[1], members[3]}).complete


def test_required_and_electives_need_every_required_one():
    members = _members(5, required=(0, 1))
    stack = Stack(rule=StackRule.REQUIRED_ELECTIVES, count=2)
    # three electives but one required missing: not complete, the required one is next
    progress = evaluate(stack, members, {members[0], members[2], members[3], members[4]})
    assert not progress.complete
    assert progress.next_member is members[1]
    assert progress.needed == 4
    done = evaluate(stack, members, {members[0], members[1], members[2], members[4]})
    assert done.complete and done.counted == 4
    # both required, one elective of two
    assert not evaluate(stack, members, {members[0], members[1], members[3]}).complete
