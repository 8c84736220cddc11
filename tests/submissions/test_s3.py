"""Evidence on S3 (moto's S3 server over HTTP), with production's storage options.

Files go up through the application page, stay private in the bucket, and come
back only through the permission-checked view as short-lived presigned URLs.
"""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config

from submissions import services
from submissions.models import Attachment
from tests.credentials.factories import CredentialFactory
from tests.production_env import PRODUCTION_ENV
from tests.submissions.factories import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def production_evidence_storage():
    """STORAGES["evidence"] exactly as production settings build it."""
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.STORAGES['evidence']))",
        ],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint, production_evidence_storage):
    """A fresh private bucket, and the evidence storage pointed at it."""
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
        config=Config(signature_version="s3v4"),
    )
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": production_evidence_storage["BACKEND"],
            "OPTIONS": {
                **production_evidence_storage["OPTIONS"],
                **CREDENTIALS,
                "endpoint_url": s3_endpoint,
                "bucket_name": name,
            },
        },
    }
    client.bucket_name = name
    return client


@pytest.fixture
def draft(learner):
    return services.submission_apply(learner=learner, credential=CredentialFactory())[0]


def upload(client, draft, *files):
    draft.refresh_from_db()
    data = {"version": draft.version, "action": "save", "files": list(files)}
    for response in draft.responses.all():
        data[f"response_{response.pk}"] = "a few words here"
    response = client.post(draft.get_absolute_url(), data)
    assert response.status_code == 302, response.content.decode()[:500]


def fetch(url):
    """GET a URL from the S3 server as a browser would: no AWS credentials."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_production_keeps_evidence_private_with_five_minute_links(production_evidence_storage):
    assert production_evidence_storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = production_evidence_storage["OPTIONS"]
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] <= 300
    assert options["file_overwrite"] is False


def test_upload_lands_in_the_bucket_under_a_random_key_and_is_not_public(
    bucket, learner_client, draft, s3_endpoint
):
    upload(learner_client, draft, pdf_upload("evidence.pdf"))

    attachment = Attachment.objects.get(submission=draft)
    (key,) = [o["Key"] for o in bucket.list_objects_v2(Bucket=bucket.bucket_name)["Contents"]]
    assert key == f"evidence/{attachment.file.name}"
    assert re.fullmatch(rf"evidence/submissions/{draft.uuid}/[0-9a-f]{{32}}/evidence\.pdf", key)
    assert bucket.get_object(Bucket=bucket.bucket_name, Key=key)["Body"].read() == PDF_BYTES

    grants = bucket.get_object_acl(Bucket=bucket.bucket_name, Key=key)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    status, _, body = fetch(f"{s3_endpoint}/{bucket.bucket_name}/{key}")
    assert status == 403
    assert PDF_BYTES not in body


def test_owner_is_redirected_to_a_short_lived_presigned_url_that_works(
    bucket, learner_client, draft, s3_endpoint
):
    upload(learner_client, draft, pdf_upload("lesson-plan.pdf"))
    attachment = Attachment.objects.get(submission=draft)

    response = learner_client.get(attachment.get_absolute_url())

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert url.startswith(f"{s3_endpoint}/{bucket.bucket_name}/evidence/submissions/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert 0 < int(query["X-Amz-Expires"][0]) <= 300
    assert query["response-content-disposition"] == ['attachment; filename="lesson-plan.pdf"']
    assert query["response-content-type"] == ["application/pdf"]

    status, headers, body = fetch(url)
    assert status == 200
    assert body == PDF_BYTES
    assert headers["Content-Disposition"] == 'attachment; filename="lesson-plan.pdf"'
    assert headers["Content-Type"] == "application/pdf"


def test_inline_view_of_a_pdf_is_signed_as_inline(bucket, learner_client, draft):
    upload(learner_client, draft, pdf_upload("plan.pdf"))
    attachment = Attachment.objects.get(submission=draft)

    response = learner_client.get(attachment.get_absolute_url() + "?inline=1")

    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["response-content-disposition"] == ['inline; filename="plan.pdf"']


def test_another_learner_gets_404_and_no_link(bucket, learner_client, other_client, draft):
    upload(learner_client, draft, pdf_upload("evidence.pdf"))
    attachment = Attachment.objects.get(submission=draft)

    response = other_client.get(attachment.get_absolute_url())

    assert response.status_code == 404
    assert not response.has_header("Location")
    assert bucket.bucket_name not in response.content.decode()


def test_staff_are_redirected_too(bucket, learner_client, staff_client, draft):
    upload(learner_client, draft, pdf_upload("evidence.pdf"))
    attachment = Attachment.objects.get(submission=draft)

    response = staff_client.get(attachment.get_absolute_url())

    assert response.status_code == 302
    assert fetch(response["Location"])[2] == PDF_BYTES


def test_two_uploads_named_evidence_pdf_do_not_collide(bucket, learner_client, draft):
    first, second = PDF_BYTES + b"% first\n", PDF_BYTES + b"% second\n"
    upload(learner_client, draft, pdf_upload("evidence.pdf", first))
    upload(learner_client, draft, pdf_upload("evidence.pdf", second))

    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=bucket.bucket_name)["Contents"]]
    assert len(set(keys)) == 2
    downloads = {
        fetch(learner_client.get(a.get_absolute_url())["Location"])[2]
        for a in Attachment.objects.filter(submission=draft)
    }
    assert downloads == {first, second}


def test_blind_review_assessor_gets_a_neutral_name_in_the_signed_link(bucket):
    from django.test import Client

    from tests.accounts.factories import UserFactory
    from tests.assessments.factories import make_assessor, submit_for_review

    credential = CredentialFactory(with_content=True)
    assessor = make_assessor(credential=credential)
    submission = submit_for_review(
        learner=UserFactory(name="Lena Alvarez"),
        credential=credential,
        files=[("Lena_Alvarez_task_plan.pdf", PDF_BYTES)],
    )
    attachment = submission.attachments.get()
    client = Client()
    client.force_login(assessor)

    response = client.get(attachment.get_absolute_url())

    url = response["Location"]
    assert "Lena" not in url and "Alvarez" not in url
    query = parse_qs(urlsplit(url).query)
    assert query["response-content-disposition"] == [
        f'attachment; filename="{submission.reference}-evidence-1.pdf"'
    ]
    status, headers, _ = fetch(url)
    assert status == 200
    assert "Lena" not in headers["Content-Disposition"]
