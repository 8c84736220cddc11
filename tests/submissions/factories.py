"""Build applications through the real services, so tests see real states."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from audit.selectors import audit_events_for
from submissions import services
from submissions.models import AttestationKind, EvidenceLink

ALL_ATTESTATIONS = {k.value for k in AttestationKind}

# The smallest valid PDF header is enough for content sniffing.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def pdf_upload(name="lesson-plan.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add_evidence(
    draft, learner, *, files=0, links=0, file_name="lesson-plan.pdf", link_title="Clip {}"
):
    """Attach ``files`` PDFs through a draft save and ``links`` links to ``draft``
    (``link_title`` with the link's number)."""
    if files:
        services.draft_save(
            submission=draft,
            actor=learner,
            version=draft.version,
            changes=services.DraftChanges(uploads=[(pdf_upload(file_name), None)] * files),
        )
    for n in range(links):
        EvidenceLink.objects.create(
            submission=draft, title=link_title.format(n), url=f"https://x.org/{n}"
        )


def fill_answers(draft, words=5):
    return {r.pk: " ".join(["word"] * words) for r in draft.responses.all()}


def page_data(draft, text="a few words here", **extra):
    """What Save draft posts from the application page: every answer set to ``text``."""
    data = {"version": draft.version, "action": "save"}
    for response in draft.responses.all():
        data[f"response_{response.pk}"] = text
    data.update(extra)
    return data


def complete_draft(draft, learner):
    """Answer every prompt within its limit and attach a PDF for each requirement."""
    requirement = draft.credential.evidence_requirements.first()
    changes = services.DraftChanges(
        answers=fill_answers(draft),
        uploads=[(pdf_upload(), requirement)] if requirement else [],
    )
    services.draft_save(submission=draft, actor=learner, version=draft.version, changes=changes)
    draft.refresh_from_db()
    return draft


def submitted_application(learner, credential):
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    complete_draft(draft, learner)
    return services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )


def moves_to(submission, status) -> int:
    """How many times the audit trail recorded ``submission`` moving to ``status``."""
    return audit_events_for(submission).filter(verb=f"submission.{status}").count()


def big_file(size):
    return io.BytesIO(PDF_BYTES + b"0" * (size - len(PDF_BYTES)))


# The draft page and autosave read and write in one statement on PostgreSQL;
# other databases (SQLite, the embedded default) join, prefetch and save per row.
ONE_QUERY_READS = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one-statement reads and saves are PostgreSQL's"
)
