from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import ActivityType, Facility, Organisation


class ActivityFilter(django_filters.ChoiceFilter):
    """One of the activities, named by its code (``?activity_type=health``). The activities are
    a fixed vocabulary, so the lists offer them without reading the database, and a link keeps
    its meaning from one database to another. ``field_name`` is the path to the activity types,
    as in ``decision__application__activity_types``."""

    def __init__(self, field_name: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("choices", ActivityType.Code.choices)
        kwargs.setdefault("label", _("Activity"))
        kwargs.setdefault("empty_label", _("Any activity"))
        super().__init__(field_name, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.field_name}__code": value})


class OrganisationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))
    kind = django_filters.ChoiceFilter(
        choices=Organisation.Kind.choices, label=_("Kind"), empty_label=_("Any kind")
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind"]


class FacilityFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))
    kind = django_filters.ChoiceFilter(
        choices=Facility.Kind.choices, label=_("Type"), empty_label=_("Any type")
    )
    security_level = django_filters.ChoiceFilter(
        choices=Facility.SecurityLevel.choices,
        label=_("Security level"),
        empty_label=_("Any security level"),
    )

    class Meta:
        model = Facility
        fields = ["name", "kind", "security_level"]
