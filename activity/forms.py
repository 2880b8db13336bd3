from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    # A choice among the deployment's languages, never "not chosen": saving chooses one.
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = NotificationPreference
        fields = ["delivery", "language"]
        widgets = {"delivery": forms.RadioSelect}
