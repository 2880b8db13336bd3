"""Choosing among thousands by name (activity.suggest): what a search field keeps, what it
lets go of, and how its text matches names; the label of a choice shown in lists."""

import pytest
from django import forms
from django.template import engines
from django.utils import translation

from accreditation.models import Application
from activity.suggest import (
    Chosen,
    SuggestChoiceField,
    SuggestMultipleChoiceField,
    name_matches,
    suggestions,
)
from directory.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations(db) -> dict[str, Organisation]:
    names = ["Legal Aid Clinic", "Aid for All", "Women's Aid Network", "Prison Fellowship"]
    return {name: OrganisationFactory.create(name=name) for name in names}


class OneForm(forms.Form):
    organisation = SuggestChoiceField(Organisation.objects.all(), url="/choices/", required=False)


def chosen(data: dict) -> Chosen | None:
    form = OneForm(data)
    assert form.is_valid(), form.errors
    return form.cleaned_data["organisation"]


def shown(data: dict) -> tuple[str, str]:
    """The id in the hidden field and the text in the search field, as rendered."""
    html = str(OneForm(data)["organisation"])
    hidden = html.split('name="organisation" value="')[1].split('"')[0]
    text = html.split('name="organisation_name" value="')[1].split('"')[0]
    return hidden, text


def test_every_word_typed_is_in_the_name_in_any_case_and_order(organisations):
    found = Organisation.objects.filter(name_matches("aid NETWORK")).values_list("name", flat=True)
    assert list(found) == ["Women's Aid Network"]
    assert Organisation.objects.filter(name_matches("")).count() == len(organisations)


def test_suggestions_put_names_beginning_with_the_first_word_first(organisations):
    found = suggestions(Organisation.objects.all(), "aid")
    assert [s["label"] for s in found] == ["Aid for All", "Legal Aid Clinic", "Women's Aid Network"]
    assert found[0] == {"id": organisations["Aid for All"].pk, "label": "Aid for All"}


def test_an_id_from_a_link_is_chosen_and_its_name_shown(organisations):
    clinic = organisations["Legal Aid Clinic"]
    assert chosen({"organisation": clinic.pk}) == Chosen(instance=clinic)
    assert shown({"organisation": clinic.pk}) == (str(clinic.pk), "Legal Aid Clinic")


def test_the_id_is_kept_while_the_field_shows_its_name(organisations):
    clinic = organisations["Legal Aid Clinic"]
    data = {"organisation": clinic.pk, "organisation_name": " Legal Aid Clinic "}
    assert chosen(data) == Chosen(instance=clinic)


def test_other_words_let_go_of_the_id(organisations):
    data = {"organisation": organisations["Legal Aid Clinic"].pk, "organisation_name": "fellow"}
    assert chosen(data) == Chosen(text="fellow")
    assert shown(data) == ("", "fellow")


def test_an_emptied_field_chooses_nothing(organisations):
    data = {"organisation": organisations["Legal Aid Clinic"].pk, "organisation_name": ""}
    assert chosen(data) is None
    assert chosen({}) is None
    assert shown({}) == ("", "")


def test_an_id_that_is_no_choice_is_an_error_and_not_shown(organisations):
    form = OneForm({"organisation": "99999999999999999999"})
    assert not form.is_valid()
    assert form.errors["organisation"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert shown({"organisation": "abc"}) == ("", "")
    # Typed words win over a stale id.
    assert chosen({"organisation": "abc", "organisation_name": "prison"}) == Chosen(text="prison")


class ManyForm(forms.Form):
    organisations = SuggestMultipleChoiceField(
        Organisation.objects.all(), required=False, add_label="Add an organisation"
    )


def test_a_few_choices_are_each_a_box(organisations):
    html = str(ManyForm(initial={"organisations": [organisations["Aid for All"].pk]}))
    assert 'name="organisations_name"' not in html
    assert html.count('type="checkbox"') == 4
    assert html.count("checked") == 1


def test_many_choices_show_the_ticked_ones_and_a_field_to_add(db):
    for n in range(25):
        OrganisationFactory(name=f"Probe {n:02d}")
    first = Organisation.objects.get(name="Probe 03")
    html = str(ManyForm(initial={"organisations": [first.pk]}))
    assert html.count('type="checkbox"') == 1
    assert "Probe 03" in html and "Probe 04" not in html
    assert "Add an organisation" in html
    form = ManyForm({"organisations": [first.pk], "organisations_name": "probe 17"})
    assert form.is_valid(), form.errors
    assert [o.name for o in form.cleaned_data["organisations"]] == ["Probe 03", "Probe 17"]


def test_the_label_of_a_choice_is_in_the_readers_language(db):
    template = engines["django"].from_string(
        '{% load choices %}{{ application|choice_label:"status" }}'
    )
    application = Application(status=Application.Status.UNDER_REVIEW)
    assert template.render({"application": application}) == "Under review"
    with translation.override("es"):
        assert template.render({"application": application}) == str(
            Application.Status.UNDER_REVIEW.label
        )
        assert template.render({"application": application}) != "Under review"
