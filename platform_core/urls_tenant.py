"""URLs of a unit's subdomain (that unit's schema): the resident portal and the clerks' side."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from shared_services.branding import views as branding_views
from shared_services.staff import views as staff_views

urlpatterns = [
    path("", branding_views.unit_home, name="unit-home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("zaproszenie/<str:token>/", staff_views.accept_invitation, name="accept-invitation"),
    # The office's own area (CLERK_AREA_PREFIX): it stays open while the unit is suspended.
    path("urzad/logowanie/", auth_views.LoginView.as_view(template_name="staff/login.html",
                                                          next_page="clerk-export"), name="clerk-login"),
    path("urzad/wyloguj/", auth_views.LogoutView.as_view(next_page="clerk-login"), name="clerk-logout"),
    path("urzad/eksport/", staff_views.export_page, name="clerk-export"),
    path("urzad/eksport/pobierz/", staff_views.export_download, name="clerk-export-download"),
]
