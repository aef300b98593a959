"""Pages of the API's lists: `?limit=&offset=`, 50 by default, 500 at most."""

from rest_framework.pagination import LimitOffsetPagination


class ApiPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500
