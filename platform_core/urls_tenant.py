"""URLs of a unit's subdomain (that unit's schema): the resident portal and the clerks' side."""

from django.urls import include, path

from shared_services.branding import views as branding_views
from shared_services.staff import views as staff_views

urlpatterns = [
    path("", branding_views.unit_home, name="unit-home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("zaproszenie/<str:token>/", staff_views.accept_invitation, name="accept-invitation"),
]
