"""Evidence is stored without the details cameras and office programs hide in
files: where a photo was taken, who took it, who wrote or last saved a
document. The picture and the document themselves are kept as they were."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PdfParser import PdfName, PdfParser

from submissions import services
from submissions.models import Attachment
from submissions.uploads import check_upload
from tests.credentials.factories import CredentialFactory
from tests.submissions import evidence_files as files

NAME_UTF16 = "Lena Alvarez".encode("utf-16-be")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def save_with_file(client, draft, name: str, content: bytes):
    """Save draft on the application page with its answers and one file."""
    data = {
        "version": draft.version,
        "action": "save",
        "files": [SimpleUploadedFile(name, content, "application/octet-stream")],
    }
    for response in draft.responses.all():
        data[f"response_{response.pk}"] = "A few words about my class."
    return client.post(draft.get_absolute_url(), data)


def stored(name: str, content: bytes) -> tuple[bytes, tuple[str, ...]]:
    checked = check_upload(upload(name, content))
    body = checked.file.read()
    assert checked.size == len(body)
    return body, checked.notices


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- photos ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_photo_saved_through_the_application_page_keeps_no_location_or_author(
    learner, learner_client
):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    original = files.jpeg_with_metadata()
    response = save_with_file(learner_client, draft, "Lena_Alvarez_class.jpg", original)
    assert response.status_code == 302

    attachment = Attachment.objects.get(submission=draft)
    with attachment.file.open("rb") as fh:
        kept = fh.read()
    image = open_image(kept)
    assert not image.getexif()
    assert image.getexif().get_ifd(0x8825) == {}
    assert "xmp" not in image.info and "comment" not in image.info
    assert b"Lena Alvarez" not in kept
    assert attachment.size == len(kept)
    # The picture itself is copied, not re-encoded.
    assert image.tobytes() == open_image(original).tobytes()


def test_jpeg_exif_gps_artist_xmp_and_comment_are_removed_losslessly():
    original = files.jpeg_with_metadata()
    kept, notices = stored("photo.jpg", original)
    image = open_image(kept)
    assert dict(image.getexif()) == {}
    assert b"Exif" not in kept and b"xmpmeta" not in kept and b"Lena" not in kept
    assert image.tobytes() == open_image(original).tobytes()
    assert notices == ()


def test_rotated_phone_photo_is_stored_upright_without_its_exif():
    # Orientation 6: the camera stored the picture turned; viewers rotate it 90° clockwise.
    original = files.jpeg_with_metadata(orientation=6, size=(40, 20))
    kept, _ = stored("photo.jpg", original)
    image = open_image(kept)
    assert image.size == (20, 40)
    assert 0x0112 not in image.getexif()
    assert image.getexif().get_ifd(0x8825) == {}
    assert b"Lena" not in kept
    # The red left half of the stored picture is now its top half.
    red, green, blue = image.getpixel((10, 5))
    assert red > 200 and blue < 60
    red, green, blue = image.getpixel((10, 35))
    assert blue > 200 and red < 60


def test_png_text_xmp_and_exif_chunks_are_removed():
    original = files.png_with_metadata()
    kept, _ = stored("board.png", original)
    image = open_image(kept)
    assert set(image.info) <= {"dpi", "gamma", "srgb", "transparency"}
    assert not image.getexif()
    assert b"Lena" not in kept
    assert image.tobytes() == open_image(original).tobytes()


def test_webp_exif_and_xmp_are_removed():
    original = files.webp_with_metadata()
    kept, _ = stored("board.webp", original)
    image = open_image(kept)
    assert "exif" not in image.info and "xmp" not in image.info
    assert b"Lena" not in kept
    assert image.tobytes() == open_image(original).tobytes()


def test_gif_comment_is_removed():
    original = files.gif_with_comment()
    kept, _ = stored("board.gif", original)
    assert "comment" not in open_image(kept).info
    assert open_image(kept).tobytes() == open_image(original).tobytes()


def test_heic_exif_item_is_blanked_in_place():
    original, exif = files.heic_with_exif()
    kept, _ = stored("IMG_0042.heic", original)
    assert len(kept) == len(original)
    assert exif not in kept and b"Lena" not in kept
    assert kept.replace(bytes(len(exif)), exif) == original


def test_an_image_that_cannot_be_read_is_refused_with_a_reason():
    from submissions.exceptions import InvalidUpload

    # The EXIF (asking for a rotation) is intact; the picture is cut short.
    whole = files.jpeg_with_metadata(orientation=6)
    broken = whole[: len(whole) - 120]
    with pytest.raises(InvalidUpload, match="could not be read as an image"):
        check_upload(upload("photo.jpg", broken))


# --- documents ---------------------------------------------------------------------------


def test_pdf_author_creator_and_title_are_blanked_and_the_pdf_still_opens():
    original = files.pdf_with_author()
    assert NAME_UTF16 in original
    kept, notices = stored("Lena_Alvarez_task_plan.pdf", original)

    assert len(kept) == len(original)  # every offset in the cross-reference table holds
    assert NAME_UTF16 not in kept and b"Lena" not in kept
    info = PdfParser(buf=kept).info
    for key in (b"Author", b"Creator", b"Title", b"Subject"):
        assert info[PdfName(key)].strip() == b"", key
    assert notices == ()


def test_pdf_xmp_creator_is_blanked():
    kept, notices = stored("plan.pdf", files.pdf_with_xmp())
    assert b"Lena" not in kept
    assert b"<dc:creator><rdf:Seq><rdf:li>" in kept  # the packet's structure stays
    assert notices == ()


def test_pdf_properties_that_cannot_be_edited_are_reported_to_the_learner():
    _, notices = stored("plan.pdf", files.pdf_with_compressed_info())
    assert len(notices) == 1
    assert notices[0].startswith("“plan.pdf” was added, but")
    assert "author" in notices[0]


def test_word_document_properties_and_comment_authors_are_emptied():
    kept, notices = stored("Lena_Alvarez_task_plan.docx", files.docx_with_properties())
    with zipfile.ZipFile(io.BytesIO(kept)) as package:
        core = package.read("docProps/core.xml")
        assert b"<dc:creator></dc:creator>" in core
        assert b"<cp:lastModifiedBy></cp:lastModifiedBy>" in core
        assert b"<cp:revision>3</cp:revision>" in core
        assert b"Lena" not in package.read("word/comments.xml")
        assert b"Lincoln" not in package.read("docProps/app.xml")
        assert package.read("word/document.xml") == files.DOCX_DOCUMENT
        assert package.namelist()[0] == "[Content_Types].xml"
    assert notices == ()


def test_opendocument_properties_are_emptied_and_mimetype_stays_first_and_stored():
    kept, _ = stored("plan.odt", files.odt_with_properties())
    with zipfile.ZipFile(io.BytesIO(kept)) as package:
        first = package.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert b"Lena" not in package.read("meta.xml")
        assert b"<meta:editing-cycles>2</meta:editing-cycles>" in package.read("meta.xml")


def test_rtf_information_group_loses_the_names():
    kept, _ = stored("plan.rtf", files.rtf_with_author())
    assert b"Lena" not in kept
    assert b"My task plan" in kept


def test_old_word_file_is_stored_and_the_learner_told_how_to_remove_the_author():
    kept, notices = stored("plan.doc", files.old_word_document())
    assert kept == files.old_word_document()
    assert len(notices) == 1
    assert re.search(r"“plan\.doc” was added, but .*File > Properties", notices[0])


@pytest.mark.django_db
def test_learner_sees_the_notice_beside_the_files_before_submitting(learner, learner_client):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    response = save_with_file(learner_client, draft, "plan.doc", files.old_word_document())

    page = response.content.decode()
    assert "“plan.doc” was added, but" in page
    assert "File &gt; Properties" in page
    assert Attachment.objects.filter(submission=draft, original_name="plan.doc").exists()


SAMPLES = [
    ("photo.jpg", files.jpeg_with_metadata),
    ("photo.png", files.png_with_metadata),
    ("photo.webp", files.webp_with_metadata),
    ("photo.gif", files.gif_with_comment),
    ("photo.heic", lambda: files.heic_with_exif()[0]),
    ("plan.pdf", files.pdf_with_author),
    ("plan.docx", files.docx_with_properties),
    ("plan.odt", files.odt_with_properties),
    ("plan.rtf", files.rtf_with_author),
]


def damaged_copies(original: bytes) -> list[bytes]:
    """The file cut short at 25 places, and scribbled over at 25 others."""
    step = max(len(original) // 25, 1)
    cut = [original[:at] for at in range(16, len(original), step)]
    scribbled = [
        original[:at] + b"\xff\xff\xff\xff" + original[at + 4 :]
        for at in range(8, len(original), step)
    ]
    return cut + scribbled


@pytest.mark.parametrize(("name", "build"), SAMPLES)
def test_damaged_files_are_stored_or_refused_with_a_message_never_an_error(name, build):
    from submissions.exceptions import InvalidUpload

    for data in damaged_copies(build()):
        try:
            checked = check_upload(upload(name, data))
        except InvalidUpload:
            continue
        kept = checked.file.read()
        if name.startswith("photo"):
            # Pictures are cleaned by allow-list: damage never lets a detail through.
            assert b"Lena Alvarez" not in kept, data
