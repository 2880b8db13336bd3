"""The filter of the public list of published reports."""

from typing import Any

import django_filters
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from activity.suggest import SuggestChoiceFilter
from directory.models import Administration, Facility, Organisation

from .. import selectors
from ..models import Report


class PublicReportFilter(django_filters.FilterSet):
    """By facility, administration and organisation; each offers only those a published report
    names, so that the filter itself reveals nothing more."""

    facility = SuggestChoiceFilter(
        queryset=Facility.objects.none(),
        url=reverse_lazy("recommendations:public_choices", args=["facility"]),
        label=_("Facility"),
        placeholder=_("Any facility"),
    )
    administration = django_filters.ModelChoiceFilter(
        queryset=Administration.objects.none(),
        label=_("Administration"),
        empty_label=_("Any administration"),
    )
    organisation = SuggestChoiceFilter(
        queryset=Organisation.objects.none(),
        url=reverse_lazy("recommendations:public_choices", args=["organisation"]),
        label=_("Organisation"),
        placeholder=_("Any organisation"),
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["facility"].queryset = selectors.published_facilities()
        self.filters["administration"].queryset = selectors.published_administrations()
        self.filters["organisation"].queryset = selectors.published_organisations()

    @property
    def statistics_key(self) -> str | None:
        """What the implementation figures of a listed facility depend on, to keep them under:
        the administration chosen, if any (the facility filter keeps all of a facility's
        reports). None when an organisation is chosen: the figures are then of its
        recommendations only, counted afresh (a handful)."""
        if not self.is_valid() or self.form.cleaned_data.get("organisation"):
            return None
        administration = self.form.cleaned_data.get("administration")
        return f"administration-{administration.pk}" if administration else "all"
