"""Part 2's evidence built in Python (``html.evidence_html``) against the markup of
its template, ``submissions/_evidence.html``: with and without instructions,
files and links, a form shown again with what was posted, in both languages."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils.translation import override

from submissions import html, selectors, services
from submissions.forms import ApplicationForm
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import add_evidence, page_data

pytestmark = pytest.mark.django_db


def _squeeze(markup: str) -> str:
    markup = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1token", markup)
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", markup))).strip()


def _both_ways(draft, form):
    context = {
        "credential": draft.credential,
        "submission": draft,
        "form": form,
        "max_file_mb": 20,
        "max_total_mb": 100,
    }
    return html.evidence_html(**context), render_to_string("submissions/_evidence.html", context)


def _draft(learner, *, instructions, files, links):
    credential = CredentialFactory(with_content=True, evidence_instructions=instructions)
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    add_evidence(
        draft,
        learner,
        files=2 if files else 0,
        links=links,
        file_name="a <b>.pdf",
        link_title="Clip <{}>",
    )
    return selectors.submission_with_content(draft)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "instructions, files, links",
    [("", False, 0), ("Send the plan.\n\nAnd a <video> & notes.", True, 2)],
)
def test_the_evidence_built_in_python_is_the_templates_markup(
    learner, language, instructions, files, links
):
    draft = _draft(learner, instructions=instructions, files=files, links=links)
    with override(language):
        loaded = ApplicationForm(initial={"version": draft.version}, submission=draft)
        built, written = _both_ways(draft, loaded)
        assert _squeeze(built) == _squeeze(written)

        requirement = draft.credential.evidence_requirements.first()
        posted = ApplicationForm(
            page_data(
                draft,
                link_title="My clip",
                link_url="not an address",
                link_requirement=str(requirement.pk),
            ),
            submission=draft,
        )
        posted.is_valid()
        built, written = _both_ways(draft, posted)
        assert _squeeze(built) == _squeeze(written)
        assert 'value="My clip"' in built
