"""/api/v1/ on a unit's subdomain (platform_core/urls_tenant.py includes this)."""

from django.urls import path
from drf_spectacular.views import SpectacularRedocView

from . import views

app_name = "inbox-api"

urlpatterns = [
    path("register/", views.RegisterEntryList.as_view(), name="register"),
    path("register/<int:year>/<int:number>/", views.RegisterEntryDetail.as_view(), name="register-entry"),
    path("register/<int:year>/<int:number>/upo.xml", views.ReceiptXml.as_view(), name="register-entry-upo"),
    path(
        "register/<int:year>/<int:number>/wniosek.json",
        views.SubmissionDocument.as_view(),
        name="register-entry-document",
    ),
    path(
        "register/<int:year>/<int:number>/attachments/<int:attachment_id>",
        views.AttachmentDownload.as_view(),
        name="register-entry-attachment",
    ),
    path("cases/", views.CaseList.as_view(), name="cases"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="case"),
    # The OpenAPI 3 document, and Redoc reading it (its script is served from the unit's own static files).
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularRedocView.as_view(url_name="inbox-api:schema", template_name="inbox/api_redoc.html"),
        name="docs",
    ),
]
