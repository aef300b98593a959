"""The inbox's and the payments' signals, recorded as usage facts in the action's own transaction."""

from . import services


def on_application_received(sender, entry, case, **kwargs):
    services.intake_record(entry=entry, service_key=entry.submission.service_key)


def on_letter_registered(sender, entry, case, **kwargs):
    services.intake_record(entry=entry, service_key="")


def on_case_closed(sender, case, **kwargs):
    services.closing_record(case=case)


def on_payment_paid(sender, payment, **kwargs):
    services.payment_record(payment=payment)
