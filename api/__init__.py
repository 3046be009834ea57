"""The REST API's cross-cutting parts: errors, roles and permissions, throttling, CSV,
pagination, caching headers and the OpenAPI schema hooks. Endpoints live in each app's
``api.py``; ``api/urls.py`` routes them under ``/api/v1/``."""
