"""The signed agreement: certified by the administration and countersigned by the organisation
with real PDF signatures under the administration's own authority, still PDF/A-3 with its terms
embedded; and the verification of an uploaded PDF, which is hostile input."""

import hashlib
import io
import json
import time
from datetime import timedelta

import pytest
import time_machine
from asn1crypto import x509 as asn1_x509
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from activity.errors import DomainError
from agreements.models import SignerCertificate, SigningAuthority
from agreements.signing import keys
from agreements.signing.services import (
    signer_certificate_issue,
    signer_certificate_revoke,
    signing_authority_create,
)
from agreements.signing.verification import verify_pdf

from .conftest import TERMS, render_agreement, sign

pytestmark = pytest.mark.django_db


def validation_context(authority: SigningAuthority) -> ValidationContext:
    root = asn1_x509.Certificate.load(keys.to_der(keys.load_certificate(authority.certificate_pem)))
    return ValidationContext(trust_roots=[root], allow_fetching=False)


def statuses(pdf: bytes, authority: SigningAuthority):
    reader = PdfFileReader(io.BytesIO(pdf))
    context = validation_context(authority)
    return [validate_pdf_signature(s, context) for s in reader.embedded_regular_signatures]


def test_the_signed_agreement_validates_against_the_administrations_root(agreement, authority):
    reader = PdfFileReader(io.BytesIO(agreement.signed))
    certification, approval = reader.embedded_regular_signatures
    first, second = statuses(agreement.signed, authority)

    assert [certification.field_name, approval.field_name] == ["administration", "organisation"]
    for status in (first, second):
        assert status.intact and status.valid and status.trusted
        assert status.bottom_line
    # The administration certified, allowing form filling and signatures only.
    assert certification.docmdp_level == MDPPerm.FILL_FORMS
    assert approval.docmdp_level is None
    # The countersignature came after, as an incremental update the certification allows.
    assert first.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert first.modification_level == ModificationLevel.FORM_FILLING
    assert first.docmdp_ok
    assert second.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert second.modification_level == ModificationLevel.NONE
    # Each signature carries the chain up to the administration's root.
    embedded = {
        c.sha256_fingerprint.replace(" ", "").lower() for c in certification.other_embedded_certs
    }
    assert authority.fingerprint in embedded
    assert agreement.signed.startswith(agreement.certified)
    assert agreement.certified.startswith(agreement.unsigned)


def test_verification_names_who_signed_for_whom_and_when(
    agreement, world, director_certificate, signatory_certificate
):
    before = timezone.now()

    report = verify_pdf(agreement.signed)

    assert report.readable and report.valid
    assert report.intact and report.trusted and not report.modified_after_signing
    assert report.sha256 == hashlib.sha256(agreement.signed).hexdigest()
    assert report.last_signed_sha256 == report.sha256
    certification, approval = report.signatures
    assert certification.certifies and not approval.certifies
    assert (certification.signer_name, certification.signer_title) == (
        director_certificate.user.get_full_name(),
        "Director",
    )
    assert certification.signer_organisation == "State A Prison System"
    assert approval.signer_name == signatory_certificate.user.get_full_name()
    assert approval.signer_title == "Authorised signatory"
    assert approval.signer_organisation == "Local Human Rights Centre"
    assert certification.certificate == director_certificate
    assert approval.certificate == signatory_certificate
    assert certification.administration == approval.administration == world.administration
    for signature in report.signatures:
        assert signature.valid and signature.problems == ()
        assert before - timedelta(minutes=5) < signature.signed_at <= before
    # The certified file, before the countersignature, is what the first signature covers.
    assert certification.signed_sha256 == hashlib.sha256(agreement.certified).hexdigest()


def test_the_embedded_terms_are_what_was_put_in(agreement):
    report = verify_pdf(agreement.signed)

    assert report.terms == TERMS
    assert report.identifier == "MOU-2026-0007"
    terms = report.file("terms.json")
    assert terms is not None and terms.relationship == "Data"
    assert PdfReader(io.BytesIO(agreement.signed)).attachments["terms.json"] == [
        json.dumps(TERMS).encode()
    ]


def test_the_signed_file_still_declares_pdf_a_3(agreement):
    reader = PdfFileReader(io.BytesIO(agreement.signed))
    xmp = reader.root["/Metadata"].data.decode()
    pypdf_reader = PdfReader(io.BytesIO(agreement.signed))
    info = reader.trailer_view["/Info"]

    assert pypdf_reader.xmp_metadata.pdfaid_part == "3"
    assert pypdf_reader.xmp_metadata.pdfaid_conformance == "B"
    # PDF/A-3 is PDF 1.7: RSA signatures keep the file there (no PDF 2.0 features).
    assert agreement.signed.startswith(b"%PDF-1.7")
    assert "/Version" not in reader.root
    # The document information says what the XMP metadata says.
    assert f'pdf:Producer="{info["/Producer"]}"' in xmp
    assert pypdf_reader.xmp_metadata.dc_title == {"x-default": info["/Title"]}
    # The output intent and the associated terms file are still there.
    assert reader.root["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    assert {spec.get_object()["/UF"] for spec in reader.root["/AF"]} == {"terms.json"}
    # Invisible signatures, with the widgets PDF/A wants: printable, never hidden.
    form = reader.root["/AcroForm"]
    assert "/NeedAppearances" not in form
    for field in form["/Fields"]:
        field = field.get_object()
        flags = field["/F"]
        assert flags & 0b100  # Print
        assert not flags & 0b100011  # Invisible, Hidden, NoView
        assert [float(x) for x in field["/Rect"]] == [0, 0, 0, 0]


def flip_byte_inside_the_first_revision(pdf: bytes) -> bytes:
    # A byte of the page's title in the XMP packet: the file still parses, the signed bytes
    # have changed.
    offset = pdf.index(b"/Title") + 10
    tampered = bytearray(pdf)
    tampered[offset] ^= 0x01
    return bytes(tampered)


def test_one_flipped_byte_is_reported(agreement):
    tampered = flip_byte_inside_the_first_revision(agreement.signed)

    report = verify_pdf(tampered)

    assert report.readable
    assert not report.intact and not report.valid
    for signature in report.signatures:
        assert not signature.intact and not signature.trusted
        assert "The signed content has been altered: it is not what was signed." in (
            signature.problems
        )


def append_annotation(pdf: bytes) -> bytes:
    """What a PDF editor does to a signed file: a note on the first page, saved as an
    incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref, _ = writer.find_page_for_modification(0)
    annotation = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Text"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (50, 50, 70, 70)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("Visits: daily"),
            }
        )
    )
    page = page_ref.get_object()
    annotations = page["/Annots"]  # the signature widgets
    page[generic.NameObject("/Annots")] = generic.ArrayObject(
        [*(annotations.raw_get(i) for i in range(len(annotations))), annotation]
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_update_appended_after_signing_is_reported(agreement, authority):
    edited = append_annotation(agreement.signed)

    report = verify_pdf(edited)
    first, second = statuses(edited, authority)

    # pyHanko's own reading: both signatures intact, but the file goes on after them, with a
    # change the certification does not allow.
    assert first.intact and second.intact
    assert second.coverage == SignatureCoverageLevel.ENTIRE_REVISION
    assert first.modification_level > ModificationLevel.FORM_FILLING
    assert not first.docmdp_ok
    # The verification says so, and still finds the file as it was signed.
    assert report.intact and report.trusted
    assert report.modified_after_signing and not report.valid
    for signature in report.signatures:
        assert signature.modified_after
        assert "The document was modified after this signature." in signature.problems
    assert report.last_signed_sha256 == hashlib.sha256(agreement.signed).hexdigest()
    assert report.sha256 != report.last_signed_sha256


def signed_under_an_unknown_authority(world, director) -> bytes:
    """Someone makes their own authority with the administration's very name and signs."""
    now = timezone.now()
    root_key = keys.new_key()
    root = keys.authority_certificate(
        root_key,
        administration=world.administration.name,
        valid_from=now,
        valid_until=now + timedelta(days=365),
    )
    key = keys.new_key()
    forged = keys.signer_certificate(
        subject=keys.Subject(director.get_full_name(), "Director", world.administration.name),
        public_key=key.public_key(),
        issuer=root,
        issuer_key=root_key,
        valid_from=now,
        valid_until=now + timedelta(days=365),
    )
    keys.store_key(key, forged)
    outside = SignerCertificate(
        authority=SigningAuthority(certificate_pem=keys.to_pem(root)),
        user=director,
        role=SignerCertificate.Role.CERTIFY,
        certificate_pem=keys.to_pem(forged),
        valid_from=now,
        valid_until=now + timedelta(days=365),
    )
    return sign(render_agreement(), outside, certify=True, field_name="administration")


def test_a_signature_under_an_unknown_authority_is_not_trusted(_test_templates, world, director):
    report = verify_pdf(signed_under_an_unknown_authority(world, director))

    (signature,) = report.signatures
    assert signature.intact and not signature.trusted
    assert signature.signer_name == director.get_full_name()
    assert signature.certificate is None and signature.administration is None
    assert signature.problems == (
        "The signer's certificate was not issued by an administration in this system.",
    )
    assert not report.valid


def test_a_certificate_revoked_after_signing_keeps_its_signatures_unless_its_key_leaked(
    agreement, director_certificate
):
    signer_certificate_revoke(
        actor=None,
        certificate=director_certificate,
        reason=SignerCertificate.RevocationReason.LEFT_ROLE,
    )
    assert verify_pdf(agreement.signed).valid

    director_certificate.revocation_reason = SignerCertificate.RevocationReason.KEY_COMPROMISE
    director_certificate.save(update_fields=["revocation_reason"])
    certification, approval = verify_pdf(agreement.signed).signatures

    assert not certification.trusted and approval.trusted
    assert certification.problems[0].startswith("The signer's certificate was revoked on ")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 a zip file, renamed", "This file is not a PDF."),
        (b"", "This file is not a PDF."),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog",
            "This PDF is damaged or incomplete and cannot be read.",
        ),
    ],
    ids=["zip", "empty", "garbage-after-header"],
)
def test_a_file_that_is_not_a_readable_pdf_gets_a_clear_message(content, message):
    report = verify_pdf(content)

    assert report.problem == message
    assert not report.readable and not report.valid and report.signatures == ()


def test_a_truncated_agreement_gets_a_clear_message(agreement):
    report = verify_pdf(agreement.signed[: len(agreement.signed) // 2])

    assert report.problem == "This PDF is damaged or incomplete and cannot be read."


def test_an_oversized_upload_is_refused_before_it_is_read(agreement, settings):
    settings.SIGNED_PDF_MAX_BYTES = len(agreement.signed) - 1
    upload = SimpleUploadedFile("agreement.pdf", agreement.signed, "application/pdf")

    for given in (agreement.signed, upload):
        report = verify_pdf(given)

        assert report.problem.startswith("The file is larger than ")
        assert report.signatures == () and not report.valid


def test_an_uploaded_file_is_verified_like_its_bytes(agreement):
    upload = SimpleUploadedFile("agreement.pdf", agreement.signed, "application/pdf")

    assert verify_pdf(upload) == verify_pdf(agreement.signed)


def test_reading_that_takes_too_long_is_stopped(agreement, settings):
    settings.SIGNED_PDF_READ_SECONDS = 0.001

    report = verify_pdf(agreement.signed)

    assert report.problem == (
        "Reading this file took too long, so it was given up. It is not a usable PDF."
    )


def test_an_unsigned_pdf_is_read_but_not_valid(_test_templates):
    report = verify_pdf(render_agreement())

    assert report.readable and not report.signed and not report.valid
    assert report.identifier == "MOU-2026-0007"


def test_only_a_current_certifying_certificate_certifies(
    _test_templates, director_certificate, signatory_certificate
):
    unsigned = render_agreement()

    with pytest.raises(DomainError, match="Only the administration's certificate certifies"):
        sign(unsigned, signatory_certificate, certify=True, field_name="organisation")
    certified = sign(unsigned, director_certificate, certify=True, field_name="administration")
    with pytest.raises(DomainError, match="already signed"):
        sign(certified, director_certificate, certify=True, field_name="again")
    signer_certificate_revoke(
        actor=None,
        certificate=signatory_certificate,
        reason=SignerCertificate.RevocationReason.LEFT_ROLE,
    )
    signatory_certificate.refresh_from_db()
    with pytest.raises(DomainError, match="revoked or expired"):
        sign(certified, signatory_certificate, certify=False, field_name="organisation")


def test_a_signature_stays_valid_after_its_certificate_expires(
    _test_templates, authority, director
):
    """An agreement outlives its signers' certificates: a signature is checked as at the time it
    was made."""
    now = timezone.now()
    root = keys.load_certificate(authority.certificate_pem)
    key = keys.new_key()
    short_lived = keys.signer_certificate(
        subject=keys.Subject(director.get_full_name(), "Director", "State A Prison System"),
        public_key=key.public_key(),
        issuer=root,
        issuer_key=keys.load_key(root),
        valid_from=now - timedelta(minutes=1),
        valid_until=now + timedelta(seconds=2),
    )
    keys.store_key(key, short_lived)
    certificate = SignerCertificate.objects.create(
        authority=authority,
        user=director,
        role=SignerCertificate.Role.CERTIFY,
        subject_name=director.get_full_name(),
        **keys.recorded_fields(short_lived),
    )
    signed = sign(render_agreement(), certificate, certify=True, field_name="administration")
    while timezone.now() <= certificate.valid_until:
        time.sleep(0.2)

    report = verify_pdf(signed)

    assert not certificate.is_current()
    assert report.valid and report.signatures[0].certificate == certificate


def test_a_verifier_whose_clock_runs_behind_the_signers_still_trusts_the_signature(
    _test_templates, world, authority, director
):
    """The uploaded file is read in a process of its own, possibly on another server, whose clock
    may run behind the one that issued the certificate and signed a moment later."""
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        certificate, _issued = signer_certificate_issue(
            actor=None, administration=world.administration, user=director
        )
        signed = sign(render_agreement(), certificate, certify=True, field_name="administration")

    report = verify_pdf(signed)

    assert report.intact and report.trusted
    assert report.signatures[0].certificate == certificate


def minimal_pdf(*objects: bytes) -> bytes:
    """A PDF made by hand, object 1 its catalog, as a hostile upload would be."""
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def test_terms_in_a_branching_name_tree_are_found_and_a_loop_in_it_is_read_once():
    pdf = minimal_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
        PAGES,
        b"<< /Kids [4 0 R 3 0 R] >>",  # the second branch leads back to the first node
        b"<< /Limits [(terms.json) (terms.json)] /Names [(terms.json) 5 0 R] >>",
        b"<< /Type /Filespec /UF (terms.json) /AFRelationship /Data /EF << /UF 6 0 R >> >>",
        b'<< /Length 26 >>\nstream\n{"identifier": "MOU-2026"}\nendstream',
    )

    report = verify_pdf(pdf)

    assert report.readable and not report.signed
    assert [(f.name, f.relationship) for f in report.files] == [("terms.json", "Data")]
    assert report.identifier == "MOU-2026"


def test_a_pdf_built_to_exhaust_the_parser_gets_the_clear_message():
    nested = b"[" * 100_000 + b"]" * 100_000
    pdf = minimal_pdf(b"<< /Type /Catalog /Pages 2 0 R /Deep %s >>" % nested, PAGES)

    report = verify_pdf(pdf)

    assert report.problem == "This PDF is damaged or incomplete and cannot be read."


def test_each_signature_names_the_administration_whose_authority_issued_it(
    agreement, world, other_administration, other_director
):
    signing_authority_create(actor=None, administration=other_administration)
    certificate, _issued = signer_certificate_issue(
        actor=None, administration=other_administration, user=other_director
    )
    theirs = sign(render_agreement(), certificate, certify=True, field_name="administration")

    (their_signature,) = verify_pdf(theirs).signatures
    ours = verify_pdf(agreement.signed).signatures

    assert their_signature.trusted and their_signature.administration == other_administration
    assert their_signature.signer_organisation == other_administration.name
    assert {s.administration for s in ours} == {world.administration}
