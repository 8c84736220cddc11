"""The signed-in catalog's kept markup (``credentials.catalog_kept``): cards and
blank filters are kept per language, retired exactly when what they show
changes, and hold nothing of the learner who first saw them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credentials import catalog_kept
from credentials.models import Favorite
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory, TopicFactory

pytestmark = pytest.mark.django_db

CATALOG = reverse("credentials:catalog")


@pytest.fixture
def learner_client(client):
    client.force_login(UserFactory(email="lena@example.org"))
    return client


def _page(client, **params) -> str:
    return client.get(CATALOG, params).content.decode()


def test_kept_cards_and_filters_are_not_rendered_again(learner_client, monkeypatch):
    topic = TopicFactory(name="Questioning")
    CredentialFactory(title="Wait Time", with_content=False).topics.set([topic])
    first = _page(learner_client)
    with CaptureQueriesContext(connection) as kept_queries:
        rendered: list[str] = []
        real = catalog_kept.render_to_string
        monkeypatch.setattr(
            catalog_kept,
            "render_to_string",
            lambda name, context: rendered.append(name) or real(name, context),
        )
        second = _page(learner_client)
    assert rendered == []
    assert first.count("Questioning") == second.count("Questioning") == 2
    # Topics are read for the cards and for the menu, not again by the menu's widget.
    topic_reads = [
        q for q in kept_queries.captured_queries if 'FROM "credentials_topic"' in q["sql"]
    ]
    assert len(topic_reads) == 2


def test_a_credentials_edit_retires_its_card(learner_client):
    credential = CredentialFactory(title="Wait Time", fee_cents=1000, with_content=False)
    assert "Wait Time" in _page(learner_client)
    credential.title = "Think Time"
    credential.fee_cents = 2500
    credential.save()
    page = _page(learner_client)
    assert "Think Time" in page and "Wait Time" not in page and "25" in page


def test_an_organizations_rename_retires_the_cards_and_the_filters(learner_client):
    org = OrganizationFactory(name="Riverside")
    CredentialFactory(title="Wait Time", organization=org, with_content=False)
    assert "Riverside" in _page(learner_client)
    org.name = "Lakeside"
    org.save()
    page = _page(learner_client)
    assert "Lakeside" in page and "Riverside" not in page


def test_a_topics_rename_and_a_credentials_topics_retire_the_card(learner_client):
    topic = TopicFactory(name="Questioning")
    credential = CredentialFactory(title="Wait Time", with_content=False)
    assert '<span class="tag">Questioning</span>' not in _page(learner_client)
    credential.topics.set([topic])
    assert '<span class="tag">Questioning</span>' in _page(learner_client)
    topic.name = "Discussion"
    topic.save()
    page = _page(learner_client)
    assert '<span class="tag">Discussion</span>' in page and "Questioning" not in page


def test_a_published_credentials_new_organization_and_topic_show_in_the_kept_filters(
    learner_client,
):
    CredentialFactory(title="Wait Time", with_content=False)
    _page(learner_client)
    credential = CredentialFactory(
        title="Think Time", organization=OrganizationFactory(name="Lakeside"), with_content=False
    )
    credential.topics.set([TopicFactory(name="Discussion")])
    page = _page(learner_client)
    assert page.count("Lakeside") == 2 and page.count("Discussion") == 2


def test_favorite_state_address_and_token_are_each_learners_own(client):
    credential = CredentialFactory(title="Wait Time", with_content=False)
    fan, other = UserFactory(email="fan@example.org"), UserFactory(email="other@example.org")
    Favorite.objects.create(user=fan, credential=credential)

    client.force_login(fan)
    mine = _page(client, q="wait")
    assert 'aria-pressed="true"' in mine and 'name="favorite" value="0"' in mine
    assert 'name="next" value="/credentials/?q=wait"' in mine
    assert "\x00" not in mine
    # Every form on the page carries a token of this session (none left a stand-in).
    assert mine.count('name="csrfmiddlewaretoken" value="') == mine.count('<form method="post"')

    client.force_login(other)
    theirs = _page(client, q="wait")
    assert 'aria-pressed="false"' in theirs and 'aria-pressed="true"' not in theirs
    assert "\x00" not in theirs and 'name="next" value="/credentials/?q=wait"' in theirs

    Favorite.objects.create(user=other, credential=credential)
    assert 'aria-pressed="true"' in _page(client, q="wait")


def test_a_visitor_sees_no_favorite_button(client, learner_client):
    CredentialFactory(title="Wait Time", with_content=False)
    assert "favorite-form" in _page(learner_client)
    learner_client.logout()
    page = _page(learner_client, q="wait")
    assert "Wait Time" in page and "favorite-form" not in page


def test_kept_filters_are_blank_on_other_pages_and_a_sent_filter_shows_its_own(learner_client):
    for n in range(13):
        CredentialFactory(title=f"Design {n:02d}", with_content=False)
    blank = _page(learner_client)
    second = _page(learner_client, page=2)
    fields = blank[blank.index('<form method="get"') : blank.index("</form>")]
    assert fields == second[second.index('<form method="get"') : second.index("</form>")]
    searched = _page(learner_client, q="design 01")
    assert 'value="design 01"' in searched
    assert 'value="design 01"' not in _page(learner_client, page=2)


def test_a_quality_mark_written_without_a_save_still_shows(learner_client):
    """The key is made of what the card shows, so even an update that sends no
    signal gives the card a new key."""
    from django.utils import timezone

    from credentials.models import MicroCredential

    credential = CredentialFactory(title="Wait Time", with_content=False)
    assert "Quality reviewed against" not in _page(learner_client)
    MicroCredential.objects.filter(pk=credential.pk).update(
        quality_reviewed_at=timezone.now(), quality_framework="The Framework"
    )
    assert "Quality reviewed against The Framework" in _page(learner_client)
