"""The unit's BIP as the public sees it."""

from django.http import Http404


def bip_home(request, **kwargs):
    raise Http404


def section_page(request, **kwargs):
    raise Http404


def publication_page(request, **kwargs):
    raise Http404


def version_page(request, **kwargs):
    raise Http404


def publication_changes(request, **kwargs):
    raise Http404


def change_register_page(request, **kwargs):
    raise Http404


def search_page(request, **kwargs):
    raise Http404


def editorial_page(request, **kwargs):
    raise Http404


def instructions_page(request, **kwargs):
    raise Http404


def not_published_page(request, **kwargs):
    raise Http404


def subscribe(request, **kwargs):
    raise Http404


def subscription_confirm_page(request, **kwargs):
    raise Http404


def unsubscribe(request, **kwargs):
    raise Http404
