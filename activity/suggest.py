"""Choosing one of thousands: search-as-you-type instead of a list of every choice.

A country has thousands of organisations and hundreds of facilities; a ``<select>`` of them
all made every list that filters by them hundreds of kilobytes and seconds of rendering. A
choice is instead a text field that the server matches by name, with suggestions from a JSON
endpoint as one types (``static/js/suggest.js``).

Without JavaScript a filter's text field filters by the words typed (every word in the name),
and a link that names an id (``?organisation=12``) filters by that one; its name is then shown
in the field, and the id is kept as long as the field still shows that name. A form's multiple
choice keeps its choices as ticked boxes and adds the one facility that matches the typed name
(or offers the matches to tick). The suggestions and the checks come from the same queryset, so
the endpoint never names what the page would not offer.
"""

from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _

#: Suggestions sent for one search: enough to choose from, few enough to read.
SUGGESTIONS = 20
#: Longest text searched, and the most words of it used.
MAX_TEXT = 100
MAX_WORDS = 5
#: What the name of the text field adds to the name of the field (``organisation_name``).
TEXT_SUFFIX = "_name"


def words(text: str) -> list[str]:
    return text[:MAX_TEXT].split()[:MAX_WORDS]


def name_matches(text: str, field: str = "name") -> Q:
    """Rows whose ``field`` contains every word of ``text``, in any case and order."""
    condition = Q()
    for word in words(text):
        condition &= Q(**{f"{field}__icontains": word})
    return condition


def suggestions(queryset: QuerySet[Any], text: str, *, field: str = "name") -> list[dict[str, Any]]:
    """At most ``SUGGESTIONS`` rows of ``queryset`` matching ``text``, those whose name starts
    with the first word first; in one query whatever the size of the table."""
    found = queryset.filter(name_matches(text, field))
    typed = words(text)
    if typed:
        found = found.annotate(
            suggest_rank=Case(
                When(**{f"{field}__istartswith": typed[0]}, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("suggest_rank", field, "pk")
    else:
        found = found.order_by(field, "pk")
    rows = found.values_list("pk", field)[:SUGGESTIONS]
    return [{"id": pk, "label": label} for pk, label in rows]


def suggestions_response(
    queryset: QuerySet[Any], request: HttpRequest, *, field: str = "name"
) -> JsonResponse:
    """The endpoint's answer: ``{"results": [{"id": …, "label": …}, …]}`` for ``?q=``."""
    return JsonResponse({"results": suggestions(queryset, request.GET.get("q", ""), field=field)})


def filter_suggestions(
    filterset: django_filters.FilterSet, name: str, request: HttpRequest
) -> JsonResponse:
    """Suggestions for the filter ``name`` of a filterset built on what the user may see; 404
    for a name that is not such a filter."""
    found = filterset.filters.get(name)
    if not isinstance(found, SuggestChoiceFilter):
        raise Http404
    return suggestions_response(found.queryset, request, field=found.search_field)


# One choice -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen:
    """What a filter narrows to: one row chosen by its id, or the rows whose name holds the
    words typed."""

    instance: Model | None = None
    text: str = ""


class _SuggestWidget(forms.Widget):
    """The parts the one-choice and the many-choice widgets share: the endpoint's address,
    the texts the script shows, a text field named after the field with ``_name``."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url: Any = ""

    @property
    def media(self) -> forms.Media:
        script = forms.Script("js/suggest.js", defer=True)
        return forms.Media(js=[script])  # type: ignore[list-item]  # stubs know only str

    def format_value(self, value: Any) -> Any:
        return value  # the field prepares what is shown

    def id_for_label(self, id_: str) -> str:
        return id_  # the text field carries the id

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["url"] = str(self.url)
        context["widget"]["text_name"] = name + TEXT_SUFFIX
        context["widget"]["max_text"] = MAX_TEXT
        return context

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + TEXT_SUFFIX not in data


class SuggestInput(_SuggestWidget):
    """A text field with the chosen id beside it, in a hidden field of the field's own name."""

    template_name = "forms/widgets/suggest.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[Any, str | None]:
        # None, not "", when the text was not sent at all: a link that names only the id.
        return data.get(name), data.get(name + TEXT_SUFFIX)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen_id, text = value if isinstance(value, tuple) else ("", "")
        context["widget"].update(chosen_id=chosen_id, text=text)
        return context


class SuggestChoiceField(forms.ModelChoiceField):
    """One row of ``queryset`` by id, or the words typed; cleans to a ``Chosen`` or None.

    The id is kept only while the text field still shows its name (or was not sent, as from
    a link): typing something else searches by the text instead.
    """

    widget = SuggestInput

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        url: Any,
        search_field: str = "name",
        placeholder: Any = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("empty_label", None)
        kwargs.setdefault("help_text", _("Type part of the name."))
        super().__init__(queryset, **kwargs)
        self.search_field = search_field
        self.widget.url = url  # type: ignore[attr-defined]
        if placeholder:
            self.widget.attrs["placeholder"] = placeholder
        self._rows: dict[str, Model | None] = {}

    def label_from_instance(self, obj: Model) -> str:
        return str(getattr(obj, self.search_field))

    def _row(self, raw: Any) -> Model | None:
        """The row with this id among the choices, or None; asked once per form."""
        key = str(raw)
        if key not in self._rows:
            try:
                self._rows[key] = super().to_python(raw)
            except ValidationError:
                self._rows[key] = None
        return self._rows[key]

    def _resolve(self, value: Any) -> tuple[Model | None, str]:
        raw, text = value if isinstance(value, tuple) else (value, None)
        if isinstance(raw, Model):
            return raw, ""
        row = self._row(raw) if raw not in self.empty_values else None
        typed = (text or "").strip()
        if row is not None and (text is None or typed == self.label_from_instance(row)):
            return row, ""
        return None, typed

    def to_python(self, value: Any) -> Chosen | None:
        raw, text = value if isinstance(value, tuple) else (value, None)
        row, typed = self._resolve(value)
        if row is not None:
            return Chosen(instance=row)
        if text is None and raw not in self.empty_values:
            # A link naming an id that is no choice (another administration's, say).
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return Chosen(text=typed) if typed else None

    def prepare_value(self, value: Any) -> tuple[Any, str]:
        """What the two inputs show: the chosen id and its name, or no id and the text."""
        row, typed = self._resolve(value)
        if row is not None:
            return row.pk, self.label_from_instance(row)
        return "", typed

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.prepare_value(initial) != self.prepare_value(data)

    def __deepcopy__(self, memo: dict[int, Any]) -> "SuggestChoiceField":
        result = super().__deepcopy__(memo)  # type: ignore[misc]  # Field's, not in the stubs
        result._rows = {}
        return result


class SuggestChoiceFilter(django_filters.Filter):
    """A list filter over thousands of possible rows: by id from a link or a suggestion, or by
    the words of the name typed. ``queryset`` is what may be chosen (the FilterSet narrows it to
    what the user may see) and what its endpoint suggests from."""

    field_class = SuggestChoiceField

    def __init__(
        self,
        field_name: str | None = None,
        *,
        queryset: QuerySet[Any],
        url: Any,
        search_field: str = "name",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            field_name, queryset=queryset, url=url, search_field=search_field, **kwargs
        )

    @property
    def queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = self.extra["queryset"]
        return queryset

    @queryset.setter
    def queryset(self, queryset: QuerySet[Any]) -> None:
        self.extra["queryset"] = queryset

    @property
    def search_field(self) -> str:
        return str(self.extra["search_field"])

    def filter(self, qs: QuerySet[Any], value: Chosen | None) -> QuerySet[Any]:
        if value is None:
            return qs
        if value.instance is not None:
            return qs.filter(**{self.field_name: value.instance.pk})
        # Through a subquery: a row naming two matching facilities is listed once.
        named = qs.model._default_manager.filter(
            name_matches(value.text, f"{self.field_name}__{self.search_field}")
        )
        return qs.filter(pk__in=named.values("pk"))


# Several choices --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ticked:
    """What a many-choice field shows: its boxes (id, name, ticked), the text typed, and
    whether the choices are too many to show as boxes (then the text field finds them)."""

    boxes: list[tuple[Any, str, bool]]
    text: str = ""
    searchable: bool = True


class SuggestCheckboxes(_SuggestWidget):
    """The chosen rows as ticked boxes (unticking one takes it off), then a text field to add
    one by name; or, where the choices are few, a box for each."""

    template_name = "forms/widgets/suggest_many.html"
    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.add_label: Any = _("Add by name")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[list[Any], str]:
        getlist = getattr(data, "getlist", None)
        ids = getlist(name) if getlist else data.get(name) or []
        return list(ids), data.get(name + TEXT_SUFFIX) or ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        ticked = value if isinstance(value, Ticked) else Ticked([])
        context["widget"].update(
            boxes=ticked.boxes,
            text=ticked.text,
            searchable=ticked.searchable,
            add_label=self.add_label,
        )
        return context


class SuggestMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Rows of ``queryset`` ticked by id, plus the one whose name holds the words typed.

    Typed words that match several rows are an error that offers them (up to
    ``SUGGESTIONS``) as boxes to tick; a name typed in full wins over longer ones. Where there
    are no more than ``SUGGESTIONS`` choices in all, each is simply a box.
    """

    widget = SuggestCheckboxes
    default_error_messages = {
        "no_match": _("Nothing matches “%(text)s”."),
        "several": _("Several match “%(text)s”: tick the ones you mean below."),
        "too_many": _("More than %(limit)s match “%(text)s”: type more of the name."),
    }

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        search_field: str = "name",
        add_label: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(queryset, **kwargs)
        self.search_field = search_field
        if add_label:
            self.widget.add_label = add_label  # type: ignore[attr-defined]
        self._reset()

    def _reset(self) -> None:
        # Each form asks once: every choice where they are few, the names of the chosen, the
        # matches of what was typed.
        self._few: list[tuple[Any, str]] | None = None
        self._few_known = False
        self._matches: dict[str, list[Model]] = {}
        self._labels: dict[tuple[str, ...], list[tuple[Any, str]]] = {}

    @property
    def url(self) -> Any:
        return self.widget.url  # type: ignore[attr-defined]

    @url.setter
    def url(self, url: Any) -> None:
        self.widget.url = url  # type: ignore[attr-defined]

    def label_from_instance(self, obj: Model) -> str:
        return str(getattr(obj, self.search_field))

    @property
    def choices_queryset(self) -> QuerySet[Any]:
        assert self.queryset is not None, "the form sets the choices"
        return self.queryset.order_by(self.search_field, "pk")

    def _rows(self, rows: QuerySet[Any]) -> list[tuple[Any, str]]:
        return [(row.pk, self.label_from_instance(row)) for row in rows]

    def every_choice(self) -> list[tuple[Any, str]] | None:
        """Every choice, where there are no more than ``SUGGESTIONS``; None where more."""
        if not self._few_known:
            rows = self._rows(self.choices_queryset[: SUGGESTIONS + 1])
            self._few = rows if len(rows) <= SUGGESTIONS else None
            self._few_known = True
        return self._few

    def matches(self, text: str) -> list[Model]:
        """The rows the typed words name: the one named exactly, or every one containing
        them (one more than ``SUGGESTIONS`` at most, to tell that there are too many)."""
        if text not in self._matches:
            found = list(
                self.choices_queryset.filter(name_matches(text, self.search_field))[
                    : SUGGESTIONS + 1
                ]
            )
            exact = [row for row in found if self.label_from_instance(row).lower() == text.lower()]
            self._matches[text] = exact[:1] or found
        return self._matches[text]

    def _chosen(self, ids: list[Any]) -> list[tuple[Any, str]]:
        """The ids that are choices, with their names, in the order of the names."""
        keys = tuple(sorted({str(i) for i in ids if str(i).isdigit()}))
        if keys not in self._labels:
            chosen = self.choices_queryset.filter(pk__in=[int(k) for k in keys])
            self._labels[keys] = self._rows(chosen)
        return self._labels[keys]

    def clean(self, value: Any) -> Any:
        ids, text = value if isinstance(value, tuple) else (value, "")
        ids = [getattr(i, "pk", i) for i in ids or []]
        text = (text or "").strip()
        if self.required and not ids and not text:
            raise ValidationError(self.error_messages["required"], code="required")
        # prepare_value shows the boxes; the ids are checked as Django's field checks them.
        chosen = list(self._check_values(ids)) if ids else []  # type: ignore[attr-defined]
        self.run_validators(chosen)
        if not text:
            return chosen
        found = self.matches(text)
        if len(found) == 1:
            return chosen if found[0] in chosen else [*chosen, found[0]]
        if not found:
            code = "no_match"
        elif len(found) > SUGGESTIONS:
            code = "too_many"
        else:
            code = "several"
        raise ValidationError(
            self.error_messages[code],
            code=code,
            params={"text": text, "limit": SUGGESTIONS},
        )

    def prepare_value(self, value: Any) -> Ticked:
        ids, text = value if isinstance(value, tuple) else (value or [], "")
        ids = [getattr(i, "pk", i) for i in ids]
        ticked = {str(i) for i in ids}
        text = (text or "").strip()
        few = self.every_choice()
        if few is not None:
            return Ticked([(pk, label, str(pk) in ticked) for pk, label in few], searchable=False)
        chosen = [(pk, label, True) for pk, label in self._chosen(ids)]
        if not text:
            return Ticked(chosen)
        found = self.matches(text)
        if not found or len(found) > SUGGESTIONS:
            return Ticked(chosen, text)  # kept, to be corrected
        new = [
            (row.pk, self.label_from_instance(row)) for row in found if str(row.pk) not in ticked
        ]
        if len(found) == 1:  # added: ticked, in its place among the names
            added = [*chosen, *((pk, label, True) for pk, label in new)]
            return Ticked(sorted(added, key=lambda box: (box[1], box[0])))
        return Ticked([*chosen, *((pk, label, False) for pk, label in new)])

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.prepare_value(initial) != self.prepare_value(data)

    def __deepcopy__(self, memo: dict[int, Any]) -> "SuggestMultipleChoiceField":
        result = super().__deepcopy__(memo)  # type: ignore[misc]  # Field's, not in the stubs
        result._reset()
        return result
