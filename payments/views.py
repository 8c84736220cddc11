"""The payment page, the test-mode checkout page and the Stripe webhook.

Views parse input, call one service or selector, and turn domain errors into
messages. A coupon the learner applies is kept in their session for that
submission, re-checked on every page view and again under a lock at payment.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from config.throttle import FailureThrottle, wait_message
from core.views import user_error_response, user_errors
from submissions.models import Status
from submissions.selectors import submission_get_for_learner

from . import pricing, selectors, services
from .exceptions import CardDeclined, CouponError, InvalidWebhook, PaymentError
from .forms import CouponCodeForm, TestCardForm
from .models import PaymentStatus, Provider
from .providers import get_provider

logger = logging.getLogger(__name__)

# Coupon codes are secrets worth guessing: wrong ones are counted per learner
# and per client address, and too many make the field wait.
COUPON_THROTTLE = FailureThrottle(action="coupon", setting="PAYMENTS_COUPON_THROTTLE")


def _coupon_key(submission) -> str:
    return f"payments:coupon:{submission.uuid}"


def _checkout_url(submission) -> str:
    return reverse("payments:checkout", kwargs={"uuid": submission.uuid})


def _applied_quote(request, submission):
    """The quote with the learner's applied coupon; drops a code that stopped applying."""
    code = request.session.get(_coupon_key(submission), "")
    coupon, error = None, None
    if code:
        try:
            coupon = pricing.coupon_find(code)
            pricing.coupon_check(coupon, submission=submission, learner=request.user)
        except CouponError as exc:
            coupon, error = None, exc
            request.session.pop(_coupon_key(submission), None)
    return pricing.quote_for(submission, coupon), error


@login_required
@require_http_methods(["GET"])
def checkout(request, uuid):
    submission = submission_get_for_learner(uuid=uuid, learner=request.user)
    receipt = selectors.payment_receipt_for_submission(submission=submission)
    context = {"submission": submission, "receipt": receipt}
    if receipt is not None or submission.status != Status.AWAITING_PAYMENT:
        if receipt is None:
            return redirect(submission.get_absolute_url())
        return render(request, "payments/checkout.html", {**context, "state": "paid"})

    pending = selectors.payment_pending_for_submission(submission=submission)
    returned = request.GET.get("session_id")
    if pending is not None and returned and returned == pending.stripe_checkout_session_id:
        return render(
            request,
            "payments/checkout.html",
            {**context, "state": "confirming", "pending": pending},
        )
    if request.GET.get("canceled"):
        messages.info(
            request, gettext("Payment not completed; nothing was charged. You can try again.")
        )
    quote, coupon_error = _applied_quote(request, submission)
    if coupon_error is not None:
        messages.warning(
            request, gettext("The coupon was removed: %(reason)s") % {"reason": coupon_error}
        )
    return render(
        request,
        "payments/checkout.html",
        {
            **context,
            "state": "due",
            "quote": quote,
            "coupon_form": CouponCodeForm(),
            "test_mode": get_provider().is_test_mode,
            "review_days": getattr(settings, "SLA_BUSINESS_DAYS", 14),
        },
    )


@login_required
@require_POST
def coupon(request, uuid):
    """Apply (or remove) a coupon code; the page then shows the new amount."""
    submission = submission_get_for_learner(uuid=uuid, learner=request.user)
    if submission.status != Status.AWAITING_PAYMENT:
        return redirect(_checkout_url(submission))
    if request.POST.get("action") == "remove":
        request.session.pop(_coupon_key(submission), None)
        messages.info(request, gettext("Coupon removed."))
        return redirect(_checkout_url(submission))
    form = CouponCodeForm(request.POST)
    wait = COUPON_THROTTLE.wait_seconds(request) if form.is_valid() else 0
    if wait:
        form.add_error(
            "code",
            gettext("Too many codes that did not work. %(wait)s") % {"wait": wait_message(wait)},
        )
    elif form.is_valid():
        try:
            found = pricing.coupon_find(form.cleaned_data["code"])
            pricing.coupon_check(found, submission=submission, learner=request.user)
        except CouponError as exc:
            COUPON_THROTTLE.record_failure(request)
            form.add_error("code", str(exc))
        else:
            request.session[_coupon_key(submission)] = found.code
            quote = pricing.quote_for(submission, found)
            messages.success(
                request,
                gettext("Coupon %(code)s applied: %(discount)s.")
                % {"code": found.code, "discount": found.discount_label},
            )
            if quote.is_free:
                messages.info(request, gettext("Nothing is left to pay; no card is needed."))
            return redirect(_checkout_url(submission))
    quote, _ = _applied_quote(request, submission)
    response = render(
        request,
        "payments/checkout.html",
        {
            "submission": submission,
            "state": "due",
            "quote": quote,
            "coupon_form": form,
            "test_mode": get_provider().is_test_mode,
            "review_days": getattr(settings, "SLA_BUSINESS_DAYS", 14),
        },
        status=429 if wait else 422,
    )
    if wait:
        response["Retry-After"] = str(wait)
    return response


@login_required
@require_POST
@user_errors("payments:checkout")
def pay(request, uuid):
    """Start the payment: the amount is computed on the server from the fee and coupon."""
    submission = submission_get_for_learner(uuid=uuid, learner=request.user)
    code = request.session.get(_coupon_key(submission), "")
    try:
        payment = services.payment_start(
            submission=submission, actor=request.user, coupon_code=code
        )
    except CouponError as exc:
        request.session.pop(_coupon_key(submission), None)
        messages.error(
            request,
            gettext("The coupon was removed: %(reason)s Check the amount and pay again.")
            % {"reason": exc},
        )
        return redirect(_checkout_url(submission))
    if payment.is_paid:
        request.session.pop(_coupon_key(submission), None)
        messages.success(request, gettext("Paid. Your application is now in the review queue."))
        return redirect(_checkout_url(submission))
    return redirect(payment.checkout_url)


@login_required
@require_http_methods(["GET", "POST"])
def test_checkout(request, uuid):
    """The test-mode stand-in for Stripe's checkout page; it never charges a card."""
    payment = selectors.payment_get_for_learner(uuid=uuid, learner=request.user)
    submission = payment.submission
    if payment.provider != Provider.TEST:
        return redirect(_checkout_url(submission))
    if payment.is_paid or payment.status != PaymentStatus.PENDING:
        return redirect(_checkout_url(submission))
    form = TestCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_test_checkout_complete(
                payment=payment, actor=request.user, card_number=form.cleaned_data["card_number"]
            )
        except CardDeclined as exc:
            form.add_error("card_number", str(exc))
        except PaymentError as exc:
            # The test card page is gone once its payment ended: back to the checkout.
            return user_error_response(request, exc, _checkout_url(submission))
        else:
            request.session.pop(_coupon_key(submission), None)
            messages.success(request, gettext("Paid. Your application is now in the review queue."))
            return redirect(_checkout_url(submission))
    return render(
        request,
        "payments/test_checkout.html",
        {"payment": payment, "submission": submission, "form": form},
        status=422 if form.errors else 200,
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's webhook endpoint: signature checked before anything is stored."""
    try:
        event = services.webhook_event_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature")
        )
    except InvalidWebhook as exc:
        logger.warning("Rejected a webhook: %s", exc)
        return HttpResponseBadRequest("Invalid signature or payload.")
    except Exception:
        logger.exception("Webhook processing failed; Stripe will retry.")
        return HttpResponse("Processing failed.", status=500)
    return JsonResponse({"received": True, "status": event.status})
