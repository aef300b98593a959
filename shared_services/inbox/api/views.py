"""The endpoints: read-only, each open to tokens with its scope (`required_scope`)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.negotiation import DefaultContentNegotiation

from shared_services.eforms.models import Attachment

from ..downloads import attachment_response, receipt_xml_response, submission_document_response
from ..models import ApiScope, RegisterEntry
from .authentication import UnitApiTokenAuthentication
from .pagination import ApiPagination
from .permissions import TokenHasScope
from .selectors import api_case_detail, api_cases, api_register_entries, api_register_entry_detail
from .serializers import (
    PAGE_PARAMETERS,
    CaseDetailSerializer,
    CaseQuerySerializer,
    CaseSerializer,
    RegisterEntryDetailSerializer,
    RegisterEntrySerializer,
    RegisterQuerySerializer,
)

NOT_FOUND = OpenApiResponse(description="No such entry, case or file in this unit.")
UNAUTHORIZED = OpenApiResponse(description="No token, or a token that is unknown on this unit or revoked.")
FORBIDDEN = OpenApiResponse(description="The token does not have the scope this endpoint needs.")


class UnitApiView(GenericAPIView):
    authentication_classes = [UnitApiTokenAuthentication]
    permission_classes = [TokenHasScope]
    pagination_class = ApiPagination
    required_scope: str | None = None


class FirstRendererNegotiation(DefaultContentNegotiation):
    """Files are answered as they are, whatever the client's Accept header; errors as JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _EntryMixin:
    def entry(self):
        return get_object_or_404(
            RegisterEntry.objects.select_related("receipt"), year=self.kwargs["year"], number=self.kwargs["number"]
        )


class _FilteredList(UnitApiView, ListAPIView):
    """A list whose query parameters `query_serializer_class` checks, all of them (a bad one is a 400): `select`
    takes the filters, the pagination its page (`query`)."""

    query_serializer_class: type
    select: staticmethod

    def get_queryset(self):
        checked = self.query_serializer_class(data=self.request.query_params)
        checked.is_valid(raise_exception=True)
        self.query = checked.validated_data
        return self.select(**{name: value for name, value in self.query.items() if name not in PAGE_PARAMETERS})


def _list_schema(*, tag: str, query_serializer, serializer, description: str):
    return extend_schema(
        tags=[tag],
        parameters=[query_serializer],
        responses={
            200: serializer(many=True),
            400: OpenApiResponse(description="A query parameter that is not as described (given empty included)."),
            401: UNAUTHORIZED,
            403: FORBIDDEN,
        },
        description=description,
    )


@_list_schema(
    tag="register",
    query_serializer=RegisterQuerySerializer,
    serializer=RegisterEntrySerializer,
    description="The register of incoming correspondence, in register order (oldest first). "
    "Needs the scope `register:read`.",
)
class RegisterEntryList(_FilteredList):
    required_scope = ApiScope.REGISTER_READ
    serializer_class = RegisterEntrySerializer
    query_serializer_class = RegisterQuerySerializer
    select = staticmethod(api_register_entries)


@extend_schema(
    tags=["register"],
    responses={200: RegisterEntryDetailSerializer, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND},
    description="One entry with the application as filed, its form version and its attachments.",
)
class RegisterEntryDetail(UnitApiView, RetrieveAPIView):
    required_scope = ApiScope.REGISTER_READ
    serializer_class = RegisterEntryDetailSerializer
    pagination_class = None

    def get_object(self):
        return get_object_or_404(api_register_entry_detail(), year=self.kwargs["year"], number=self.kwargs["number"])


class _FileView(_EntryMixin, UnitApiView):
    required_scope = ApiScope.REGISTER_READ
    pagination_class = None
    content_negotiation_class = FirstRendererNegotiation


def _file_schema(operation_id: str, media_type: str, description: str, body=OpenApiTypes.BINARY):
    """A file answered as it is: bytes (`body`), or for JSON the object the bytes are, which is what a JSON media
    type's schema describes."""
    return extend_schema(
        tags=["register"],
        operation_id=operation_id,
        description=description,
        responses={(200, media_type): body, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND},
    )


class ReceiptXml(_FileView):
    @_file_schema(
        "register_receipt_xml",
        "application/xml",
        "The official receipt (UPO) exactly as issued: XML with an enveloped XAdES-BES signature.",
    )
    def get(self, request, year, number):
        return receipt_xml_response(self.entry())


class SubmissionDocument(_FileView):
    @_file_schema(
        "register_submission_document",
        "application/json",
        "The application as filed, as the exact bytes whose SHA-256 the receipt names "
        "(`document_sha256`); check the receipt against it under the name wniosek.json.",
        body=OpenApiTypes.OBJECT,
    )
    def get(self, request, year, number):
        return submission_document_response(self.entry())


class AttachmentDownload(_FileView):
    @_file_schema(
        "register_attachment",
        "*/*",  # whichever the file is: its media type found in its content
        "An attachment of the entry's application, with its media type (`Content-Type`); its SHA-256 "
        "is in the entry and in the receipt.",
    )
    def get(self, request, year, number, attachment_id):
        attachment = Attachment.objects.filter(
            pk=attachment_id, submission__register_entry__year=year, submission__register_entry__number=number
        ).first()
        if attachment is None:
            raise Http404
        return attachment_response(attachment)


@_list_schema(
    tag="cases",
    query_serializer=CaseQuerySerializer,
    serializer=CaseSerializer,
    description="Every case of the unit, least recently changed first. Needs the scope `cases:read`.",
)
class CaseList(_FilteredList):
    required_scope = ApiScope.CASES_READ
    serializer_class = CaseSerializer
    query_serializer_class = CaseQuerySerializer
    select = staticmethod(api_cases)


@extend_schema(
    tags=["cases"],
    responses={200: CaseDetailSerializer, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND},
    description="One case with its notes, requests and replies.",
)
class CaseDetail(UnitApiView, RetrieveAPIView):
    required_scope = ApiScope.CASES_READ
    serializer_class = CaseDetailSerializer
    pagination_class = None

    def get_queryset(self):
        return api_case_detail()


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document, always in English like the API's names: one document, whatever the visitor's
    language (choice labels would otherwise follow it)."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        response["Content-Language"] = "en"
        return response
