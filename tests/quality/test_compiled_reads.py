"""The review page's assignment is read with SQL compiled once per process
(``core.compiled``): each visit still reads its own reviewer's assignment with
the current rows, and nobody else's."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from core.compiled import CompiledQuery
from quality import selectors
from quality.models import ReviewAssignment, SelfAssessment

pytestmark = pytest.mark.django_db


def _as_orm_reads(assignment: ReviewAssignment) -> ReviewAssignment:
    return (
        ReviewAssignment.objects.select_related(
            "round", "round__framework", "round__credential", "round__credential__organization"
        )
        .annotate(claims_revision=selectors._claims_revision())
        .get(pk=assignment.pk)
    )


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_each_reviewer_reads_her_own_assignment_as_the_orm_would(world):
    world.self_assess()
    _round, (a1, a2) = world.open_round()
    for assignment in (a1, a2, a1):
        with CaptureQueriesContext(connection) as queries:
            found = selectors.assignment_for_reviewer(
                uuid=assignment.uuid, user=assignment.reviewer
            )
            review_round = found.round
            credential = review_round.credential
            organization, framework = credential.organization, review_round.framework
        assert len(queries) == 1  # the joined rows came with it
        expected = _as_orm_reads(assignment)
        assert _values(found) == _values(expected)
        assert _values(review_round) == _values(expected.round)
        assert _values(credential) == _values(expected.round.credential)
        assert _values(organization) == _values(expected.round.credential.organization)
        assert _values(framework) == _values(expected.round.framework)
        assert found.claims_revision == expected.claims_revision  # type: ignore[attr-defined]


def test_nobody_reads_anothers_assignment(world):
    world.self_assess()
    _round, (a1, _a2) = world.open_round()
    for user in (world.reviewer2, world.reviewer3, world.designer, world.admin):
        with pytest.raises(ReviewAssignment.DoesNotExist):
            selectors.assignment_for_reviewer(uuid=a1.uuid, user=user)
    with pytest.raises(ReviewAssignment.DoesNotExist):
        selectors.assignment_for_reviewer(uuid=a1.uuid, user=AnonymousUser())
    with pytest.raises(ReviewAssignment.DoesNotExist):
        selectors.assignment_for_reviewer(uuid=uuid.uuid4(), user=world.reviewer1)


def test_each_read_sees_the_current_rows(world):
    world.self_assess()
    _round, (a1, _a2) = world.open_round()
    first = selectors.assignment_for_reviewer(uuid=str(a1.uuid), user=world.reviewer1)
    # The designer's claims move on (a data fix: the studio refuses during a round).
    SelfAssessment.objects.filter(credential=world.credential).update(revision=F("revision") + 1)
    world.score(a1, "met", submit=False)  # the reviewer saves her draft
    again = selectors.assignment_for_reviewer(uuid=a1.uuid, user=world.reviewer1)
    assert again.revision == first.revision + 1
    assert again.claims_revision == first.claims_revision + 1  # type: ignore[attr-defined]


def test_a_value_the_query_does_not_use_is_refused_at_the_first_compile():
    ignored = CompiledQuery(
        lambda uuid, reviewer: ReviewAssignment.objects.filter(uuid=uuid),
        uuid=ReviewAssignment._meta.get_field("uuid"),
        reviewer=ReviewAssignment._meta.get_field("reviewer"),
    )
    with pytest.raises(ValueError, match="reviewer"):
        ignored.rows(uuid=uuid.uuid4(), reviewer=1)
