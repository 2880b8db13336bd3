from django import forms

from .models import Facility, Organisation, Person


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "registration_number",
            "country",
            "email",
            "phone",
            "description",
            "language",
        ]


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["name", "kind", "security_level", "address", "time_zone", "visitor_capacity"]


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "full_name",
            "role_title",
            "document_type",
            "document_number",
            "nationality",
            "email",
            "phone",
        ]
