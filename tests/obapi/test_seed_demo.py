import pytest
from django.core.management import call_command
from django.test import Client

from obapi.models import EarnerProfile, ImportedCredential
from tests.accounts.factories import UserFactory
from tests.badges.factories import award_row

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]


def test_demo_learner_gets_a_public_profile_an_import_and_a_connected_app(settings, credential):
    settings.DEMO_DATA_ALLOWED = True
    learner = UserFactory(email="learner@example.org", name="Demo Learner")
    award_row(learner=learner, credential=credential)
    call_command("seed_demo_obapi")
    call_command("seed_demo_obapi")  # safe to repeat
    assert EarnerProfile.objects.get(user=learner).published
    imported = ImportedCredential.objects.get(owner=learner)
    assert imported.verified, imported.verification
    page = Client().get("/earner/p/demo-learner/").content.decode()
    assert credential.title in page and "Project-Based Learning Design" in page
    client = Client()
    client.force_login(learner)
    assert "Demo Backpack" in client.get("/earner/apps/").content.decode()
