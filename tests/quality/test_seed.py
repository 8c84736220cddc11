"""The quality demo: loaded through the services, and a second run changes nothing."""

import io

import pytest
from django.core.management import call_command

from credentials.models import MicroCredential
from quality.models import Framework, ReviewRound, SelfAssessmentEntry

pytestmark = pytest.mark.django_db


def test_demo_has_two_rounds_a_mark_and_a_draft_mid_self_assessment():
    call_command("seed_demo", stdout=io.StringIO())
    for _ in range(2):
        call_command("seed_demo_quality", stdout=io.StringIO())
    assert Framework.objects.get(is_default=True).standards.count() == 13
    published = MicroCredential.objects.get(slug="questioning-for-deeper-thinking")
    rounds = list(ReviewRound.objects.filter(credential=published).order_by("number"))
    assert [(r.number, r.status) for r in rounds] == [(1, "revise"), (2, "passed")]
    assert published.is_published
    assert published.quality_framework == "Platform default quality framework 1.0"
    assert published.quality_summary_uuid == rounds[1].uuid
    draft = SelfAssessmentEntry.objects.filter(
        self_assessment__credential__slug="feedback-that-moves-learning"
    )
    assert draft.count() == 12
