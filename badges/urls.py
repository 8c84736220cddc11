from django.urls import path

from . import views

app_name = "badges"

urlpatterns = [
    path("verify/", views.verify_credential, name="verify_any"),
    path("verify/api/", views.verify_credential_api, name="verify_api"),
    path("<uuid:award_uuid>/", views.badge_detail, name="detail"),
    path("<uuid:award_uuid>/verify/", views.badge_verify, name="verify"),
    path("<uuid:award_uuid>/certificate/", views.badge_certificate, name="certificate"),
    path("<uuid:award_uuid>/settings/", views.badge_settings, name="settings"),
    path("<uuid:award_uuid>/credential.json", views.badge_ob3_json, name="ob3_json"),
    path("<uuid:award_uuid>/credential.jwt", views.badge_ob3_jwt, name="ob3_jwt"),
    path("<uuid:award_uuid>/assertion.json", views.badge_ob2_assertion, name="ob2_assertion"),
    path("<uuid:award_uuid>/badge.png", views.badge_baked_png, name="baked_png"),
    path("<uuid:award_uuid>/badge.svg", views.badge_baked_svg, name="baked_svg"),
    path("<uuid:award_uuid>/badge-ob2.svg", views.badge_baked_svg_ob2, name="baked_svg_ob2"),
    path(
        "credentials/<uuid:credential_uuid>/achievement.json",
        views.credential_achievement,
        name="achievement",
    ),
    path(
        "credentials/<uuid:credential_uuid>/badgeclass.json",
        views.credential_badgeclass,
        name="badgeclass",
    ),
    path("credentials/<uuid:credential_uuid>/image.png", views.credential_image, name="image"),
    path("issuers/<uuid:org_uuid>/profile.json", views.issuer_profile, name="issuer_profile"),
    path("issuers/<uuid:org_uuid>/issuer.json", views.issuer_ob2, name="issuer_ob2"),
    path(
        "issuers/<uuid:org_uuid>/revocations.json",
        views.issuer_ob2_revocation_list,
        name="ob2_revocation_list",
    ),
    path("issuers/<uuid:org_uuid>/jwks.json", views.issuer_jwks, name="jwks"),
    path("issuers/<uuid:org_uuid>/keys/<str:key_id>.json", views.issuer_key, name="key"),
    path("issuers/<uuid:org_uuid>/status/<int:number>", views.status_list, name="status_list"),
]
