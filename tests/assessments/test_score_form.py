"""The scoring form's blank rows are written without building its fields, and
read exactly as its fields would give them: saved marks and feedback included."""

from types import SimpleNamespace

import pytest

from assessments.forms import ScoreForm

CRITERIA = [
    {"id": 1, "title": "Plans <lessons>", "description": "Aims & steps\nin order"},
    {"id": 2, "title": "Assesses", "description": ""},
    {"id": 3, "title": "Reflects", "description": "One line"},
]
SCORES = {
    1: SimpleNamespace(met=True, feedback="Clear <b>aims</b>."),
    2: SimpleNamespace(met=False, feedback=""),
}


@pytest.mark.parametrize(
    "options", [{}, {"prefix": "score"}, {"auto_id": False}, {"initial": {"met_3": "met"}}]
)
def test_blank_rows_match_what_the_fields_render(options):
    blank = ScoreForm(criteria=CRITERIA, scores=SCORES, comment="Nearly.", **options)
    html = blank.rows_html()
    comment = blank.comment_html()
    assert "_scores" in blank.__dict__ and blank.__dict__["_scores"] is not None  # none built
    built = ScoreForm(criteria=CRITERIA, scores=SCORES, comment="Nearly.", **options)
    assert set(built.fields) == {
        "comment",
        "action",
        *(f"{k}_{c}" for c in (1, 2, 3) for k in ("met", "feedback")),
    }
    assert built.rows_html() == html
    assert built.comment_html() == comment
    assert "Clear &lt;b&gt;aims&lt;/b&gt;." in html


def test_a_sent_form_reads_its_criteria():
    form = ScoreForm(
        {"action": "save", "met_1": "not_met", "feedback_1": "Name the grade.", "comment": "x"},
        criteria=CRITERIA,
        scores=SCORES,
    )
    assert form.is_valid()
    assert form.scores()[1].met is False
    assert form.scores()[1].feedback == "Name the grade."
    assert form.scores()[2].met is None
    assert 'value="not_met" id="id_met_1_1" checked' in form.rows_html()
