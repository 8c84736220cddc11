"""A new version goes through quality review again: while its round runs the studio
keeps it read-only, and once the round passes, Publish in the studio publishes it
through the gate and retires the version learners saw before."""

import pytest
from django.urls import reverse

from credentials.services import credential_publish, credential_version_open
from quality.models import Mark
from tests.quality.conftest import build_world

pytestmark = pytest.mark.django_db


def test_new_version_is_locked_in_review_then_published_through_the_gate(client):
    world = build_world()
    v1 = world.credential
    credential_publish(credential=v1, actor=None)
    v2 = credential_version_open(credential=v1, actor=world.designer)
    world.credential = v2
    designer = world.client(world.designer)

    world.self_assess()
    review_round, assignments = world.open_round()
    page = designer.get(reverse("studio:edit", kwargs={"uuid": v2.uuid}))
    assert "In review" in page.text and "cannot change until the round ends" in page.text
    refused = designer.post(
        reverse("studio:autosave", kwargs={"uuid": v2.uuid}),
        {"version": v2.revision, "title": "Changed while in review"},
    )
    assert refused.status_code == 409
    v2.refresh_from_db()
    assert v2.title != "Changed while in review"

    for assignment in assignments:
        world.score(assignment, Mark.MET)
    designer.post(reverse("studio:publish", kwargs={"uuid": v2.uuid}))

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.is_published and v1.is_retired
    details = client.get(v1.get_absolute_url())
    assert "Version 2, current since" in details.text
    assert "Quality reviewed against" in details.text
