"""Public award pages, verification, downloads, the earner's settings, and the
machine-readable documents (credentials, issuer profiles, keys, status lists)."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from config.throttle import client_address

from . import baking, crypto, documents, images, selectors, services, sharing, verifier
from .exceptions import BadgeError
from .forms import BadgeSettingsForm, VerifyForm
from .models import IssuedBadge, Visibility
from .verification import verify_token

JSON_LD = "application/ld+json"
VC_JWT = "application/vc+jwt"


def etag_of(*parts: object, weak: bool = False) -> str:
    """An entity tag naming exactly these contents (a hash, so nothing leaks)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\x00")
    tag = f'"{digest.hexdigest()[:40]}"'
    return f"W/{tag}" if weak else tag


def _document(
    body,
    *,
    content_type="application/json",
    status=200,
    filename=None,
    cache=None,
    public=True,
    request=None,
    etag=None,
    last_modified=None,
    vary=(),
):
    """A published document: readable from any origin (verifiers and backpacks
    fetch them from the browser), downloadable with ``filename``. A document of
    a private award (``public=False``) is served only to a signed-in reader who
    may see it: no other origin reads it, and no shared cache keeps it.

    Given the ``request`` and the document's ``etag`` (and ``last_modified``
    when that is known for sure), a client whose copy is current gets 304 Not
    Modified without a body; ``body`` may then be a callable, so a document
    that has not changed is not made (or signed) again."""
    response = HttpResponse(content_type=content_type, status=status)
    if public:
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = cache or "no-cache"
    else:
        response["Cache-Control"] = "private, no-cache"
    if vary:
        patch_vary_headers(response, vary)
    if request is not None and etag and status == 200:
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        answered = get_conditional_response(
            request,
            etag=etag,
            last_modified=int(last_modified.timestamp()) if last_modified else None,
            response=response,
        )
        if answered is not None and answered is not response:  # 304, or 412 (If-Match)
            if public:
                answered["Access-Control-Allow-Origin"] = "*"
            return answered
    if callable(body):
        body = body()
    if not isinstance(body, str | bytes):
        body = documents.dumps(body)
    response.content = body
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _tagged(request, body, **kwargs):
    """A document made from the database on each request (an issuer's profile,
    keys, an achievement): tagged by the hash of what it now says, so a change
    anywhere behind it changes the tag."""
    if not isinstance(body, str | bytes):
        body = documents.dumps(body)
    return _document(body, request=request, etag=etag_of(body), **kwargs)


def _stored(request, badge: IssuedBadge, text: str, **kwargs):
    """One of an award's documents exactly as issued: it never changes, so its
    hash is its tag and the issue time its last change."""
    return _document(
        text,
        request=request,
        etag=etag_of(text),
        last_modified=badge.issued_at,
        public=badge.is_public,
        **kwargs,
    )


def _filename(badge: IssuedBadge, suffix: str) -> str:
    return f"{badge.award.credential.slug}-{badge.award.uuid}{suffix}"


def _wants_download(request) -> bool:
    return "download" in request.GET


def _page_context(request, badge: IssuedBadge, **extra) -> dict:
    owner = selectors.is_owner(badge, request.user)
    award = badge.award
    return {
        "badge": badge,
        "award": award,
        "credential": award.credential,
        "organization": award.credential.organization,
        "status": badge.status(),
        "is_owner": owner,
        # A private award shows strangers only that it exists and is valid.
        "show_details": selectors.can_see_details(badge, request.user),
        "public_url": documents.public_url(award),
        "linkedin_url": sharing.linkedin_add_url(badge),
        "share_links": sharing.share_links(badge),
        **extra,
    }


@require_safe
def badge_detail(request, award_uuid):
    badge = selectors.badge_get_public(award_uuid=award_uuid)
    return render(request, "badges/badge_detail.html", _page_context(request, badge))


@require_safe
def badge_verify(request, award_uuid):
    """Check the credential's signature, key, status and dates, and show each check.

    Anyone with the link may verify a private award too; its dates, which the
    page keeps from strangers, are then left out of the checks' wording."""
    badge = selectors.badge_get_public(award_uuid=award_uuid)
    verification = verify_token(
        badge.ob3_jwt, show_dates=selectors.can_see_details(badge, request.user)
    )
    return render(
        request,
        "badges/badge_detail.html",
        _page_context(request, badge, verification=verification),
    )


@require_safe
def badge_certificate(request, award_uuid):
    badge = selectors.badge_get_public(award_uuid=award_uuid)
    context = _page_context(request, badge)
    if not context["show_details"]:
        raise Http404("No such award.")
    return render(request, "badges/badge_certificate.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def badge_settings(request, award_uuid):
    """The earner chooses the name shown and whether the page is public (others get 404)."""
    badge = selectors.badge_get_for_owner(award_uuid=award_uuid, user=request.user)
    initial = {"display_name": badge.display_name, "visibility": badge.visibility}
    form = BadgeSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            badge = services.badge_update_settings(
                badge_id=badge.pk,
                actor=request.user,
                display_name=form.cleaned_data["display_name"],
                visibility=form.cleaned_data["visibility"],
            )
        except BadgeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Your award settings are saved."))
            return redirect("badges:detail", award_uuid=badge.award.uuid)
    return render(
        request,
        "badges/badge_settings.html",
        {
            "badge": badge,
            "award": badge.award,
            "credential": badge.award.credential,
            "form": form,
            "visibility_choices": Visibility.choices,
        },
    )


# --- downloads of one award -------------------------------------------------------------


# Each carries the issue date and a salted hash of the earner's email address, so
# a private award's documents go only to those who may see its details: its
# earner (who hands the signed credential to a verifier, who checks it against
# the issuer's published keys and status list) and permitted staff.


@require_safe
def badge_ob3_json(request, award_uuid):
    badge = selectors.badge_get_visible(award_uuid=award_uuid, user=request.user)
    filename = _filename(badge, ".json") if _wants_download(request) else None
    return _stored(request, badge, badge.ob3_json, content_type=JSON_LD, filename=filename)


@require_safe
def badge_ob3_jwt(request, award_uuid):
    badge = selectors.badge_get_visible(award_uuid=award_uuid, user=request.user)
    filename = _filename(badge, ".jwt") if _wants_download(request) else None
    return _stored(request, badge, badge.ob3_jwt, content_type=VC_JWT, filename=filename)


@require_safe
def badge_ob2_assertion(request, award_uuid):
    """The Open Badges 2.0 hosted assertion; 410 Gone (marked revoked) once revoked."""
    badge = selectors.badge_get_visible(award_uuid=award_uuid, user=request.user)
    filename = _filename(badge, "-assertion.json") if _wants_download(request) else None
    if badge.is_revoked:
        body = {
            **json.loads(badge.ob2_json),
            "revoked": True,
            "revocationReason": badge.revocation_reason,
        }
        return _document(body, content_type=JSON_LD, status=410, public=badge.is_public)
    return _stored(request, badge, badge.ob2_json, content_type=JSON_LD, filename=filename)


def _baked(request, award_uuid, make, suffix: str, content_type: str):
    """A badge image with the award's documents inside; 410 once revoked."""
    badge = selectors.badge_get_visible(award_uuid=award_uuid, user=request.user)
    if badge.is_revoked:
        return HttpResponse("This award has been revoked.", status=410, content_type="text/plain")
    body = make(badge, images.credential_image(badge.award.credential))
    filename = _filename(badge, suffix) if _wants_download(request) else None
    # The image follows the credential's title and issuer: tagged by its bytes.
    return _document(
        body,
        content_type=content_type,
        filename=filename,
        cache="private, no-cache",
        public=badge.is_public,
        request=request,
        etag=etag_of(body),
    )


@require_safe
def badge_baked_png(request, award_uuid):
    """The badge image carrying the 2.0 assertion and the 3.0 credential."""
    return _baked(
        request,
        award_uuid,
        lambda badge, png: baking.bake(
            png, {baking.OB2_KEYWORD: badge.ob2_json, baking.OB3_KEYWORD: badge.ob3_jwt}
        ),
        ".png",
        "image/png",
    )


@require_safe
def badge_baked_svg(request, award_uuid):
    """An SVG badge carrying the Open Badges 3.0 credential (its VC-JWT)."""
    return _baked(
        request,
        award_uuid,
        lambda badge, png: baking.bake_svg_ob3(png, badge.ob3_jwt, images.SIZE),
        ".svg",
        "image/svg+xml",
    )


@require_safe
def badge_baked_svg_ob2(request, award_uuid):
    """An SVG badge carrying the Open Badges 2.0 hosted assertion."""
    return _baked(
        request,
        award_uuid,
        lambda badge, png: baking.bake_svg_ob2(
            png, badge.ob2_json, documents.assertion_url(badge.award), images.SIZE
        ),
        "-ob2.svg",
        "image/svg+xml",
    )


# --- credential documents -------------------------------------------------------------------


def _credential_or_404(credential_uuid):
    credential = selectors.credential_get(credential_uuid=credential_uuid)
    if (
        not credential.is_published
        and not IssuedBadge.objects.filter(award__credential=credential).exists()
    ):
        raise Http404("No such credential.")
    return credential


def _criteria(credential):
    return [
        documents.Criterion(id=c.pk, title=c.title, description=c.description)
        for c in credential.rubric_criteria.all()
    ]


@require_safe
def credential_achievement(request, credential_uuid):
    credential = _credential_or_404(credential_uuid)
    body = {
        "@context": [documents.VC_CONTEXT, documents.OB3_CONTEXT],
        **documents.achievement(
            credential, _criteria(credential), selectors.alignments_for(credential=credential)
        ),
    }
    return _tagged(request, body, content_type=JSON_LD)


@require_safe
def credential_badgeclass(request, credential_uuid):
    credential = _credential_or_404(credential_uuid)
    body = documents.badgeclass(
        credential, _criteria(credential), selectors.alignments_for(credential=credential)
    )
    return _tagged(request, body, content_type=JSON_LD)


@require_safe
def credential_image(request, credential_uuid):
    credential = _credential_or_404(credential_uuid)
    return _tagged(
        request,
        images.credential_image(credential),
        content_type="image/png",
        cache="public, max-age=3600",
    )


# --- issuer documents -----------------------------------------------------------------------


@require_safe
def issuer_profile(request, org_uuid):
    organization = selectors.organization_get(org_uuid=org_uuid)
    return _tagged(request, documents.issuer_profile(organization), content_type=JSON_LD)


@require_safe
def issuer_ob2(request, org_uuid):
    organization = selectors.organization_get(org_uuid=org_uuid)
    return _tagged(request, documents.issuer_ob2(organization), content_type=JSON_LD)


@require_safe
def issuer_ob2_revocation_list(request, org_uuid):
    """The issuer's Open Badges 2.0 RevocationList (named by its 2.0 Issuer
    profile); a revocation changes its tag at once."""
    organization = selectors.organization_get(org_uuid=org_uuid)
    body = documents.ob2_revocation_list(
        organization, selectors.ob2_revoked(organization=organization)
    )
    return _tagged(request, body, content_type=JSON_LD)


def _jwk(key) -> dict:
    return {
        **key.public_jwk,
        "kid": documents.key_url(key),
        "alg": key.algorithm,
        "use": "sig",
    }


@require_safe
def issuer_jwks(request, org_uuid):
    """Every public key the issuer has signed with (JWK Set); retired keys stay."""
    organization = selectors.organization_get(org_uuid=org_uuid)
    keys = [_jwk(key) for key in selectors.published_keys(organization=organization)]
    return _tagged(request, {"keys": keys}, content_type="application/jwk-set+json")


@require_safe
def issuer_key(request, org_uuid, key_id):
    """One public key: what a credential's ``kid`` resolves to."""
    key = selectors.key_get(org_uuid=org_uuid, key_id=key_id)
    if key is None:
        raise Http404("No such key.")
    return _tagged(request, _jwk(key), content_type="application/jwk+json")


@require_safe
def status_list(request, org_uuid, number):
    """The issuer's BitstringStatusListCredential, always signed and always
    current: JSON with an embedded Data Integrity proof (eddsa-rdfc-2022), or
    a VC-JWT for clients that ask for ``application/vc+jwt``."""
    status_list = selectors.status_list_get(org_uuid=org_uuid, number=number)
    if status_list is None:
        raise Http404("No such status list.")
    encoded = selectors.status_list_encoded(status_list)
    organization = status_list.organization
    accept = request.headers.get("Accept", "")
    as_jwt = VC_JWT in accept or "application/jwt" in accept
    key = (
        services.issuer_jwt_key(organization=organization)
        if as_jwt
        else services.issuer_key_active(organization=organization)
    )
    # The list is signed afresh on each request (its validFrom is the moment
    # it is read), so its tag names what it says: the bits, the form and the
    # key. A revocation sets a bit, and the next request gets a new tag.
    etag = etag_of("jwt" if as_jwt else "json", key.key_id, encoded, weak=True)

    def signed():
        now = timezone.now().replace(microsecond=0)
        document = documents.status_list_credential(status_list, encoded, now)
        if as_jwt:
            return crypto.sign_jwt(
                claims=documents.jwt_claims(document),
                private_key_encrypted=key.private_key_encrypted,
                kid=documents.key_url(key),
                algorithm=key.algorithm,
            )
        return services.sign_document(document, key=key, created=now)

    return _document(
        signed,
        content_type=VC_JWT if as_jwt else JSON_LD,
        request=request,
        etag=etag,
        vary=("Accept",),
    )


# --- verifying any credential ------------------------------------------------------------

VERIFY_LIMIT = 30  # verifications per client address
VERIFY_WINDOW = 600  # seconds


def _rate_limited(request) -> bool:
    """True once a client address has verified VERIFY_LIMIT times in the window."""
    # The address allauth's limits use: proxies honoured, IPv6 by its /64.
    key = f"badges:verify:{client_address(request)}"
    if cache.add(key, 1, VERIFY_WINDOW):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, VERIFY_WINDOW)
        return False
    return count > VERIFY_LIMIT


def _too_many() -> str:
    return gettext("Too many verifications from your address; try again in a few minutes.")


def _verify_form_input(form: VerifyForm) -> verifier.Report:
    if form.cleaned_data.get("url"):
        return verifier.verify_url(form.cleaned_data["url"])
    upload = form.cleaned_data.get("image")
    return verifier.verify(
        text=form.cleaned_data.get("credential", ""),
        upload=upload.read(verifier.MAX_INPUT_BYTES + 1) if upload else None,
    )


@require_http_methods(["GET", "POST"])
def verify_credential(request):
    """Verify a pasted or uploaded credential from any issuer; each check shown."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    report = None
    limited = ""
    status = 200
    if request.method == "POST":
        if _rate_limited(request):
            limited, status = _too_many(), 429
        elif form.is_valid():
            report = _verify_form_input(form)
    return render(
        request,
        "badges/verify.html",
        {
            "form": form,
            "report": report,
            "limited": limited,
            "api_url": request.build_absolute_uri(reverse("badges:verify_api")),
        },
        status=status,
    )


@csrf_exempt  # a public, stateless API: it reads no session and changes nothing
@require_http_methods(["POST"])
def verify_credential_api(request):
    """The same checks as JSON: post ``credential`` or ``url`` (form fields or
    a JSON body's keys) or an ``image`` file."""
    if _rate_limited(request):
        return JsonResponse({"error": _too_many()}, status=429)
    data = request.POST
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": gettext("The body is not JSON.")}, status=400)
        body = body if isinstance(body, dict) else {}
        credential = body.get("credential")
        if isinstance(credential, dict):
            credential = json.dumps(credential)
        url = body.get("url")
        data = {
            "credential": credential if isinstance(credential, str) else "",
            "url": url if isinstance(url, str) else "",
        }
    form = VerifyForm(data, request.FILES or None)
    if not form.is_valid():
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    response = JsonResponse(_verify_form_input(form).as_dict())
    response["Cache-Control"] = "no-store"
    return response
