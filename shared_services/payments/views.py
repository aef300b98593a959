"""Payment pages: the unit administrator's configuration and report, the office's actions on a case's
payment, the resident's return and resume pages, and the providers' notification endpoint. Thin: the
rules are in services.py; sending a resident to pay is in checkout.py (the portal does it too)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from platform_core.forms import BoundedDateField, ZlotyField
from platform_core.metrics import payment_notification_counted
from platform_core.money import zloty_display
from shared_services.eforms.filers import is_filer
from shared_services.identity.access import Area, area_required
from shared_services.inbox.permissions import may_refund, visible_cases

from . import report, services
from .base import WEBHOOK_MAX_BYTES, ProviderError, ProviderKeysUnreadable, ProviderUnreachable, WebhookRejected
from .checkout import SESSION_PAYMENTS, payment_go, status_url
from .models import Payment
from .registry import provider_get, provider_of, providers
from .selectors import payments_for_report, provider_config_get

# --- Residents ---------------------------------------------------------------------------------------


def _resident_payment(request, public_id) -> Payment:
    """The payment, if this browser filed its application, opened it with the access code, or the signed-in
    resident is its author; 404 for anyone else (another unit's payments do not exist in this schema)."""
    payment = get_object_or_404(Payment.objects.select_related("submission__register_entry"), public_id=public_id)
    submission = payment.submission
    if not (is_filer(request, submission) or str(public_id) in request.session.get(SESSION_PAYMENTS, [])):
        raise Http404
    return payment


@require_POST
def payment_pay(request, public_id):
    """Pay now, or resume an abandoned payment."""
    return payment_go(request, _resident_payment(request, public_id))


@require_GET
def payment_status(request, public_id):
    """Where the provider sends the resident back. The return itself proves nothing: this shows the status
    stored from the verified notification; while it is awaiting, HTMX asks again every few seconds."""
    payment = _resident_payment(request, public_id)
    plugin = provider_of(payment.provider)
    plugin.handle_return(provider_config_get(payment.provider), payment, request.GET)
    submission = payment.submission
    context = {
        "payment": payment,
        "online": plugin.online,
        "submission": submission,
        # The filer sees the way back to the confirmation (receipt, and the access code until it is
        # shown there); a visitor who came with the access code, the case page.
        "filer": is_filer(request, submission),
        "access_code": request.session.get(f"access_code:{submission.reference}"),
    }
    if request.headers.get("HX-Request"):
        response = render(request, "payments/_status_fragment.html", context)
    else:
        response = render(request, "payments/status.html", context)
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "no-store"
    return response


# --- Notifications from providers --------------------------------------------------------------------


@csrf_exempt
@require_POST
def payment_webhook(request, provider: str, kind: str):
    """A provider's notification, at platnosci/<provider>/<kind>/ or an older address of it (urls.py).
    404 for a provider the registry does not know or a kind it does not send (the office sends none)."""
    try:
        plugin = provider_get(provider)
    except LookupError:
        raise Http404 from None
    if kind not in plugin.webhook_kinds:
        raise Http404
    # Read no more than one byte past the limit, whatever length the request declares: the service refuses it.
    body = request.read(WEBHOOK_MAX_BYTES + 1)
    try:
        outcome = services.notification_receive(
            provider_key=plugin.key, kind=kind, body=body, remote_addr=request.META.get("REMOTE_ADDR")
        )
    except WebhookRejected:
        payment_notification_counted(provider=plugin.key, kind=kind, accepted=False)
        return JsonResponse({"status": "rejected"}, status=400)
    payment_notification_counted(provider=plugin.key, kind=kind, accepted=True)
    return JsonResponse({"status": outcome})


# --- The unit administrator --------------------------------------------------------------------------


class ReportForm(forms.Form):
    date_from = BoundedDateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = BoundedDateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("csv", "CSV"), ("xlsx", "XLSX (Excel)")],
        widget=forms.RadioSelect,
        initial="xlsx",
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


def _config_forms(data=None, bound_key=None):
    result = []
    for plugin in providers():
        config = provider_config_get(plugin.key)
        form = plugin.configuration_form(config=config, data=data if plugin.key == bound_key else None)
        if form is not None:
            form.prefix = plugin.key
            result.append((plugin, config, form))
    return result


@area_required(Area.OFFICE_ADMIN)
def payment_settings(request):
    """Each provider's configuration (secrets never shown back), a connection test, and the report."""
    bound_key = request.POST.get("provider") if request.method == "POST" else None
    if bound_key is not None:
        try:
            plugin = provider_get(bound_key)
        except LookupError:
            raise Http404 from None
        config = provider_config_get(bound_key)
        if request.POST.get("action") == "test":
            if config is None:
                messages.error(request, _("Save the configuration first."))
            else:
                try:
                    services.provider_config_test(config)
                except ProviderKeysUnreadable:
                    messages.error(
                        request,
                        _(
                            "The stored keys cannot be read any more (the platform's encryption key "
                            "changed). Enter the CRC key and the API key again and save."
                        ),
                    )
                except ProviderUnreachable:
                    messages.error(
                        request,
                        _(
                            "Connection test failed: the provider did not answer. Check the "
                            "environment, or try again later."
                        ),
                    )
                except ProviderError:
                    messages.error(
                        request,
                        _(
                            "Connection test failed: the provider refused the configuration. "
                            "Check the merchant ID, POS ID and API key."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("Connection test passed: %(provider)s accepts the configuration.")
                        % {"provider": plugin.name},
                    )
            return redirect("payment-settings")
        entries = _config_forms(request.POST, bound_key)
        form = next(form for entry_plugin, _config, form in entries if entry_plugin.key == bound_key)
        if form.is_valid():
            services.provider_config_save(
                actor=request.user.get_username(),
                provider_key=bound_key,
                # A provider without the switch (the office) is always on.
                enabled=form.cleaned_data.get("enabled", True),
                options=form.options(),
                secrets=form.secrets(),
            )
            messages.success(request, _("Saved."))
            return redirect("payment-settings")
        status = 400
    else:
        entries, status = _config_forms(), 200
    today = timezone.localdate()
    report_form = ReportForm(
        initial={"date_from": today.replace(day=1), "date_to": today, "format": "xlsx"}, prefix="report"
    )
    return render(request, "payments/settings.html", {"entries": entries, "report_form": report_form}, status=status)


@require_GET
@area_required(Area.OFFICE_ADMIN)
def payment_report(request):
    form = ReportForm(request.GET, prefix="report")
    if not form.is_valid():
        return render(request, "payments/settings.html", {"entries": _config_forms(), "report_form": form}, status=400)
    data = form.cleaned_data
    payments = payments_for_report(date_from=data["date_from"], date_to=data["date_to"])
    name = f"platnosci-{connection.tenant.slug}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
    if data["format"] == "csv":
        response = HttpResponse(report.report_csv(payments), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(
            report.report_xlsx(payments),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- The office's actions on a case's payment --------------------------------------------------------


def _case_payment(request, public_id) -> Payment:
    """The payment of a case this member of staff may see; 404 otherwise (also for another unit's)."""
    payment = get_object_or_404(Payment.objects.select_related("submission__register_entry"), public_id=public_id)
    entry = getattr(payment.submission, "register_entry", None)
    if entry is None or not visible_cases(request.user).filter(register_entry=entry).exists():
        raise Http404
    return payment


def _back_to_case(payment):
    return redirect("clerk-case", pk=payment.submission.register_entry.case.pk)


class RefundForm(forms.Form):
    # Typed in złoty, in grosze from here on; at most what is refundable is the service's rule.
    amount = ZlotyField(label=gettext_lazy("Amount to refund (zł)"), min_grosze=1)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=250, required=False)


@require_POST
@area_required(Area.OFFICE)
def payment_refund(request, public_id):
    payment = _case_payment(request, public_id)
    if not may_refund(request.user):
        raise PermissionDenied
    form = RefundForm(request.POST, prefix="refund")
    if form.is_valid():
        # A provider without refunds has no refund notifications: refund_request refuses it with a message.
        supported = provider_of(payment.provider).supports_refund
        refund_status_url = status_url(payment.provider, "refund") if supported else ""
        try:
            services.refund_request(
                user=request.user,
                payment=payment,
                amount_grosze=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                status_url=refund_status_url,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except services.RefundPending:
            messages.warning(
                request,
                _(
                    "The provider did not answer, so it is not known yet whether it took the "
                    "refund. It stays requested and is completed when the provider confirms "
                    "it; do not request it again."
                ),
            )
        else:
            messages.success(
                request,
                _("A refund of %(amount)s was requested; it is done when the provider confirms it.")
                % {"amount": zloty_display(form.cleaned_data["amount"])},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return _back_to_case(payment)


@require_POST
@area_required(Area.OFFICE)
def payment_mark_paid(request, public_id):
    payment = _case_payment(request, public_id)
    try:
        services.payment_mark_paid_at_office(user=request.user, payment=payment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The fee is marked paid."))
    return _back_to_case(payment)
