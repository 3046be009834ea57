"""Filters shared by the list endpoints, as strict as the rest of the input: a filter given
with an empty value, an ordering the list does not offer, a date not written YYYY-MM-DD (or
before 1946-01-17) or a search with a NUL character is a 400 naming the parameter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import F, OrderBy, QuerySet
from rest_framework import filters, serializers
from rest_framework.request import Request

from api.params import EMPTY
from api.values import council_date, quoted


class NullsLastOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` with empty values last in both directions, on every database (SQLite
    and PostgreSQL disagree by default: a never-voted draft would move to the top). A term the
    list does not offer is an error, not silently dropped."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        text = request.query_params.get(self.ordering_param)
        if text == "":
            raise serializers.ValidationError({self.ordering_param: [EMPTY]})
        if text is not None:
            terms = [term.strip() for term in text.split(",")]
            offered = [
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            ]
            wrong = [term for term in terms if term.removeprefix("-") not in offered]
            if wrong:
                raise serializers.ValidationError(
                    {
                        self.ordering_param: [
                            f"{quoted(wrong[0])} is not one of: {', '.join(offered)} "
                            "(a '-' before one reverses it)."
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        offered = getattr(view, "ordering_fields", None)
        for parameter in parameters:
            if isinstance(offered, list | tuple):
                parameter["description"] = (
                    f"One or more of {', '.join(offered)}, separated by commas; a '-' before "
                    "one reverses it. Any other is a 400."
                )
        return parameters

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


class SearchFilter(filters.SearchFilter):
    """DRF's ``?search=``, whose errors (a NUL character) name the parameter."""

    def get_search_terms(self, request: Request) -> Any:
        try:
            return super().get_search_terms(request)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({self.search_param: error.detail}) from None


class IsoDateField(forms.DateField):
    """A date filter's value, read as every date of a query string is
    (``api.values.council_date``: YYYY-MM-DD, from 1946-01-17 on): Django's form field would
    also take '12/30/2019' and a year in other digits."""

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return council_date(str(value))
        except ValueError as error:
            # A parameter, not the message itself: django-filter formats it with ``%``, and
            # the message quotes the value given, which may hold a '%'.
            raise forms.ValidationError(
                "%(message)s", code="invalid", params={"message": str(error)}
            ) from None


class StrictFilterSet(django_filters.FilterSet):
    """A filter given with an empty value is an error, except free-text ones: django-filter
    would silently ignore it, and the client would get an unfiltered list. Date filters read
    YYYY-MM-DD only."""

    def get_form_class(self) -> type[forms.Form]:
        form: type[forms.Form] = super().get_form_class()
        for name, declared in self.filters.items():
            if isinstance(declared, django_filters.DateFilter):
                form.base_fields[name] = IsoDateField(label=declared.label, **declared.extra)
        return form

    def is_valid(self) -> bool:
        valid = super().is_valid()
        data = self.data or {}  # never None once built (django-filter makes it a QueryDict)
        for name, declared in self.filters.items():
            if isinstance(declared, django_filters.CharFilter):
                continue
            if name in data and data.get(name) == "" and name not in self.form.errors:
                self.form.add_error(name, "Give a value or leave the parameter out.")
                valid = False
        return valid
