"""The inbox's REST API for the office's own systems (EZD): read-only access to the unit's register of
incoming correspondence and its cases, with a token per system, on the unit's subdomain under /api/v1/.

- services.py: issuing and revoking tokens, and recognising one on a request;
- authentication.py, permissions.py: DRF's side of the tokens and their scopes;
- serializers.py, views.py, urls.py: the endpoints; the OpenAPI 3 document is at /api/v1/schema/;
- office_views.py, office_urls.py: the administrators' screen that issues and revokes tokens (/urzad/api/).
"""
