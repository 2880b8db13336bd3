"""The Spanish catalogue ships complete, compiled and faithful to its placeholders.

English is the source language; every user-facing string is marked for translation and Spanish
ships with every change. After changing strings run ``make messages`` (makemessages, then
compilemessages) and translate whatever is new in ``locale/es/LC_MESSAGES/django.po``.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# printf-style placeholders as gettext sees them: %(name)s, %(count)d, %s, %d, %.2f...
# ``%%`` is a literal percent sign, not a placeholder, and is skipped by matching it first.
PLACEHOLDER = re.compile(r"%%|%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")

FIX_HINT = "Run `make messages` and translate the new entries in locale/es/LC_MESSAGES/django.po."


def placeholders(text: str) -> Counter[str]:
    return Counter(m for m in PLACEHOLDER.findall(text) if m != "%%")


def _key(entry: polib._BaseEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    assert PO_PATH.exists(), f"{PO_PATH} is missing. {FIX_HINT}"
    return polib.pofile(str(PO_PATH))


@pytest.fixture(scope="module")
def mo() -> polib.MOFile:
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `make messages` (compilemessages)."
    return polib.mofile(str(MO_PATH))


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def test_locale_paths_point_at_the_catalogue():
    assert Path(settings.BASE_DIR) / "locale" in [Path(p) for p in settings.LOCALE_PATHS]
    assert "es" in dict(settings.LANGUAGES)


def test_header_declares_spanish_with_two_plural_forms(po):
    assert po.metadata.get("Language") == "es"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert po.metadata.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    assert not po.metadata_is_fuzzy, "The header is marked fuzzy."


def test_catalogue_is_not_empty(po):
    assert len(_live(po)) > 100


def test_every_entry_is_translated(po):
    untranslated = [e.msgid for e in _live(po) if not e.translated() and "fuzzy" not in e.flags]
    assert not untranslated, f"Untranslated: {untranslated}. {FIX_HINT}"


def test_no_entry_is_fuzzy(po):
    fuzzy = [e.msgid for e in _live(po) if "fuzzy" in e.flags]
    assert not fuzzy, f"Fuzzy (check and confirm the translation): {fuzzy}"


def test_plural_entries_have_both_forms(po):
    for entry in _live(po):
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            assert sorted(forms) == [0, 1], entry.msgid
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
    assert not problems, f"Placeholders differ between English and Spanish: {problems}"


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
