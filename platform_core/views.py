from django.shortcuts import render

from tenants.selectors import participating_units

from .hosts import host_url


def portal_home(request):
    """The regional portal on the bare platform domain: the directory of participating units."""
    units = [(unit, host_url(request, unit.primary_host)) for unit in participating_units()]
    return render(request, "platform_core/portal_home.html", {"units": units})
