"""The form's four parts built in Python (``html.parts_html``) against the loop the
page's template wrote them with, for a first attempt and a resubmission draft."""

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils.translation import override

from credentials.models import Part, Prompt
from submissions import html, selectors, services
from submissions.forms import ApplicationForm
from submissions.templatetags.submission_tags import form_parts
from submissions.views import _parts
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

# The loop as the page's template wrote it before it was built in Python.
LOOP = Template(
    "{% load submission_tags layout_tags i18n %}"
    """{% for part in parts %}
    <fieldset class="part" id="part-{{ part.number }}">
      <legend><h2>{{ part.title }}</h2></legend>
      {% if part.number == 2 %}{% include "submissions/_evidence.html" %}{% endif %}
      {% for row in part.rows %}{% answer_field row %}{% endfor %}
      {% if part.number != 2 and not part.rows %}{% once %}<p class="muted">{% translate "Nothing to answer in this part." %}</p>{% endonce %}{% endif %}
    </fieldset>
  {% endfor %}"""  # noqa: E501
)


def _squeeze(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", markup))).strip()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("prompts", [True, False])
def test_the_parts_built_in_python_are_the_loops_markup(learner, language, prompts):
    credential = CredentialFactory(with_content=prompts)
    if prompts:
        Prompt.objects.create(
            credential=credential, part=Part.REFLECTION, position=10, text="More <b>?"
        )
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    draft = selectors.submission_with_content(draft)
    with override(language):
        form = ApplicationForm(initial={"version": draft.version}, submission=draft)
        context = {
            "credential": draft.credential,
            "submission": draft,
            "form": form,
            "parts": _parts(form.prompt_rows()),
            "max_file_mb": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024),
            "max_total_mb": settings.EVIDENCE_MAX_TOTAL_BYTES // (1024 * 1024),
        }
        built = form_parts(Context(context))
        written = LOOP.render(Context(context))
    assert _squeeze(built) == _squeeze(written)
    assert built.count('<fieldset class="part"') == 4
    assert html.parts_html([], str) == ""
