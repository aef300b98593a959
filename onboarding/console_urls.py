from django.urls import include, path

from . import console_views as views
from . import opendata_views, usage_views

urlpatterns = [
    path("", views.unit_list, name="console-units"),
    path("przylacz/", views.onboard, name="console-onboard"),
    path("zadania/<int:job_id>/", views.job_detail, name="console-job"),
    path("dziennik/", views.audit_log, name="console-audit-log"),
    path("uczestnictwo/", views.participation, name="console-participation"),
    path("wskazniki/", usage_views.console_usage, name="console-usage"),
    path("wskazniki/eksport/", usage_views.console_usage_export, name="console-usage-export"),
    path("wskazniki/rejestry/", opendata_views.register_freshness, name="console-register-freshness"),
    path(
        "wskazniki/rejestry/eksport/",
        opendata_views.register_freshness_export,
        name="console-register-freshness-export",
    ),
    path("uslugi/", views.adoption, name="console-adoption"),
    path("uslugi/<slug:slug>/", views.adoption_detail, name="console-adoption-detail"),
    path("eksporty/<str:name>", views.download_export, name="console-export-download"),
    path("jednostki/<str:code>/", views.unit_detail, name="console-unit"),
    path("jednostki/<str:code>/zawies/", views.suspend, name="console-suspend"),
    path("jednostki/<str:code>/wznow/", views.resume, name="console-resume"),
    path("jednostki/<str:code>/eksport/", views.export, name="console-export"),
    path("jednostki/<str:code>/odlacz/", views.offboard, name="console-offboard"),
    path("jednostki/<str:code>/zapros/", views.invite_administrator, name="console-invite"),
    path("katalog/", include("onboarding.catalogue_urls")),
    path("katalog/", include("onboarding.catalogue_transfer_urls")),
    path("formularze/", include("onboarding.form_builder_urls")),
]
