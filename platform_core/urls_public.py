"""URLs of the platform domain (public schema): the regional portal and the operator console."""

from django.urls import include, path

from onboarding import participation_views, usage_views
from shared_services.identity import urls as identity_urls
from shared_services.registers import opendata_urls

from . import views

urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wyswietlanie/", views.display_preferences, name="display-preferences"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("szukaj/", views.regional_search, name="regional-search"),
    path("uczestnictwo/", participation_views.participation_dashboard, name="participation"),
    path("wskazniki/", usage_views.public_usage, name="usage"),
    path("wskazniki/eksport/", usage_views.public_usage_export, name="usage-export"),
    path("konsola/", include("onboarding.console_urls")),
    # Sign-in through Keycloak; the callback and the return from logout serve every unit's subdomain too.
    path("", include(identity_urls.urlpatterns + identity_urls.platform_urlpatterns)),
]

# Official receipts (UPO): verification by anyone, and the certificates that sign them.
urlpatterns += [path("upo/", include("shared_services.inbox.public_urls"))]

# Open data: the regional DCAT-AP catalogue of every participating unit's registers (from the public mirror).
urlpatterns += [path("dane/", include(opendata_urls.region_urlpatterns))]
