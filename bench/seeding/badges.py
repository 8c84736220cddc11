"""Badges in bulk: each organization's issuer key and status list, and the badge
issued with each award (placeholders where a real badge carries a signature)."""

from __future__ import annotations

import datetime
import hashlib

from badges.models import IssuedBadge, IssuerKey, StatusList
from badges.services import add_months
from credentials.models import Organization

from .base import Bulk
from .credentials import CredentialInfo


class Badges:
    def __init__(self, bulk: Bulk, organizations: list[Organization]) -> None:
        self.bulk = bulk
        keys = [
            IssuerKey(
                organization=org,
                key_id=hashlib.sha256(f"bench-key-{org.slug}".encode()).hexdigest(),
                public_jwk={"kty": "OKP", "crv": "Ed25519", "x": "YmVuY2g"},
                private_key_encrypted="bench placeholder: never used to sign",
            )
            for org in organizations
        ]
        bulk.write(IssuerKey, keys)
        lists = [StatusList(organization=org, number=1) for org in organizations]
        bulk.write(StatusList, lists)
        self.keys = {key.organization_id: key.pk for key in keys}
        self.status_lists = {status_list.organization_id: status_list for status_list in lists}
        # The next free index of each organization's status list.
        self.next_index = {org.pk: 0 for org in organizations}

    def issue(
        self,
        rows: dict,
        *,
        award_id: int,
        credential: CredentialInfo,
        awarded_at: datetime.datetime,
    ) -> None:
        org = credential.organization_id
        index = self.next_index[org]
        self.next_index[org] = index + 1
        months = credential.credential.validity_months
        valid_until = add_months(awarded_at, months) if months else None
        rows[IssuedBadge].append(
            self.bulk.table(IssuedBadge).row(
                id=self.bulk.id(IssuedBadge),
                uuid=self.bulk.uuid(),
                award_id=award_id,
                signing_key_id=self.keys[org],
                status_list_id=self.status_lists[org].pk,
                status_index=index,
                subject_id=f"urn:uuid:{self.bulk.uuid()}",
                identity_salt="bench",
                identity_hash="sha256$bench",
                issued_at=awarded_at,
                valid_from=awarded_at,
                valid_until=valid_until,
                ob3_json="{}",
                ob3_jwt="bench.placeholder.jwt",
                ob2_json="{}",
            )
        )
