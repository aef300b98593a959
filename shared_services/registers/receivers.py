"""What the registers add to the apps below them: how BIP draws a record and names a register's subscription,
and the record a closed case proposes."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from shared_services.bip.renderers import register_renderer, register_subscription_topic

from . import services
from .selectors import register_by_slug, register_definition


@register_renderer(services.SOURCE_APP)
def draw_record(data: dict, language: str) -> SafeString:
    rows = [row for row in data.get("rows", []) if isinstance(row, list) and len(row) == 2]
    return render_to_string("registers/_record_data.html", {"rows": rows})


@register_subscription_topic("register")
def register_title(slug: str, language: str) -> str | None:
    register = register_by_slug(slug)
    if register is None:
        return None
    try:
        definition = register_definition(register)
    except LookupError:
        return None
    return definition.name_en if language == "en" and definition.name_en else definition.name


def on_case_closed(sender, case, **kwargs):
    services.records_propose_from_case(case=case)
