"""The draft page's "Evidence for" choices are kept as markup per language and per
set of choices: another credential's requirements, or a renamed one, give their own."""

import pytest

from submissions import html, services
from submissions.forms import ApplicationForm
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import page_data

pytestmark = pytest.mark.django_db

CHOICE_FIELDS = ["file_requirement", "link_requirement"]


def _form(draft):
    draft.credential.refresh_from_db()
    return ApplicationForm(initial={"version": draft.version}, submission=draft)


def test_the_kept_choices_are_the_fields_own_markup(learner):
    draft, _ = services.submission_apply(
        learner=learner, credential=CredentialFactory(with_content=True)
    )
    for name in CHOICE_FIELDS:
        first = html.fixed_field_html(_form(draft)[name])
        again = _form(draft)
        assert html.fixed_field_html(again[name]) is first
        assert first == html.field_html(again[name])


def test_a_renamed_requirement_and_another_credential_show_their_own_choices(learner):
    draft, _ = services.submission_apply(
        learner=learner, credential=CredentialFactory(with_content=True)
    )
    other, _ = services.submission_apply(
        learner=learner, credential=CredentialFactory(with_content=True)
    )
    requirement = draft.credential.evidence_requirements.first()
    requirement.title = "Kept <title>"
    requirement.save()
    html.fixed_field_html(_form(draft)["file_requirement"])

    requirement.title = "Renamed & shown"
    requirement.save()
    draft.credential = type(draft.credential).objects.get(pk=draft.credential_id)
    renamed = html.fixed_field_html(_form(draft)["file_requirement"])
    elsewhere = html.fixed_field_html(_form(other)["file_requirement"])

    assert "Renamed &amp; shown" in renamed
    assert "Kept" not in renamed
    assert "Renamed" not in elsewhere


def test_a_posted_choice_is_built_in_full(learner):
    draft, _ = services.submission_apply(
        learner=learner, credential=CredentialFactory(with_content=True)
    )
    requirement = draft.credential.evidence_requirements.first()
    posted = ApplicationForm(
        page_data(draft, file_requirement=str(requirement.pk)), submission=draft
    )
    posted.is_valid()

    built = html.fixed_field_html(posted["file_requirement"])

    assert f'value="{requirement.pk}" selected' in built
