"""The office's refund form: the amount is typed in złoty, with the platform's one money field."""

import pytest
from django.utils import translation

from shared_services.payments.views import RefundForm


@pytest.mark.parametrize("typed,grosze", [("17", 1700), ("12,50", 1250), ("12.5", 1250), ("1 234,50", 123450)])
def test_a_refund_is_typed_in_zloty(typed, grosze):
    form = RefundForm({"refund-amount": typed, "refund-reason": "Nadpłata"}, prefix="refund")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == grosze


@pytest.mark.parametrize(
    "typed,message",
    [
        ("-5", "Kwota nie może być ujemna."),
        ("0", "Kwota musi wynosić co najmniej 0,01 zł."),
        ("1,001", "Podaj kwotę w złotych z najwyżej dwoma miejscami po przecinku (grosze), np. 17,50."),
        ("NaN", "Podaj kwotę w złotych, np. 17 albo 17,50."),
    ],
)
def test_a_wrong_refund_amount_is_refused_in_polish(typed, message):
    with translation.override("pl"):
        form = RefundForm({"refund-amount": typed}, prefix="refund")
        assert form.errors["amount"] == [message]


@pytest.mark.parametrize(
    "status,kind", [("paid", "notice success"), ("awaiting", "notice info"), ("failed", "notice error")]
)
def test_the_payment_status_panel_has_the_look_of_its_outcome(status, kind):
    import uuid
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    payment = SimpleNamespace(status=status, amount_grosze=1750, public_id=uuid.uuid4())
    with translation.override("pl"):
        panel = render_to_string("payments/_status_fragment.html", {"payment": payment, "online": False})
    assert f'<p class="{kind}"><svg class="message-icon"' in panel
