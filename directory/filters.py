import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Facility, Organisation


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
