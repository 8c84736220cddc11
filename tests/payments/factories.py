"""Coupons and submissions waiting for their fee, built straight from the models."""

import factory
from django.utils import timezone

from payments.models import Coupon, DiscountKind
from submissions.models import Status, Submission
from tests.credentials.factories import CredentialFactory


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coupon
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"SAVE{n:04d}")
    kind = DiscountKind.PERCENT
    percent_off = 50
    max_redemptions = None
    max_per_learner = 1
    is_active = True

    @factory.post_generation
    def credentials(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.credentials.set(extracted)

    @factory.post_generation
    def organizations(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.organizations.set(extracted)


def awaiting_payment(learner, credential=None, *, fee_cents=15000, previous=None):
    """A submitted application whose fee is due (content frozen, not yet in review)."""
    if credential is None:
        credential = CredentialFactory(fee_cents=fee_cents, resubmission_fee_cents=5000)
    return Submission.objects.create(
        learner=learner,
        credential=credential,
        status=Status.AWAITING_PAYMENT,
        submitted_at=timezone.now(),
        previous=previous,
    )
