"""Forms of monitoring visits and coordination meetings: they validate what was typed; the
services decide."""

import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.forms import DateInput
from activity.suggest import Chosen, SuggestChoiceField, name_matches
from activity.uploads import DocumentField
from activity.validators import TextLimit
from directory.models import Area, Facility, Organisation, Person

from ..models import Delay, Meeting, Visitor, local_today
from ..services.monitoring import NOTIFIED_PURPOSES


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


def _one(chosen: Chosen | None, queryset: QuerySet[Any], field: str, what: str) -> Any:
    """The row chosen in a search-as-you-type field; typed words (without the script) must
    name exactly one."""
    if chosen is None:
        return None
    if chosen.instance is not None:
        return chosen.instance
    found = list(queryset.filter(name_matches(chosen.text, field)).order_by(field, "pk")[:6])
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(
            _("No %(what)s matches “%(text)s”.") % {"what": what, "text": chosen.text}
        )
    names = ", ".join(str(getattr(row, field)) for row in found[:5])
    raise ValidationError(
        _("Several match “%(text)s”: %(names)s. Type more of the name.")
        % {"text": chosen.text, "names": names}
    )


class FacilityChoiceForm(forms.Form):
    """The first step of a notification: which body notifies, and where it goes."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Monitoring body"), empty_label=None
    )
    facility = SuggestChoiceField(
        Facility.objects.none(),
        url=reverse_lazy("visits:monitoring_facility_choices"),
        label=_("Facility"),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        facilities: QuerySet[Facility],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["facility"].queryset = facilities  # type: ignore[attr-defined]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations[0].pk

    def clean_facility(self) -> Facility | None:
        return _one(
            self.cleaned_data.get("facility"),
            self.fields["facility"].queryset,  # type: ignore[attr-defined]
            "name",
            str(_("facility")),
        )


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class AreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class NotifyForm(forms.Form):
    """A monitoring visit to one facility. Every area of the facility is offered: monitors
    choose freely and may not be kept out of any."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(label=_("From"), widget=TimeInput())
    ends = forms.TimeField(label=_("Until"), widget=TimeInput())
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=[(purpose.value, purpose.label) for purpose in NOTIFIED_PURPOSES],
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("Members of the mandate"),
        widget=forms.CheckboxSelectMultiple,
    )
    areas = AreaChoiceField(
        queryset=Area.objects.none(),
        label=_("Areas you intend to visit"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You may go to any other area on the day as well."),
    )
    notes = forms.CharField(
        label=_("Notes for the facility"),
        required=False,
        max_length=TextLimit.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, facility: Facility, members: QuerySet[Person], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members.order_by("full_name")  # type: ignore[attr-defined]
        self.fields["areas"].queryset = facility.areas.order_by("name")  # type: ignore[attr-defined]
        if not self.is_bound:
            now = timezone.now().astimezone(zoneinfo.ZoneInfo(facility.time_zone))
            self.initial.update(day=local_today(facility), starts=now.strftime("%H:%M"))


class ExpertForm(forms.Form):
    """An expert of another organisation joining the visit, with the role agreed in advance."""

    person = SuggestChoiceField(
        Person.objects.none(),
        url=reverse_lazy("visits:monitoring_expert_choices"),
        search_field="full_name",
        label=_("Expert"),
        required=False,
        help_text=_("Type part of the person's name."),
    )
    role = forms.CharField(label=_("Role agreed in advance"), required=False, max_length=200)

    def __init__(self, *args: Any, experts: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = experts  # type: ignore[attr-defined]

    def clean_person(self) -> Person | None:
        return _one(
            self.cleaned_data.get("person"),
            self.fields["person"].queryset,  # type: ignore[attr-defined]
            "full_name",
            str(_("person")),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("person") and not cleaned.get("role", "").strip():
            self.add_error("role", _("Give the role agreed in advance."))
        if (
            cleaned.get("role", "").strip()
            and not cleaned.get("person")
            and "person" not in self.errors
        ):
            self.add_error("person", _("Choose the expert."))
        return cleaned


ExpertFormSet = forms.formset_factory(ExpertForm, extra=3, max_num=20, validate_max=True)


class DelayForm(forms.ModelForm):
    class Meta:
        model = Delay
        fields = ["minutes", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"justification": _("The director reads it at once, and so does the body.")}


class InterviewForm(forms.Form):
    """That a private interview took place, where and when. There is deliberately no field
    for what was said or with whom."""

    area = AreaField(
        queryset=Area.objects.none(), label=_("Area"), required=False, empty_label=_("Not said")
    )
    held_at = forms.TimeField(label=_("Time"), widget=TimeInput())

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = facility.areas.order_by("name")  # type: ignore[attr-defined]


class ExpertField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.person.full_name


class ConfidentialityForm(forms.Form):
    visitor = ExpertField(queryset=Visitor.objects.none(), label=_("Expert"), empty_label=None)
    document = DocumentField(
        label=_("Signed confidentiality agreement"),
        help_text=_("PDF, Word, OpenDocument or an image."),
    )

    def __init__(self, *args: Any, experts: list[Visitor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["visitor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Visitor.objects.filter(
            pk__in=[expert.pk for expert in experts]
        ).select_related("person")


class MeetingForm(forms.ModelForm):
    """The participants and minutes; ``seen`` carries when the version being edited was saved,
    so that one side never overwrites the other's unseen changes."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = ["participants", "minutes"]
        widgets = {
            "participants": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "participants": _("Names and functions, on both sides."),
            "minutes": _("Both sides read and may correct them; every version is kept."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen"] = self.instance.written_at.isoformat()

    def clean_seen(self) -> datetime | None:
        seen = self.cleaned_data.get("seen") or ""
        if not seen:
            return None
        try:
            return datetime.fromisoformat(seen)
        except ValueError:
            raise ValidationError(_("Reload the page and try again.")) from None
