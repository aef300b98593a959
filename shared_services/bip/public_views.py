"""The unit's BIP as the public sees it (/bip/): the menu, items and their versions, the change register, the
search, the editorial office, the instructions, the page on information not published, and subscriptions.
Only what is published shows; drafts and scheduled versions answer 404."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from platform_core.rate_limits import BIP_SUBSCRIBE, rate_limited

from . import selectors
from .forms import SubscribeForm
from .models import Publication
from .renderers import data_render, subscription_topic_title
from .services import subscription_cancel, subscription_confirm, subscription_request

PAGE_SIZE = 20
PAGE_PARAMETER = "strona"


def _render(request, template: str, context: dict, *, status: int = 200, current=None):
    """A BIP page: the content plus the subject menu (in the reader's language) and the link for requests."""
    language = get_language()
    menu = [(section, section.title_in(language)) for section in selectors.sections_menu()]
    return render(
        request,
        template,
        {"bip_menu": menu, "bip_current": current, "bip_query": request.GET.get("q", "")[:200], **context},
        status=status,
    )


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(PAGE_PARAMETER))


def bip_home(request):
    return _render(
        request,
        "bip/home.html",
        {
            "latest": selectors.published_publications()[:10],
            "office": selectors.editorial_office(),
            "editors": list(selectors.editors()),
        },
    )


def section_page(request, key: str):
    section = get_object_or_404(selectors.sections_menu(), key=key)
    initial = {"key": selectors.section_subscription_key(section)}
    if request.user.is_authenticated:  # a signed-in resident finds their own address filled in
        initial["email"] = request.user.email
    return _render(
        request,
        "bip/section.html",
        {
            "section": section,
            "section_title": section.title_in(get_language()),
            "page": _page(request, selectors.published_publications(section=section)),
            "subscribe_form": SubscribeForm(initial=initial),
        },
        current=section,
    )


def _published(pk: int) -> tuple[Publication, object]:
    publication = get_object_or_404(Publication.objects.select_related("section"), pk=pk)
    version = selectors.visible_version(publication)
    if version is None:
        raise Http404
    return publication, version


def _version_context(publication, version, *, latest) -> dict:
    return {
        "publication": publication,
        "version": version,
        "latest": latest,
        "data_html": data_render(publication.source_app, version.data, get_language()),
        "section_title": publication.section.title_in(get_language()),
        "request_offered": selectors.request_service_offered(),
    }


def publication_page(request, pk: int):
    publication, version = _published(pk)
    context = _version_context(publication, version, latest=version)
    if version.kind == "withdrawn":
        context["previous"] = selectors.public_version(publication, version.number - 1)
    return _render(request, "bip/publication.html", context, current=publication.section)


def version_page(request, pk: int, number: int):
    publication, latest = _published(pk)
    version = selectors.public_version(publication, number)
    if version is None:
        raise Http404
    return _render(
        request,
        "bip/publication.html",
        _version_context(publication, version, latest=latest),
        current=publication.section,
    )


def publication_changes(request, pk: int):
    publication, latest = _published(pk)
    return _render(
        request,
        "bip/publication_changes.html",
        {"publication": publication, "latest": latest, "versions": selectors.public_versions(publication)},
        current=publication.section,
    )


def change_register_page(request):
    return _render(request, "bip/changes.html", {"page": _page(request, selectors.change_register())})


def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    results = _page(request, selectors.publication_search(query=query)) if query else None
    return _render(request, "bip/search.html", {"query": query, "page": results})


def editorial_page(request):
    return _render(
        request, "bip/editorial.html", {"office": selectors.editorial_office(), "editors": list(selectors.editors())}
    )


def instructions_page(request):
    return _render(request, "bip/instructions.html", {})


def not_published_page(request):
    return _render(
        request,
        "bip/not_published.html",
        {
            "office": selectors.editorial_office(),
            "request_offered": selectors.request_service_offered(),
            "request_slug": selectors.REQUEST_SERVICE,
            "withheld": selectors.withheld_statements(),
        },
    )


@rate_limited(*BIP_SUBSCRIBE)
def subscribe(request):
    """GET: the form for `?key=`; POST: ask for the confirmation e-mail. The answer is the same whether the
    address was subscribed before or not."""
    data = request.POST if request.method == "POST" else None
    form = SubscribeForm(data, initial={"key": request.GET.get("key", "")[:120]})
    key = (data.get("key") if data is not None else request.GET.get("key", ""))[:120]
    topic = subscription_topic_title(key, get_language())
    if topic is None:
        return _render(request, "bip/subscribe.html", {"unknown": True}, status=404)
    if data is None or not form.is_valid():
        return _render(request, "bip/subscribe.html", {"form": form, "topic": topic}, status=400 if data else 200)
    subscription_request(email=form.cleaned_data["email"], key=key, language=get_language())
    return _render(request, "bip/subscribe.html", {"sent": True, "topic": topic, "email": form.cleaned_data["email"]})


def subscription_confirm_page(request, token):
    """GET shows a button, POST confirms: a mail scanner that opens links confirms nothing."""
    subscription = selectors.subscription_by_token(token)
    if subscription is None:
        raise Http404
    topic = subscription_topic_title(subscription.key, get_language()) or subscription.key
    if request.method == "POST":
        subscription_confirm(token=token)
        return _render(request, "bip/subscription.html", {"topic": topic, "confirmed": True})
    return _render(request, "bip/subscription.html", {"topic": topic, "ask_confirm": True})


def unsubscribe(request, token):
    subscription = selectors.subscription_by_token(token)
    if request.method == "POST":
        subscription_cancel(token=token)
        return _render(request, "bip/subscription.html", {"cancelled": True})
    if subscription is None:
        return _render(request, "bip/subscription.html", {"cancelled": True})
    topic = subscription_topic_title(subscription.key, get_language()) or subscription.key
    return _render(request, "bip/subscription.html", {"topic": topic, "ask_cancel": True})
