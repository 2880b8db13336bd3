"""The clause library shipped with the application: every kind of clause, in each language the
deployment offers, with the MoU's terms named by their variables, installed once per
administration."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from activity.models import AuditEntry
from agreements.library import CLAUSES, TEMPLATES, install_library
from agreements.models import (
    VARIABLE_PATTERN,
    Clause,
    ClauseVersion,
    Template,
    Variable,
    fill_variables,
    validate_wording,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]
SHIPPED = {clause.kind: clause for clause in CLAUSES}
OPTIONAL = {Clause.Kind.CONTINUITY, Clause.Kind.FUNDRAISING, Clause.Kind.UNIVERSAL_ACCESS}


def variables(wording: str) -> set[str]:
    return set(VARIABLE_PATTERN.findall(wording))


# The shipped texts ------------------------------------------------------------------------------


def test_the_library_has_one_clause_of_every_kind_in_the_order_of_the_kinds():
    assert [clause.kind for clause in CLAUSES] == list(Clause.Kind.values)


@pytest.mark.parametrize("kind", Clause.Kind.values)
def test_each_clause_has_a_title_and_a_wording_in_every_language(kind):
    clause = SHIPPED[kind]
    assert set(clause.title) == set(clause.wording) == set(LANGUAGES)
    assert all(text.strip() for text in [*clause.title.values(), *clause.wording.values()])
    assert all(len(title) <= 200 for title in clause.title.values())


@pytest.mark.parametrize("kind", Clause.Kind.values)
def test_every_wording_is_valid_and_names_the_same_terms_as_the_english(kind):
    clause = SHIPPED[kind]
    for code in LANGUAGES:
        validate_wording(clause.wording[code])
        assert variables(clause.wording[code]) == variables(clause.wording["en"]), code


@pytest.mark.parametrize(
    ("kind", "terms"),
    [
        (Clause.Kind.PURPOSE, {"administration", "organisation", "facilities", "members"}),
        (Clause.Kind.PEOPLE, {"people"}),
        (
            Clause.Kind.SCHEDULE,
            {"weekdays", "hours", "visits_per_week", "visits_per_month"},
        ),
        (Clause.Kind.CONDUCT, {"escort"}),
        (
            Clause.Kind.ACTIVITIES,
            {"activities", "private_interviews", "photographs", "equipment"},
        ),
        (Clause.Kind.OFF_LIMITS, {"forbidden_areas", "permitted_areas"}),
        (Clause.Kind.CONFIDENTIALITY, {"response_days"}),
        (Clause.Kind.TERM, {"valid_from", "valid_until"}),
    ],
)
def test_the_clauses_that_state_terms_take_them_from_the_mou(kind, terms):
    assert variables(SHIPPED[kind].wording["en"]) == terms


def test_every_term_of_an_mou_is_stated_by_some_clause():
    used = set().union(*(variables(clause.wording["en"]) for clause in CLAUSES))
    assert used == set(Variable.values)


def test_no_wording_states_a_number_of_its_own():
    """A number in the prose could contradict the MoU's terms; only variables state them."""
    for clause in CLAUSES:
        for code, wording in clause.wording.items():
            assert not any(char.isdigit() for char in wording), (clause.kind, code)


def test_the_confidentiality_clause_gives_the_authorities_the_agreed_days_to_respond():
    wording = fill_variables(
        SHIPPED[Clause.Kind.CONFIDENTIALITY].wording["en"], {"response_days": "45"}
    )
    assert "The Administration has 45 days from receiving a report" in wording
    assert "the Organisation may use the information freely" in wording
    for code in LANGUAGES:
        assert "{response_days}" in SHIPPED[Clause.Kind.CONFIDENTIALITY].wording[code]


def test_only_continuity_fundraising_and_universal_access_are_optional():
    assert {clause.kind for clause in CLAUSES if not clause.mandatory} == OPTIONAL


def test_the_faith_based_template_adds_universal_access_to_the_standard_one():
    standard, faith_based = TEMPLATES
    assert Clause.Kind.UNIVERSAL_ACCESS not in standard.kinds
    assert faith_based.kinds == tuple(Clause.Kind.values)
    assert [k for k in faith_based.kinds if k != Clause.Kind.UNIVERSAL_ACCESS] == list(
        standard.kinds
    )


# Installing it ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_installing_gives_the_administration_every_clause_at_version_one(world):
    install_library(world.administration)
    clauses = Clause.objects.filter(administration=world.administration)
    assert sorted(clauses.values_list("kind", flat=True)) == sorted(Clause.Kind.values)
    for clause in clauses:
        shipped = SHIPPED[clause.kind]
        assert clause.mandatory == shipped.mandatory
        version = clause.versions.get()
        assert version.number == 1
        version.full_clean()
        for code in LANGUAGES:
            assert getattr(clause, f"title_{code}") == shipped.title[code]
            assert getattr(version, f"wording_{code}") == shipped.wording[code]


@pytest.mark.django_db
def test_a_reader_sees_the_library_in_their_own_language(world):
    install_library(world.administration)
    clause = Clause.objects.get(administration=world.administration, kind=Clause.Kind.PEOPLE)
    version = clause.versions.get()
    with translation.override("ru"):
        assert clause.title == "Лица, допущенные к посещению"
        assert "{people}" in version.wording and "Администрации" in version.wording
    with translation.override("ar"):
        assert clause.title == "الأشخاص المأذون لهم بالدخول"


@pytest.mark.django_db
def test_the_templates_hold_the_clauses_in_order(world):
    standard = install_library(world.administration)
    faith_based = Template.objects.get(
        administration=world.administration, name_en=TEMPLATES[1].name["en"]
    )
    assert standard.name_en == "Memorandum of understanding (standard)"
    assert standard.name_es == "Memorando de entendimiento (modelo estándar)"
    assert [e.clause.kind for e in standard.entries.order_by("order")] == list(TEMPLATES[0].kinds)
    assert [e.order for e in standard.entries.order_by("order")] == list(range(1, 15))
    assert [e.clause.kind for e in faith_based.entries.order_by("order")] == list(
        Clause.Kind.values
    )
    assert faith_based.description_ar


@pytest.mark.django_db
def test_installing_twice_duplicates_nothing(world):
    first = install_library(world.administration)
    second = install_library(world.administration)
    assert second == first
    assert Clause.objects.filter(administration=world.administration).count() == 15
    assert ClauseVersion.objects.filter(clause__administration=world.administration).count() == 15
    assert Template.objects.filter(administration=world.administration).count() == 2


@pytest.mark.django_db
def test_a_clause_the_administration_already_has_is_kept_and_used(world):
    own = Clause.objects.create(
        administration=world.administration,
        kind=Clause.Kind.CONFIDENTIALITY,
        title_en="Our confidentiality rule",
        mandatory=True,
    )
    standard = install_library(world.administration)
    assert (
        Clause.objects.filter(
            administration=world.administration, kind=Clause.Kind.CONFIDENTIALITY
        ).get()
        == own
    )
    assert standard.entries.filter(clause=own).exists()


@pytest.mark.django_db
def test_each_administration_gets_a_library_of_its_own(world, other_administration):
    install_library(world.administration)
    other_standard = install_library(other_administration)
    assert Clause.objects.filter(administration=other_administration).count() == 15
    assert Clause.objects.filter(administration=world.administration).count() == 15
    assert {e.clause.administration_id for e in other_standard.entries.all()} == {
        other_administration.pk
    }


@pytest.mark.django_db
def test_the_installation_is_in_the_audit_trail_once(world, director):
    install_library(world.administration, actor=director)
    install_library(world.administration, actor=director)
    entry = AuditEntry.objects.get(action="clause_library.installed")
    assert entry.actor == director
    assert entry.administration_id == world.administration.pk
    assert len(entry.changes["clauses"]) == 15
    assert ClauseVersion.objects.filter(created_by=director).count() == 15


# The command --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_installs_the_library_by_id_or_name(world, other_administration):
    out = io.StringIO()
    call_command("install_clause_library", str(world.administration.pk), stdout=out)
    assert "Clause library installed for State A Prison System: 15 of 15 clauses" in out.getvalue()
    call_command("install_clause_library", other_administration.name, stdout=out)
    assert Clause.objects.filter(administration=other_administration).count() == 15

    again = io.StringIO()
    call_command("install_clause_library", "State A Prison System", stdout=again)
    assert "already has the clause library: nothing was added" in again.getvalue()


@pytest.mark.django_db
def test_the_command_names_the_administrations_when_it_finds_none(world):
    with pytest.raises(CommandError, match="Administrations: State A Prison System"):
        call_command("install_clause_library", "State B")
