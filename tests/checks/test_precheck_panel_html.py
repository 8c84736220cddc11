"""The learner's pre-check panel built in Python (``precheck_tags.learner_panel_html``)
against the markup of its template, ``checks/_precheck_learner.html``, in every state."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils.translation import override

from checks.models import Precheck
from checks.selectors.precheck import ItemResult, PrecheckView
from checks.templatetags.precheck_tags import learner_panel_html

AT = datetime.datetime(2026, 3, 4, 20, 7, tzinfo=datetime.UTC)
ITEMS = [
    ItemResult("file", "plan <v2> & notes.pdf", "", True, "", "", "Opens."),
    ItemResult(
        "link",
        'Class "video"',
        "https://example.org/?a=1&b=<2>",
        False,
        "No <access>",
        "Share it & retry",
        "Opens.",
    ),
    ItemResult("file", "scan.pdf", "", False, "Locked", "Remove the password", "Opens."),
]
PROBLEMS = [
    ("Part 1: “Context <i>” needs an answer.", "response-1"),
    ("Part 2: add a file", "requirement-3"),
]

STATES = {
    "never checked": PrecheckView(latest=None, pending=None),
    "running": PrecheckView(latest=None, pending=Precheck(requested_at=AT)),
    "checked, nothing to check": PrecheckView(latest=Precheck(finished_at=AT), pending=None),
    "checked, all fine": PrecheckView(
        latest=Precheck(finished_at=AT), pending=None, items=ITEMS[:1]
    ),
    "checked with problems, running again": PrecheckView(
        latest=Precheck(finished_at=AT), pending=Precheck(requested_at=AT), items=ITEMS
    ),
    "one problem": PrecheckView(latest=Precheck(finished_at=AT), pending=None, items=ITEMS[1:2]),
}


def _squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("answer_problems", [[], PROBLEMS])
@pytest.mark.parametrize("state", STATES)
def test_the_panel_built_in_python_is_the_templates_markup(state, answer_problems, language):
    view = STATES[state]
    with override(language):
        built = learner_panel_html(view, answer_problems)
        written = render_to_string(
            "checks/_precheck_learner.html", {"view": view, "answer_problems": answer_problems}
        )
    assert _squeeze(built) == _squeeze(written)
