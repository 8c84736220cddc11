"""Coupons staff create in bulk and deactivate."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from audit.services import Actor, record_many

from ..models import (
    Coupon,
    normalize_code,
)

# --- coupons -----------------------------------------------------------------

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
MAX_BATCH = 10_000


def coupon_generate_batch(
    *, count: int, prefix: str = "", length: int = 8, template: dict, batch: str
) -> list[Coupon]:
    """Create ``count`` coupons with unique random codes sharing ``template``'s terms.

    ``template`` holds Coupon field values plus optional ``credentials`` and
    ``organizations`` lists. All codes are created in one transaction, or none.
    """
    if not 1 <= count <= MAX_BATCH:
        raise ValueError(f"Generate between 1 and {MAX_BATCH} codes at a time.")
    prefix = normalize_code(prefix)
    terms = dict(template)
    credentials = terms.pop("credentials", None) or []
    organizations = terms.pop("organizations", None) or []
    with transaction.atomic():
        codes: set[str] = set()
        while len(codes) < count:
            needed = count - len(codes)
            fresh = {
                prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
                for _ in range(needed)
            }
            taken = set(Coupon.objects.filter(code__in=fresh).values_list("code", flat=True))
            codes |= fresh - taken
        coupons = Coupon.objects.bulk_create(
            [Coupon(code=code, batch=batch, **terms) for code in sorted(codes)]
        )
        if credentials or organizations:
            coupons = list(Coupon.objects.filter(code__in=codes).order_by("code"))
            through_c = Coupon.credentials.through
            through_o = Coupon.organizations.through
            through_c.objects.bulk_create(
                [
                    through_c(coupon_id=c.pk, microcredential_id=m.pk)
                    for c in coupons
                    for m in credentials
                ]
            )
            through_o.objects.bulk_create(
                [
                    through_o(coupon_id=c.pk, organization_id=o.pk)
                    for c in coupons
                    for o in organizations
                ]
            )
    return list(Coupon.objects.filter(code__in=codes).order_by("code"))


def coupon_ensure(*, code: str, terms: dict[str, Any]) -> tuple[Coupon, bool]:
    """The coupon with ``code``, created with ``terms`` (Coupon field values)
    when there is none; returns it and whether it is new.

    Safe to repeat and to race: an existing code is returned unchanged, so
    terms staff edited since are kept, and the unique code settles a race.
    """
    # get_or_create reads the winner's row when the insert loses a race.
    return Coupon.objects.get_or_create(code=normalize_code(code), defaults=terms)


def coupon_deactivate(*, coupon_ids: Iterable[int], actor: Actor) -> int:
    """Stop accepting the given codes; return how many were active until now.

    Uses already held or confirmed stay (a checkout in progress can still be
    paid). One locked read and one UPDATE, however many codes are chosen, and
    one audit event per code, with the staff member as actor. Safe to repeat:
    codes already inactive are left alone and not counted.
    """
    with transaction.atomic():
        coupons = list(
            Coupon.objects.select_for_update(no_key=True)
            .filter(pk__in=list(coupon_ids), is_active=True)
            .order_by("pk")
        )
        Coupon.objects.filter(pk__in=[c.pk for c in coupons]).update(is_active=False)
        record_many(
            actor=actor,
            verb="coupon.deactivated",
            targets=coupons,
            before={"is_active": True},
            after={"is_active": False},
        )
    return len(coupons)
