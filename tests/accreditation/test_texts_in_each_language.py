"""The texts an administration writes for the public (the rules' title and introduction, each
criterion, its scale and its documents) are entered in each language and read in the reader's,
falling back to the administration's main language."""

import pytest
from django.urls import reverse
from django.utils import translation

from accreditation.models import Criterion, Framework, Level
from accreditation.services import frameworks
from accreditation.services.frameworks import default_criteria
from tests.accreditation.factories import CriterionFactory, FrameworkFactory
from tests.conftest import login
from tests.support.pages import text

pytestmark = pytest.mark.django_db

CRITERIA = reverse("accreditation:public_criteria")


@pytest.fixture
def spanish_rules(world):
    """An administration that writes in Spanish, with an English translation of one criterion
    and no Russian at all."""
    world.administration.main_language = "es"
    world.administration.save(update_fields=["main_language"])
    framework = FrameworkFactory(
        administration=world.administration,
        published=True,
        title_es="Criterios de acreditación",
        title_en="Accreditation criteria",
    )
    criterion = CriterionFactory(
        framework=framework,
        name_es="Conocimiento",
        name_en="Knowledge",
        description_es="Conocimiento del sistema penitenciario.",
        description_en=None,
        evidence_es="Certificados de formación.",
        evidence_en=None,
        levels=[],
    )
    Level.objects.create(
        criterion=criterion, score=0, description_es="Sin pruebas", description_en="No evidence"
    )
    return framework


def test_a_spanish_reader_sees_the_spanish_criterion(client, spanish_rules):
    page = text(client.get(CRITERIA, HTTP_ACCEPT_LANGUAGE="es"))
    assert "Criterios de acreditación" in page
    assert "Conocimiento del sistema penitenciario." in page
    assert "Certificados de formación." in page
    assert "Sin pruebas" in page
    assert "No evidence" not in page


def test_an_english_reader_sees_the_english_text_and_the_main_language_where_none(
    client, spanish_rules
):
    page = text(client.get(CRITERIA, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Knowledge" in page and "No evidence" in page
    # No English description was written: the Spanish one, the main language's, is shown.
    assert "Conocimiento del sistema penitenciario." in page


def test_a_russian_reader_falls_back_to_the_main_language(client, spanish_rules):
    # Nothing in Russian, nor in English: the main language's text is shown.
    Criterion.objects.update(name_en=None)
    page = text(client.get(CRITERIA, HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<html lang="ru"' in page
    assert "Conocimiento" in page
    assert "Conocimiento del sistema penitenciario." in page
    assert "Certificados de formación." in page


def test_the_director_writes_each_language_and_the_main_one_is_required(client, world, director):
    world.administration.main_language = "es"
    world.administration.save(update_fields=["main_language"])
    draft = FrameworkFactory(administration=world.administration, title_es="Reglas")
    login(client, director)
    path = reverse("accreditation:framework_edit", args=[draft.pk])
    page = text(client.get(path))
    for language in ("English", "Spanish", "Russian", "Arabic"):
        assert f"Title ({language})" in page
    data = {
        "title_en": "Rules",
        "title_es": "",
        "title_ru": "Правила",
        "pass_threshold": "60",
        "validity_months": "24",
        "review_days": "30",
        "spread_threshold": "2",
        "appeal_days": "30",
        "reapply_after_days": "0",
    }
    refused = client.post(path, data)
    assert refused.status_code == 200
    assert 'name="title_es"' in text(refused)
    draft.refresh_from_db()
    assert draft.title_ru is None

    assert client.post(path, {**data, "title_es": "Reglas nuevas"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.title_en, draft.title_es, draft.title_ru) == ("Rules", "Reglas nuevas", "Правила")
    with translation.override("ru"):
        assert draft.title == "Правила"
    with translation.override("ar"):
        assert draft.title == "Rules"


def test_a_criterion_and_its_scale_are_saved_in_each_language(client, world, director):
    draft = FrameworkFactory(administration=world.administration)
    login(client, director)
    data = {
        "name_en": "Funds",
        "name_es": "Fondos",
        "code": "funds",
        "description_en": "Funding secured.",
        "description_es": "Financiación asegurada.",
        "weight": "1",
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "20",
        "levels-0-score": "0",
        "levels-0-description_en": "None",
        "levels-0-description_es": "Ninguna",
        "levels-1-score": "4",
        "levels-1-description_en": "Secured",
        "levels-1-description_ar": "مضمونة",
    }
    response = client.post(reverse("accreditation:criterion_create", args=[draft.pk]), data)
    assert response.status_code == 302
    criterion = draft.criteria.get()
    assert (criterion.name_en, criterion.name_es, criterion.name_ru) == ("Funds", "Fondos", None)
    levels = list(criterion.levels.values_list("score", "description_en", "description_es"))
    assert levels == [(0, "None", "Ninguna"), (4, "Secured", None)]
    assert criterion.levels.get(score=4).description_ar == "مضمونة"


def test_a_level_without_its_main_language_text_is_refused(client, world, director):
    draft = FrameworkFactory(administration=world.administration)
    data = {
        "name_en": "Funds",
        "code": "funds",
        "description_en": "Funding secured.",
        "weight": "1",
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "20",
        "levels-0-score": "0",
        "levels-0-description_es": "Ninguna",
        "levels-1-score": "4",
        "levels-1-description_en": "Secured",
    }
    login(client, director)
    response = client.post(reverse("accreditation:criterion_create", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "Say what this score means." in text(response)
    assert not draft.criteria.exists()


def test_a_new_version_copies_every_language(world, director, spanish_rules):
    spanish_rules.introduction_es = "Solicite con pruebas."
    spanish_rules.save(update_fields=["introduction_es"])
    draft = frameworks.framework_create_draft(actor=director, administration=world.administration)
    assert (draft.title_es, draft.title_en) == (
        "Criterios de acreditación",
        "Accreditation criteria",
    )
    assert draft.introduction_es == "Solicite con pruebas."
    criterion = draft.criteria.get()
    assert (criterion.name_es, criterion.name_en) == ("Conocimiento", "Knowledge")
    level = criterion.levels.get()
    assert (level.description_es, level.description_en) == ("Sin pruebas", "No evidence")


def test_the_first_rules_come_in_every_language_the_catalogues_have(world, director):
    with translation.override("es"):
        draft = frameworks.framework_create_draft(
            actor=director, administration=world.administration
        )
    draft = Framework.objects.get(pk=draft.pk)
    assert draft.title_en == "Accreditation criteria for organisations"
    with translation.override("es"):
        spanish_title = translation.gettext("Accreditation criteria for organisations")
    assert spanish_title != draft.title_en, "the Spanish catalogue lacks the default title"
    assert draft.title_es == spanish_title
    knowledge = draft.criteria.get(code="knowledge")
    assert knowledge.name_en == "Knowledge"
    assert knowledge.levels.get(score=0).description_en == "No evidence"
    assert len(default_criteria()) == draft.criteria.count()
