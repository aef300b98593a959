"""The unit's BIP (/bip/) and its office side (/urzad/bip/), included by platform_core/urls_tenant.py."""

from django.urls import path

from . import office_views, public_views

public_urlpatterns = [
    path("", public_views.bip_home, name="bip-home"),
    path("dzial/<slug:key>/", public_views.section_page, name="bip-section"),
    path("pozycje/<int:pk>/", public_views.publication_page, name="bip-publication"),
    path("pozycje/<int:pk>/wersje/<int:number>/", public_views.version_page, name="bip-version"),
    path("pozycje/<int:pk>/rejestr-zmian/", public_views.publication_changes, name="bip-publication-changes"),
    path("rejestr-zmian/", public_views.change_register_page, name="bip-changes"),
    path("szukaj/", public_views.search_page, name="bip-search"),
    path("redakcja/", public_views.editorial_page, name="bip-editorial"),
    path("instrukcja/", public_views.instructions_page, name="bip-instructions"),
    path("informacja-nieudostepniona/", public_views.not_published_page, name="bip-not-published"),
    path("subskrypcja/", public_views.subscribe, name="bip-subscribe"),
    path(
        "subskrypcja/<uuid:token>/potwierdz/", public_views.subscription_confirm_page, name="bip-subscription-confirm"
    ),
    path("subskrypcja/<uuid:token>/wypisz/", public_views.unsubscribe, name="bip-unsubscribe"),
]

office_urlpatterns = [
    path("", office_views.publication_list, name="clerk-bip"),
    path("nowa/", office_views.publication_new, name="clerk-bip-new"),
    path("pozycje/<int:pk>/", office_views.publication_detail, name="clerk-bip-publication"),
    path("pozycje/<int:pk>/zmien/", office_views.publication_edit, name="clerk-bip-edit"),
    path("pozycje/<int:pk>/wycofaj/", office_views.publication_withdraw_page, name="clerk-bip-withdraw"),
    path("pozycje/<int:pk>/opublikuj/", office_views.draft_publish, name="clerk-bip-draft-publish"),
    path("pozycje/<int:pk>/odrzuc-szkic/", office_views.draft_discard, name="clerk-bip-draft-discard"),
    path("pozycje/<int:pk>/anuluj-harmonogram/", office_views.schedule_cancel, name="clerk-bip-schedule-cancel"),
    path("pozycje/<int:pk>/wersje/<int:number>/", office_views.version_preview, name="clerk-bip-version"),
    path("menu/", office_views.menu_page, name="clerk-bip-menu"),
    path("menu/<int:section_id>/", office_views.section_edit, name="clerk-bip-section"),
    path("menu/<int:section_id>/przesun/", office_views.section_move_view, name="clerk-bip-section-move"),
    path("redakcja/", office_views.editorial_edit, name="clerk-bip-editorial"),
    path("redakcja/redaktorzy/<int:editor_id>/", office_views.editor_edit, name="clerk-bip-editor"),
    path("redakcja/redaktorzy/nowy/", office_views.editor_edit, name="clerk-bip-editor-new"),
    path("redakcja/redaktorzy/<int:editor_id>/usun/", office_views.editor_remove_view, name="clerk-bip-editor-remove"),
]
