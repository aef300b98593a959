"""Sign-in and sign-out, on every host."""

from django.urls import path

from . import views

urlpatterns = [
    path("oidc/logowanie/", views.login_start, name="oidc-login"),
    path("oidc/zakoncz/", views.complete, name="oidc-complete"),
    path("oidc/wyloguj/", views.logout_start, name="oidc-logout"),
]

# Keycloak's two returns, on the platform domain only (views.CALLBACK_PATH, views.LOGGED_OUT_PATH).
platform_urlpatterns = [
    path(views.CALLBACK_PATH, views.callback, name="oidc-callback"),
    path(views.LOGGED_OUT_PATH, views.logged_out, name="oidc-logged-out"),
]
