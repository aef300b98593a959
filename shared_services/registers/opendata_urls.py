"""Open data's addresses. `unit_urlpatterns` on a unit's host (its schema), `region_urlpatterns` on the platform's
domain; both under /dane/. The addresses are stable: harvesters and the catalogues name them."""

from django.urls import path

from . import opendata_views as views

unit_urlpatterns = [
    path("", views.unit_index, name="opendata-index"),
    path("katalog.ttl", views.unit_catalogue, {"fmt": "ttl"}, name="opendata-catalogue-ttl"),
    path("katalog.jsonld", views.unit_catalogue, {"fmt": "jsonld"}, name="opendata-catalogue-jsonld"),
    path("katalog.rdf", views.unit_catalogue, {"fmt": "rdf"}, name="opendata-catalogue-rdf"),
    path("dane-gov-pl.xml", views.harvest_feed, name="opendata-feed"),
    path("dane-gov-pl.xml.md5", views.harvest_feed_checksum, name="opendata-feed-md5"),
    path("<slug:slug>.csv-metadata.json", views.register_description, name="opendata-register-description"),
    path("<slug:slug>.csv", views.register_file, {"fmt": "csv"}, name="opendata-register-csv"),
    path("<slug:slug>.json", views.register_file, {"fmt": "json"}, name="opendata-register-json"),
    path("<slug:slug>.jsonld", views.register_file, {"fmt": "jsonld"}, name="opendata-register-jsonld"),
    path("<slug:slug>.geojson", views.register_file, {"fmt": "geojson"}, name="opendata-register-geojson"),
]

region_urlpatterns = [
    path("katalog.ttl", views.region_catalogue, {"fmt": "ttl"}, name="opendata-region-catalogue-ttl"),
    path("katalog.jsonld", views.region_catalogue, {"fmt": "jsonld"}, name="opendata-region-catalogue-jsonld"),
    path("katalog.rdf", views.region_catalogue, {"fmt": "rdf"}, name="opendata-region-catalogue-rdf"),
]

# The office (under /urzad/): the administrator's choice of licence.
office_urlpatterns = [
    path("", views.licence_edit, name="clerk-open-data"),
]
