"""Page-number pagination; CSV downloads are not paginated (a spreadsheet wants every row)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination

from api.params import whole_number_param


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # Checked before DRF reads them: its int() takes '٣' and fails on '²' (a 500).
        for name in (self.page_query_param, self.page_size_query_param):
            whole_number_param(request, name)
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is not None and renderer.format == "csv":
            return None
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page (default {self.page_size}); more than "
                    f"{self.max_page_size} gives {self.max_page_size}."
                )
        return parameters
