from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class DateInput(forms.DateInput):
    """A browser's date picker. Its value is always written as ISO 8601, whatever the reader's
    language: a date field does not read a localised date."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PreferenceForm(forms.ModelForm):
    # A choice among the deployment's languages, never "not chosen": saving chooses one.
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = NotificationPreference
        fields = ["delivery", "language"]
        widgets = {"delivery": forms.RadioSelect}
