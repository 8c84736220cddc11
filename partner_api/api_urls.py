"""The partner API's routes (django-ninja), under the namespace its docs page reverses."""

from .api import api

urlpatterns, _ninja, app_name = api.urls
