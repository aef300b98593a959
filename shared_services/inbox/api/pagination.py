"""Pages of the API's lists: `?limit=&offset=`, 50 by default, 500 at most."""

from rest_framework.pagination import LimitOffsetPagination


class ApiPagination(LimitOffsetPagination):
    """Reads `limit` and `offset` as the list's query serializer checked them (serializers.ListQuerySerializer,
    which also puts them in the OpenAPI document), rather than turning a value it cannot read into its default."""

    default_limit = 50
    max_limit = 500

    def paginate_queryset(self, queryset, request, view=None):
        self.checked = view.query
        return super().paginate_queryset(queryset, request, view)

    def get_limit(self, request):
        return self.checked.get("limit", self.default_limit)

    def get_offset(self, request):
        return self.checked.get("offset", 0)

    def get_schema_operation_parameters(self, view):
        return []  # listed by the query serializer
