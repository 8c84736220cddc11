import re

import pytest
from django.urls import reverse

from credentials.models import Favorite
from tests.credentials.factories import CredentialFactory, OrganizationFactory, TopicFactory

pytestmark = pytest.mark.django_db

CATALOG = reverse("credentials:catalog")


def text_of(response) -> str:
    """The page as a screen reader would read it: tags removed, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def detail_url(credential):
    return reverse("credentials:detail", kwargs={"slug": credential.slug})


def favorite_url(credential):
    return reverse("credentials:favorite", kwargs={"slug": credential.slug})


# Catalog


def test_catalog_cards_show_what_a_visitor_needs_to_choose(client):
    topic = TopicFactory(name="Formative Assessment")
    org = OrganizationFactory(name="Riverside Unified School District")
    credential = CredentialFactory(
        title="Checking for Understanding",
        summary="Quick checks during a lesson.",
        organization=org,
        fee_cents=12500,
        estimated_hours=12,
        with_content=False,
    )
    credential.topics.set([topic])
    CredentialFactory(title="Free One", fee_cents=0, estimated_hours=1, with_content=False)

    response = client.get(CATALOG)

    assert response.status_code == 200
    page = text_of(response)
    assert "2 credentials" in page
    assert f'href="{detail_url(credential)}"' in response.content.decode()
    for expected in (
        "Checking for Understanding",
        "Riverside Unified School District",
        "Quick checks during a lesson.",
        "Formative Assessment",
        "$125.00",
        "about 12 hours",
        "Free",
        "about 1 hour",
    ):
        assert expected in page


def test_catalog_hides_unpublished_credentials(client):
    CredentialFactory(title="Live credential", with_content=False)
    CredentialFactory(title="Secret draft", is_published=False, with_content=False)

    page = text_of(client.get(CATALOG))

    assert "Live credential" in page
    assert "Secret draft" not in page
    assert "1 credential" in page


def test_catalog_search_and_filter_form_has_labelled_fields(client):
    CredentialFactory(with_content=False)

    html = client.get(CATALOG).content.decode()

    assert 'method="get"' in html
    for name, label in (("q", "Search"), ("org", "Organization"), ("topic", "Topic")):
        assert f'<label for="id_{name}">{label}</label>' in html
        assert f'name="{name}"' in html


def test_catalog_search_and_filters_narrow_the_results(client):
    literacy = TopicFactory(name="Literacy")
    cte = OrganizationFactory(name="Center for Teaching Excellence")
    reading = CredentialFactory(title="Close Reading", organization=cte, with_content=False)
    reading.topics.set([literacy])
    CredentialFactory(title="Math Talk", organization=cte, with_content=False)
    CredentialFactory(title="Reading Circles", with_content=False)

    page = text_of(client.get(CATALOG, {"q": "reading", "org": cte.slug, "topic": "literacy"}))

    assert "Close Reading" in page
    assert "Math Talk" not in page
    assert "Reading Circles" not in page
    assert "1 credential matches your search" in page


def test_unknown_filter_values_do_not_break_the_catalog(client):
    CredentialFactory(title="Close Reading", with_content=False)

    response = client.get(CATALOG, {"org": "gone", "topic": "nope", "page": "999"})

    assert response.status_code == 200
    assert "Close Reading" in text_of(response)


def test_pagination_shows_twelve_per_page_and_keeps_the_filters(client):
    topic = TopicFactory(name="STEM")
    for n in range(15):
        credential = CredentialFactory(title=f"Design {n:02d}", with_content=False)
        credential.topics.set([topic])
    CredentialFactory(title="Unrelated", with_content=False)

    first = client.get(CATALOG, {"q": "design", "topic": "stem"})
    html = first.content.decode()

    assert len(first.context["credentials"]) == 12
    assert "15 credentials match your search" in text_of(first)
    assert 'href="?q=design&amp;topic=stem&amp;page=2"' in html

    second = client.get(CATALOG, {"q": "design", "topic": "stem", "page": 2})
    assert [c.title for c in second.context["credentials"]] == [
        "Design 12",
        "Design 13",
        "Design 14",
    ]
    assert 'href="?q=design&amp;topic=stem&amp;page=1"' in second.content.decode()


def test_signed_in_visitors_see_a_favorite_toggle_per_card(learner_client, learner):
    favorite = CredentialFactory(title="Loved", with_content=False)
    CredentialFactory(title="Other", with_content=False)
    Favorite.objects.create(user=learner, credential=favorite)

    response = learner_client.get(CATALOG)
    html = response.content.decode()
    page = text_of(response)

    assert "Remove Loved from favorites" in page
    assert "Add Other to favorites" in page
    assert html.count('aria-pressed="true"') == 1
    assert html.count('aria-pressed="false"') == 1
    assert html.count("csrfmiddlewaretoken") >= 2


def test_anonymous_visitors_see_no_favorite_toggle(client):
    CredentialFactory(title="Loved", with_content=False)

    html = client.get(CATALOG).content.decode()

    assert "to favorites" not in html
    assert "aria-pressed" not in html


def _catalog_with(n: int, user=None):
    topics = [TopicFactory(name=f"Topic {i}") for i in range(3)]
    for i in range(n):
        credential = CredentialFactory(with_content=False)
        credential.topics.set(topics[: 1 + i % 3])
        if user is not None and i % 2:
            Favorite.objects.create(user=user, credential=credential)


@pytest.mark.parametrize("size", [5, 50])
def test_catalog_query_count_is_flat_for_anonymous(client, size, django_assert_max_num_queries):
    _catalog_with(size)

    with django_assert_max_num_queries(6):
        response = client.get(CATALOG, {"topic": "topic-0"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 50])
def test_catalog_query_count_is_flat_when_signed_in(
    learner_client, learner, size, django_assert_max_num_queries
):
    _catalog_with(size, user=learner)

    # 10: one of them reads the published stacks' members for the progress on cards.
    with django_assert_max_num_queries(10):
        response = learner_client.get(CATALOG, {"q": "formative"})
    assert response.status_code == 200
    assert "from favorites" in text_of(response)


# Details and printable pages


def test_details_page_shows_everything_needed_to_apply(client):
    credential = CredentialFactory(
        title="Checking for Understanding",
        overview="Why it matters.",
        competency="The educator adjusts instruction.",
        key_method="Hinge questions.",
        method_components="Plan the question.\nCollect responses.",
        research="Wiliam (2011).",
        evidence_instructions="Blur student faces.",
        fee_cents=15000,
        resubmission_fee_cents=7500,
        estimated_hours=20,
    )

    response = client.get(detail_url(credential))

    assert response.status_code == 200
    page = text_of(response)
    for expected in (
        "Why it matters.",
        "The educator adjusts instruction.",
        "Hinge questions.",
        "Research and resources",
        "Wiliam (2011).",
        "Blur student faces.",
        "Lesson plan",
        credential.organization.name,
        "$150.00",
        "$75.00",
        "about 20 hours",
    ):
        assert expected in page
    assert "Plan the question.<br>Collect responses." in response.content.decode()


def test_details_page_lists_every_prompt_by_part_with_word_limits(client):
    credential = CredentialFactory()

    page = text_of(client.get(detail_url(credential)))

    for heading in ("Part 1: Overview", "Part 2: Evidence", "Part 3: Reflection", "Part 4"):
        assert heading in page
    assert "Describe your teaching context. Up to 50 words" in page
    assert "Anything else we should know? Up to 30 words optional" in page
    assert "What did you learn? Up to 40 words" in page
    assert "What was the impact on students? Up to 40 words" in page
    assert page.index("Part 1: Overview") < page.index("Part 3: Reflection")


def test_details_page_shows_the_rubric_as_a_table(client):
    credential = CredentialFactory()

    html = client.get(detail_url(credential)).content.decode()

    assert "<table>" in html
    assert '<th scope="row">Context</th>' in html
    assert "Clear context." in html
    assert '<th scope="row">Reflection</th>' in html


def test_anonymous_visitor_is_invited_to_log_in_to_apply(client):
    credential = CredentialFactory(with_content=False)

    response = client.get(detail_url(credential))
    html = response.content.decode()

    assert "Log in to apply" in html
    login = reverse("account_login")
    assert f'href="{login}?next={detail_url(credential)}"' in html
    assert reverse("submissions:apply", kwargs={"slug": credential.slug}) not in html


def test_signed_in_learner_gets_an_apply_form(learner_client):
    credential = CredentialFactory(with_content=False)

    html = learner_client.get(detail_url(credential)).content.decode()

    apply_url = reverse("submissions:apply", kwargs={"slug": credential.slug})
    assert re.search(rf'<form method="post" action="{apply_url}">\s*<input type="hidden"', html)
    assert "Log in to apply" not in html
    assert "to favorites" in html
    # Log out, the language switcher, Apply and the favorite toggle each carry a CSRF token.
    assert html.count("csrfmiddlewaretoken") == 4


def test_details_page_links_to_the_printable_version(client):
    credential = CredentialFactory(with_content=False)

    html = client.get(detail_url(credential)).content.decode()

    assert reverse("credentials:print", kwargs={"slug": credential.slug}) in html
    assert "View printable version" in html


@pytest.mark.parametrize("page", ["credentials:detail", "credentials:print"])
def test_unpublished_credential_is_not_found_for_the_public_and_learners(
    client, learner_client, page
):
    credential = CredentialFactory(is_published=False, with_content=False)
    url = reverse(page, kwargs={"slug": credential.slug})

    assert client.get(url).status_code == 404
    assert learner_client.get(url).status_code == 404


def test_staff_can_preview_an_unpublished_credential(staff_client):
    credential = CredentialFactory(title="Coming Soon", is_published=False)

    response = staff_client.get(detail_url(credential))

    assert response.status_code == 200
    page = text_of(response)
    assert "Unpublished preview" in page
    assert "Coming Soon" in page
    assert "Describe your teaching context." in page
    assert reverse("submissions:apply", kwargs={"slug": credential.slug}) not in page


def test_unknown_credential_is_not_found(client):
    assert client.get("/credentials/no-such-thing/").status_code == 404


def test_printable_page_has_the_content_without_navigation(client):
    credential = CredentialFactory(fee_cents=7500)

    response = client.get(reverse("credentials:print", kwargs={"slug": credential.slug}))
    html = response.content.decode()

    assert response.status_code == 200
    assert 'aria-label="Main"' not in html
    assert ">Print</button>" in html
    assert 'class="row no-print"' in html
    page = text_of(response)
    assert "Describe your teaching context. Up to 50 words" in page
    assert "Clear context." in page
    assert "$75.00" in page


def test_staff_text_is_escaped_not_executed(client):
    credential = CredentialFactory(
        summary="<script>alert('x')</script>",
        competency="<img src=x onerror=alert(1)>",
        research="See <b>this</b> https://example.org/paper",
    )

    html = client.get(detail_url(credential)).content.decode()
    catalog_html = client.get(CATALOG).content.decode()

    for page in (html, catalog_html):
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<img src=x" not in html
    assert "&lt;b&gt;this&lt;/b&gt;" in html
    assert '<a href="https://example.org/paper" rel="nofollow">' in html


# Favorites


def test_favorite_toggle_on_and_off_returns_to_the_page(learner_client, learner):
    credential = CredentialFactory(title="Loved", with_content=False)

    response = learner_client.post(favorite_url(credential), {"next": "/credentials/?q=lov"})
    assert response.status_code == 302
    assert response.url == "/credentials/?q=lov"
    assert Favorite.objects.filter(user=learner, credential=credential).exists()

    followed = learner_client.get(detail_url(credential))
    assert "Remove Loved from favorites" in text_of(followed)
    assert 'aria-pressed="true"' in followed.content.decode()

    response = learner_client.post(favorite_url(credential), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(credential)
    assert "Removed “Loved” from your favorites." in text_of(response)
    assert not Favorite.objects.exists()


def test_posting_the_wanted_state_twice_does_not_undo_it(learner_client, learner):
    """A double click on "Add" leaves the credential a favorite."""
    credential = CredentialFactory(with_content=False)

    learner_client.post(favorite_url(credential), {"favorite": "1"})
    learner_client.post(favorite_url(credential), {"favorite": "1"})

    assert Favorite.objects.filter(user=learner, credential=credential).count() == 1


def test_favorite_ignores_an_offsite_next(learner_client):
    credential = CredentialFactory(with_content=False)

    response = learner_client.post(favorite_url(credential), {"next": "https://evil.example/"})

    assert response.url == detail_url(credential)


def test_anonymous_favorite_redirects_to_login_and_changes_nothing(client):
    credential = CredentialFactory(with_content=False)

    response = client.post(favorite_url(credential))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert f"next={detail_url(credential)}" in response.url
    assert not Favorite.objects.exists()


def test_favorite_does_not_answer_get(learner_client):
    credential = CredentialFactory(with_content=False)

    assert learner_client.get(favorite_url(credential)).status_code == 405
    assert not Favorite.objects.exists()


def test_learner_cannot_favorite_an_unpublished_credential(learner_client):
    credential = CredentialFactory(is_published=False, with_content=False)

    assert learner_client.post(favorite_url(credential)).status_code == 404
    assert not Favorite.objects.exists()


def test_details_say_whose_favorite_it_is_within_eight_queries(
    learner_client, learner, other_learner, django_assert_max_num_queries
):
    """The favorite toggle is read with the credential itself: the details page
    of a signed-in learner stays within the eight queries every page keeps to,
    plus the session row, which production reads from Redis."""
    credential = CredentialFactory(title="Loved")
    Favorite.objects.create(user=other_learner, credential=credential)
    learner_client.get(detail_url(credential))  # sessions and caches warmed

    with django_assert_max_num_queries(8 + 1):
        page = learner_client.get(detail_url(credential))
    assert "Add Loved to favorites" in text_of(page)  # another learner's favorite is not hers

    Favorite.objects.create(user=learner, credential=credential)
    with django_assert_max_num_queries(8 + 1):
        page = learner_client.get(detail_url(credential))
    assert "Remove Loved from favorites" in text_of(page)
