from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from activity.validators import NameField

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
        field_classes = {"name": NameField}


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        fields = [
            "name",
            "kind",
            "security_level",
            "region",
            "address",
            "time_zone",
            "visitor_capacity",
        ]
        field_classes = {"name": NameField}


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
        field_classes = {"full_name": NameField, "role_title": NameField}


class CodeForm(forms.Form):
    """A code from the authenticator app (or, where allowed, a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args: Any, help_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text


class StepUpForm(forms.Form):
    """The password again, and a code where the user has an authenticator."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, with_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_code:
            self.fields["code"].required = True
        else:
            del self.fields["code"]
