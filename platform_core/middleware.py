import logging
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www

from platform_core.db_backend.unit_affinity import connection_for_unit
from platform_core.logging import redact_secrets
from tenants.models import UnitStatus
from tenants.routing import unit_for_host

request_logger = logging.getLogger("ratusz.request")
# The inbox's REST API on a unit's subdomain: its clients read JSON, errors included.
API_PREFIX = "/api/"


class TenantRoutingMiddleware(TenantMainMiddleware):
    """Chooses the schema from the Host header.

    - the bare PLATFORM_DOMAIN: the regional portal in the public schema;
    - a unit's domain: that unit's schema (the lookup is cached, see tenants/routing.py);
    - an unknown host under the platform domain, or an offboarded unit: the regional portal's 404 page;
    - a unit being prepared or suspended: a 503 page for everybody, its staff included (suspension blocks
      the office too; operators export a suspended unit's data from the console); its API answers in JSON;
    - a host outside ALLOWED_HOSTS (for example `torun.<domain>.evil.com`): Django's DisallowedHost, 400.
    """

    @staticmethod
    def hostname_from_request(request):
        # get_host() validates against ALLOWED_HOSTS and raises DisallowedHost (→ 400) for spoofed hosts;
        # split_domain_port() lower-cases and drops the port and a trailing dot.
        hostname, _port = split_domain_port(request.get_host())
        return remove_www(hostname)

    def process_request(self, request):
        connection.set_schema_to_public()
        hostname = self.hostname_from_request(request)
        request.tenant = None
        if hostname == settings.PLATFORM_DOMAIN:
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return None

        unit = unit_for_host(hostname)
        if unit is None or unit.status == UnitStatus.OFFBOARDED:
            return self._answer_without_unit(request, "platform_core/unit_not_found.html", {"hostname": hostname}, 404)
        if unit.status in (UnitStatus.PROVISIONING, UnitStatus.SUSPENDED):
            if request.path.startswith(API_PREFIX):
                response = JsonResponse({"detail": f"{unit.name}: the unit's services are suspended."}, status=503)
            else:
                response = self._answer_without_unit(
                    request, "platform_core/unit_unavailable.html", {"unit": unit}, 503
                )
            response["Retry-After"] = "3600"
            request.unit_unavailable = True  # planned, not an error: see platform_core.logging
            return response

        unit.domain_url = hostname
        request.tenant = unit
        connection_for_unit(unit.schema_name)  # the worker's connection that holds the unit's catalogue
        connection.set_tenant(unit)
        request.urlconf = settings.ROOT_URLCONF
        return None

    @staticmethod
    def _answer_without_unit(request, template, context, status):
        # LocaleMiddleware runs later, for requests that reach a unit; these pages pick the language here.
        language = chosen_language(request)
        with translation.override(language):
            response = render(request, template, context, status=status)
        response.headers.setdefault("Content-Language", language)
        return response


def chosen_language(request) -> str:
    """Polish unless the visitor chose another language with the switch (the language cookie).

    Django's LocaleMiddleware would also follow the browser's Accept-Language; a Polish public office
    answers in Polish first, whatever the browser, and offers English on request.
    """
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class RequestLogMiddleware:
    """One structured line per request; the unit is added by platform_core.logging.UnitContextFilter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        request_logger.info(
            "request",
            extra={
                "method": request.method,
                "path": redact_secrets(request.path),
                "host": request.META.get("HTTP_HOST", ""),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response that does not choose its caching itself.

    Nearly every page can carry personal data: the form and its check page, the confirmation, a case, answers,
    receipts, the account, the whole office and the API; and any page, the signed-in person's name in its
    header. Neither the browser's cache on a shared computer nor a proxy may keep them. What is the same for
    everybody says so in its own header (the favicon, a unit's coat of arms: `public, max-age=…`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than MAX_REQUEST_BYTES before anything reads it.

    Django saves uploads of any size to temporary files before a form can check them, and even a POST with
    no valid CSRF token is read; this stops an oversized body first, from its declared length. (A body sent
    without a length is not read by Django at all; the web server in front should cap bodies too.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            return render(
                request,
                "platform_core/request_too_large.html",
                {
                    "size_mb": _megabytes(declared),
                    "limit_mb": _megabytes(settings.MAX_REQUEST_BYTES),
                },
                status=413,
            )
        return self.get_response(request)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"
