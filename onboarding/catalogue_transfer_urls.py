"""The catalogue's data in the console, under /konsola/katalog/ (onboarding/console_urls.py): categories and life
events, and the whole catalogue's export and import."""

from django.urls import path

from . import catalogue_transfer_views as views

CATEGORY, LIFE_EVENT = {"kind": "category"}, {"kind": "life_event"}

urlpatterns = [
    path("kategorie/", views.terms, name="console-catalogue-terms"),
    path("kategorie/nowa/", views.term_new, CATEGORY, name="console-catalogue-category-new"),
    path("kategorie/<slug:slug>/edycja/", views.term_edit, CATEGORY, name="console-catalogue-category-edit"),
    path("kategorie/<slug:slug>/usun/", views.term_delete, CATEGORY, name="console-catalogue-category-delete"),
    path("zdarzenia/nowe/", views.term_new, LIFE_EVENT, name="console-catalogue-life-event-new"),
    path("zdarzenia/<slug:slug>/edycja/", views.term_edit, LIFE_EVENT, name="console-catalogue-life-event-edit"),
    path("zdarzenia/<slug:slug>/usun/", views.term_delete, LIFE_EVENT, name="console-catalogue-life-event-delete"),
    path("przenoszenie/", views.transfer, name="console-catalogue-transfer"),
    path("eksport/", views.export, name="console-catalogue-export"),
    path("import/", views.import_upload, name="console-catalogue-import"),
    path("import/<str:sha256>/", views.import_preview, name="console-catalogue-import-preview"),
    path("import/wykonany/<int:action_id>/", views.import_done, name="console-catalogue-import-done"),
]
