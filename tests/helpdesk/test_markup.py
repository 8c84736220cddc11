"""Answers are markdown-lite: a few formats, and nothing typed ever becomes markup."""

from helpdesk.markup import render_answer


def test_paragraphs_lists_bold_and_code():
    html = render_answer("First line\nsame paragraph\n\n- one\n- **two**\n\n1. a `code` step\n2. b")
    assert html == (
        "<p>First line<br>same paragraph</p>"
        "<ul><li>one</li><li><strong>two</strong></li></ul>"
        "<ol><li>a <code>code</code> step</li><li>b</li></ol>"
    )


def test_a_list_right_after_a_sentence_and_an_indented_continuation():
    html = render_answer("Before you upload:\n- remove names\n  and faces\nThen submit.")
    assert html == (
        "<p>Before you upload:</p><ul><li>remove names and faces</li></ul><p>Then submit.</p>"
    )


def test_html_typed_in_an_answer_is_shown_not_run():
    html = render_answer('<script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;alert(2)&quot;" in html


def test_links_go_only_to_web_mail_and_site_addresses():
    html = render_answer(
        "[catalog](/credentials/) [Drive](https://support.google.com/drive?a=1&b=2) "
        "[mail](mailto:help@example.org) [bad](javascript:alert(1)) [evil](//evil.example)"
        " [data](data:text/html,x)"
    )
    assert '<a href="/credentials/">catalog</a>' in html
    assert '<a href="https://support.google.com/drive?a=1&amp;b=2">Drive</a>' in html
    assert '<a href="mailto:help@example.org">mail</a>' in html
    assert "javascript:" in html and 'href="javascript' not in html
    assert 'href="//evil' not in html
    assert 'href="data:' not in html


def test_a_link_target_cannot_break_out_of_its_attribute():
    html = render_answer('[x](/path"onmouseover="alert(1))')
    assert 'onmouseover="' not in html


def test_code_spans_keep_their_stars_and_brackets():
    html = render_answer("Type `**[x](/y)**` literally")
    assert html == "<p>Type <code>**[x](/y)**</code> literally</p>"


def test_empty_answer_renders_nothing():
    assert render_answer("") == ""
    assert render_answer("\n\n  \n") == ""
