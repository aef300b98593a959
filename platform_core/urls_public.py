"""URLs of the platform domain (public schema): the regional portal and, later, the operator console."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("i18n/", include("django.conf.urls.i18n")),
]
