from django.shortcuts import render

from .selectors import branding_get


def unit_home(request):
    """A unit's home page for residents, in the unit's branding."""
    return render(request, "branding/unit_home.html", {"branding": branding_get()})
