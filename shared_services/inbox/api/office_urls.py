"""/urzad/api/: the office's screen for the API's tokens (in the office's area, CLERK_AREA_PREFIX)."""

from django.urls import path

from . import office_views

urlpatterns = [
    path("", office_views.token_list, name="clerk-api-tokens"),
    path("<int:pk>/uniewaznij/", office_views.token_revoke, name="clerk-api-token-revoke"),
]
