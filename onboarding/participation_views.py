"""The participation dashboard: how many units use the platform, against the consortium's target."""

from django.conf import settings
from django.shortcuts import render

from platform_core.charts import bar_chart, step_chart

from .participation import participation_summary


def participation_context() -> dict:
    """What `onboarding/_participation.html` needs; a page that includes the block builds it with this."""
    participation = participation_summary(target=settings.PARTICIPATION_TARGET)
    return {
        "participation": participation,
        "kind_chart": bar_chart(participation.by_kind),
        "powiat_chart": bar_chart(participation.by_powiat),
        "onboarding_chart": step_chart([(day, total) for day, _, total in participation.onboarding]),
    }


def participation_dashboard(request):
    """Public page on the platform domain: participating units, by kind, by powiat and over time."""
    return render(request, "onboarding/participation.html", participation_context())
