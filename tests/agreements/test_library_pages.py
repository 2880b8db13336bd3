"""The clause library and the MoU templates, as the director keeps them, the coordinators read
them and everyone else never finds them."""

import re

import pytest
from django.urls import reverse

from activity.audit_actions import readable
from activity.models import AuditEntry
from agreements.models import Clause, ClauseVersion, Template, TemplateClause
from agreements.services import library as library_services
from tests.conftest import login
from tests.support.pages import assert_login_redirect, count_queries, text

from .conftest import small_library, start_mou

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"agreements:{name}", args=args)


def wording(en: str = "", **others: str) -> dict[str, str]:
    """A new-wording form's fields: the English text, the others in other languages."""
    texts = {"en": en, "es": "", "ru": "", "ar": "", **others}
    return {f"wording_{code}": text for code, text in texts.items()}


def titles(en: str, **others: str) -> dict[str, str]:
    texts = {"en": en, "es": "", "ru": "", "ar": "", **others}
    return {f"title_{code}": text for code, text in texts.items()}


def template_fields(name: str, *, active: bool = True, description: str = "") -> dict:
    fields = {f"name_{code}": "" for code in ("es", "ru", "ar")}
    fields |= {f"description_{code}": "" for code in ("en", "es", "ru", "ar")}
    fields |= {"name_en": name, "description_en": description}
    if active:
        fields["active"] = "on"
    return fields


def entries(template: Template) -> list[str]:
    return [
        entry.clause.title
        for entry in TemplateClause.objects.filter(template=template)
        .select_related("clause")
        .order_by("order")
    ]


def audit(action: str) -> list[str]:
    entries = AuditEntry.objects.filter(action=action).order_by("seq")
    return [entry.sentence for entry in readable(entries)]


def compared(page: str, change: str) -> list[str]:
    """The words the comparison on a clause's page marks as ``added`` or ``removed``."""
    section = page[page.index('id="compare"') :]
    return re.findall(rf'<span class="visually-hidden">\[{change}: </span>(.*?)<span', section)


# Who sees what ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, library):
    for path in (
        url("clause_list"),
        url("clause_detail", library.purpose.pk),
        url("template_list"),
        url("template_detail", library.template.pk),
    ):
        assert_login_redirect(client.get(path), path)


def test_the_director_finds_the_library_from_the_mou_list(client, library, director):
    page = text(login(client, director).get(url("agreement_list")))
    assert url("clause_list") in page
    assert "Clause library and templates" in page


def test_the_list_shows_each_clause_under_its_kind_with_its_version_and_mous(
    client, library, draft, director
):
    library_services.clause_reword(
        actor=director,
        clause=library.people,
        wordings={"en": "Only {people} may enter, on {weekdays}."},
        change_note="Hours left to the schedule clause",
    )
    page = text(login(client, director).get(url("clause_list")))
    assert "Persons allowed to enter" in page
    people_row = page[page.index(library.people.get_absolute_url()) :]
    people_row = people_row[: people_row.index("</tr>")]
    assert "version 2" in people_row
    assert "mandatory" in people_row
    # The draft MoU holds version 1 of it: it still uses the clause.
    assert "<td>1</td>" in people_row
    fundraising_row = page[page.index(library.fundraising.get_absolute_url()) :]
    assert "optional" in fundraising_row[: fundraising_row.index("</tr>")]
    # Every kind has its heading, those without a clause too.
    assert "Joint fundraising plan" in page
    assert "Settlement of disputes" in page
    assert "No clause of this kind." in page


def test_coordinators_read_the_library_but_change_nothing(client, library, coordinator):
    login(client, coordinator)
    assert client.get(url("clause_list")).status_code == 200
    page = text(client.get(url("clause_detail", library.purpose.pk)))
    assert "{administration} and {organisation} work together in {facilities}." in page
    assert "Write a new wording" not in page
    assert client.get(url("template_detail", library.template.pk)).status_code == 200
    refused = [
        client.post(url("clause_reword", library.purpose.pk), wording("New words.")),
        client.post(url("clause_edit", library.purpose.pk), titles("Renamed")),
        client.post(
            url("clause_create", library.purpose.administration_id),
            {"kind": "purpose", **titles("Another purpose"), **wording("Words.")},
        ),
        client.post(
            url("template_create", library.purpose.administration_id), template_fields("New")
        ),
        client.post(url("template_edit", library.template.pk), template_fields("Renamed")),
        client.post(url("template_clause_remove", library.template.pk, library.fundraising.pk)),
        client.post(
            url("template_clause_move", library.template.pk, library.people.pk),
            {"direction": "up"},
        ),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert "Only the director changes the clause library" in text(refused[0])
    assert ClauseVersion.objects.filter(clause=library.purpose).count() == 1
    assert Clause.objects.count() == 4
    assert Template.objects.count() == 1
    assert entries(library.template) == [
        "Purpose",
        "Persons allowed to enter",
        "Confidentiality",
        "Joint fundraising plan",
    ]


def test_organisations_and_other_administrations_never_find_the_library(
    client, library, ngo_admin, other_director, facility_officer
):
    for user in (ngo_admin, other_director, facility_officer):
        login(client, user)
        for path in (
            url("clause_detail", library.purpose.pk),
            url("clause_edit", library.purpose.pk),
            url("clause_reword", library.purpose.pk),
            url("template_detail", library.template.pk),
            url("template_edit", library.template.pk),
            url("clause_create", library.purpose.administration_id),
            url("template_create", library.purpose.administration_id),
        ):
            assert client.get(path).status_code == 404, (user, path)
        assert (
            client.post(
                url("template_clause_remove", library.template.pk, library.fundraising.pk)
            ).status_code
            == 404
        )
    # The other administration's director reads only their own (empty) library.
    login(client, other_director)
    own = text(client.get(url("clause_list")))
    assert "Kurdistan Region Reformatory Directorate" in own
    assert "State A Prison System" not in own
    assert library.purpose.get_absolute_url() not in own
    assert "Standard MoU" not in text(client.get(url("template_list")))
    for user in (ngo_admin, facility_officer):
        login(client, user)
        assert client.get(url("clause_list")).status_code == 404
        assert client.get(url("template_list")).status_code == 404
    assert TemplateClause.objects.filter(clause=library.fundraising).exists()


# A new wording ----------------------------------------------------------------------------------


def test_the_director_words_a_clause_anew_as_a_new_version(client, library, director):
    login(client, director)
    form = text(client.get(url("clause_reword", library.people.pk)))
    # The form starts from the wording in use and lists the terms a wording may name.
    assert "Only {people} may enter, on {weekdays}, {hours}." in form
    assert "the people allowed to enter" in form
    response = client.post(
        url("clause_reword", library.people.pk),
        {
            **wording(
                "Only {people} may enter, on {weekdays}, {hours}, escorted: {escort}.",
                es="Solo {people} pueden entrar.",
            ),
            "change_note": "The escort rule is stated",
        },
    )
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Version 2 is the wording of new MoUs" in page
    assert "Wording in use: version 2" in page
    assert "Only {people} may enter, on {weekdays}, {hours}, escorted: {escort}." in page
    assert "Solo {people} pueden entrar." in page
    assert "Not written in Russian" in page
    # The terms it names, with their meaning.
    assert "the escort rule" in page
    assert "The escort rule is stated" in page
    # The words the new version added, against the one before.
    assert compared(page, "added") == ["{hours}, escorted: {escort}."]
    assert compared(page, "removed") == ["{hours}."]
    version = library.people.versions.get(number=2)
    assert version.created_by == director
    assert audit("clause.reworded") == [
        f"{director.get_full_name()} wrote version 2 of the clause “Persons allowed to enter”"
    ]


def test_versions_are_compared_word_by_word_in_the_language_chosen(client, library, director):
    library_services.clause_reword(
        actor=director,
        clause=library.purpose,
        wordings={
            "en": "{administration} and {organisation} work together in {facilities}.",
            "es": "{administration} y {organisation} trabajan juntas en {facilities}.",
        },
        change_note="Spanish verb",
    )
    login(client, director)
    page = text(
        client.get(
            url("clause_detail", library.purpose.pk), {"older": 1, "newer": 2, "language": "es"}
        )
    )
    assert compared(page, "removed") == ["colaboran"]
    assert compared(page, "added") == ["trabajan juntas"]
    english = text(
        client.get(
            url("clause_detail", library.purpose.pk), {"older": 1, "newer": 2, "language": "en"}
        )
    )
    assert compared(english, "added") == compared(english, "removed") == []
    assert "{administration} and {organisation} work together in {facilities}." in english


def test_an_unknown_variable_is_refused_and_what_was_typed_is_kept(client, library, director):
    login(client, director)
    typed = "Only {peple} may enter, on {weekdays}."
    response = client.post(
        url("clause_reword", library.people.pk),
        {**wording(typed, ar="يدخل {persons} فقط."), "change_note": "Shorter"},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Unknown variables in braces: {peple}" in page
    assert "Unknown variables in braces: {persons}" in page
    assert typed in page
    assert "يدخل {persons} فقط." in page
    # Each language is typed in its own direction.
    assert re.search(r'<textarea name="wording_ar"[^>]* lang="ar" dir="rtl"', page)
    assert 'value="Shorter"' in page
    assert library.people.versions.count() == 1
    assert not AuditEntry.objects.filter(action="clause.reworded").exists()


def test_a_new_version_needs_a_change_note_and_a_change(client, library, director):
    login(client, director)
    current = "Only {people} may enter, on {weekdays}, {hours}."
    missing_note = client.post(url("clause_reword", library.people.pk), wording(current + " Now."))
    assert "This field is required." in text(missing_note)
    assert current + " Now." in text(missing_note)
    same = client.post(
        url("clause_reword", library.people.pk), {**wording(current), "change_note": "Nothing"}
    )
    assert "The wording is that of version 1 in every language: nothing to save." in text(same)
    assert library.people.versions.count() == 1


def test_the_main_language_is_required(client, library, director):
    administration = library.people.administration
    administration.main_language = "es"
    administration.save(update_fields=["main_language"])
    login(client, director)
    response = client.post(
        url("clause_reword", library.people.pk),
        {**wording("Only {people} may enter."), "change_note": "Shorter"},
    )
    assert response.status_code == 200
    assert "Texts are required in Spanish" in text(response)
    assert "This field is required." in text(response)
    assert library.people.versions.count() == 1


def test_mous_already_drafted_keep_their_version_and_new_ones_take_the_new(
    client, library, draft, world, director
):
    held = draft.clauses.get(clause_version__clause=library.people)
    login(client, director).post(
        url("clause_reword", library.people.pk),
        {**wording("Only {people} may enter, on {weekdays}."), "change_note": "No hours"},
    )
    held.refresh_from_db()
    assert held.clause_version.number == 1
    assert held.wording == "Only {people} may enter, on {weekdays}, {hours}."
    first = library.people.versions.get(number=1)
    assert first.wording_en == "Only {people} may enter, on {weekdays}, {hours}."

    later = start_mou(world, library, director, "Second programme")
    taken = later.clauses.get(clause_version__clause=library.people)
    assert taken.clause_version.number == 2
    assert taken.wording == "Only {people} may enter, on {weekdays}."
    # The clause's page counts who holds which version.
    page = text(client.get(url("clause_detail", library.people.pk)))
    history = page[page.index('id="history"') :]
    rows = history[: history.index("</tbody>")].split("<tr>")[2:]
    assert rows[0].startswith("\n      <td>2") and "<td>1</td>" in rows[0]
    assert rows[1].startswith("\n      <td>1") and "<td>1</td>" in rows[1]


# Title, mandatory flag, new clauses -------------------------------------------------------------


def test_the_director_renames_a_clause_and_makes_it_optional(client, library, director):
    login(client, director)
    response = client.post(
        url("clause_edit", library.confidentiality.pk),
        titles("Confidentiality and use of information", es="Confidencialidad"),
    )
    assert response.status_code == 302
    clause = Clause.objects.get(pk=library.confidentiality.pk)
    assert clause.title_en == "Confidentiality and use of information"
    assert clause.title_es == "Confidencialidad"
    assert clause.title_ru is None
    assert clause.mandatory is False
    [sentence] = audit("clause.updated")
    assert "changed the clause “Confidentiality and use of information”" in sentence


def test_a_clause_made_mandatory_joins_every_template(client, library, director):
    faith = Template.objects.create(administration=library.template.administration, name="Faith")
    TemplateClause.objects.create(template=faith, clause=library.purpose, order=1)
    login(client, director)
    client.post(url("template_clause_remove", library.template.pk, library.fundraising.pk))
    client.post(
        url("clause_edit", library.fundraising.pk),
        {**titles("Joint fundraising plan"), "mandatory": "on"},
    )
    assert entries(faith) == ["Purpose", "Joint fundraising plan"]
    assert entries(library.template)[-1] == "Joint fundraising plan"
    assert AuditEntry.objects.filter(action="clause.updated").count() == 1


def test_the_director_adds_a_clause_of_a_kind(client, library, director):
    login(client, director)
    administration = library.purpose.administration
    form = text(client.get(url("clause_create", administration.pk), {"kind": "disputes"}))
    assert '<option value="disputes" selected>' in form
    response = client.post(
        url("clause_create", administration.pk),
        {
            "kind": "disputes",
            **titles("Settlement of disputes", ar="تسوية النزاعات"),
            **wording("Disputes between {administration} and {organisation} go to mediation."),
        },
    )
    assert response.status_code == 302
    clause = Clause.objects.get(kind="disputes")
    assert clause.administration == administration
    assert clause.mandatory is False
    assert clause.title_ar == "تسوية النزاعات"
    assert clause.versions.get().number == 1
    assert response["Location"] == clause.get_absolute_url()
    # Optional: no template holds it until one is given it.
    assert "Settlement of disputes" not in entries(library.template)
    assert audit("clause.created") == [
        f"{director.get_full_name()} added the clause “Settlement of disputes” to the clause "
        "library"
    ]


def test_a_new_clause_with_a_bad_wording_keeps_everything_typed(client, library, director):
    login(client, director)
    response = client.post(
        url("clause_create", library.purpose.administration_id),
        {
            "kind": "disputes",
            "mandatory": "on",
            **titles("Settlement of disputes"),
            **wording("Disputes go to {mediator}."),
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "Unknown variables in braces: {mediator}" in page
    assert 'value="Settlement of disputes"' in page
    assert "Disputes go to {mediator}." in page
    assert '<option value="disputes" selected>' in page
    assert not Clause.objects.filter(kind="disputes").exists()


# Templates --------------------------------------------------------------------------------------


def test_the_director_creates_a_template_that_starts_with_the_mandatory_clauses(
    client, library, director
):
    login(client, director)
    response = client.post(
        url("template_create", library.purpose.administration_id),
        template_fields("Monitoring bodies", description="For NPM-style monitoring."),
    )
    assert response.status_code == 302
    template = Template.objects.get(name_en="Monitoring bodies")
    assert response["Location"] == template.get_absolute_url()
    assert entries(template) == ["Purpose", "Persons allowed to enter", "Confidentiality"]
    page = text(client.get(url("template_list")))
    assert "Monitoring bodies" in page and "For NPM-style monitoring." in page
    assert audit("template.created") == [
        f"{director.get_full_name()} created the MoU template “Monitoring bodies”"
    ]


def test_a_template_without_a_name_keeps_what_was_typed(client, library, director):
    login(client, director)
    response = client.post(
        url("template_create", library.purpose.administration_id),
        template_fields("", description="Half-written description"),
    )
    assert response.status_code == 200
    assert "This field is required." in text(response)
    assert "Half-written description" in text(response)
    assert Template.objects.count() == 1


def test_the_director_stops_offering_a_template_for_new_mous(
    client, library, accreditation, director, world
):
    login(client, director)
    response = client.post(
        url("template_edit", library.template.pk),
        template_fields("Standard MoU (2024)", active=False),
    )
    assert response.status_code == 302
    library.template.refresh_from_db()
    assert library.template.name_en == "Standard MoU (2024)"
    assert library.template.active is False
    page = text(client.get(url("agreement_new", world.organisation.pk)))
    assert "Standard MoU (2024)" not in page
    [sentence] = audit("template.updated")
    assert "changed the MoU template “Standard MoU (2024)”" in sentence


def test_clauses_are_added_moved_and_removed_without_javascript(client, library, director):
    disputes = Clause.objects.create(
        administration=library.template.administration, kind="disputes", title="Disputes"
    )
    ClauseVersion.objects.create(clause=disputes, number=1, wording="Mediation first.")
    login(client, director)
    page = text(client.get(url("template_detail", library.template.pk)))
    assert f'<option value="{disputes.pk}">Disputes</option>' in page
    client.post(url("template_clause_add", library.template.pk), {"clause": disputes.pk})
    client.post(url("template_clause_move", library.template.pk, disputes.pk), {"direction": "up"})
    response = client.post(
        url("template_clause_move", library.template.pk, library.purpose.pk),
        {"direction": "down"},
    )
    assert response["Location"].endswith(f"#clause-{library.purpose.pk}")
    assert entries(library.template) == [
        "Persons allowed to enter",
        "Purpose",
        "Confidentiality",
        "Disputes",
        "Joint fundraising plan",
    ]
    client.post(url("template_clause_remove", library.template.pk, library.fundraising.pk))
    assert entries(library.template) == [
        "Persons allowed to enter",
        "Purpose",
        "Confidentiality",
        "Disputes",
    ]
    page = text(client.get(url("template_detail", library.template.pk)))
    assert "“Joint fundraising plan” is taken out of the template." in page
    assert audit("template.reordered")[0].endswith(
        "moved the clause “Disputes” to place 4 in the MoU template “Standard MoU”"
    )
    assert len(audit("template.clause_added")) == len(audit("template.clause_removed")) == 1


def test_the_first_clause_cannot_move_up(client, library, director):
    login(client, director)
    response = client.post(
        url("template_clause_move", library.template.pk, library.purpose.pk),
        {"direction": "up"},
        follow=True,
    )
    assert "“Purpose” is first already." in text(response)
    assert entries(library.template)[0] == "Purpose"


def test_a_mandatory_clause_cannot_be_taken_out_of_a_template(client, library, director):
    login(client, director)
    page = text(client.get(url("template_detail", library.template.pk)))
    remove = url("template_clause_remove", library.template.pk, library.purpose.pk)
    assert remove not in page
    response = client.post(remove, follow=True)
    assert "“Purpose” is mandatory: every template has it." in text(response)
    assert "Purpose" in entries(library.template)
    assert not AuditEntry.objects.filter(action="template.clause_removed").exists()


def test_a_template_takes_no_clause_of_another_administration(
    client, library, director, other_administration
):
    foreign = small_library(other_administration)
    login(client, director)
    response = client.post(
        url("template_clause_add", library.template.pk),
        {"clause": foreign.fundraising.pk},
        follow=True,
    )
    assert "Select a valid choice." in text(response)
    assert "Joint fundraising plan" not in entries(library.template)[:-1]
    assert len(entries(library.template)) == 4


def test_new_mous_follow_the_templates_order(client, library, accreditation, world, director):
    login(client, director).post(
        url("template_clause_move", library.template.pk, library.confidentiality.pk),
        {"direction": "up"},
    )
    agreement = start_mou(world, library, director, "Ordered")
    assert [c.clause_version.clause.title for c in agreement.clauses.order_by("order")] == [
        "Purpose",
        "Confidentiality",
        "Persons allowed to enter",
        "Joint fundraising plan",
    ]


# Query counts -----------------------------------------------------------------------------------


def _clauses(administration, n: int) -> None:
    for i in range(n):
        clause = Clause.objects.create(
            administration=administration, kind=Clause.Kind.values[i % 15], title=f"Clause {i:02d}"
        )
        ClauseVersion.objects.create(clause=clause, number=1, wording=f"Wording {i}.")
        ClauseVersion.objects.create(clause=clause, number=2, wording=f"Wording {i}, again.")


def test_the_clause_list_makes_the_same_queries_for_one_clause_and_fifty(client, world, director):
    _clauses(world.administration, 1)
    login(client, director)
    path = url("clause_list")
    client.get(path)
    one = count_queries(client, path)
    _clauses(world.administration, 49)
    assert count_queries(client, path) == one
    assert "Clause 48" in text(client.get(path))


def test_the_template_list_and_page_make_the_same_queries_for_one_and_fifty(
    client, library, draft, world, director
):
    login(client, director)
    lists, page = url("template_list"), url("template_detail", library.template.pk)
    client.get(lists)
    client.get(page)
    one = count_queries(client, lists), count_queries(client, page)
    for n in range(49):
        Template.objects.create(administration=world.administration, name=f"Template {n:02d}")
    _clauses(world.administration, 50)
    for order, clause in enumerate(Clause.objects.filter(title__startswith="Clause "), start=10):
        TemplateClause.objects.create(template=library.template, clause=clause, order=order)
    assert (count_queries(client, lists), count_queries(client, page)) == one
    assert "Template 48" in text(client.get(lists))
    assert "Clause 49" in text(client.get(page))


def test_the_clause_page_makes_the_same_queries_for_one_version_and_many(client, library, director):
    login(client, director)
    path = url("clause_detail", library.fundraising.pk)
    client.get(path)
    one = count_queries(client, path)
    for number in range(2, 30):
        ClauseVersion.objects.create(
            clause=library.fundraising, number=number, wording=f"Wording {number}."
        )
    assert count_queries(client, path) == one
    assert "Wording 29." in text(client.get(path))


def test_an_administration_writing_in_spanish_needs_no_english(client, library, director):
    administration = library.purpose.administration
    administration.main_language = "es"
    administration.save(update_fields=["main_language"])
    login(client, director)
    response = client.post(
        url("clause_create", administration.pk),
        {
            "kind": "disputes",
            **titles("", es="Solución de controversias"),
            **wording(
                "", es="Las controversias entre {administration} y {organisation} se median."
            ),
        },
    )
    assert response.status_code == 302
    clause = Clause.objects.get(kind="disputes")
    # An English reader sees the Spanish text, the only one there is.
    page = text(client.get(clause.get_absolute_url()))
    assert "<h1>Solución de controversias</h1>" in page
    assert "Not written in English" in page
    assert "se median." in page
