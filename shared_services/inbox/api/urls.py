"""/api/v1/ on a unit's subdomain (platform_core/urls_tenant.py includes this)."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularRedocView

from . import views

app_name = "inbox-api"

# Redoc draws with styles it writes into the page itself (styled-components), which no nonce reaches, its icons are
# data: images, and it searches in a worker it makes from a blob: its page alone allows these three. Its scripts
# keep the platform's policy, its own static files only.
redoc = csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="inbox-api:schema", template_name="inbox/api_redoc.html")
)

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
    path("docs/", redoc, name="docs"),
]
