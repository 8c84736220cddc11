"""A failed Stripe call reaches the services as one declared error type that
keeps what Stripe said: its message, its error code and the HTTP status."""

import pytest

from payments import client
from payments.exceptions import ProviderError


def test_a_refused_call_keeps_stripes_code_and_status(stripe_stub):
    stripe_stub.fail_with = (
        404,
        {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": "No such checkout.session: cs_test_gone",
            }
        },
    )

    with pytest.raises(ProviderError) as refused:
        client.checkout_session_retrieve(session_id="cs_test_gone")

    assert refused.value.code == "resource_missing"
    assert refused.value.http_status == 404
    assert "No such checkout.session" in str(refused.value)


def test_an_error_raised_outside_stripe_has_no_code_or_status():
    error = ProviderError("No test-mode session cs_test_1.")

    assert (error.code, error.http_status) == (None, None)
    assert str(error) == "No test-mode session cs_test_1."
