"""The catalogue's cards in the console, under /konsola/katalog/ (onboarding/console_urls.py)."""

from django.urls import path

from . import catalogue_views as views

urlpatterns = [
    path("karty/", views.card_list, name="console-cards"),
    path("karty/nowa/", views.card_new, name="console-card-new"),
    path("karty/<slug:slug>/", views.card_detail, name="console-card"),
    path("karty/<slug:slug>/edycja/", views.card_edit, name="console-card-edit"),
    path("karty/<slug:slug>/zmiany/", views.card_diff_view, name="console-card-diff"),
    path("karty/<slug:slug>/do-przegladu/", views.card_submit_view, name="console-card-submit"),
    path("karty/<slug:slug>/zwroc/", views.card_return_view, name="console-card-return"),
    path("karty/<slug:slug>/publikuj/", views.card_publish_view, name="console-card-publish"),
    path("karty/<slug:slug>/odrzuc/", views.card_discard_view, name="console-card-discard"),
    path("karty/<slug:slug>/wycofaj/", views.card_retire_view, name="console-card-retire"),
    path("karty/<slug:slug>/przywroc/", views.card_restore_view, name="console-card-restore"),
    path("karty/<slug:slug>/wersje/<int:number>/", views.card_version, name="console-card-version"),
]
