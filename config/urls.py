"""Top-level URLs."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from config import health, site_pages

# The admin signs in through allauth: same rate limits, same two-factor step.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="credentials:catalog", permanent=False)),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", site_pages.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # set_language: the language switcher in the page header posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    # The few sentences page scripts write (autosave, restore, confirmations), in
    # the reader's language: locale/*/djangojs.po only, not every app's catalog.
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["core"]), name="javascript-catalog"),
    path("credentials/", include("credentials.urls")),
    path("quality/", include("quality.urls")),
    path("studio/", include("studio.urls")),
    path("applications/", include("submissions.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("payments/", include("payments.urls")),
    path("assess/", include("assessments.urls")),
    path("calibration/", include("calibration.urls")),
    path("checks/", include("checks.urls")),
    path("badges/", include("badges.urls")),
    path("stacks/", include("programs.stack_urls")),
    path("partners/", include("programs.cohort_urls")),
    path("partner-api/v1/", include("partner_api.api_urls")),
    path("partner-api/", include("partner_api.urls")),
    path("analytics/", include("analytics.urls")),
    # The Open Badges 3.0 API, its OAuth 2.0 server and the earner's pages.
    path("ims/ob/v3p0/", include("obapi.api_urls")),
    path("o/", include("obapi.oauth_urls")),
    path(".well-known/", include("obapi.well_known_urls")),
    path("earner/", include("obapi.urls")),
    path("help/", include("helpdesk.urls")),
    path("faq/", RedirectView.as_view(pattern_name="helpdesk:center", query_string=True)),
    path("support/", RedirectView.as_view(pattern_name="helpdesk:center", query_string=True)),
]

# Uploaded public media (organization logos) in the embedded default; production
# serves them from the storage's own URLs. static() adds nothing unless DEBUG.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
