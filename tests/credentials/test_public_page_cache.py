"""Anonymous visitors get the catalog and details pages from a cache that never
shows them anything stale or anyone else's: each change a visitor could see
renders the page afresh at once, each language is its own page, and the CSRF
token and one-time messages stay with the visitor they belong to."""

import datetime
import re
import uuid

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from credentials import services
from tests.credentials.factories import CredentialFactory, TopicFactory

pytestmark = pytest.mark.django_db

CATALOG = reverse("credentials:catalog")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def credential():
    return CredentialFactory(
        title="Exit Tickets That Inform",
        fee_cents=4000,
        published_at=timezone.now() - datetime.timedelta(days=3),
    )


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_second_anonymous_visit_is_served_without_a_query(
    client, credential, django_assert_num_queries
):
    page(client, CATALOG)
    page(client, credential.get_absolute_url())
    with django_assert_num_queries(0):
        assert "Exit Tickets That Inform" in page(Client(), CATALOG)
        assert "$40.00" in page(Client(), credential.get_absolute_url())


def test_fee_change_is_visible_at_once(client, credential, django_capture_on_commit_callbacks):
    details = credential.get_absolute_url()
    assert "$40.00" in page(client, details)
    assert "$40.00" in page(client, CATALOG)
    with django_capture_on_commit_callbacks(execute=True):
        credential.fee_cents = 5500
        credential.save(update_fields=["fee_cents", "updated_at"])
    assert "$55.00" in page(client, details)
    assert "$55.00" in page(client, CATALOG)


def test_unpublish_and_publish_are_visible_at_once(client, credential):
    details = credential.get_absolute_url()
    assert "Exit Tickets That Inform" in page(client, CATALOG)
    services.credential_unpublish(credential=credential)
    assert "Exit Tickets That Inform" not in page(client, CATALOG)
    assert client.get(details).status_code == 404
    services.credential_publish(credential=credential)
    assert "Exit Tickets That Inform" in page(client, CATALOG)
    assert client.get(details).status_code == 200


def test_edit_and_topic_change_are_visible_at_once(client, credential):
    details = credential.get_absolute_url()
    page(client, details)
    credential.summary = "Three questions at the door tell you what to reteach."
    credential.save(update_fields=["summary", "updated_at"])
    assert "Three questions at the door" in page(client, details)
    credential.topics.add(TopicFactory(name="Assessment literacy"))
    assert "Assessment literacy" in page(client, details)
    assert "Assessment literacy" in page(client, CATALOG)


def test_new_version_is_visible_at_once(client, credential):
    details = credential.get_absolute_url()
    assert "Version 1," in page(client, details)
    draft = services.credential_version_open(credential=credential, actor=None)
    services.credential_publish(credential=draft)
    assert "Version 2," in page(client, draft.get_absolute_url())


def test_quality_mark_is_visible_at_once(client, credential):
    details = credential.get_absolute_url()
    assert "Quality reviewed against" not in page(client, details)
    services.credential_quality_mark_set(
        credential=credential,
        framework_label="QM Higher Ed",
        reviewed_at=timezone.now(),
        summary_uuid=uuid.uuid4(),
    )
    assert "Quality reviewed against QM Higher Ed" in page(client, details)
    assert "Quality reviewed against QM Higher Ed" in page(client, CATALOG)


def test_organization_change_is_visible_at_once(client, credential):
    page(client, credential.get_absolute_url())
    organization = credential.organization
    organization.name = "Lakeside Teaching Institute"
    organization.save()
    assert "Lakeside Teaching Institute" in page(client, credential.get_absolute_url())
    assert "Lakeside Teaching Institute" in page(client, CATALOG)


def test_spanish_and_english_are_separate_pages(credential):
    english = page(Client(HTTP_ACCEPT_LANGUAGE="en"), CATALOG)
    spanish = page(Client(HTTP_ACCEPT_LANGUAGE="es"), CATALOG)
    assert 'lang="en"' in english and 'lang="es"' in spanish
    again = page(Client(HTTP_ACCEPT_LANGUAGE="en"), CATALOG)
    assert TOKEN.sub("", again) == TOKEN.sub("", english)


def test_each_visitor_gets_their_own_csrf_token_and_it_works(credential):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = TOKEN.search(page(first, CATALOG)).group(1)
    second_token = TOKEN.search(page(second, CATALOG)).group(1)
    assert first_token != second_token
    response = second.post(
        reverse("set_language"),
        {"csrfmiddlewaretoken": second_token, "language": "es", "next": CATALOG},
    )
    assert response.status_code == 302


def test_a_waiting_message_is_shown_once_and_never_cached(rf, credential):
    reader = Client()
    page(reader, CATALOG)  # a cached copy exists
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.SUCCESS, "You have been signed out.")
    response = HttpResponse()
    storage.update(response)
    reader.cookies.update(response.cookies)
    assert "You have been signed out." in page(reader, CATALOG)
    assert "You have been signed out." not in page(Client(), CATALOG)
    assert "You have been signed out." not in page(reader, CATALOG)


def test_signed_in_learner_never_gets_the_anonymous_page(learner_client, credential):
    anonymous = page(Client(), CATALOG)
    assert "Log out" not in anonymous
    signed_in = page(learner_client, CATALOG)
    assert signed_in != anonymous


def test_emptying_the_shared_cache_never_brings_back_an_old_page(client, credential):
    from django.core.cache import cache

    from credentials.models import MicroCredential

    assert "$40.00" in page(client, CATALOG)
    # A change written without a save (no signal), then the cache server restarts.
    MicroCredential.objects.filter(pk=credential.pk).update(fee_cents=7000)
    cache.clear()
    assert "$70.00" in page(client, CATALOG)
