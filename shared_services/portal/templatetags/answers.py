"""The answer part of the resident's case page: what the office asked, the answer form while it waits, and the
answers sent with their receipts (portal/_answers.html)."""

from django import template

from shared_services.inbox.correspondence_forms import AnswerForm
from shared_services.inbox.models import CaseStatus
from shared_services.inbox.selectors import answer_entries

register = template.Library()


@register.inclusion_tag("portal/_answers.html", takes_context=True)
def case_answers(context, case, reference):
    awaiting = case.status == CaseStatus.AWAITING_RESIDENT
    return {
        "case": case,
        "reference": reference,
        "awaiting": awaiting,
        "form": AnswerForm() if awaiting else None,
        "answers": answer_entries(case),
        "csrf_token": context.get("csrf_token"),
    }
