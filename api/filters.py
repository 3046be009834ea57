"""Filters shared by the list endpoints."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, OrderBy, QuerySet
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request


class NullsLastOrderingFilter(OrderingFilter):
    """``?ordering=`` with empty values last in both directions, on every database (SQLite
    and PostgreSQL disagree by default: a never-voted draft would move to the top)."""

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(_nulls_last(term) for term in ordering))


def _nulls_last(term: str | OrderBy) -> OrderBy:
    if not isinstance(term, str):
        return term
    if term.startswith("-"):
        return F(term[1:]).desc(nulls_last=True)
    return F(term).asc(nulls_last=True)


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with an empty value is an error, except free-text ones: django-filter
    would silently ignore it, and the client would get an unfiltered list."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, declared in self.filters.items():
            if isinstance(declared, django_filters.CharFilter):
                continue
            if name in self.data and self.data.get(name) == "" and name not in self.form.errors:
                self.form.add_error(name, "Give a value or leave the parameter out.")
                valid = False
        return valid
