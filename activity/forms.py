import zoneinfo
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


#: Every time zone a user may choose, by its name in the IANA database.
TIME_ZONES = sorted(zoneinfo.available_timezones())


class PreferenceForm(forms.ModelForm):
    # A choice among the deployment's languages, never "not chosen": saving chooses one.
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Dates and times on every page are shown in it, and “today” follows it."),
    )

    class Meta:
        model = NotificationPreference
        fields = ["delivery", "language", "time_zone"]
        widgets = {"delivery": forms.RadioSelect}

    def __init__(self, *args: Any, work_zone: str | None, **kwargs: Any) -> None:
        """``work_zone``: the time zone of where the user works, which "not chosen" means (the
        deployment's when they work in none or several)."""
        super().__init__(*args, **kwargs)
        if work_zone:
            unchosen = _("Where I work (%(zone)s)") % {"zone": work_zone}
        else:
            unchosen = _("This site's (%(zone)s)") % {"zone": settings.TIME_ZONE}
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", unchosen), *((zone, zone) for zone in TIME_ZONES)]
