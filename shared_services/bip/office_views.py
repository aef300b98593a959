"""The office's side of BIP."""

from django.http import Http404


def publication_list(request, **kwargs):
    raise Http404


def publication_new(request, **kwargs):
    raise Http404


def publication_detail(request, **kwargs):
    raise Http404


def publication_edit(request, **kwargs):
    raise Http404


def publication_withdraw_page(request, **kwargs):
    raise Http404


def draft_publish(request, **kwargs):
    raise Http404


def schedule_cancel(request, **kwargs):
    raise Http404


def version_preview(request, **kwargs):
    raise Http404


def menu_page(request, **kwargs):
    raise Http404


def section_edit(request, **kwargs):
    raise Http404


def section_move_view(request, **kwargs):
    raise Http404


def editorial_edit(request, **kwargs):
    raise Http404


def editor_edit(request, **kwargs):
    raise Http404


def editor_remove_view(request, **kwargs):
    raise Http404
