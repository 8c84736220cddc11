"""The studio demo: the designer lands in a studio with a published credential, its
second version open as a draft, and the quality demo's draft credential."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from credentials.models import MicroCredential

pytestmark = pytest.mark.django_db


def test_demo_designer_has_a_useful_studio_and_seeding_twice_changes_nothing(client, settings):
    settings.DEMO_DATA_ALLOWED = True
    for _ in range(2):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo_quality", verbosity=0)
        call_command("seed_demo_studio", verbosity=0)

    versions = MicroCredential.objects.filter(slug="questioning-for-deeper-thinking")
    assert sorted(versions.values_list("version", "is_published")) == [(1, True), (2, False)]
    client.force_login(User.objects.get(email="designer@example.org"))
    page = client.get(reverse("studio:index"))
    assert page.status_code == 200
    assert "Questioning for Deeper Thinking" in page.text
    assert "Feedback That Moves Learning" in page.text
    draft = versions.get(version=2)
    edit = client.get(reverse("studio:edit", kwargs={"uuid": draft.uuid}))
    assert "Publish version 2" in edit.text
