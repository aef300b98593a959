"""URLs of a unit's subdomain (that unit's schema): the resident portal and the clerks' side."""

from django.urls import include, path

from onboarding import office_views as onboarding_office_views
from shared_services.bip import urls as bip_urls
from shared_services.branding import views as branding_views
from shared_services.eforms import clerk_views as eforms_clerk_views
from shared_services.inbox import case_views as inbox_case_views
from shared_services.inbox import clerk_views as inbox_clerk_views
from shared_services.inbox import correspondence_views as inbox_correspondence_views
from shared_services.inbox import export_views as inbox_export_views
from shared_services.inbox import place_views as inbox_place_views
from shared_services.inbox import start_views as inbox_start_views
from shared_services.letters import views as letters_views
from shared_services.notifications import views as notifications_views
from shared_services.offer import clerk_views as offer_clerk_views
from shared_services.offer.selectors import OWN
from shared_services.portal import account_views, answer_views
from shared_services.portal import views as portal_views
from shared_services.registers import opendata_urls
from shared_services.staff import member_views as staff_member_views
from shared_services.staff import views as staff_views
from shared_services.usage import views as usage_views

from . import views

urlpatterns = [
    path("", portal_views.unit_home, name="unit-home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("wyswietlanie/", views.display_preferences, name="display-preferences"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("herb/", branding_views.coat_of_arms, name="coat-of-arms"),
    path("kolory.css", branding_views.colours_stylesheet, name="unit-colours"),
    path("szukaj/", portal_views.search, name="service-search"),
    path("kategorie/<slug:slug>/", portal_views.category_services, name="category-services"),
    path("sytuacje-zyciowe/<slug:slug>/", portal_views.life_event_services, name="life-event-services"),
    path("uslugi/<slug:slug>/", portal_views.service_card, name="service-card"),
    path("uslugi/<slug:slug>/wniosek/", portal_views.service_form, name="service-form"),
    path("uslugi/<slug:slug>/wniosek/sprawdz/", portal_views.service_form_check, name="service-form-check"),
    path("uslugi-lokalne/<slug:slug>/", portal_views.service_card, {"kind": OWN}, name="own-service-card"),
    path("uslugi-lokalne/<slug:slug>/wniosek/", portal_views.service_form, {"kind": OWN}, name="own-service-form"),
    path(
        "uslugi-lokalne/<slug:slug>/wniosek/sprawdz/",
        portal_views.service_form_check,
        {"kind": OWN},
        name="own-service-form-check",
    ),
    path("wnioski/<uuid:reference>/", portal_views.submission_confirmation, name="submission-confirmation"),
    path("wnioski/<uuid:reference>/sprawa/", portal_views.my_case, name="my-case"),
    path("sprawa/", portal_views.case_by_access_code, name="case-by-access-code"),
    path("wnioski/<uuid:reference>/sprawa/odpowiedz/", answer_views.case_answer, name="case-answer"),
    path(
        "wnioski/<uuid:reference>/odpowiedzi/<uuid:document_id>/",
        answer_views.answer_confirmation,
        name="answer-confirmation",
    ),
    path(
        "wnioski/<uuid:reference>/odpowiedzi/<uuid:document_id>/upo.xml",
        answer_views.answer_receipt,
        {"what": "xml"},
        name="answer-receipt-xml",
    ),
    path(
        "wnioski/<uuid:reference>/odpowiedzi/<uuid:document_id>/upo.pdf",
        answer_views.answer_receipt,
        {"what": "pdf"},
        name="answer-receipt-pdf",
    ),
    path(
        "wnioski/<uuid:reference>/odpowiedzi/<uuid:document_id>/pliki/<int:file_id>/",
        answer_views.answer_file,
        name="answer-file",
    ),
    path("wnioski/<uuid:reference>/upo.xml", portal_views.receipt_download, {"what": "xml"}, name="receipt-xml"),
    path("wnioski/<uuid:reference>/upo.pdf", portal_views.receipt_download, {"what": "pdf"}, name="receipt-pdf"),
    path(
        "wnioski/<uuid:reference>/pisma/<int:note_id>/",
        portal_views.case_message_attachment,
        name="case-message-attachment",
    ),
    path(
        "wnioski/<uuid:reference>/wniosek.json",
        portal_views.receipt_download,
        {"what": "json"},
        name="submission-document",
    ),
    # Everybody signs in through Keycloak (shared_services/identity): residents and the office's staff alike.
    path("", include("shared_services.identity.urls")),
    path("konto/", account_views.my_account, name="resident-account"),
    path("konto/powiadomienia/", notifications_views.resident_preferences, name="resident-notification-preferences"),
    path("urzad/", inbox_start_views.office_start, name="clerk-home"),
    path("urzad/eksport/", onboarding_office_views.export_page, name="clerk-export"),
    path("urzad/eksport/nowe/", onboarding_office_views.export_start, name="clerk-export-start"),
    path("urzad/eksport/<int:pk>/pobierz/", onboarding_office_views.export_download, name="clerk-export-download"),
    path("urzad/wyglad/", branding_views.branding_edit, name="clerk-branding"),
    path("urzad/uslugi/", offer_clerk_views.offer_overview, name="clerk-services"),
    path("urzad/uslugi/<slug:slug>/", offer_clerk_views.adopted_service_edit, name="clerk-adopted-service"),
    path("urzad/uslugi-wlasne/nowa/", offer_clerk_views.own_service_edit, name="clerk-own-service-new"),
    path("urzad/uslugi-wlasne/<slug:slug>/", offer_clerk_views.own_service_edit, name="clerk-own-service"),
    path("urzad/wnioski/", eforms_clerk_views.submissions_list, name="clerk-submissions"),
    path("urzad/skrzynka/", inbox_clerk_views.case_list, name="clerk-inbox"),
    path("urzad/skrzynka/zaznaczone/", inbox_clerk_views.case_list_bulk, name="clerk-inbox-bulk"),
    path("urzad/mapa/", inbox_clerk_views.case_map, name="clerk-map"),
    path("urzad/pracownicy/", staff_views.staff_and_departments, name="clerk-staff"),
    path("urzad/pracownicy/<int:user_id>/", staff_member_views.staff_member_edit, name="clerk-staff-member"),
    path("urzad/pracownicy/<int:user_id>/usun/", staff_views.staff_member_remove, name="clerk-staff-remove"),
    path("urzad/rejestr/", inbox_clerk_views.register_view, name="clerk-register"),
    path("urzad/rejestr/eksport/", inbox_export_views.register_export, name="clerk-register-export"),
    path("urzad/rejestr/nowe-pismo/", inbox_correspondence_views.letter_new, name="clerk-letter-new"),
    path("urzad/sprawy/<int:pk>/", inbox_case_views.case_detail, name="clerk-case"),
    path("urzad/sprawy/<int:pk>/metryka.pdf", inbox_export_views.case_file, name="clerk-case-file"),
    path("urzad/sprawy/<int:pk>/miejsca/", inbox_place_views.case_places, name="clerk-case-places"),
    path("urzad/rejestr/<int:entry_pk>/miejsca/", inbox_place_views.letter_places, name="clerk-letter-places"),
    path("urzad/sprawy/<int:pk>/<str:action>/", inbox_case_views.case_act, name="clerk-case-act"),
    path("urzad/sprawy/<int:pk>/dokumenty/<str:what>", inbox_case_views.case_document, name="clerk-case-document"),
    path(
        "urzad/sprawy/<int:pk>/zalaczniki/<int:attachment_id>/",
        inbox_case_views.case_attachment,
        name="clerk-case-attachment",
    ),
    path(
        "urzad/sprawy/<int:pk>/pisma/<int:note_id>/",
        inbox_case_views.case_note_attachment,
        name="clerk-case-note-attachment",
    ),
    path("urzad/szablony-pism/", letters_views.template_list, name="clerk-letter-templates"),
    path("urzad/szablony-pism/nowy/", letters_views.template_new, name="clerk-letter-template-new"),
    path("urzad/szablony-pism/<int:pk>/", letters_views.template_detail, name="clerk-letter-template"),
    path(
        "urzad/szablony-pism/<int:pk>/aktywny/", letters_views.template_set_active, name="clerk-letter-template-active"
    ),
    path(
        "urzad/szablony-pism/<int:pk>/podglad.pdf", letters_views.template_preview_pdf, name="clerk-letter-template-pdf"
    ),
    path(
        "urzad/sprawy/<int:pk>/korespondencja/<int:file_id>/",
        inbox_correspondence_views.case_entry_file,
        name="clerk-case-entry-file",
    ),
    path("urzad/wskazniki/", usage_views.office_usage, name="clerk-usage"),
    path("urzad/wskazniki/eksport/", usage_views.office_usage_export, name="clerk-usage-export"),
    path("urzad/powiadomienia/", notifications_views.notification_list, name="clerk-notifications"),
    path(
        "urzad/powiadomienia/przeczytane/", notifications_views.notifications_mark_read, name="clerk-notifications-read"
    ),
    path(
        "urzad/powiadomienia/ustawienia/",
        notifications_views.staff_preferences,
        name="clerk-notification-preferences",
    ),
    path("urzad/formularze/", eforms_clerk_views.unit_forms, name="clerk-forms"),
    path("urzad/formularze/nowy/", eforms_clerk_views.unit_form_edit, name="clerk-form-new"),
    path("urzad/formularze/nowy/kreator/", eforms_clerk_views.unit_form_builder, name="clerk-form-builder-new"),
    path("urzad/formularze/<slug:slug>/kreator/", eforms_clerk_views.unit_form_builder, name="clerk-form-builder"),
    path("urzad/formularze/<slug:slug>/", eforms_clerk_views.unit_form_edit, name="clerk-form"),
]

# The inbox's REST API for the office's systems (EZD), and the administrators' screen for its tokens.
urlpatterns += [
    path("api/v1/", include("shared_services.inbox.api.urls")),
    path("urzad/api/", include("shared_services.inbox.api.office_urls")),
]

# Fees: residents' payment pages, providers' notifications, the office's payment settings and actions.
urlpatterns += [path("", include("shared_services.payments.urls"))]

# Open data: the unit's registers as files, its DCAT-AP catalogue and its dane.gov.pl harvest feed.
urlpatterns += [
    path("dane/", include(opendata_urls.unit_urlpatterns)),
    path("urzad/otwarte-dane/", include(opendata_urls.office_urlpatterns)),
]

# The unit's BIP (Biuletyn Informacji Publicznej) and the office's editing of it.
urlpatterns += [
    path("bip/", include(bip_urls.public_urlpatterns)),
    path("urzad/bip/", include(bip_urls.office_urlpatterns)),
]

# The office's public registers: records entered, imported, published to BIP (shared_services/registers).
urlpatterns += [path("urzad/rejestry/", include("shared_services.registers.urls"))]
