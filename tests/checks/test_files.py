"""Each evidence file is opened the way an assessor would open it."""

import io
import struct
import wave
import zipfile

import pytest
from PIL import Image
from pypdf import PdfWriter

from checks.files import OLE_MAGIC, check_file

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pdf_bytes(pages=1, user_password=None, owner_password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password=owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(out, format="PNG")
    return out.getvalue()


def wav_bytes(frames):
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(struct.pack("<h", 0) * frames)
    return out.getvalue()


def office_bytes(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_pdf_with_pages_opens():
    assert check_file(pdf_bytes(pages=2), "application/pdf").code == "ok"


def test_a_damaged_pdf_is_reported():
    damaged = pdf_bytes()[:60]
    assert check_file(damaged, "application/pdf").code == "pdf_broken"
    assert check_file(b"%PDF-1.7\nnot really a pdf at all", "application/pdf").code == "pdf_broken"
    assert check_file(b"hello", "application/pdf").code == "pdf_broken"


def test_a_password_protected_pdf_is_reported():
    result = check_file(pdf_bytes(user_password="secret"), "application/pdf")
    assert result.code == "pdf_encrypted"
    assert not result.ok


def test_a_pdf_locked_only_against_editing_opens_for_everyone():
    locked = pdf_bytes(user_password="", owner_password="owner-only")
    assert check_file(locked, "application/pdf").code == "ok"


def test_a_pdf_without_pages_is_reported():
    assert check_file(pdf_bytes(pages=0), "application/pdf").code == "pdf_no_pages"


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "audio/x-wav", DOCX])
def test_an_empty_file_is_refused_whatever_its_type(content_type):
    assert check_file(b"", content_type).code == "empty"


def test_an_image_that_decodes_opens_and_a_cut_one_does_not():
    image = png_bytes()
    assert check_file(image, "image/png").code == "ok"
    assert check_file(image[: len(image) // 2], "image/png").code == "image_broken"


def test_a_recording_needs_a_readable_container_and_a_length():
    assert check_file(wav_bytes(800), "audio/x-wav").code == "ok"
    assert check_file(wav_bytes(0), "audio/x-wav").code == "media_no_duration"
    assert check_file(b"\x00" * 400, "video/mp4").code in ("media_broken", "media_no_duration")
    assert not check_file(b"RIFF\x00\x00\x00\x00WAVE", "audio/x-wav").ok


def test_office_documents_need_their_container_and_main_part():
    docx = office_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    assert check_file(docx, DOCX).code == "ok"
    without_body = office_bytes({"[Content_Types].xml": "<Types/>"})
    assert check_file(without_body, DOCX).code == "office_broken"
    assert check_file(b"PK\x03\x04 broken zip", XLSX).code == "office_broken"


def test_a_password_protected_office_document_is_reported():
    # Office stores an encrypted docx/xlsx/pptx as a compound file, not a zip.
    assert check_file(OLE_MAGIC + b"\x00" * 500, DOCX).code == "office_encrypted"
