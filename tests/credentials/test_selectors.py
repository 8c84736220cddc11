from datetime import timedelta

import pytest
from django.utils import timezone

from credentials import selectors
from credentials.models import Favorite, MicroCredential, Part
from tests.credentials.factories import CredentialFactory, OrganizationFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(qs):
    return [c.title for c in qs]


def test_catalog_lists_published_credentials_only():
    CredentialFactory(title="Visible", with_content=False)
    CredentialFactory(title="Hidden draft", is_published=False, with_content=False)

    assert titles(selectors.credential_list()) == ["Visible"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("hinge", ["Hinge Questions"]),  # title
        ("WHITEBOARDS", ["Hinge Questions"]),  # summary, any case
        ("restorative", ["Circles"]),  # competency
        ("riverside", ["Circles"]),  # organization name
        ("circles restorative", ["Circles"]),  # every word must match somewhere
        ("circles hinge", []),
        ("", ["Circles", "Hinge Questions"]),
    ],
)
def test_search_looks_in_title_summary_competency_and_organization(search, expected):
    cte = OrganizationFactory(name="Center for Teaching Excellence")
    riverside = OrganizationFactory(name="Riverside Unified")
    CredentialFactory(
        title="Hinge Questions",
        summary="Quick checks with mini whiteboards.",
        competency="Adjusts instruction.",
        organization=cte,
        with_content=False,
    )
    CredentialFactory(
        title="Circles",
        summary="Community building.",
        competency="Uses restorative practice.",
        organization=riverside,
        with_content=False,
    )

    assert titles(selectors.credential_list(search=search)) == expected


def test_filters_by_organization_and_topic_slug():
    literacy = TopicFactory(name="Literacy")
    stem = TopicFactory(name="STEM")
    cte = OrganizationFactory(name="Center for Teaching Excellence")
    riverside = OrganizationFactory(name="Riverside Unified")
    a = CredentialFactory(title="Close Reading", organization=cte, with_content=False)
    a.topics.set([literacy])
    b = CredentialFactory(title="Math Talk", organization=cte, with_content=False)
    b.topics.set([stem, literacy])
    c = CredentialFactory(title="Engineering", organization=riverside, with_content=False)
    c.topics.set([stem])

    assert titles(selectors.credential_list(organization_slug=cte.slug)) == [
        "Close Reading",
        "Math Talk",
    ]
    assert titles(selectors.credential_list(topic_slug="stem")) == ["Engineering", "Math Talk"]
    assert titles(
        selectors.credential_list(organization_slug=riverside.slug, topic_slug="stem")
    ) == ["Engineering"]
    assert titles(selectors.credential_list(topic_slug="no-such-topic")) == []


def test_get_published_hides_unpublished_unless_asked():
    draft = CredentialFactory(is_published=False, with_content=False)

    with pytest.raises(MicroCredential.DoesNotExist):
        selectors.credential_get_published(slug=draft.slug)
    assert selectors.credential_get_published(slug=draft.slug, include_unpublished=True) == draft


def test_parts_group_prompts_and_evidence_in_order(django_assert_num_queries):
    credential = CredentialFactory()
    loaded = selectors.credential_get_published(slug=credential.slug)

    with django_assert_num_queries(0):
        parts = selectors.credential_parts(loaded)

    assert [p.number for p in parts] == [Part.OVERVIEW, Part.EVIDENCE, Part.REFLECTION, Part.IMPACT]
    assert [p.text for p in parts[0].prompts] == [
        "Describe your teaching context.",
        "Anything else we should know?",
    ]
    assert [r.title for r in parts[1].requirements] == ["Lesson plan"]
    assert parts[1].is_evidence


def test_favorite_list_is_the_users_published_favorites_newest_first(learner, other_learner):
    first = CredentialFactory(title="First", with_content=False)
    second = CredentialFactory(title="Second", with_content=False)
    unpublished = CredentialFactory(title="Withdrawn", is_published=False, with_content=False)
    CredentialFactory(title="Not a favorite", with_content=False)
    now = timezone.now()
    Favorite.objects.create(user=learner, credential=first)
    Favorite.objects.create(user=learner, credential=second)
    Favorite.objects.create(user=learner, credential=unpublished)
    Favorite.objects.create(user=other_learner, credential=first)
    Favorite.objects.filter(credential=first).update(created_at=now - timedelta(days=1))
    Favorite.objects.filter(credential=second).update(created_at=now)

    favorites = list(selectors.favorite_list(user=learner))

    assert titles(favorites) == ["Second", "First"]
    assert favorites[0].organization.name  # joined, not a further query


def test_favorite_ids_is_empty_for_anonymous_without_a_query(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert selectors.favorite_ids(user=AnonymousUser()) == set()


def test_filter_choices_only_offer_what_has_published_credentials():
    used = TopicFactory(name="Literacy")
    TopicFactory(name="Unused")
    draft_only = OrganizationFactory(name="Draft Org")
    live = CredentialFactory(with_content=False)
    live.topics.set([used])
    CredentialFactory(organization=draft_only, is_published=False, with_content=False)

    assert [t.name for t in selectors.topic_list()] == ["Literacy"]
    assert [o.name for o in selectors.organization_list()] == [live.organization.name]
