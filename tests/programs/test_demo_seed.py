"""The stacks demo: one learner holds the stack award (with its CLR), another
is at two of three, the district's admin reads real analytics; seeding twice
changes nothing."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from programs.models import Stack, StackAward

pytestmark = pytest.mark.django_db


def test_demo_stack_and_seeding_twice_changes_nothing(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_activity", stdout=io.StringIO())
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo_programs_stacks", stdout=io.StringIO())

    stack = Stack.objects.get()
    award = StackAward.objects.get()
    assert award.learner.email == "stacks-complete@example.org"
    assert len(json.loads(award.clr_json)["credentialSubject"]["verifiableCredential"]) == 4

    client.force_login(User.objects.get(email="stacks-partway@example.org"))
    page = client.get(reverse("stacks:stack", args=[stack.slug])).content.decode()
    assert "2 of 3 earned" in " ".join(page.split())

    client.force_login(User.objects.get(email="issuer-admin@example.org"))
    report = client.get(reverse("analytics:report", args=[stack.organization.slug])).context[
        "report"
    ]
    assert report.totals["awarded"] >= 5 and report.totals["coupon_uses"] >= 5
