"""A new learner finds a free credential, signs up, applies, saves drafts and submits.

Every control is reached by its role and accessible name, so the journey also
proves the labels exist.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from submissions import services
from submissions.models import Status, Submission
from tests.accounts.factories import PASSWORD, UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.e2e.helpers import sign_in as _sign_in
from tests.submissions.factories import PDF_BYTES

TITLE = "Formative Assessment in Practice"
OTHER_TITLE = "Classroom Discourse"
EMAIL = "new.learner@example.org"

CONTEXT_PROMPT = "Describe your teaching context."
OPTIONAL_PROMPT = "Anything else we should know?"
REFLECTION_PROMPT = "What did you learn?"
IMPACT_PROMPT = "What was the impact on students?"

SENTENCE = "I teach grade seven science in a rural public school."  # 10 words
TOO_LONG = " ".join([SENTENCE] * 6)  # 60 words, over the 50-word limit
CONTEXT = f"{SENTENCE} Most of my students are English learners."  # 17 words
OPTIONAL = "I co-teach one section with a special education teacher."
REFLECTION = "Short exit tickets told me which students needed another example the next day."
IMPACT = "More students could explain their reasoning on the unit test than last year."

ATTESTATIONS = [
    "This application is complete and ready for review.",
    "My evidence contains no personally identifiable student information",
    "This is my original work, and I have stated any collaboration with others.",
]


@pytest.fixture
def credentials(live_url):
    """A free credential with prompts, evidence and rubric, and a second one for the catalog."""
    issuer = OrganizationFactory(name="Northfield Teaching Institute", slug="northfield")
    applied = CredentialFactory(
        title=TITLE, slug="formative-assessment-in-practice", organization=issuer
    )
    CredentialFactory(
        title=OTHER_TITLE,
        organization=issuer,
        slug="classroom-discourse",
        summary="Lead discussions where every student talks about the content.",
        overview="Educators plan and run a whole-class discussion.",
        competency="The educator structures discussions so that every student takes part.",
        key_method="Talk moves and discussion protocols.",
        research="Michaels & O'Connor (2012), Talk Science Primer.",
        evidence_instructions="Upload a discussion plan and a transcript excerpt.",
        with_content=False,
    )
    return applied


@pytest.fixture
def check_accessible(assert_accessible):
    """``check_accessible(where)`` fails on serious/critical axe violations."""
    return assert_accessible


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "lesson-plan.pdf"
    path.write_bytes(PDF_BYTES)
    return path


def _word_counter(page: Page, prompt: str):
    """The live word count shown under a prompt (the textarea's description)."""
    counter_id = page.get_by_label(prompt).get_attribute("id") + "_count"
    return page.locator(f"[id='{counter_id}']")


def test_new_learner_signs_up_and_submits_a_free_application(
    page: Page, live_url, credentials, pdf_file, check_accessible, screenshot
):
    # The catalog lists both credentials; searching narrows it to one.
    page.goto(f"{live_url}/credentials/")
    expect(page.get_by_role("heading", level=1, name="Micro-credentials")).to_be_visible()
    expect(page.get_by_text("2 credentials.")).to_be_visible()
    expect(page.get_by_role("link", name=OTHER_TITLE)).to_be_visible()
    check_accessible("the catalog")
    screenshot(page, "catalog")

    search = page.get_by_role("search", name="Find credentials")
    search.get_by_label("Search").fill("formative")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/credentials/\?q=formative"))
    expect(page.get_by_text("1 credential matches your search.")).to_be_visible()
    expect(page.get_by_role("link", name=OTHER_TITLE)).to_have_count(0)

    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(rf"/credentials/{credentials.slug}/$"))
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    check_accessible("the credential details page")
    screenshot(page, "details")

    # Not signed in: log in, then take the sign-up link on the login page.
    page.get_by_role("link", name="Log in to apply").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("heading", level=1, name="Sign In")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="sign up", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Sign Up")).to_be_visible()
    page.get_by_label("Email (required)", exact=True).fill(EMAIL)
    page.get_by_label("Password (required)", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again) (required)", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    # Back on the details page, now signed in.
    expect(page).to_have_url(re.compile(rf"/credentials/{credentials.slug}/$"))
    expect(page.get_by_role("button", name=re.compile(r"^Log out"))).to_be_visible()
    page.get_by_role("button", name="Apply", exact=True).click()

    expect(page).to_have_url(re.compile(r"/applications/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1, name=f"Application: {TITLE}")).to_be_visible()
    application_url = page.url
    draft = Submission.objects.get(learner__email=EMAIL)
    assert draft.status == Status.DRAFT
    check_accessible("the application page")

    # An answer over its limit: the live counter flags it as it is typed.
    context_box = page.get_by_label(CONTEXT_PROMPT)
    counter = _word_counter(page, CONTEXT_PROMPT)
    expect(counter).to_have_text(re.compile(r"^\s*0 of 50 words\s*$"))
    context_box.fill(TOO_LONG)
    expect(counter).to_have_text(re.compile(r"^\s*60 of 50 words\s*$"))
    expect(counter).to_have_class(re.compile(r"\bover\b"))
    expect(context_box).to_have_attribute("aria-invalid", "true")

    # Saving keeps the text and explains the problem next to the prompt.
    page.get_by_role("button", name="Save draft").click()
    expect(
        page.get_by_role("alert").filter(has_text="Some items need your attention")
    ).to_be_visible()
    expect(page).to_have_url(application_url)
    context_box = page.get_by_label(CONTEXT_PROMPT)
    expect(context_box).to_have_value(TOO_LONG)
    error = "This answer has 60 words; the limit is 50."
    field = page.locator(".field").filter(has=context_box)
    expect(field.get_by_role("alert")).to_contain_text(error)
    expect(context_box).to_have_accessible_description(re.compile(re.escape(error)))
    check_accessible("the application page showing a word-limit error")

    # Fix it, answer the rest, attach the lesson plan and save again.
    context_box.fill(CONTEXT)
    expect(_word_counter(page, CONTEXT_PROMPT)).to_have_text(re.compile(r"^\s*17 of 50 words\s*$"))
    expect(_word_counter(page, CONTEXT_PROMPT)).not_to_have_class(re.compile(r"\bover\b"))
    page.get_by_label(OPTIONAL_PROMPT).fill(OPTIONAL)
    page.get_by_label(REFLECTION_PROMPT).fill(REFLECTION)
    page.get_by_label(IMPACT_PROMPT).fill(IMPACT)
    page.get_by_label("Add files").set_input_files(pdf_file)
    page.get_by_label("These files are evidence for").select_option(label="Lesson plan")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("status").filter(has_text="Draft saved at")).to_be_visible()
    expect(page).to_have_url(application_url)
    expect(page.get_by_text(error)).to_have_count(0)
    files = page.get_by_role("table", name="Uploaded files")
    expect(
        files.get_by_role("row", name=re.compile(r"lesson-plan\.pdf.*Lesson plan"))
    ).to_be_visible()
    # The save bar sticks to the bottom of the viewport; a full-page picture would
    # show it over Part 1, so it is pictured in its place under the form.
    page.locator(".save-bar").evaluate("bar => { bar.style.position = 'static'; }")
    screenshot(page, "application")

    # The dashboard lists the draft; Continue reopens it with everything saved.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1, name="Your dashboard")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Dashboard sections")
    expect(tabs.get_by_role("link", name="Drafts (1)")).to_have_attribute("aria-current", "page")
    draft_row = page.get_by_role("row").filter(has_text=draft.reference)
    expect(draft_row).to_contain_text(TITLE)
    expect(draft_row).to_contain_text("Draft")
    check_accessible("the dashboard (Drafts tab)")
    screenshot(page, "dashboard")

    draft_row.get_by_role("link", name=f"Continue {TITLE}").click()
    expect(page).to_have_url(application_url)
    expect(page.get_by_label(CONTEXT_PROMPT)).to_have_value(CONTEXT)
    expect(page.get_by_label(OPTIONAL_PROMPT)).to_have_value(OPTIONAL)
    expect(page.get_by_label(REFLECTION_PROMPT)).to_have_value(REFLECTION)
    expect(page.get_by_label(IMPACT_PROMPT)).to_have_value(IMPACT)
    expect(page.get_by_role("link", name="lesson-plan.pdf")).to_be_visible()

    # Attest and submit: the page becomes read-only and gives the submission ID.
    for statement in ATTESTATIONS:
        page.get_by_label(statement).check()
    page.get_by_role("button", name="Submit application").click()

    confirmation = page.get_by_role("status").filter(has_text="Your submission ID is")
    expect(confirmation).to_have_text(re.compile(r"Your submission ID is MC-[2-9A-HJ-NP-Z]{8}\."))
    expect(confirmation).to_contain_text(f"Your submission ID is {draft.reference}.")
    expect(page).to_have_url(application_url)
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit application")).to_have_count(0)
    expect(page.get_by_text(CONTEXT)).to_be_visible()
    expect(page.get_by_role("link", name="lesson-plan.pdf")).to_be_visible()
    check_accessible("the submitted application page")

    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert draft.attestations.count() == 3

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    tabs = page.get_by_role("navigation", name="Dashboard sections")
    expect(tabs.get_by_role("link", name="Drafts (0)")).to_be_visible()
    tabs.get_by_role("link", name="Submitted (1)").click()
    expect(page).to_have_url(re.compile(r"/dashboard/\?tab=submitted$"))
    submitted_row = page.get_by_role("row").filter(has_text=draft.reference)
    expect(submitted_row).to_contain_text(TITLE)
    expect(submitted_row.get_by_role("link", name=TITLE)).to_have_attribute(
        "href", re.compile(rf"/applications/{draft.uuid}/$")
    )


def test_leaving_with_unsaved_changes_asks_for_confirmation(page: Page, live_url, credentials):
    learner = UserFactory(email="typing@example.org")
    draft, _ = services.submission_apply(learner=learner, credential=credentials)
    _sign_in(page, live_url, learner)

    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.goto(f"{live_url}{draft.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1, name=f"Application: {TITLE}")).to_be_visible()

    # Leaving an untouched page asks nothing.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalog").click()
    expect(page).to_have_url(re.compile(r"/credentials/$"))
    assert dialogs == []

    page.goto(f"{live_url}{draft.get_absolute_url()}")
    page.get_by_label(REFLECTION_PROMPT).press_sequentially("Exit tickets")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalog").click()
    expect(page).to_have_url(re.compile(r"/credentials/$"))
    assert dialogs == ["beforeunload"]
