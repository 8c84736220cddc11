import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from submissions.exceptions import InvalidUpload
from submissions.uploads import check_upload, safe_filename
from tests.submissions.factories import PDF_BYTES, PNG_BYTES


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_pdf_is_recognised_by_its_content_not_its_name():
    checked = check_upload(upload("notes.bin", PDF_BYTES))
    assert checked.content_type == "application/pdf"


def test_png_is_accepted_as_image():
    assert check_upload(upload("photo.png", PNG_BYTES)).content_type == "image/png"


def test_executable_with_a_harmless_name_is_rejected():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
    with pytest.raises(InvalidUpload, match="not a file type we accept"):
        check_upload(upload("lesson-plan.pdf", exe, "application/pdf"))


def test_html_renamed_to_txt_is_plain_text_but_binary_junk_is_not():
    assert check_upload(upload("notes.txt", b"Plain notes\n")).content_type == "text/plain"
    with pytest.raises(InvalidUpload):
        check_upload(upload("notes.txt", b"\x00\x01\x02binary"))


def test_oversize_file_is_rejected_with_the_limit_in_the_message(settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    with pytest.raises(InvalidUpload, match="at most"):
        check_upload(upload("big.pdf", PDF_BYTES + b"0" * 2048))


def test_total_size_limit_counts_existing_files(settings):
    settings.EVIDENCE_MAX_TOTAL_BYTES = 1000
    with pytest.raises(InvalidUpload, match="in total"):
        check_upload(upload("a.pdf", PDF_BYTES + b"0" * 100), existing_total=950)


def test_empty_file_is_rejected():
    with pytest.raises(InvalidUpload, match="empty"):
        check_upload(upload("empty.pdf", b""))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Plan Final.PDF", "Plan_Final.pdf"),
        ("plan<1>&more;rm -rf.pdf", "plan_1_more_rm_-rf.pdf"),
        ("résumé.docx", "resume.docx"),
        ("...", "evidence"),
    ],
)
def test_file_names_are_sanitized(raw, expected):
    assert safe_filename(raw) == expected
