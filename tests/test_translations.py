"""The catalogues ship complete, compiled and faithful to their placeholders, in every language
the deployment offers.

English is the source language; every user-facing string is marked for translation, and Spanish,
Russian and Arabic ship with every change. After changing strings run ``make messages``
(makemessages, then compilemessages) and translate whatever is new in
``locale/<language>/LC_MESSAGES/django.po``.
"""

import gettext
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = ["es", "ru", "ar"]

# How many plural forms each language has, and which form each count takes: the expression in
# the header may be written in several ways (Django's own has a fourth Russian form for
# fractions), so it is checked by what it does.
PLURALS = {
    "es": {1: 0, 2: 1, 0: 1, 5: 1, 21: 1},
    "ru": {1: 0, 21: 0, 2: 1, 3: 1, 24: 1, 5: 2, 11: 2, 12: 2, 25: 2, 0: 2, 111: 2},
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5},
}
NPLURALS = {"es": [2], "ru": [3, 4], "ar": [6]}

# printf-style placeholders as gettext sees them: %(name)s, %(count)d, %s, %d, %.2f...
# ``%%`` is a literal percent sign, not a placeholder, and is skipped by matching it first.
PLACEHOLDER = re.compile(r"%%|%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")


def fix_hint(language: str) -> str:
    return (
        f"Run `make messages` and translate the new entries in "
        f"locale/{language}/LC_MESSAGES/django.po."
    )


def placeholders(text: str) -> Counter[str]:
    return Counter(m for m in PLACEHOLDER.findall(text) if m != "%%")


def _key(entry: polib._BaseEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


@pytest.fixture(scope="module", params=TRANSLATED)
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def po(language) -> polib.POFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing. {fix_hint(language)}"
    return polib.pofile(str(path))


@pytest.fixture(scope="module")
def mo(language) -> polib.MOFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    assert path.exists(), f"{path} is missing: run `make messages` (compilemessages)."
    return polib.mofile(str(path))


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def _nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    assert match, "The header has no Plural-Forms."
    return int(match.group(1))


def test_locale_paths_point_at_the_catalogues():
    assert LOCALE_DIR in [Path(p) for p in settings.LOCALE_PATHS]
    assert [code for code, _name in settings.LANGUAGES] == ["en", *TRANSLATED]


def test_arabic_is_the_one_language_written_right_to_left():
    bidi = {
        code for code, _name in settings.LANGUAGES if translation.get_language_info(code)["bidi"]
    }
    assert bidi == {"ar"}


def test_header_declares_the_language_and_its_plural_forms(po, language):
    assert po.metadata.get("Language") == language
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy, "The header is marked fuzzy."
    assert _nplurals(po) in NPLURALS[language]
    expression = po.metadata["Plural-Forms"].split("plural=", 1)[1].rstrip("; ")
    plural = gettext.c2py(expression)
    chosen = {n: plural(n) for n in PLURALS[language]}
    assert chosen == PLURALS[language], "The plural expression picks the wrong forms."


def test_catalogue_is_not_empty(po):
    assert len(_live(po)) > 100


def test_every_entry_is_translated(po, language):
    untranslated = [e.msgid for e in _live(po) if not e.translated() and "fuzzy" not in e.flags]
    assert not untranslated, f"Untranslated: {untranslated}. {fix_hint(language)}"


def test_no_entry_is_fuzzy(po):
    fuzzy = [e.msgid for e in _live(po) if "fuzzy" in e.flags]
    assert not fuzzy, f"Fuzzy (check and confirm the translation): {fuzzy}"


def test_plural_entries_have_every_form(po):
    forms_wanted = list(range(_nplurals(po)))
    for entry in _live(po):
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            assert sorted(forms) == forms_wanted, entry.msgid
            assert all(forms.values()), entry.msgid


def test_placeholders_are_kept(po):
    problems = []
    for entry in _live(po):
        if entry.msgid_plural:
            # Each form must carry the placeholders of the English plural (the count included).
            wanted = placeholders(entry.msgid_plural)
            got = [placeholders(s) for s in entry.msgstr_plural.values()]
        else:
            wanted = placeholders(entry.msgid)
            got = [placeholders(entry.msgstr)]
        for found in got:
            if found != wanted:
                problems.append((entry.msgid, dict(wanted), dict(found)))
    assert not problems, f"Placeholders differ between English and the translation: {problems}"


def test_leading_and_trailing_newlines_match(po):
    for entry in _live(po):
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            assert text.startswith("\n") == entry.msgid.startswith("\n"), entry.msgid
            assert text.endswith("\n") == entry.msgid.endswith("\n"), entry.msgid


def test_compiled_catalogue_matches_the_po(po, mo):
    """The .mo holds exactly the .po's translations: compilemessages ran after the last edit."""
    expected = {
        _key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr)
        for e in _live(po)
        if e.translated()
    }
    compiled = {
        _key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr) for e in mo if e.msgid
    }
    assert set(compiled) == set(expected), (
        "The compiled catalogue is out of date: run `make messages` (compilemessages)."
    )
    stale = [key for key in expected if compiled[key] != expected[key]]
    assert not stale, f"Compiled translations differ from the .po for {stale}: recompile."


@pytest.fixture
def restore_language():
    """Requests activate the language they ask for; put back the one the test started with."""
    previous = translation.get_language()
    yield
    if previous:
        translation.activate(previous)
    else:
        translation.deactivate()


def test_gettext_uses_the_spanish_catalogue(restore_language):
    # Strings held in variables, so that makemessages does not collect them from the tests.
    log_in = "Log in"
    singular = "%(counter)s organisation in the directory."
    plural = "%(counter)s organisations in the directory."
    with translation.override("es"):
        assert translation.gettext(log_in) == "Iniciar sesión"
        one = translation.ngettext(singular, plural, 1) % {"counter": 1}
        three = translation.ngettext(singular, plural, 3) % {"counter": 3}
    assert one == "1 organización en el directorio."
    assert three == "3 organizaciones en el directorio."


@pytest.mark.parametrize("language", TRANSLATED)
def test_gettext_uses_each_catalogue(language, restore_language):
    # Held in a variable, so that makemessages does not collect it from the tests.
    log_in = "Log in"
    with translation.override(language):
        assert translation.gettext(log_in) != log_in


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "direction"), [("ru", "ltr"), ("ar", "rtl")])
def test_login_page_in_russian_and_arabic_from_the_browser_language(
    client, restore_language, language, direction
):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    with translation.override(language):
        forgotten = translation.gettext("Forgotten your password?")
    assert forgotten != "Forgotten your password?"
    assert forgotten in html


@pytest.mark.django_db
def test_login_page_in_spanish_from_the_browser_language(client, restore_language):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="es"' in html
    assert "Iniciar sesión" in html
    assert "¿Olvidó su contraseña?" in html
    assert "Forgotten your password?" not in html


@pytest.mark.django_db
def test_login_page_in_spanish_from_the_language_cookie(client, restore_language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iniciar sesión" in html
    assert ">Log in<" not in html


@pytest.mark.django_db
def test_login_page_stays_english_by_default(client, restore_language):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Log in" in response.content.decode()
    assert "Iniciar sesión" not in response.content.decode()
