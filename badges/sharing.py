"""Links for adding an award to LinkedIn and sharing its public page."""

from urllib.parse import quote, urlencode

from django.utils import timezone
from django.utils.translation import gettext

from . import documents

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def linkedin_add_url(badge) -> str:
    """LinkedIn's "Add licence or certification" form, prefilled."""
    award = badge.award
    credential = award.credential
    issued = timezone.localtime(badge.valid_from)
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.title,
        "organizationName": credential.organization.name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
    }
    if badge.valid_until:
        expires = timezone.localtime(badge.valid_until)
        params["expirationYear"] = expires.year
        params["expirationMonth"] = expires.month
    params["certUrl"] = documents.public_url(award)
    params["certId"] = str(award.uuid)
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


def share_links(badge) -> list[tuple[str, str]]:
    """(label, url) pairs for sharing the public page."""
    award = badge.award
    url = documents.public_url(award)
    credential = award.credential
    text = gettext("I earned the %(title)s micro-credential from %(organization)s.") % {
        "title": credential.title,
        "organization": credential.organization.name,
    }
    return [
        (
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        ),
        ("X", "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": text})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        (
            "Email",
            f"mailto:?subject={quote(award.credential.title)}&body={quote(text + ' ' + url)}",
        ),
    ]
