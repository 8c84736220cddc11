from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("<uuid:uuid>/", views.checkout, name="checkout"),
    path("<uuid:uuid>/coupon/", views.coupon, name="coupon"),
    path("<uuid:uuid>/pay/", views.pay, name="pay"),
    path("test-checkout/<uuid:uuid>/", views.test_checkout, name="test_checkout"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
