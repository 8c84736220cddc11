"""Markdown-lite for help answers: paragraphs, lists, bold, code and links, nothing else.

Answers are written by staff in a plain text box and read by everyone, so the
text is escaped first and only the few tags below are added afterwards:
nothing typed can become markup of its own. Links go only to http(s),
mailto: or paths on this site; any other target is shown as typed.
"""

import re
from html import escape, unescape

from django.utils.safestring import SafeString, mark_safe

BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
CODE = re.compile(r"`([^`\n]+)`")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# Matched on escaped text: the label cannot contain "]" and the target no space or ")".
LINK = re.compile(r"\[([^\]\n]+)\]\(([^()\s]+)\)")
SAFE_TARGET = re.compile(r"^(https?://[^/\s]|mailto:[^\s]|/(?!/)|#)", re.IGNORECASE)


def _link(match: re.Match) -> str:
    label, target = match.group(1), match.group(2)
    if not SAFE_TARGET.match(unescape(target)):
        return match.group(0)
    return f'<a href="{target}">{label}</a>'


def _inline(text: str) -> str:
    """Escape one line of text, then add code, links and bold outside code spans."""
    pieces = []
    for index, piece in enumerate(CODE.split(text)):
        escaped = escape(piece, quote=True)
        if index % 2:
            pieces.append(f"<code>{escaped}</code>")
        else:
            pieces.append(BOLD.sub(r"<strong>\1</strong>", LINK.sub(_link, escaped)))
    return "".join(pieces)


def render_answer(text: str) -> SafeString:
    """HTML for an answer: blocks are split by blank lines; list lines make lists.

    A line that follows a list item and is indented continues that item; any
    other line break inside a paragraph is kept as a line break.
    """
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def close_paragraph() -> None:
        if paragraph:
            html.append("<p>" + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if items:
            html.append(
                f"<{list_tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{list_tag}>"
            )
            items.clear()
        list_tag = ""

    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        bullet, numbered = BULLET.match(line), NUMBERED.match(line)
        item = bullet or numbered
        if not line.strip():
            close_paragraph()
            close_list()
        elif item:
            tag = "ul" if bullet else "ol"
            close_paragraph()
            if list_tag and list_tag != tag:
                close_list()
            list_tag = tag
            items.append(_inline(item.group(1).strip()))
        elif items and line[:1].isspace():
            items[-1] += " " + _inline(line.strip())
        else:
            close_list()
            paragraph.append(_inline(line.strip()))
    close_paragraph()
    close_list()
    return mark_safe("".join(html))  # noqa: S308 - every piece of text was escaped above
