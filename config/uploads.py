"""How many files one request may upload, without losing the rest of the form.

Django's own limit (DATA_UPLOAD_MAX_NUMBER_FILES) refuses the whole request
with a bare 400 once a form carries one file too many, so a learner who picks
a folder of 150 photos loses every answer typed on the page. This handler
stores the first UPLOAD_MAX_FILES_PER_REQUEST files, reads past the others
without storing them, and lets the form's fields arrive; the view then tells
the learner which files were refused (``files_skipped``).
"""

from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    StopFutureHandlers,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest

SKIPPED_ATTRIBUTE = "upload_files_skipped"


def files_skipped(request: HttpRequest) -> int:
    """How many files of this request were read past and not stored (0 when none)."""
    return getattr(request, SKIPPED_ATTRIBUTE, 0)


class FileCountLimitUploadHandler(FileUploadHandler):
    """Django's memory and temporary-file handlers, with a cap on the number of files.

    It is the only handler configured: a file beyond the cap is swallowed here
    (no later handler sees it), and every other file goes to the memory handler
    when the whole request is small, else to a temporary file, exactly as
    Django's default pair would store it.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.in_memory = MemoryFileUploadHandler(request)
        self.on_disk = TemporaryFileUploadHandler(request)
        self.target: MemoryFileUploadHandler | TemporaryFileUploadHandler | None = None
        self.count = 0
        if request is not None:
            setattr(request, SKIPPED_ATTRIBUTE, 0)

    @property
    def file(self) -> IO[bytes] | TemporaryUploadedFile:
        """The file being written, so the parser can close it when an upload stops."""
        if self.target is None:
            raise AttributeError("file")
        return self.target.file

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.in_memory.handle_raw_input(input_data, META, content_length, boundary, encoding)

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.count += 1
        if self.count > settings.UPLOAD_MAX_FILES_PER_REQUEST:
            self.target = None
            if self.request is not None:
                setattr(self.request, SKIPPED_ATTRIBUTE, files_skipped(self.request) + 1)
            raise StopFutureHandlers()
        self.target = self.in_memory if self.in_memory.activated else self.on_disk
        try:
            self.target.new_file(*args, **kwargs)
        except StopFutureHandlers:
            pass
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        if self.target is not None:
            self.target.receive_data_chunk(raw_data, start)
        return None

    def file_complete(self, file_size):
        target, self.target = self.target, None
        return target.file_complete(file_size) if target is not None else None

    def upload_interrupted(self):
        if self.target is not None:
            self.target.upload_interrupted()
