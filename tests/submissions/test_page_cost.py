"""The application page and its background save: what they read and write.

The draft page is read on every visit and saved every few seconds while the
learner types, so its queries must not grow with the number of prompts,
files, links or earlier attempts, and a visit must not write anything when
nothing changed. Its fields are built in Python with the markup of the shared
field component and Django's widgets; the two are compared here.
"""

import re

import pytest
from django.db import connection
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from credentials.models import Part, Prompt
from submissions import html, selectors, services
from submissions.forms import ApplicationForm
from submissions.models import AttestationKind, Status
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import (
    ALL_ATTESTATIONS,
    ONE_QUERY_READS,
    add_evidence,
    complete_draft,
    page_data,
)

pytestmark = pytest.mark.django_db

# The draft page: session, user and the header's (3); the draft (with the
# credential's evidence requirements and rubric, the links of the learner's
# attempts and the further attempts staff allowed, and on PostgreSQL its
# answers with their prompts, files and links: elsewhere three queries more),
# and the pre-check panel. A resubmission also reads the decided feedback on
# its earlier attempt, until it is kept.
DRAFT_PAGE_QUERIES = 8
RESUBMISSION_PAGE_QUERIES = 9
# Session and user; one statement that claims the version and stores the
# changed answers.
AUTOSAVE_QUERIES = 3


def _draft(learner, prompts=0, files=0, links=0):
    credential = CredentialFactory()
    for position in range(prompts):
        Prompt.objects.create(
            credential=credential, part=Part.REFLECTION, position=10 + position, text="More?"
        )
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    add_evidence(draft, learner, files=files, links=links)
    draft.refresh_from_db()
    return draft


def _queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@ONE_QUERY_READS
def test_draft_page_queries_do_not_grow_with_prompts_files_and_links(
    learner_client, learner, django_assert_max_num_queries
):
    small = _draft(learner)
    with django_assert_max_num_queries(DRAFT_PAGE_QUERIES) as few:
        learner_client.get(small.get_absolute_url())
    large = _draft(learner, prompts=12, files=5, links=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = learner_client.get(large.get_absolute_url())
    assert page.content.decode().count('<textarea name="response_') == 16
    assert page.content.decode().count('name="remove_attachment"') == 5


def _deny_and_resubmit(learner, submission):
    services.submission_record_decision(submission_id=submission.pk, awarded=False, actor=None)
    submission.refresh_from_db()
    return services.submission_resubmit(submission=submission, actor=learner)


@ONE_QUERY_READS
def test_resubmission_draft_page_queries_do_not_grow_with_earlier_attempts(
    learner_client, learner, django_assert_max_num_queries
):
    credential = CredentialFactory()
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    complete_draft(draft, learner)
    first = services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    second = _deny_and_resubmit(learner, first)
    with django_assert_max_num_queries(RESUBMISSION_PAGE_QUERIES) as one_earlier:
        learner_client.get(second.get_absolute_url())
    latest = second
    for _ in range(2):
        complete_draft(latest, learner)
        latest = _deny_and_resubmit(
            learner,
            services.submission_submit(
                submission=latest, actor=learner, attestations=ALL_ATTESTATIONS
            ),
        )
    with django_assert_max_num_queries(len(one_earlier.captured_queries)):
        page = learner_client.get(latest.get_absolute_url())
    assert page.status_code == 200
    assert "This is a new attempt based on" in page.content.decode()


@ONE_QUERY_READS
def test_autosave_queries_do_not_grow_with_prompts(
    learner_client, learner, django_assert_max_num_queries
):
    sizes = []
    for prompts in (0, 12):
        draft = _draft(learner, prompts=prompts)
        data = page_data(draft, text="")
        first = next(k for k in data if k.startswith("response_"))
        data[first] = "Typed while the page was open."
        url = reverse("submissions:autosave", kwargs={"uuid": draft.uuid})
        with django_assert_max_num_queries(AUTOSAVE_QUERIES) as saved:
            assert learner_client.post(url, data).json()["ok"] is True
        sizes.append(len(saved.captured_queries))
        assert draft.responses.filter(text="Typed while the page was open.").count() == 1
    assert sizes[0] == sizes[1]


def test_a_visit_writes_nothing_when_no_prompt_changed(learner_client, learner):
    draft = _draft(learner)
    learner_client.get(draft.get_absolute_url())
    statements = _queries(learner_client, "get", draft.get_absolute_url())
    writes = [s for s in statements if re.match(r"(INSERT|UPDATE|DELETE|SAVEPOINT)", s)]
    assert writes == []


def test_prompt_edits_reach_the_open_draft_on_the_next_visit(learner_client, learner):
    draft = _draft(learner)
    credential = draft.credential
    learner_client.get(draft.get_absolute_url())
    edited = credential.prompts.get(part=Part.OVERVIEW, position=1)
    edited.text = "Describe your school."
    edited.word_limit = 80
    edited.save()
    Prompt.objects.create(credential=credential, part=Part.IMPACT, position=5, text="New one?")
    credential.prompts.get(part=Part.REFLECTION, position=1).delete()

    page = learner_client.get(draft.get_absolute_url()).content.decode()

    assert "Describe your school." in page and "of 80 words" in page
    assert "New one?" in page
    assert "What did you learn?" not in page  # its answer was empty, so it went
    texts = set(draft.responses.values_list("prompt_text", flat=True))
    assert {"Describe your school.", "New one?"} <= texts
    assert "What did you learn?" not in texts


def test_an_answer_to_a_deleted_prompt_stays_when_the_learner_wrote_it(learner_client, learner):
    draft = _draft(learner)
    response = draft.responses.get(part=Part.REFLECTION)
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(answers={response.pk: "I learned a lot."}),
    )
    Prompt.objects.filter(pk=response.prompt_id).delete()
    page = learner_client.get(draft.get_absolute_url()).content.decode()
    assert "I learned a lot." in page


def _markup(text: str) -> str:
    """Markup with runs of white space made one space, none between tags."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(text))).strip()


@pytest.mark.parametrize("bound", [False, True], ids=["loaded", "saved with errors"])
def test_fields_are_built_like_the_shared_component_and_django_widgets(learner, bound):
    draft = _deny_and_resubmit(
        learner,
        services.submission_submit(
            submission=complete_draft(
                services.submission_apply(learner=learner, credential=CredentialFactory())[0],
                learner,
            ),
            actor=learner,
            attestations=ALL_ATTESTATIONS,
        ),
    )
    data = None
    if bound:
        data = page_data(
            draft,
            text="bad \x00 answer",
            link_url="not an address",
            file_requirement="",
            attest_ready="on",
            collaborators="x" * 5001,
            resubmission_note="What I changed.",
        )
    ours = ApplicationForm(data, initial={"version": draft.version}, submission=draft)
    django = ApplicationForm(
        data,
        initial={"version": draft.version},
        submission=draft,
        renderer=get_default_renderer(),
    )
    if bound:
        ours.is_valid(), django.is_valid()
        assert ours.errors
    for name in ours.fields:
        if name.startswith("response_"):
            continue
        assert _markup(ours[name]) == _markup(django[name]), name
        expected = render_to_string("components/field.html", {"field": django[name]})
        assert _markup(html.field_html(ours[name])) == _markup(expected), name


FIXED_FIELDS = ["files", "link_title", "link_url", *(f"attest_{k.value}" for k in AttestationKind)]


def test_fixed_fields_are_kept_per_language_and_only_while_the_form_is_not_bound(learner):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    kept = {}
    for language in ("en", "es"):
        with translation.override(language):
            loaded = ApplicationForm(initial={"version": draft.version}, submission=draft)
            kept[language] = {n: html.fixed_field_html(loaded[n]) for n in FIXED_FIELDS}
            again = ApplicationForm(initial={"version": draft.version}, submission=draft)
            for name in FIXED_FIELDS:
                assert html.fixed_field_html(again[name]) == kept[language][name]
                assert kept[language][name] == html.field_html(again[name]), name
            posted = ApplicationForm(
                page_data(
                    draft, link_title="My clip", link_url="not an address", attest_ready="on"
                ),
                submission=draft,
            )
            posted.is_valid()
            for name in FIXED_FIELDS:
                assert html.fixed_field_html(posted[name]) == html.field_html(posted[name]), name
            assert 'value="My clip"' in html.fixed_field_html(posted["link_title"])
            assert "checked" in html.fixed_field_html(posted["attest_ready"])
            assert "error-text" in html.fixed_field_html(posted["link_url"])
    assert kept["en"]["link_title"] != kept["es"]["link_title"]


def _content(submission):
    previous = submission.previous
    return {
        "submission": vars_of(submission),
        "credential": vars_of(submission.credential),
        "organization": vars_of(submission.credential.organization),
        "previous": vars_of(previous) if previous else None,
        "next of previous": previous.next_attempt is submission if previous else None,
        "learner": vars_of(submission.learner),
        "counts": (submission.prompt_count, submission.extra_attempts),
        "attempt": selectors.attempt_number(submission),
        "responses": [
            (vars_of(r), vars_of(r.prompt) if r.prompt else None, r.submission is submission)
            for r in submission.responses.all()
        ],
        "attachments": [
            (vars_of(a), a.submission is submission) for a in submission.attachments.all()
        ],
        "links": [(vars_of(x), x.submission is submission) for x in submission.links.all()],
        "requirements": [vars_of(r) for r in submission.credential.evidence_requirements.all()],
        "criteria": [vars_of(c) for c in submission.credential.rubric_criteria.all()],
    }


def vars_of(instance):
    """A row's stored values with their Python types, as a query gives them."""
    return {
        f.attname: (type(getattr(instance, f.attname)), getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
    }


def _read_joined(draft, learner):
    """The page's read as on a database without JSON: joins and prefetches."""
    submission = selectors._page_queryset("other").get(uuid=draft.uuid, learner=learner)
    return selectors.draft_page_content(submission)


@ONE_QUERY_READS
@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_the_draft_read_in_one_query_is_what_joins_and_prefetches_read(
    learner, attempt, django_assert_num_queries
):
    draft = _draft(learner, prompts=2, files=2, links=2)
    _draft(learner)  # another application of hers, not in the chain
    for _ in range(attempt - 1):
        complete_draft(draft, learner)
        submitted = services.submission_submit(
            submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
        )
        draft = _deny_and_resubmit(learner, submitted)
    Prompt.objects.filter(credential=draft.credential).first().delete()  # an answer without one
    with django_assert_num_queries(1):
        one = selectors.submission_page_for_learner(uuid=draft.uuid, learner=learner)
        selectors.draft_page_content(one)
        read_once = _content(one)
    assert read_once == _content(_read_joined(draft, learner))
    assert len(read_once["responses"]) >= 5 and len(read_once["attachments"]) >= 2
    assert any(prompt is None for _, prompt, _ in read_once["responses"])
    assert (read_once["previous"] is None) == (attempt == 1)
    assert read_once["attempt"] == attempt


@ONE_QUERY_READS
def test_a_submitted_application_is_read_without_its_draft_content(learner):
    draft = _draft(learner)
    draft.status = Status.IN_REVIEW
    draft.save()
    read = selectors.submission_page_for_learner(uuid=draft.uuid, learner=learner)
    assert read.response_rows is None and read.attachment_rows is None


@pytest.mark.parametrize("status", [Status.DRAFT, Status.INCOMPLETE])
def test_the_status_badge_is_the_shared_component(learner, status):
    draft = _draft(learner)
    draft.status = status
    expected = render_to_string(
        "components/status_badge.html",
        {"status": draft.status, "label": draft.get_status_display()},
    )
    assert html.status_badge(draft) == expected.strip()
