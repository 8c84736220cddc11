import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from credentials.models import (
    EvidenceRequirement,
    MicroCredential,
    Organization,
    Part,
    Prompt,
    RubricCriterion,
    Topic,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Organization,
    Topic,
    MicroCredential,
    Prompt,
    EvidenceRequirement,
    RubricCriterion,
    User,
    EmailAddress,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_twice_changes_nothing(capsys):
    call_command("seed_demo")
    first = counts()
    stamps = dict(MicroCredential.objects.values_list("slug", "updated_at"))

    call_command("seed_demo")

    assert counts() == first
    assert dict(MicroCredential.objects.values_list("slug", "updated_at")) == stamps
    assert "0 rows created, 0 updated" in capsys.readouterr().out


def test_seed_demo_builds_a_usable_catalog():
    call_command("seed_demo")

    assert Organization.objects.count() == 2
    assert Topic.objects.count() == 6
    published = MicroCredential.objects.published()
    assert published.count() >= 6
    assert published.filter(fee_cents=0).exists()
    assert published.filter(fee_cents__gt=0).count() >= 3
    assert published.filter(resubmission_fee_cents=0, fee_cents__gt=0).exists()
    for credential in published:
        assert credential.published_at is not None
        assert credential.topics.exists()
        parts = set(credential.prompts.values_list("part", flat=True))
        assert {Part.OVERVIEW, Part.REFLECTION, Part.IMPACT} <= parts
        assert all(p.word_limit for p in credential.prompts.all())
        assert credential.evidence_requirements.exists()
        assert 3 <= credential.rubric_criteria.count() <= 5
        assert credential.research and credential.competency and credential.evidence_instructions


def test_seed_demo_accounts_can_log_in(client, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out

    for email in ("learner@example.org", "assessor@example.org", "staff@example.org"):
        user = User.objects.get(email=email)
        assert user.name
        assert user.check_password("demo-pass-2026")
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True)
        assert email in out
    staff = User.objects.get(email="staff@example.org")
    assert staff.is_staff and staff.is_superuser
    assert "demo-pass-2026" in out
    assert "http://127.0.0.1:8000" in out

    response = client.post(
        "/accounts/login/", {"login": "learner@example.org", "password": "demo-pass-2026"}
    )
    assert response.status_code == 302


def test_seed_demo_keeps_a_staff_decision_to_unpublish():
    from credentials import services

    call_command("seed_demo")
    credential = MicroCredential.objects.published().first()
    services.credential_unpublish(credential=credential)

    call_command("seed_demo")

    credential.refresh_from_db()
    assert not credential.is_published


def test_seed_demo_prints_the_sites_own_address(settings, capsys):
    settings.SITE_URL = "http://127.0.0.1:8080"

    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "Open http://127.0.0.1:8080 and log in" in out
    assert "Admin: http://127.0.0.1:8080/admin/" in out
    assert "8000" not in out


def test_demo_issuers_have_a_valid_contact_email():
    from django.core.validators import validate_email

    call_command("seed_demo")

    for organization in Organization.objects.all():
        validate_email(organization.email)


def test_an_edit_to_the_catalog_file_is_all_a_second_run_writes(tmp_path, monkeypatch, capsys):
    from credentials.management.commands import seed_demo

    call_command("seed_demo")
    original = seed_demo.CATALOG.read_text()
    edited = tmp_path / "demo_catalog.toml"
    edited.write_text(
        original.replace(
            'title = "Checking for Understanding in Real Time"',
            'title = "Checking for Understanding, Minute by Minute"',
        )
    )
    monkeypatch.setattr(seed_demo, "CATALOG", edited)
    capsys.readouterr()

    call_command("seed_demo")

    assert "0 rows created, 1 updated" in capsys.readouterr().out
    credential = MicroCredential.objects.get(slug="checking-for-understanding")
    assert credential.title == "Checking for Understanding, Minute by Minute"
    assert credential.is_published
