"""The office's registers, under /urzad/rejestry/ on a unit's host."""

from django.urls import path

from . import office_views as views

urlpatterns = [
    path("", views.register_list, name="clerk-registers"),
    path("<slug:slug>/", views.record_list, name="clerk-register-records"),
    path("<slug:slug>/nowy/", views.record_new, name="clerk-register-new"),
    path("<slug:slug>/import/", views.record_import, name="clerk-register-import"),
    path("<slug:slug>/import/<int:pk>/", views.record_import_confirm, name="clerk-register-import-confirm"),
    path("<slug:slug>/<int:number>/", views.record_detail, name="clerk-register-record"),
    path("<slug:slug>/<int:number>/zmien/", views.record_edit, name="clerk-register-record-edit"),
    path("<slug:slug>/<int:number>/publikuj/", views.record_publish, name="clerk-register-record-publish"),
    path("<slug:slug>/<int:number>/wycofaj/", views.record_withdraw, name="clerk-register-record-withdraw"),
    path("<slug:slug>/<int:number>/odrzuc/", views.record_discard, name="clerk-register-record-discard"),
]
