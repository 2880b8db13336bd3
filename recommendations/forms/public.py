"""The filter of the public list of published reports."""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from directory.models import Administration, Facility, Organisation

from .. import selectors
from ..models import Report


class PublicReportFilter(django_filters.FilterSet):
    """By facility, administration and organisation; each offers only those a published report
    names, so that the filter itself reveals nothing more."""

    facility = django_filters.ModelChoiceFilter(
        queryset=Facility.objects.none(), label=_("Facility"), empty_label=_("Any facility")
    )
    administration = django_filters.ModelChoiceFilter(
        queryset=Administration.objects.none(),
        label=_("Administration"),
        empty_label=_("Any administration"),
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(),
        label=_("Organisation"),
        empty_label=_("Any organisation"),
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["facility"].queryset = selectors.published_facilities()
        self.filters["administration"].queryset = selectors.published_administrations()
        self.filters["organisation"].queryset = selectors.published_organisations()
