"""What the API answers, field by field (also the OpenAPI document's schemas), and the query parameters its lists
take."""

import re

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import CaseNote, CaseStatus, Channel, EntryKind
from .pagination import ApiPagination


def _url(request, name: str, **kwargs) -> str:
    path = reverse(f"inbox-api:{name}", kwargs=kwargs)
    return request.build_absolute_uri(path) if request is not None else path


# --- Query parameters ----------------------------------------------------------------------------
# A list's parameters, its page's included, are checked here and nowhere else (views._FilteredList), and the
# OpenAPI document is made from these same fields: what it allows is what is accepted, and nothing more. Each
# parameter is independent of the others; one given empty is refused, not ignored.

PAGE_PARAMETERS = ("limit", "offset")
LARGEST_INTEGER = 2**31 - 1  # a PostgreSQL integer: register numbers; an offset past it finds nothing anyway
# A whole number as JSON writes one: not "2026.0", " 2026", "+2026", "²" or "false", which int() would take or
# a pagination would read as its default.
INTEGER_TEXT = re.compile(r"-?(0|[1-9][0-9]{0,17})")


class QueryIntegerField(serializers.IntegerField):
    """An integer query parameter, written as INTEGER_TEXT."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not INTEGER_TEXT.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class ListQuerySerializer(serializers.Serializer):
    """The parameters of a page of a list (ApiPagination reads them from here)."""

    limit = QueryIntegerField(
        required=False,
        min_value=1,
        max_value=ApiPagination.max_limit,
        help_text=f"How many results a page holds: {ApiPagination.default_limit} unless given.",
    )
    offset = QueryIntegerField(
        required=False, min_value=0, max_value=LARGEST_INTEGER, help_text="How many results to skip."
    )

    def to_internal_value(self, data):
        empty = {name: [_("This parameter may not be empty.")] for name in self.fields if data.get(name) == ""}
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)


class RegisterQuerySerializer(ListQuerySerializer):
    year = QueryIntegerField(
        required=False, min_value=1900, max_value=9999, help_text="Only entries of this year's register."
    )
    since_number = QueryIntegerField(
        required=False,
        min_value=0,
        max_value=LARGEST_INTEGER,
        help_text="Only entries numbered after this one in their year's register. With `year`, what is new in "
        "that year: a system that has entry 15/2026 asks for `year=2026&since_number=15`.",
    )


class CaseQuerySerializer(ListQuerySerializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="Only cases changed at or after this moment (ISO 8601, e.g. 2026-03-01T08:00:00Z; without an "
        "offset, Polish time). A case changed exactly then is returned again: remember cases by `id`.",
    )


# --- The register --------------------------------------------------------------------------------


class CaseReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    sign = serializers.CharField(help_text="The case sign (znak sprawy); empty until the case is registered.")


class EntryLinksSerializer(serializers.Serializer):
    self = serializers.URLField()
    upo_xml = serializers.URLField(allow_null=True)
    submission_document = serializers.URLField(
        allow_null=True,
        help_text="The document as filed (wniosek.json), whose SHA-256 the receipt names; none for a paper letter.",
    )
    case = serializers.URLField(allow_null=True)


class RegisterEntrySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    year = serializers.IntegerField()
    label = serializers.CharField(help_text="The register number as written, e.g. 15/2026.")
    received_at = serializers.DateTimeField()
    sender_name = serializers.CharField()
    sender_email = serializers.EmailField(allow_blank=True)
    subject = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices, help_text="How it came: electronic, paper, email.")
    kind = serializers.ChoiceField(
        choices=EntryKind.choices, help_text="An application, a resident's answer to a request, or a letter."
    )
    receipt_id = serializers.UUIDField(
        source="receipt.receipt_id",
        allow_null=True,
        help_text="The official receipt's (UPO) id; none for a letter that came on paper or by e-mail.",
    )
    submission_reference = serializers.UUIDField(
        source="submission.reference", allow_null=True, help_text="Applications only."
    )
    case = CaseReferenceSerializer(
        source="owning_case", allow_null=True, help_text="The case it opened, or the one it was registered into."
    )
    links = serializers.SerializerMethodField()

    @extend_schema_field(EntryLinksSerializer)
    def get_links(self, entry) -> dict:
        request = self.context.get("request")
        key = {"year": entry.year, "number": entry.number}
        case = entry.owning_case
        received_electronically = hasattr(entry, "receipt")
        return {
            "self": _url(request, "register-entry", **key),
            "upo_xml": _url(request, "register-entry-upo", **key) if received_electronically else None,
            "submission_document": _url(request, "register-entry-document", **key) if received_electronically else None,
            "case": _url(request, "case", pk=case.pk) if case is not None else None,
        }


class FormVersionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[("standard", "standard"), ("unit", "unit")],
        help_text="A form of the regional catalogue or the unit's own.",
    )
    slug = serializers.CharField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    json_schema = serializers.JSONField(help_text="The form version's JSON Schema: field titles and types.")


class SubmissionSerializer(serializers.Serializer):
    reference = serializers.UUIDField()
    service_key = serializers.CharField()
    service_name = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    contact_email = serializers.EmailField(allow_blank=True)
    data = serializers.JSONField(help_text="The answers as filed, by field name.")
    form = serializers.SerializerMethodField()

    @extend_schema_field(FormVersionSerializer)
    def get_form(self, submission) -> dict:
        version = submission.form_version
        return {
            "kind": "standard" if submission.standard_form_version_id else "unit",
            "slug": version.form.slug,
            "name": version.form.name,
            "version": version.number,
            "json_schema": version.json_schema,
        }


class ReceiptSerializer(serializers.Serializer):
    receipt_id = serializers.UUIDField()
    produced_at = serializers.DateTimeField()
    document_sha256 = serializers.CharField()
    key_id = serializers.CharField(
        help_text="The signing key; its certificate is published at /upo/ on the platform's domain."
    )


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    field = serializers.CharField(help_text="The form field the file was attached to.")
    name = serializers.CharField(source="original_name")
    media_type = serializers.CharField()
    size = serializers.IntegerField(help_text="In bytes.")
    sha256 = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment) -> str:
        entry = self.context["entry"]
        return _url(
            self.context.get("request"),
            "register-entry-attachment",
            year=entry.year,
            number=entry.number,
            attachment_id=attachment.pk,
        )


class RegisterEntryDetailSerializer(RegisterEntrySerializer):
    receipt = ReceiptSerializer(allow_null=True)
    submission = SubmissionSerializer(allow_null=True)
    attachments = serializers.SerializerMethodField()

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, entry) -> list:
        context = {**self.context, "entry": entry}
        attachments = entry.submission.attachments.all() if entry.submission else []
        return AttachmentSerializer(attachments, many=True, context=context).data


# --- Cases ---------------------------------------------------------------------------------------


class RegisterEntryReferenceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    label = serializers.CharField()
    received_at = serializers.DateTimeField()
    subject = serializers.CharField()
    sender_name = serializers.CharField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entry) -> str:
        return _url(self.context.get("request"), "register-entry", year=entry.year, number=entry.number)


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    sign = serializers.CharField(help_text="The case sign (znak sprawy); empty until the case is registered.")
    department_code = serializers.CharField(source="department.code", allow_null=True)
    department_name = serializers.CharField(source="department.name", allow_null=True)
    assignee = serializers.CharField(
        source="assignee.email", allow_null=True, help_text="The e-mail address of the clerk the case is assigned to."
    )
    jrwa = serializers.CharField(help_text="The class of the uniform list of files (JRWA).")
    deadline = serializers.DateField(allow_null=True)
    archival_category = serializers.CharField()
    retention_until = serializers.IntegerField(
        allow_null=True, help_text="The file is kept until the end of this year (empty: for good, or not closed)."
    )
    resolution = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(help_text="When the case last changed (its newest audit entry).")
    register_entry = RegisterEntryReferenceSerializer()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, case) -> str:
        return _url(self.context.get("request"), "case", pk=case.pk)


class CaseNoteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=CaseNote.Kind.choices, help_text="An internal note, a request to the resident or a reply to them."
    )
    author = serializers.CharField(
        source="author.email", allow_null=True, help_text="The e-mail address of the member of staff who wrote it."
    )
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    has_attachment = serializers.SerializerMethodField()

    def get_has_attachment(self, note) -> bool:
        return bool(note.attachment)


class CaseDetailSerializer(CaseSerializer):
    notes = CaseNoteSerializer(many=True)
