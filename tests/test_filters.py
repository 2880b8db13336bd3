"""Every filter on every list names its empty choice ("Any status"), never Django's
``---------``, in each language."""

import re

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.support.pages import text

pytestmark = pytest.mark.django_db

LISTS = [
    ("director", "directory:organisation_list"),
    ("director", "directory:facility_list"),
    ("director", "accreditation:application_list"),
    ("director", "accreditation:accreditation_list"),
    ("director", "accreditation:clearance_list"),
    ("director", "activity:audit_list"),
    ("reviewer", "accreditation:review_list"),
    ("ngo_admin", "activity:notification_list"),
    (None, "accreditation:public_register"),
]


def _selects(page: str) -> dict[str, list[str]]:
    """The options of each <select> of the page's filter form, by the select's name."""
    form = re.search(r'<form method="get" class="filter.*?</form>', page, re.S)
    assert form, "the page has no filter form"
    return {
        name: re.findall(r"<option[^>]*>([^<]*)</option>", body)
        for name, body in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', form[0], re.S)
    }


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("persona", "name"), LISTS)
def test_filters_have_no_dashes_placeholder(client, request, world, persona, name, language):
    if persona:
        login(client, request.getfixturevalue(persona))
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = text(response)
    assert "---------" not in page
    for select, options in _selects(page).items():
        assert options and options[0].strip(), f"{select} has an empty first choice"


@pytest.mark.parametrize(
    ("name", "select", "empty"),
    [
        ("directory:organisation_list", "kind", "Any kind"),
        ("directory:facility_list", "kind", "Any type"),
        ("directory:facility_list", "security_level", "Any security level"),
        ("accreditation:application_list", "status", "Any status"),
        ("accreditation:accreditation_list", "activity_type", "Any activity"),
    ],
)
def test_the_empty_choice_says_what_it_means(client, director, name, select, empty):
    page = text(login(client, director).get(reverse(name)))
    assert _selects(page)[select][0] == empty


@pytest.mark.parametrize(
    ("name", "field", "empty"),
    [
        ("accreditation:application_list", "organisation", "Any organisation"),
        ("accreditation:application_list", "facility", "Any facility"),
        ("accreditation:accreditation_list", "facility", "Any facility"),
        ("accreditation:clearance_list", "organisation", "Any organisation"),
        ("accreditation:condition_list", "organisation", "Any organisation"),
    ],
)
def test_an_empty_search_field_says_what_it_means(client, director, name, field, empty):
    """Organisations and facilities are searched by name, not chosen from a list of all."""
    page = text(login(client, director).get(reverse(name)))
    found = re.search(rf'<input type="text" name="{field}_name"[^>]*>', page)
    assert found, f"{field} has no search field"
    assert f'placeholder="{empty}"' in found[0]
    assert f'<select name="{field}"' not in page


@pytest.mark.parametrize(
    ("persona", "name", "field"),
    [
        ("director", "accreditation:application_list", "activity_type"),
        ("director", "accreditation:accreditation_list", "activity_type"),
        (None, "accreditation:public_register", "activity"),
    ],
)
def test_activities_are_chosen_by_code_in_the_readers_language(
    client, request, world, persona, name, field
):
    """The twelve activities are offered by their code, which a link keeps from one database to
    the next, and labelled in the reader's language; an unknown code is refused by name."""
    if persona:
        login(client, request.getfixturevalue(persona))
    page = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"{name} has no activity filter"
    assert '<option value="health">Salud</option>' in select[1]
    assert len(re.findall(r'<option value="\w+">', select[1])) == 12
    refused = text(client.get(reverse(name), {field: "juggling"}))
    assert "Select a valid choice. juggling is not one of the available choices." in refused
