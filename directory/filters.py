import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Facility, Organisation


class OrganisationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))

    class Meta:
        model = Organisation
        fields = ["name", "kind"]


class FacilityFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))

    class Meta:
        model = Facility
        fields = ["name", "kind", "security_level"]
