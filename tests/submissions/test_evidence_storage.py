"""Evidence files follow the save that records them: a save that fails keeps the
learner's files and leaves none behind, and a resubmission copies files in
chunks before it locks anything."""

import hashlib
import tracemalloc

import pytest
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from submissions import services
from submissions.models import Attachment, Status
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import ALL_ATTESTATIONS, PDF_BYTES, complete_draft, pdf_upload

pytestmark = pytest.mark.django_db


class DroppedUpload(SimpleUploadedFile):
    """An upload whose connection drops while the server reads it."""

    def read(self, *args, **kwargs):
        raise OSError("Connection reset by peer")


class WatchingStorage(FileSystemStorage):
    """A local storage that notes, for each file it writes, whether a database
    transaction was open and the largest piece it was handed at once."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.writes: list[dict] = []

    def _save(self, name, content):
        largest = 0

        class Pieces:
            def __init__(self, inner):
                self.inner = inner

            def chunks(self, chunk_size=None):
                nonlocal largest
                for chunk in self.inner.chunks(chunk_size):
                    largest = max(largest, len(chunk))
                    yield chunk

            def __getattr__(self, attr):
                return getattr(self.inner, attr)

        stored = super()._save(name, Pieces(content))
        self.writes.append({"name": stored, "in_transaction": connection.in_atomic_block})
        self.writes[-1]["largest_piece"] = largest
        return stored


def _draft_with_a_file(learner):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    complete_draft(draft, learner)
    return draft, draft.attachments.get()


def _save(draft, learner, **changes):
    return services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(**changes),
    )


def _stored(storage, folder):
    """Every file stored under ``folder``, however deep."""
    if not storage.exists(folder):
        return []
    directories, files = storage.listdir(folder)
    found = [f"{folder}/{name}" for name in files]
    for directory in directories:
        found += _stored(storage, f"{folder}/{directory}")
    return found


def test_a_failed_save_keeps_the_file_the_learner_removed(learner):
    draft, attachment = _draft_with_a_file(learner)
    storage = attachment.file.storage

    with pytest.raises(OSError):
        _save(
            draft,
            learner,
            remove_attachments=[attachment.uuid],
            uploads=[(DroppedUpload("video.mp4", b"x"), None)],
        )

    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert storage.exists(attachment.file.name)
    assert storage.open(attachment.file.name).read() == PDF_BYTES


def test_a_removed_file_is_deleted_once_the_save_commits(
    learner, django_capture_on_commit_callbacks
):
    draft, attachment = _draft_with_a_file(learner)
    storage = attachment.file.storage

    with django_capture_on_commit_callbacks() as pending:
        _save(draft, learner, remove_attachments=[attachment.uuid])
        assert storage.exists(attachment.file.name)  # not before the commit
    for callback in pending:
        callback()

    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not storage.exists(attachment.file.name)


def test_a_failed_save_leaves_no_new_file_behind(learner):
    draft, attachment = _draft_with_a_file(learner)
    storage = attachment.file.storage
    before = _stored(storage, f"submissions/{draft.uuid}")

    with pytest.raises(OSError):
        _save(
            draft,
            learner,
            uploads=[
                (pdf_upload("second-plan.pdf"), None),
                (DroppedUpload("video.mp4", b"x"), None),
            ],
        )

    assert draft.attachments.count() == 1
    assert _stored(storage, f"submissions/{draft.uuid}") == before


def _denied_with_a_large_file(learner, size):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    complete_draft(draft, learner)
    big = PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    _save(draft, learner, uploads=[(pdf_upload("classroom-video.pdf", big), None)])
    submission = services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    services.submission_record_decision(submission_id=submission.pk, awarded=False, actor=None)
    submission.refresh_from_db()
    assert submission.status == Status.DENIED
    return submission, hashlib.sha256(big).hexdigest()


def test_resubmission_streams_a_large_file_instead_of_reading_it_whole(learner, settings):
    size = 12 * 1024 * 1024
    settings.EVIDENCE_MAX_FILE_BYTES = settings.EVIDENCE_MAX_TOTAL_BYTES = 2 * size
    denied, digest = _denied_with_a_large_file(learner, size)

    tracemalloc.start()
    try:
        draft = services.submission_resubmit(submission=denied, actor=learner)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    copy = draft.attachments.get(original_name="classroom-video.pdf")
    with copy.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == digest
    assert copy.file.name.startswith(f"submissions/{draft.uuid}/")
    assert peak < size / 4, f"resubmitting held {peak / 1048576:.1f} MB in memory"


@pytest.mark.django_db(transaction=True)
def test_resubmission_copies_files_in_chunks_before_locking_anything(learner, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": f"{__name__}.WatchingStorage",
            "OPTIONS": {"location": str(tmp_path / "watched"), "base_url": None},
        },
    }
    size = 3 * 1024 * 1024
    settings.EVIDENCE_MAX_FILE_BYTES = settings.EVIDENCE_MAX_TOTAL_BYTES = 2 * size
    denied, _ = _denied_with_a_large_file(learner, size)
    storage = storages["evidence"]
    storage.writes.clear()

    draft = services.submission_resubmit(submission=denied, actor=learner)

    copies = [w for w in storage.writes if w["name"].startswith(f"submissions/{draft.uuid}/")]
    assert copies and len(copies) == draft.attachments.count()
    assert not any(w["in_transaction"] for w in copies)
    assert max(w["largest_piece"] for w in copies) <= 1024 * 1024
