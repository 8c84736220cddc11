"""Catalog search finds credentials by their topics and skills, as the box promises."""

import pytest
from django.urls import reverse

from credentials.selectors import credential_list
from tests.credentials.factories import CredentialFactory, TopicFactory

pytestmark = pytest.mark.django_db

CATALOG = reverse("credentials:catalog")


@pytest.fixture
def catalog():
    literacy = TopicFactory(name="Literacy")
    stem = TopicFactory(name="STEM")
    reading = CredentialFactory(
        title="Close Reading of Complex Texts",
        summary="Guide students through demanding texts.",
        competency="The educator plans text-dependent questions.",
        key_method="Annotated rereading.",
    )
    reading.topics.set([literacy])
    maths = CredentialFactory(
        title="Productive Mathematics Discussions",
        summary="Orchestrate whole-class talk.",
        competency="The educator orchestrates discussions.",
        key_method="The five practices.",
        method_components="Anticipate, monitor, select, sequence, connect.",
    )
    maths.topics.set([stem, literacy])
    return {"reading": reading, "maths": maths}


def titles(search: str) -> list[str]:
    return [c.title for c in credential_list(search=search)]


def test_search_finds_credentials_by_topic_name_in_any_case(catalog):
    assert titles("literacy") == [
        "Close Reading of Complex Texts",
        "Productive Mathematics Discussions",
    ]
    assert titles("STEM") == ["Productive Mathematics Discussions"]
    assert titles("stem") == ["Productive Mathematics Discussions"]


def test_search_finds_credentials_by_skill(catalog):
    assert titles("rereading") == ["Close Reading of Complex Texts"]
    assert titles("sequence") == ["Productive Mathematics Discussions"]


def test_each_word_narrows_across_topics_and_text(catalog):
    assert titles("literacy discussions") == ["Productive Mathematics Discussions"]
    assert titles("stem rereading") == []


def test_a_credential_with_several_matching_topics_is_listed_once(catalog):
    TopicFactory(name="Literacy coaching").credentials.add(catalog["maths"])

    assert titles("literacy") == [
        "Close Reading of Complex Texts",
        "Productive Mathematics Discussions",
    ]


def test_catalog_page_shows_topic_matches(client, catalog):
    html = client.get(CATALOG, {"q": "STEM"}).content.decode()

    assert "1 credential matches your search." in html
    assert "Productive Mathematics Discussions" in html
    assert "Close Reading of Complex Texts" not in html


def _many(n: int):
    topics = [TopicFactory(name=f"Literacy strand {i}") for i in range(3)]
    for i in range(n):
        CredentialFactory(with_content=False).topics.set(topics[: 1 + i % 3])


@pytest.mark.parametrize("size", [5, 50])
def test_topic_search_query_count_is_flat(client, size, django_assert_max_num_queries):
    _many(size)

    with django_assert_max_num_queries(6):
        response = client.get(CATALOG, {"q": "literacy strand"})
    assert response.status_code == 200
    assert f"{size} credentials match" in response.content.decode()
