from .hosts import portal_url


def platform(request):
    return {"portal_url": portal_url(request), "unit": getattr(request, "tenant", None)}
