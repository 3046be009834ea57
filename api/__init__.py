"""The REST API's shared plumbing: errors, roles and permissions, throttling, CSV, pagination,
query parameters, caching headers and the OpenAPI schema hooks. It imports none of the apps:
each app owns its endpoints, and ``config/urls.py`` routes them under ``/api/v1/``."""
