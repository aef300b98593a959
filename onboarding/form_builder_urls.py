"""The standard forms in the console, under /konsola/formularze/ (onboarding/console_urls.py)."""

from django.urls import path

from . import form_builder_views as views

urlpatterns = [
    path("", views.form_list, name="console-forms"),
    path("nowy/", views.form_builder, name="console-form-new"),
    path("nowy/json/", views.form_json, name="console-form-new-json"),
    path("<slug:slug>/", views.form_builder, name="console-form"),
    path("<slug:slug>/json/", views.form_json, name="console-form-json"),
]
