"""Signals a higher app answers without payments importing it.

``coupon_checking`` is sent by ``pricing.coupon_check`` once the coupon's own
terms hold, with ``coupon``, ``submission`` and ``learner``. A receiver that
reserves a coupon for some learners (a partner's cohort code) raises a
``CouponError`` to refuse it; returning normally lets it through.
"""

from django.dispatch import Signal

coupon_checking = Signal()
