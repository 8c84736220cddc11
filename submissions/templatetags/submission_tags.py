"""Application pieces shown on pages other apps own (the credential's details page)."""

from django import template

from .. import html, selectors

register = template.Library()


@register.inclusion_tag("submissions/_apply_action.html", takes_context=True)
def apply_action(context, credential):
    """The details page's Apply button, saying what it will do for this learner.

    A learner who already applied is sent to that application (or its award)
    rather than offered a second one. One query for a signed-in learner.
    """
    current = selectors.submission_current(learner=context.get("user"), credential=credential)
    return {
        "credential": credential,
        "step": selectors.application_next_step(current) if current else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def status_badge(submission):
    """The application's status badge (``components/status_badge.html``), built in Python."""
    return html.status_badge(submission)


@register.simple_tag
def form_field(field):
    """A labelled form field with its help and errors (the markup of
    ``components/field.html``), built in Python: the application page has a dozen."""
    return html.field_html(field)


@register.simple_tag
def fixed_form_field(field):
    """``form_field`` for a field with no value of its own: built once per
    language while the form is not bound (``html.fixed_field_html``)."""
    return html.fixed_field_html(field)


@register.simple_tag
def answer_field(row):
    """One answer box of the application page, built in Python (one per prompt)."""
    return html.answer_html(row)


@register.simple_tag(takes_context=True)
def form_parts(context):
    """The form's four parts with their answer boxes and Part 2's evidence
    (``html.parts_html``), from the page's context."""
    return html.parts_html(context["parts"], lambda: evidence_section(context))


@register.simple_tag(takes_context=True)
def evidence_section(context):
    """Part 2's evidence (``html.evidence_html``), from the page's context."""
    return html.evidence_html(
        credential=context["credential"],
        submission=context["submission"],
        form=context["form"],
        max_file_mb=context["max_file_mb"],
        max_total_mb=context["max_total_mb"],
    )


@register.simple_tag
def requirement_items(requirements):
    """The items of the application page's list of evidence requirements, built in Python."""
    return html.requirement_items(requirements)


@register.simple_tag
def criterion_items(criteria):
    """The items of the application page's rubric, built in Python."""
    return html.criterion_items(criteria)


@register.simple_tag
def attachment_rows(attachments):
    """The application page's table rows of uploaded files, built in Python."""
    return html.attachment_rows(attachments)


@register.simple_tag
def link_rows(links):
    """The application page's table rows of evidence links, built in Python."""
    return html.link_rows(links)
