"""The shared checks on what people type: names, dates, and ids out of a column's range."""

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.validators import NameField, no_control_characters, plausible_date
from directory.models import Organisation
from tests.conftest import login
from tests.factories import OrganisationFactory, UserFactory

#: An id no bigint column can hold: a 20-digit number typed into a URL or a form by hand.
HUGE_ID = "99999999999999999999"


@pytest.mark.parametrize(
    "name",
    [
        "Local Human\nRights Centre",
        "Local Human Rights Centre\r\nBcc: everyone@example.org",
        "Local\tCentre",
        "Local\x00Centre",
        "Local\u2028Centre",  # a line separator ends a line as a line break does
    ],
)
def test_a_name_with_a_control_character_is_refused_with_a_clear_message(name):
    with pytest.raises(ValidationError) as refusal:
        no_control_characters(name)

    assert refusal.value.messages == [
        "Remove the line breaks, tabs or other control characters from this name."
    ]


@pytest.mark.parametrize(
    "name", ["Local Human Rights Centre", "Centro de Derechos Humanos", "مركز حقوق الإنسان"]
)
def test_ordinary_names_in_any_script_pass(name):
    no_control_characters(name)


class NameForm(forms.Form):
    name = NameField(max_length=200)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Invoice\u202egpj.exe", "Invoicegpj.exe"),
        ("\u202bمركز\u202c", "مركز"),
        ("\u2066Rules 2\u2069 \u200e", "Rules 2"),
        ("A\u200fB\u061cC\u202aD\u202dE\u2067F\u2068G", "ABCDEFG"),
    ],
)
def test_a_name_field_drops_direction_controls(typed, kept):
    form = NameForm({"name": typed})

    assert form.is_valid()
    assert form.cleaned_data["name"] == kept


def test_a_name_field_keeps_the_joiners_that_arabic_and_persian_writing_need():
    form = NameForm({"name": "می\u200cخواهم"})  # a zero-width non-joiner inside a word

    assert form.is_valid()
    assert form.cleaned_data["name"] == "می\u200cخواهم"


def test_a_name_field_refuses_a_line_break():
    form = NameForm({"name": "Local\nCentre"})

    assert not form.is_valid()
    assert form.errors["name"] == [
        "Remove the line breaks, tabs or other control characters from this name."
    ]


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(2200, 1, 1)])
def test_a_date_far_from_any_real_deadline_is_refused(day):
    with pytest.raises(ValidationError) as refusal:
        plausible_date(day)

    assert refusal.value.messages == ["Give a date between 1900-01-01 and 2199-12-31."]


@pytest.mark.parametrize("day", [date(1900, 1, 1), date(2026, 6, 30), date(2199, 12, 31)])
def test_a_real_date_passes(day):
    plausible_date(day)


class OrganisationsForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(queryset=Organisation.objects.all())


@pytest.mark.django_db
def test_an_id_no_row_can_have_is_a_form_error_and_never_reaches_the_database():
    """SQLite, the demo's database, fails with OverflowError on such a number, so it must not
    be sent; PostgreSQL is spared the question too."""
    organisation = OrganisationFactory()
    form = OrganisationsForm({"organisations": [str(organisation.pk), HUGE_ID]})

    with CaptureQueriesContext(connection) as queries:
        valid = form.is_valid()

    assert not valid
    assert form.errors["organisations"] == [
        f"Select a valid choice. {HUGE_ID} is not one of the available choices."
    ]
    assert queries.captured_queries
    assert not any(HUGE_ID in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db
def test_rows_are_still_found_by_a_list_of_ids_and_excluded_by_one():
    kept, other = OrganisationFactory(), OrganisationFactory()

    assert list(Organisation.objects.filter(pk__in=[kept.pk, int(HUGE_ID)])) == [kept]
    assert list(Organisation.objects.filter(pk__in=[int(HUGE_ID)])) == []
    assert set(Organisation.objects.exclude(pk__in=[int(HUGE_ID), other.pk])) == {kept}
    assert set(Organisation.objects.exclude(pk__in=[int(HUGE_ID)])) == {kept, other}


@pytest.mark.django_db
def test_the_site_administration_refuses_a_line_break_in_a_persons_name(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    martha = UserFactory(username="martha", first_name="Martha", last_name="Director")
    login(client, admin)
    page = f"/admin/auth/user/{martha.pk}/change/"
    data = {
        "username": "martha",
        "first_name": "Martha\nBcc: everyone@example.org",
        "last_name": "\u202eDirector",
        "email": "martha@example.org",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }

    response = client.post(page, data)

    assert response.status_code == 200
    assert "Remove the line breaks, tabs or other control characters" in response.content.decode()
    martha.refresh_from_db()
    assert martha.first_name == "Martha"

    response = client.post(page, {**data, "first_name": "Martha"})

    assert response.status_code == 302
    martha.refresh_from_db()
    assert (martha.first_name, martha.last_name) == ("Martha", "Director")
