"""The signed MoU as a file: rendered in the background after the administration signs,
certified with the director's certificate, countersigned as an incremental update, its terms
embedded, its text what the parties agreed, and user text kept as text."""

import hashlib
import io
import json

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import SignatureCoverageLevel
from pypdf import PdfReader

from activity.errors import DomainError
from activity.pdf import StaticFilesFetcher
from agreements import tasks
from agreements.models import (
    Agreement,
    AgreementClause,
    Clause,
    PdfStatus,
    Side,
    SignerCertificate,
)
from agreements.selectors import terms_data
from agreements.services import signing as signing_services
from agreements.signing.pdf import signature_fields
from agreements.signing.services import signing_authority_create

from .conftest import stored
from .test_signing import statuses

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # lines wrapped by the layout read as one


def test_the_signed_mou_validates_against_the_administrations_root(
    signed_mou, authority, director, ngo_admin
):
    signed = signed_mou.signed
    reader = PdfFileReader(io.BytesIO(signed))
    certification, approval = reader.embedded_regular_signatures
    first, second = statuses(signed, authority)

    assert [certification.field_name, approval.field_name] == ["administration", "organisation"]
    for status in (first, second):
        assert status.intact and status.valid and status.trusted and status.bottom_line
    assert certification.docmdp_level == MDPPerm.FILL_FORMS
    assert first.docmdp_ok
    assert first.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert first.modification_level == ModificationLevel.FORM_FILLING
    assert second.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # The countersignature was added to the certified file, which it leaves as it was.
    assert signed.startswith(signed_mou.certified)
    # Still PDF/A-3, at PDF 1.7.
    assert PdfReader(io.BytesIO(signed)).xmp_metadata.pdfaid_part == "3"
    assert signed.startswith(b"%PDF-1.7")
    agreement = signed_mou.agreement
    assert agreement.pdf_status == PdfStatus.READY
    assert agreement.pdf_sha256 == hashlib.sha256(signed).hexdigest()
    assert agreement.pdf_certified_sha256 == hashlib.sha256(signed_mou.certified).hexdigest()
    # Each signer's certificate was issued when they first signed.
    assert SignerCertificate.objects.get(user=director).role == SignerCertificate.Role.CERTIFY
    assert SignerCertificate.objects.get(user=ngo_admin).organisation == agreement.organisation


def test_the_embedded_terms_are_the_mous_terms_with_its_identifier(signed_mou):
    agreement = signed_mou.agreement
    attachments = PdfReader(io.BytesIO(signed_mou.signed)).attachments

    assert list(attachments) == ["terms.json"]
    embedded = json.loads(attachments["terms.json"][0])
    assert embedded == {**terms_data(agreement), "identifier": agreement.reference}
    assert embedded["reference"] == agreement.reference != ""


def test_the_pdf_states_every_mandatory_clause_the_terms_and_who_signed(
    signed_mou, director, settings
):
    agreement = signed_mou.agreement
    text = pdf_text(signed_mou.signed)

    mandatory = AgreementClause.objects.filter(
        agreement=agreement, clause_version__clause__mandatory=True
    ).select_related("clause_version__clause")
    assert mandatory.count() == 3
    for clause in mandatory:
        assert f"{clause.order}. {clause.clause_version.clause.title}" in text
    assert "4. Joint fundraising plan" in text  # the optional clause, left in
    assert agreement.title in text
    assert "State A Prison System" in text and "Local Human Rights Centre" in text
    assert f"Reference {agreement.reference}" in text
    # The terms, as the clauses state them.
    assert "Only John Representative may enter, on Monday, Wednesday" in text
    assert "People allowed to enter John Representative" in text
    # Who signed for the administration, and where to check the file.
    assert f"{director.get_full_name()} Director" in text
    assert f"{settings.SITE_URL}/agreements/verify/" in text


def test_the_mou_is_printed_in_its_own_language(agreed, director, signing, library, world):
    Agreement.objects.filter(pk=agreed.pk).update(language="es")
    AgreementClause.objects.filter(agreement=agreed, clause_version__clause=library.purpose).update(
        wording="{administration} y {organisation} colaboran en {facilities}."
    )

    signing(director, agreed, Side.ADMINISTRATION)

    text = pdf_text(stored(agreed))
    assert "State A Prison System y Local Human Rights Centre colaboran en Central" in text
    assert f"Referencia {agreed.reference}" in text
    assert "Establecimientos Central Penitentiary" in text


INJECTION = '<img src="file:///etc/passwd"> <img src="http://example.org/x.png"> <b>bold</b>'


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the renderer's fetcher for."""
    urls: list[str] = []
    fetch = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    return urls


def test_user_text_with_markup_and_addresses_is_printed_as_text_and_fetches_nothing(
    agreed, director, signing, library, fetched
):
    Agreement.objects.filter(pk=agreed.pk).update(title=f"MoU {INJECTION}")
    Clause.objects.filter(pk=library.purpose.pk).update(title=f"Purpose {INJECTION}")
    AgreementClause.objects.filter(agreement=agreed, clause_version__clause=library.people).update(
        wording=f"Only {{people}} may enter. {INJECTION} {{{{ 7|add:7 }}}}"
    )

    signing(director, agreed, Side.ADMINISTRATION)

    pdf = stored(agreed)
    text = pdf_text(pdf)
    # In the MoU's title, a clause's title and a clause's wording (an address may be wrapped
    # after a slash, hence the spaces left out).
    compact = text.replace(" ", "")
    assert compact.count('<imgsrc="file:///etc/passwd">') == 3
    assert compact.count('<imgsrc="http://example.org/x.png">') == 3
    assert "<b>bold</b>" in text
    assert "{{ 7|add:7 }}" in text
    # Only the stylesheet was read; no image, no local file went into the document.
    assert fetched and all(url.startswith("pdf-static:css/") for url in fetched)
    assert all(not page.images for page in PdfReader(io.BytesIO(pdf)).pages)
    assert b"root:x:0:0" not in pdf


def test_preparing_the_signed_copy_again_changes_nothing(signed_mou):
    agreement = signed_mou.agreement

    assert tasks.agreement_pdf_prepare.delay(agreement.pk).get() is False

    assert stored(agreement) == signed_mou.signed
    assert signature_fields(signed_mou.signed) == ["administration", "organisation"]


def test_the_organisation_countersigns_only_once_the_certified_copy_is_ready(
    agreed, director, signatory, authority
):
    # The signature commits; the copy is not prepared yet (the worker has not run).
    signing_services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.CERTIFIED
    assert agreed.pdf_status == PdfStatus.PENDING

    with pytest.raises(DomainError, match="still being prepared"):
        signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)

    tasks.agreement_pdf_prepare(agreed.pk)
    signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.SIGNED
    assert agreed.pdf_status == PdfStatus.PENDING  # now the countersignature is added


def test_without_a_signing_authority_the_failure_is_recorded_and_can_be_retried(
    agreed, world, director, signatory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signing_services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    agreed.refresh_from_db()
    assert agreed.pdf_status == PdfStatus.FAILED
    assert "State A Prison System has no signing authority yet" in agreed.pdf_error
    assert not agreed.pdf
    with pytest.raises(DomainError, match=r"could not be prepared.*no signing authority"):
        signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)

    signing_authority_create(actor=None, administration=world.administration)
    with django_capture_on_commit_callbacks(execute=True):
        signing_services.agreement_pdf_retry(actor=director, agreement=agreed)

    agreed.refresh_from_db()
    assert agreed.pdf_status == PdfStatus.READY and agreed.pdf_error == ""
    assert signature_fields(stored(agreed)) == ["administration"]
    signing_services.agreement_sign(actor=signatory, agreement=agreed, side=Side.ORGANISATION)


def test_only_a_failed_copy_is_prepared_again(signed_mou, director):
    with pytest.raises(DomainError, match="nothing to retry"):
        signing_services.agreement_pdf_retry(actor=director, agreement=signed_mou.agreement)


def test_withdrawing_a_signatory_revokes_the_certificate_they_signed_with(signed_mou, ngo_admin):
    signatory = ngo_admin.signatory_for.get()

    signing_services.signatory_revoke(actor=ngo_admin, signatory=signatory)

    certificate = SignerCertificate.objects.get(user=ngo_admin)
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == SignerCertificate.RevocationReason.LEFT_ROLE
