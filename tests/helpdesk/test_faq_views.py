"""The help center: topics, answers with stable anchors, search, and the old addresses."""

import pytest
from django.urls import reverse

from helpdesk.models import FaqEntry, FaqTopic
from tests.helpdesk.factories import FaqEntryFactory, FaqTopicFactory, load_initial_answers

pytestmark = pytest.mark.django_db

HELP = reverse("helpdesk:center")


@pytest.fixture(autouse=True)
def _no_initial_answers(db):
    """Start from an empty FAQ, so each test sees only the answers it writes."""
    FaqEntry.objects.all().delete()
    FaqTopic.objects.all().delete()


@pytest.mark.parametrize("old", ["/faq/", "/support/"])
def test_old_help_addresses_lead_to_the_help_center(client, old):
    response = client.get(old)
    assert response.status_code == 302
    assert response["Location"] == HELP
    assert client.get(f"{old}?q=coupon")["Location"] == f"{HELP}?q=coupon"


def test_help_center_lists_the_topics_staff_wrote_and_hides_unpublished(client):
    topic = FaqTopicFactory(title="Lesson videos", slug="lesson-videos")
    FaqEntryFactory(topic=topic, question="How long may a video be?", slug="video-length")
    FaqEntryFactory(topic=topic, question="Secret draft question?", is_published=False)
    FaqTopicFactory(title="Hidden topic", is_published=False)
    html = client.get(HELP).content.decode()
    assert "Lesson videos" in html
    assert '/help/lesson-videos/#video-length"' in html
    assert "Secret draft question?" not in html
    assert "Hidden topic" not in html


def test_initial_answers_cover_every_topic_learners_ask_about(client):
    load_initial_answers()
    assert list(FaqTopic.objects.order_by("position").values_list("slug", flat=True)) == [
        "applying",
        "evidence-and-sharing",
        "payments-and-coupons",
        "refunds",
        "review-timeline",
        "resubmission",
        "badges",
    ]
    sharing = client.get(reverse("helpdesk:topic", args=["evidence-and-sharing"]))
    assert "Anyone with the link" in sharing.content.decode()
    timeline = client.get(reverse("helpdesk:topic", args=["review-timeline"])).content.decode()
    assert "14 business days" in timeline
    # Loading again (or after staff edits) changes nothing.
    FaqEntry.objects.filter(slug="receipts").update(answer="Edited by staff.")
    load_initial_answers()
    assert FaqEntry.objects.get(slug="receipts").answer == "Edited by staff."
    assert FaqTopic.objects.count() == 7


def test_topic_page_gives_each_answer_a_stable_anchor_and_renders_it_safely(client):
    topic = FaqTopicFactory(title="Payments", slug="pay")
    FaqEntryFactory(
        topic=topic,
        slug="coupon-codes",
        question="How do I use a coupon?",
        answer="Type it under **Have a coupon code?**\n\n<b>not bold</b>",
    )
    html = client.get(reverse("helpdesk:topic", args=["pay"])).content.decode()
    assert 'id="coupon-codes"' in html
    assert 'href="#coupon-codes"' in html
    assert "<strong>Have a coupon code?</strong>" in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html


def test_unknown_or_unpublished_topic_is_not_found(client):
    FaqTopicFactory(slug="hidden", is_published=False)
    assert client.get(reverse("helpdesk:topic", args=["hidden"])).status_code == 404
    assert client.get(reverse("helpdesk:topic", args=["nothing-here"])).status_code == 404


def test_answer_link_follows_an_answer_staff_moved_to_another_topic(client):
    entry = FaqEntryFactory(slug="refund-timing", topic=FaqTopicFactory(slug="old-topic"))
    url = reverse("helpdesk:answer", args=["refund-timing"])
    assert client.get(url)["Location"] == "/help/old-topic/#refund-timing"
    entry.topic = FaqTopicFactory(slug="new-topic")
    entry.save()
    assert client.get(url)["Location"] == "/help/new-topic/#refund-timing"


def test_answer_link_to_a_removed_answer_searches_for_its_words(client):
    response = client.get(reverse("helpdesk:answer", args=["long-gone-answer"]))
    assert response["Location"] == f"{HELP}?q=long+gone+answer"


def test_search_matches_questions_and_answers_case_insensitively(client):
    topic = FaqTopicFactory(title="Evidence")
    FaqEntryFactory(topic=topic, question="How do I share a Drive link?", answer="Use Share.")
    FaqEntryFactory(topic=topic, question="Which files?", answer="PDF files and Google DRIVE links")
    FaqEntryFactory(topic=topic, question="Refunds?", answer="Ask us.")
    response = client.get(HELP, {"q": "drive"})
    html = response.content.decode()
    assert "2 answers for “drive”" in html
    assert "How do I share a Drive link?" in html and "Which files?" in html
    results = html.split('id="results-heading"')[1].split('id="topics-heading"')[0]
    assert "Refunds?" not in results
    # The question's own words rank first.
    assert results.index("How do I share a Drive link?") < results.index("Which files?")


def test_search_needs_every_word(client):
    FaqEntryFactory(question="Coupon expired?", answer="Coupons have dates.")
    FaqEntryFactory(question="Coupon for another credential?", answer="Restricted codes.")
    html = client.get(HELP, {"q": "coupon expired"}).content.decode()
    assert "1 answer for “coupon expired”" in html


def test_search_with_no_match_offers_the_contact_form(client):
    html = client.get(HELP, {"q": "zebra"}).content.decode()
    assert "0 answers for “zebra”" in html
    assert reverse("helpdesk:contact") in html


def test_search_box_is_labelled_and_works_without_javascript(client):
    html = client.get(HELP).content.decode()
    assert '<form method="get" action="/help/"' in html
    assert 'role="search"' in html
    assert '<label for="id_q">Search the help center</label>' in html
    assert 'type="search"' in html
    assert "<script" not in html


@pytest.mark.parametrize("query", ["\x00", "a\x00b", "%" * 500, "' OR 1=1 --", "<script>"])
def test_crafted_search_never_fails(client, query):
    response = client.get(HELP, {"q": query})
    assert response.status_code in (200, 400)
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_too_long_a_search_says_so_beside_the_box_and_keeps_the_words(client):
    html = client.get(HELP, {"q": "refund " * 40}).content.decode()
    assert 'id="id_q_error"' in html
    assert "at most 200 characters" in html
    assert 'value="refund refund' in html


@pytest.mark.parametrize("size", [2, 12])
def test_help_center_query_count_is_flat(client, size, django_assert_max_num_queries):
    for _ in range(size):
        topic = FaqTopicFactory()
        FaqEntryFactory.create_batch(3, topic=topic)
    with django_assert_max_num_queries(3):
        assert client.get(HELP, {"q": "answer"}).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_topic_page_query_count_is_flat(client, size, django_assert_max_num_queries):
    topic = FaqTopicFactory(slug="big")
    FaqEntryFactory.create_batch(size, topic=topic)
    FaqTopicFactory.create_batch(size)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("helpdesk:topic", args=["big"])).status_code == 200
