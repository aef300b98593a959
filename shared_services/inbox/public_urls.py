"""The platform domain's pages for official receipts (UPO): anyone may verify a receipt and fetch the
certificates that sign them. Included under `upo/` by platform_core/urls_public.py."""

from django.urls import path, re_path

from . import public_views

urlpatterns = [
    path("weryfikacja/", public_views.upo_verify, name="upo-verify"),
    path("certyfikaty/", public_views.upo_certificates, name="upo-certificates"),
    re_path(r"^certyfikaty/(?P<key_id>[0-9a-f]{64})\.pem$", public_views.upo_certificate_pem, name="upo-certificate"),
]
