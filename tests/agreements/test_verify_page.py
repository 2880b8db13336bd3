"""The public verification page: anyone uploads an MoU's PDF and learns whether it is intact,
who signed it and when, and whether it is a copy of an MoU in the register; a broken or hostile
file gets a clear answer, and nothing is said of an MoU the file is not a copy of."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, PdfStatus
from tests.factories import OrganisationFactory
from tests.support.pages import count_queries, csrf_token, text

from .conftest import render_agreement, sign
from .test_signing import (
    append_annotation,
    flip_byte_inside_the_first_revision,
    signed_under_an_unknown_authority,
)

pytestmark = pytest.mark.django_db

VERIFY = reverse("agreements:verify")


def upload(client, content: bytes, name: str = "mou.pdf") -> str:
    response = client.post(VERIFY, {"document": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    return text(response)


def test_the_page_is_public_and_in_the_public_menu(client):
    page = text(client.get(VERIFY))
    assert "Verify a signed MoU" in page
    assert 'enctype="multipart/form-data"' in page
    assert f'href="{VERIFY}"' in text(client.get(reverse("accreditation:public_register")))


def test_the_register_copy_is_intact_trusted_and_matches_the_register(
    client, signed_mou, director, ngo_admin
):
    agreement = signed_mou.agreement

    page = upload(client, signed_mou.signed)

    assert "Intact: the file is exactly as it was signed." in page
    assert "Trusted: every signature" in page
    assert (
        f"It matches the register: this is the signed copy of the MoU {agreement.reference}, "
        "signed by both sides." in page
    )
    assert agreement.title in page
    assert "In force" in page
    assert director.get_full_name() in page and ngo_admin.get_full_name() in page
    assert "Yes: issued by the certificate authority of State A Prison System" in page
    assert agreement.pdf_sha256 in page


def test_a_copy_with_one_byte_changed_is_reported_as_altered(client, signed_mou):
    page = upload(client, flip_byte_inside_the_first_revision(signed_mou.signed))

    assert "Not intact: the signed content was altered after it was signed." in page
    # Its certificates were issued here: the alteration is the reason, not who signed.
    assert "was not made with a certificate this system issued" not in page
    assert "It does not match any MoU in the register." in page
    assert signed_mou.agreement.title not in page


def test_an_intact_copy_signed_under_an_unknown_authority_is_not_trusted(
    client, _test_templates, world, director
):
    page = upload(client, signed_under_an_unknown_authority(world, director))

    assert "Intact: the file is exactly as it was signed." in page
    assert (
        "Not trusted: at least one signature was not made with a certificate this system issued"
        in page
    )
    assert "The signer's certificate was not issued by an administration in this system." in page


def test_an_update_appended_after_signing_is_reported(client, signed_mou):
    page = upload(client, append_annotation(signed_mou.signed))

    assert "Modified after signing" in page
    assert "The document was modified after this signature." in page
    assert (
        f"What was signed is a copy of the MoU {signed_mou.agreement.reference} in the register, "
        "but the file was changed after signing" in page
    )
    assert "It matches the register" not in page


def test_the_copy_signed_by_the_administration_only_is_an_earlier_copy(client, signed_mou):
    page = upload(client, signed_mou.certified)

    assert "Intact: the file is exactly as it was signed." in page
    assert f"It is an earlier copy of the MoU {signed_mou.agreement.reference}" in page


def test_the_certified_copy_matches_the_register_until_the_organisation_countersigns(
    client, agreed, director, signing
):
    from .conftest import stored

    signing(director, agreed, "administration")

    page = upload(client, stored(agreed))

    assert "the organisation has not countersigned it yet" in page


def test_a_signed_file_naming_an_mou_it_is_not_a_copy_of_reveals_nothing_of_it(
    client, signed_mou, _test_templates, director_certificate
):
    """A file signed with a certificate of the administration, claiming the MoU's reference."""
    agreement = signed_mou.agreement
    forged = sign(
        render_agreement({"identifier": agreement.reference}),
        director_certificate,
        certify=True,
        field_name="administration",
    )

    page = upload(client, forged)

    assert "Intact: the file is exactly as it was signed." in page
    assert "It does not match any MoU in the register." in page
    assert f"The file names itself {agreement.reference}; that alone proves nothing." in page
    assert agreement.title not in page
    assert agreement.organisation.name not in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Visits: daily, no escort.\n", "This file is not a PDF."),
        (b"%PDF-1.7\n1 0 obj <</Type /Catalog", "This PDF is damaged or incomplete"),
        (b"%PDF-1.7\n%%EOF\n", "This PDF is damaged or incomplete"),
    ],
)
def test_a_file_that_is_not_a_readable_pdf_gets_a_clear_message(client, db, content, message):
    page = upload(client, content, name="mou.txt")

    assert message in page


def test_an_unsigned_pdf_is_not_a_signed_mou(client, db, _test_templates):
    page = upload(client, render_agreement())

    assert "This PDF carries no signature: it is not a signed MoU." in page


def test_a_file_above_the_size_limit_is_refused_unread(client, db, settings):
    settings.SIGNED_PDF_MAX_BYTES = 1000

    page = upload(client, b"%PDF-1.7\n" + b"0" * 2000)

    assert "The file is larger than 1000" in page


def test_a_post_without_a_file_asks_for_one(client, db):
    response = client.post(VERIFY, {})

    assert response.status_code == 200
    assert "This field is required." in text(response)


def test_the_upload_needs_the_pages_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client.get(VERIFY))
    refused = client.post(VERIFY, {"document": SimpleUploadedFile("a.txt", b"x")})
    accepted = client.post(
        VERIFY,
        {"document": SimpleUploadedFile("a.txt", b"x"), "csrfmiddlewaretoken": token},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert Agreement.objects.count() == 0


def _upload_queries(client, content: bytes) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = upload(client, content)
    return len(queries.captured_queries), page


def test_the_page_makes_the_same_queries_for_one_mou_in_the_register_and_fifty(
    client, signed_mou, world, director
):
    agreement = signed_mou.agreement
    client.get(VERIFY)
    shown = count_queries(client, VERIFY)
    upload(client, signed_mou.signed)
    checked, _page = _upload_queries(client, signed_mou.signed)
    for n in range(49):
        digest = hashlib.sha256(f"copy {n}".encode()).hexdigest()
        Agreement.objects.create(
            administration=world.administration,
            organisation=OrganisationFactory(name=f"Organisation {n:02d}"),
            template=agreement.template,
            title=f"MoU {n:02d}",
            language="en",
            status=Agreement.Status.SIGNED,
            reference=f"MOU/{world.administration.pk}/2020/{n + 100:04d}",
            pdf_sha256=digest,
            pdf_certified_sha256=digest,
            pdf_status=PdfStatus.READY,
            created_by=director,
        )

    assert count_queries(client, VERIFY) == shown
    queries, page = _upload_queries(client, signed_mou.signed)
    assert queries == checked
    assert f"It matches the register: this is the signed copy of the MoU {agreement.reference}" in (
        page
    )
