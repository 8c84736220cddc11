"""Open Badges 2.0 issuer profiles need an email: an issuing organization always
has a valid contact email, and a credential is not published without one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from credentials import services
from credentials.exceptions import NotPublishable
from credentials.models import MicroCredential, Organization
from tests.credentials.factories import CredentialFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_an_organization_without_contact_email_is_invalid():
    organization = Organization(name="No Mail Institute", slug="no-mail")

    with pytest.raises(ValidationError) as error:
        organization.full_clean()

    assert "email" in error.value.message_dict


def test_the_database_refuses_an_organization_without_contact_email():
    with pytest.raises(IntegrityError):
        Organization.objects.create(name="No Mail Institute", slug="no-mail", email="")


def test_organization_admin_asks_for_the_contact_email_beside_the_field(staff_client):
    response = staff_client.post(
        reverse("admin:credentials_organization_add"),
        {
            "name": "No Mail Institute",
            "slug": "no-mail",
            "holiday_country": "US",
            "description": "Typed and kept.",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["email"] == ["This field is required."]
    assert "Typed and kept." in response.content.decode()
    assert not Organization.objects.filter(slug="no-mail").exists()


def test_a_credential_is_not_published_while_its_issuer_email_is_not_valid():
    organization = OrganizationFactory(name="Typo District", email="credentials at typo.org")
    draft = CredentialFactory(organization=organization, is_published=False)

    with pytest.raises(NotPublishable, match="Typo District needs a valid contact email"):
        services.credential_publish(credential=draft)

    draft.refresh_from_db()
    assert not draft.is_published and draft.published_at is None


def test_publish_action_names_the_credential_its_issuer_lacks_a_valid_email(staff_client):
    organization = OrganizationFactory(name="Typo District", email="credentials at typo.org")
    draft = CredentialFactory(title="Close Reading", organization=organization, is_published=False)

    response = staff_client.post(
        reverse("admin:credentials_microcredential_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "“Close Reading” cannot be published" in page
    assert "Published 0 credentials." in page
    assert not MicroCredential.objects.get(pk=draft.pk).is_published


@pytest.mark.django_db(transaction=True)
def test_migration_gives_organizations_without_email_the_helpdesk_address(settings):
    settings.HELPDESK_EMAIL = "help@district.example.org"
    executor = MigrationExecutor(connection)
    before = [("credentials", "0002_organization_logo")]
    after = [("credentials", "0003_organization_contact_email_required")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("credentials", "Organization").objects.create(
        name="Old Issuer", slug="old-issuer", email=""
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    assert Organization.objects.get(slug="old-issuer").email == "help@district.example.org"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
