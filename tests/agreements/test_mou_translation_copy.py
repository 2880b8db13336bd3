"""A signed MoU's copy in another language: made in the background (at the signature in the
administration's main language, on request in the others), from the signed version's clauses in
that language and its terms, with the same terms.json, PDF/A-3, marked on every page as an
unsigned translation of the original; Arabic right to left; offered on the MoU's page to those
who may download the signed copy; recognised by the verification page as a translation, never
as a signed original."""

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from activity.errors import DomainError
from activity.models import AuditEntry
from agreements import documents, tasks
from agreements.models import (
    Agreement,
    AgreementClause,
    AgreementTranslation,
    Clause,
    ClauseVersion,
    PdfStatus,
    Side,
)
from agreements.selectors import term_values, terms_data
from agreements.services import signing as signing_services
from agreements.signing.pdf import signature_fields
from directory.models import Administration, Organisation
from tests.conftest import login
from tests.support.pages import assert_login_redirect, count_queries, text

from .conftest import ready_to_sign, start_mou

pytestmark = pytest.mark.django_db

VERIFY = reverse("agreements:verify")

#: The library's title and wording of each clause in Spanish and Arabic; the optional
#: fundraising clause has no wording in either. The Arabic avoids the lam-alef ligature, which
#: text extraction gives back with its letters swapped.
SPANISH = {
    "purpose": ("Propósito", "{administration} y {organisation} colaboran en {facilities}."),
    "people": ("Personas autorizadas", "Solo {people} pueden entrar, los {weekdays}, {hours}."),
    "confidentiality": (
        "Confidencialidad",
        "Los informes se tratan primero con las autoridades; tienen {response_days} días.",
    ),
    # A title, and no wording.
    "fundraising": ("Plan conjunto de fondos", ""),
}
ARABIC = {
    "purpose": ("الغرض", "تعمل {administration} و{organisation} معًا في {facilities}."),
    "people": ("من يدخل", "يدخل {people} وحده، أيام {weekdays}، {hours}."),
    "confidentiality": (
        "السرية",
        "تناقش التقارير مع السلطات قبل نشرها؛ مهلتها {response_days} يومًا.",
    ),
}


@pytest.fixture
def translated_library(library):
    """The clause library in Spanish and Arabic, but for one clause's wording."""
    for language, texts in (("es", SPANISH), ("ar", ARABIC)):
        for name, (title, wording) in texts.items():
            clause = getattr(library, name)
            Clause.objects.filter(pk=clause.pk).update(**{f"title_{language}": title})
            ClauseVersion.objects.filter(clause=clause).update(**{f"wording_{language}": wording})
    return library


def url(name: str, *args) -> str:
    return reverse(f"agreements:{name}", args=args)


def request_copy(agreement: Agreement, user, language: str, capture) -> AgreementTranslation:
    """Ask for the copy as the MoU's page does; the worker (run here) prepares it."""
    with capture(execute=True):
        signing_services.agreement_translation_request(
            actor=user, agreement=agreement, language=language
        )
    return AgreementTranslation.objects.get(agreement=agreement, language=language)


def content(copy: AgreementTranslation) -> bytes:
    copy.refresh_from_db()
    with copy.pdf.open("rb") as kept:
        return kept.read()


BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text as poppler's pdftotext reads it, in logical order, the direction marks
    it adds left out and the lines wrapped by the layout read as one."""
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    pages = result.stdout.decode().split("\f")
    return [" ".join(BIDI_MARKS.sub("", page).split()) for page in pages if page.strip()]


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
)


def line_extent(pdf: bytes, tmp_path: Path, word: str) -> tuple[float, float, float]:
    """Where the line with a word containing ``word`` starts and ends, and the page's width."""
    path = tmp_path / "layout.pdf"
    path.write_bytes(pdf)
    layout = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    page = re.search(r'<page width="([\d.]+)"', layout)
    assert page is not None
    width = float(page.group(1))
    words = [(float(x0), float(y0), float(x1), w) for x0, y0, x1, w in WORD.findall(layout)]
    y = next(y0 for _x0, y0, _x1, w in words if word in w)
    line = [(x0, x1) for x0, y0, x1, _w in words if abs(y0 - y) < 1]
    return min(x0 for x0, _x1 in line), max(x1 for _x0, x1 in line), width


def in_language(code: str, message: str, **params) -> str:
    """``message`` as the catalogue gives it in the language ``code``."""
    with translation.override(code):
        return gettext(message) % params if params else gettext(message)


@pytest.fixture
def spanish_administration(world):
    Administration.objects.filter(pk=world.administration.pk).update(main_language="es")


@pytest.fixture
def spanish_copy(spanish_administration, translated_library, signed_mou) -> AgreementTranslation:
    """The copy in the administration's main language, made when the organisation signed."""
    return AgreementTranslation.objects.get(agreement=signed_mou.agreement, language="es")


# The copy ---------------------------------------------------------------------------------------


def test_the_copy_in_the_administrations_main_language_is_made_at_the_signature(
    spanish_copy, signed_mou
):
    agreement = signed_mou.agreement
    assert agreement.language == "en"
    assert spanish_copy.status == PdfStatus.READY and spanish_copy.error == ""
    assert spanish_copy.requested_by is None
    signed = AuditEntry.objects.get(action="agreement.signed", object_id=str(agreement.pk))
    assert signed.changes["translation"] == "es"
    # No copy in the languages nobody asked for.
    assert list(agreement.translations.values_list("language", flat=True)) == ["es"]


def test_the_copy_states_every_mandatory_clause_in_its_language_with_the_terms(
    spanish_copy, signed_mou, tmp_path
):
    agreement = signed_mou.agreement
    text_of_copy = " ".join(pdf_pages(content(spanish_copy), tmp_path))

    mandatory = AgreementClause.objects.filter(
        agreement=agreement, clause_version__clause__mandatory=True
    ).select_related("clause_version__clause")
    assert mandatory.count() == 3
    with translation.override("es"):
        values = term_values(agreement)
    for clause in mandatory:
        title, wording = SPANISH[clause.clause_version.clause.kind]
        assert f"{clause.order}. {title}" in text_of_copy
        filled = wording
        for name, value in values.items():
            filled = filled.replace(f"{{{name}}}", value)
        assert filled in text_of_copy
    assert "State A Prison System y Local Human Rights Centre colaboran en Central" in text_of_copy
    assert "4. Plan conjunto de fondos" in text_of_copy
    # Nothing of the English wording is left in it.
    assert "work together" not in text_of_copy
    assert "John Representative" in text_of_copy


def test_every_page_says_it_is_an_unsigned_translation_of_the_signed_original(
    spanish_copy, signed_mou, settings, tmp_path
):
    agreement = signed_mou.agreement
    pages = pdf_pages(content(spanish_copy), tmp_path)

    header = in_language("es", "Translation for reading, not signed")
    footer = in_language(
        "es",
        "Unsigned translation of the MoU %(reference)s; the signed original is in %(language)s.",
        reference=agreement.reference,
        language=in_language("es", "English"),
    )
    assert len(pages) >= 2
    for page in pages:
        assert f"{header} · {agreement.reference}" in page
        assert footer in page
        assert f"{settings.SITE_URL}/agreements/verify/" in page.replace(" ", "")


def test_the_copy_carries_the_signed_mous_terms_and_is_pdf_a_3_without_signature(
    spanish_copy, signed_mou
):
    agreement = signed_mou.agreement
    pdf = content(spanish_copy)
    reader = PdfReader(io.BytesIO(pdf))

    attachments = reader.attachments
    assert list(attachments) == ["terms.json"]
    original = PdfReader(io.BytesIO(signed_mou.signed)).attachments["terms.json"][0]
    assert attachments["terms.json"][0] == original
    assert json.loads(original) == {**terms_data(agreement), "identifier": agreement.reference}
    assert reader.xmp_metadata.pdfaid_part == "3"
    assert pdf.startswith(b"%PDF-1.7")
    assert signature_fields(pdf) == []


def test_a_clause_without_wording_in_the_language_says_so_and_quotes_the_original(
    spanish_copy, tmp_path
):
    text_of_copy = " ".join(pdf_pages(content(spanish_copy), tmp_path))

    note = in_language(
        "es",
        "This clause has no wording in %(language)s. The signed original states it in "
        "%(original)s:",
        language=in_language("es", "Spanish"),
        original=in_language("es", "English"),
    )
    assert f"4. Plan conjunto de fondos {note} The parties may seek funds together." in (
        text_of_copy
    )
    assert text_of_copy.count(note) == 1  # the other clauses are in Spanish


def test_wording_changed_in_negotiation_is_not_replaced_by_the_librarys_translation(
    draft,
    world,
    director,
    ngo_admin,
    john,
    signatory,
    signing,
    translated_library,
    django_capture_on_commit_callbacks,
    tmp_path,
):
    AgreementClause.objects.filter(
        agreement=draft, clause_version__clause=translated_library.purpose
    ).update(wording="{administration} and {organisation} teach together in {facilities}.")
    agreement = ready_to_sign(draft, world, director, ngo_admin, john)
    signing(director, agreement, Side.ADMINISTRATION)
    signing(signatory, agreement, Side.ORGANISATION)

    copy = request_copy(agreement, director, "es", django_capture_on_commit_callbacks)

    text_of_copy = " ".join(pdf_pages(content(copy), tmp_path))
    assert "colaboran en" not in text_of_copy
    assert (
        "State A Prison System and Local Human Rights Centre teach together in Central "
        "Penitentiary." in text_of_copy
    )
    assert "2. Personas autorizadas" in text_of_copy  # the others are translated


def test_the_arabic_copy_is_written_right_to_left(
    translated_library, signed_mou, director, django_capture_on_commit_callbacks, tmp_path
):
    arabic = content(
        request_copy(signed_mou.agreement, director, "ar", django_capture_on_commit_callbacks)
    )
    spanish = content(
        request_copy(signed_mou.agreement, director, "es", django_capture_on_commit_callbacks)
    )

    text_of_copy = " ".join(pdf_pages(arabic, tmp_path))
    for words in ("الغرض", "تعمل", "معًا في", "يدخل", "وحده", "تناقش التقارير مع السلطات"):
        assert words in text_of_copy
    # The purpose clause's line ends at the right margin in Arabic, starts at the left one in
    # Spanish: the page is mirrored.
    start, end, width = line_extent(arabic, tmp_path, "Penitentiary")
    assert width - end < 55 < start
    start, end, width = line_extent(spanish, tmp_path, "Penitentiary")
    assert start < 55 < width - end


# Asking for a copy ------------------------------------------------------------------------------


def test_asking_twice_makes_one_copy_and_preparing_it_again_changes_nothing(
    translated_library, signed_mou, director, ngo_member, django_capture_on_commit_callbacks
):
    agreement = signed_mou.agreement
    copy = request_copy(agreement, ngo_member, "ru", django_capture_on_commit_callbacks)
    first = content(copy)

    assert tasks.agreement_translation_prepare.delay(copy.pk).get() is False
    with pytest.raises(DomainError, match=r"The copy in Russian is ready: download it\."):
        signing_services.agreement_translation_request(
            actor=director, agreement=agreement, language="ru"
        )

    assert content(copy) == first
    assert AgreementTranslation.objects.filter(agreement=agreement).count() == 1
    assert (
        AuditEntry.objects.filter(
            action="agreement.translation_requested", object_id=str(agreement.pk)
        ).count()
        == 1
    )
    assert AuditEntry.objects.filter(action="agreement.translation_prepared").count() == 1


def test_a_copy_waiting_for_the_worker_is_not_asked_for_twice(signed_mou, director):
    agreement = signed_mou.agreement
    signing_services.agreement_translation_request(
        actor=director, agreement=agreement, language="es"
    )

    with pytest.raises(DomainError, match="being prepared already"):
        signing_services.agreement_translation_request(
            actor=director, agreement=agreement, language="es"
        )
    assert AgreementTranslation.objects.get().status == PdfStatus.PENDING


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "The signed MoU is in English: download the signed copy."),
        ("fr", "Choose one of the languages offered."),
    ],
)
def test_a_copy_in_the_mous_own_language_or_one_not_offered_is_refused(
    signed_mou, director, language, refusal
):
    with pytest.raises(DomainError, match=re.escape(refusal)):
        signing_services.agreement_translation_request(
            actor=director, agreement=signed_mou.agreement, language=language
        )
    assert not AgreementTranslation.objects.exists()


def test_an_mou_not_signed_by_both_sides_has_no_copy_in_another_language(
    agreed, director, signing, spanish_administration
):
    signing(director, agreed, Side.ADMINISTRATION)

    with pytest.raises(DomainError, match="Only a signed MoU has copies in other languages"):
        signing_services.agreement_translation_request(
            actor=director, agreement=agreed, language="es"
        )
    assert not AgreementTranslation.objects.exists()


def test_a_failed_copy_says_why_and_is_prepared_again_on_request(
    signed_mou, director, monkeypatch, django_capture_on_commit_callbacks
):
    agreement = signed_mou.agreement

    def refuse(*args, **kwargs):
        raise documents.PdfResourceError("No static file for 'pdf-static:css/pdf.css'.")

    monkeypatch.setattr(documents, "render_pdf", refuse)
    copy = request_copy(agreement, director, "es", django_capture_on_commit_callbacks)
    assert copy.status == PdfStatus.FAILED
    assert copy.error == "No static file for 'pdf-static:css/pdf.css'."
    assert not copy.pdf

    monkeypatch.undo()
    copy = request_copy(agreement, director, "es", django_capture_on_commit_callbacks)
    assert copy.status == PdfStatus.READY and copy.error == ""
    assert content(copy).startswith(b"%PDF-1.7")


# The MoU's page ---------------------------------------------------------------------------------


def test_the_mous_page_offers_each_language_with_the_copys_progress(
    client, spanish_copy, signed_mou, ngo_member, django_capture_on_commit_callbacks
):
    agreement = signed_mou.agreement
    login(client, ngo_member)
    page = text(client.get(url("agreement_detail", agreement.pk)))
    assert "Download in Spanish (PDF)" in page
    assert f'href="{url("agreement_translation", agreement.pk, "es")}"' in page
    assert "Prepare a copy in Russian" in page and "Prepare a copy in Arabic" in page
    assert "Prepare a copy in English" not in page  # the MoU's own language

    # Asked for, and not prepared yet: the worker has not run.
    response = client.post(url("agreement_translation_request", agreement.pk), {"language": "ar"})
    assert response.status_code == 302
    assert response["Location"] == f"{url('agreement_detail', agreement.pk)}#translations"
    page = text(client.get(url("agreement_detail", agreement.pk)))
    assert "The copy in Arabic is being prepared." in page
    assert client.get(url("agreement_translation", agreement.pk, "ar")).status_code == 404

    tasks.agreement_translation_prepare(AgreementTranslation.objects.get(language="ar").pk)
    page = text(client.get(url("agreement_detail", agreement.pk)))
    assert "Download in Arabic (PDF)" in page
    download = client.get(url("agreement_translation", agreement.pk, "ar"))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.7")


def test_the_page_says_why_a_copy_failed_and_offers_to_prepare_it_again(
    client, signed_mou, director
):
    agreement = signed_mou.agreement
    AgreementTranslation.objects.create(
        agreement=agreement, language="ru", status=PdfStatus.FAILED, error="The disk is full."
    )
    page = text(login(client, director).get(url("agreement_detail", agreement.pk)))

    assert "The copy in Russian could not be prepared: The disk is full." in page
    assert "Prepare it again" in page


def test_the_page_makes_as_many_queries_with_one_copy_as_with_three(
    client, spanish_copy, signed_mou, director
):
    agreement = signed_mou.agreement
    path = url("agreement_detail", agreement.pk)
    login(client, director).get(path)
    one = count_queries(client, path)

    for language in ("ru", "ar"):
        AgreementTranslation.objects.create(
            agreement=agreement, language=language, status=PdfStatus.FAILED, error="Try again."
        )

    assert count_queries(client, path) == one


def test_an_unsigned_mou_offers_no_copy(client, agreed, director):
    page = text(login(client, director).get(url("agreement_detail", agreed.pk)))
    assert "In other languages" not in page


def test_everyone_who_may_download_the_signed_copy_may_download_the_copies(
    client, spanish_copy, signed_mou, director, coordinator, ngo_admin, ngo_member
):
    agreement = signed_mou.agreement
    for user in (director, coordinator, ngo_admin, ngo_member):
        login(client, user)
        assert client.get(url("agreement_pdf", agreement.pk)).status_code == 200
        assert client.get(url("agreement_translation", agreement.pk, "es")).status_code == 200


def test_other_organisations_and_administrations_do_not_find_the_copies(
    client, spanish_copy, signed_mou, outsider, other_director
):
    agreement = signed_mou.agreement
    for user in (outsider, other_director):
        login(client, user)
        assert client.get(url("agreement_translation", agreement.pk, "es")).status_code == 404
        response = client.post(
            url("agreement_translation_request", agreement.pk), {"language": "ru"}
        )
        assert response.status_code == 404
    assert list(agreement.translations.values_list("language", flat=True)) == ["es"]


def test_anonymous_visitors_are_sent_to_log_in_for_a_copy(client, spanish_copy, signed_mou):
    path = url("agreement_translation", signed_mou.agreement.pk, "es")
    assert_login_redirect(client.get(path), path)
    path = url("agreement_translation_request", signed_mou.agreement.pk)
    assert_login_redirect(client.post(path, {"language": "ru"}), path)
    assert AgreementTranslation.objects.count() == 1


# The verification page --------------------------------------------------------------------------


def upload(client, content_: bytes) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(VERIFY, {"document": SimpleUploadedFile("mou.pdf", content_)})
    assert response.status_code == 200
    return text(response)


def test_the_verification_page_reports_the_copy_as_an_unsigned_translation(
    client, spanish_copy, signed_mou
):
    agreement = signed_mou.agreement

    page = upload(client, content(spanish_copy))

    assert (
        f"Not a signed original: this is an unsigned translation of the MoU {agreement.reference} "
        "into Spanish" in page
    )
    assert "The signed original is in English" in page
    assert agreement.title in page
    assert "It matches the register" not in page
    assert "Intact: the file is exactly as it was signed." not in page


def test_a_changed_copy_is_not_recognised_as_the_registers_translation(
    client, spanish_copy, signed_mou
):
    changed = content(spanish_copy) + b"% changed after it was made"

    page = upload(client, changed)

    assert "This PDF carries no signature: it is not a signed MoU." in page
    assert "unsigned translation" not in page
    assert signed_mou.agreement.title not in page


# The MoU's language -----------------------------------------------------------------------------


def test_an_mou_is_negotiated_in_the_organisations_language(
    world, library, accreditation, director
):
    Organisation.objects.filter(pk=world.organisation.pk).update(language="ru")
    Administration.objects.filter(pk=world.administration.pk).update(main_language="es")
    world.organisation.refresh_from_db()
    world.administration.refresh_from_db()

    agreement = start_mou(world, library, director)

    assert agreement.language == "ru"
