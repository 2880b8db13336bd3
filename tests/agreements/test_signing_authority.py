"""Each administration's certificate authority: its root, the certificates it issues to the
director and to organisations' signatories, their keys encrypted at rest, and the command that
manages them."""

import io
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtensionOID, NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from activity.errors import DomainError
from activity.models import AuditEntry
from agreements.models import SignerCertificate, SigningAuthority
from agreements.signing import keys
from agreements.signing.selectors import signer_certificate_for
from agreements.signing.services import (
    signer_certificate_issue,
    signer_certificate_revoke,
    signing_authority_create,
)

pytestmark = pytest.mark.django_db


def test_the_root_is_a_certificate_authority_named_after_the_administration(authority, world):
    root = keys.load_certificate(authority.certificate_pem)

    constraints = root.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
    usage = root.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    assert usage.critical and usage.value.key_cert_sign and not usage.value.digital_signature
    assert root.subject == root.issuer
    assert root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "State A Prison System"
    )
    assert isinstance(root.public_key(), rsa.RSAPublicKey)
    assert root.public_key().key_size == 3072
    assert authority.fingerprint == keys.fingerprint(root)
    assert (authority.valid_until - authority.valid_from).days >= 20 * 365
    assert AuditEntry.objects.filter(
        action="signing_authority.created", administration=world.administration
    ).exists()


def test_a_signer_certificate_names_the_person_their_role_and_whom_they_sign_for(
    authority, director_certificate, signatory_certificate, director, ngo_admin
):
    for certificate, user, title, organisation in [
        (director_certificate, director, "Director", "State A Prison System"),
        (signatory_certificate, ngo_admin, "Authorised signatory", "Local Human Rights Centre"),
    ]:
        issued = keys.load_certificate(certificate.certificate_pem)
        subject = {a.oid: a.value for a in issued.subject}
        usage = issued.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
        purposes = issued.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
        emails = issued.extensions.get_extension_for_class(x509.SubjectAlternativeName).value

        assert subject == {
            NameOID.COMMON_NAME: user.get_full_name(),
            NameOID.TITLE: title,
            NameOID.ORGANIZATION_NAME: organisation,
        }
        assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
        assert list(purposes) == [keys.DOCUMENT_SIGNING]
        assert emails.get_values_for_type(x509.RFC822Name) == [user.email]
        assert issued.issuer == keys.load_certificate(authority.certificate_pem).subject
        assert certificate.serial == format(issued.serial_number, "x")
        assert certificate.subject_name == user.get_full_name()
    assert director_certificate.role == SignerCertificate.Role.CERTIFY
    assert director_certificate.organisation is None
    assert signatory_certificate.role == SignerCertificate.Role.APPROVE


def test_private_keys_are_files_encrypted_with_the_passphrase(
    authority, director_certificate, settings
):
    path = keys.key_path(director_certificate.fingerprint)
    certificate = keys.load_certificate(director_certificate.certificate_pem)

    assert path.parent == settings.SIGNING_KEYS_DIR
    assert path.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert keys.key_path(authority.fingerprint).exists()
    assert isinstance(keys.load_key(certificate), rsa.RSAPrivateKey)
    # Nowhere in the database.
    assert b"PRIVATE KEY" not in director_certificate.certificate_pem.encode()

    settings.SIGNING_KEY_PASSPHRASE = "another-passphrase-entirely"
    with pytest.raises(keys.KeyStoreError, match="cannot be opened with SIGNING_KEY_PASSPHRASE"):
        keys.load_key(certificate)


def test_a_key_file_is_never_overwritten_and_must_match_its_certificate(
    director_certificate, signatory_certificate
):
    director = keys.load_certificate(director_certificate.certificate_pem)
    signatory = keys.load_certificate(signatory_certificate.certificate_pem)
    with pytest.raises(keys.KeyStoreError, match="Cannot create the key file"):
        keys.store_key(keys.load_key(signatory), director)

    keys.key_path(director_certificate.fingerprint).write_bytes(
        keys.key_path(signatory_certificate.fingerprint).read_bytes()
    )
    with pytest.raises(keys.KeyStoreError, match="does not hold this certificate's key"):
        keys.load_key(director)
    keys.key_path(director_certificate.fingerprint).unlink()
    with pytest.raises(keys.KeyStoreError, match="Cannot read the key file"):
        keys.load_key(director)


def test_an_administration_has_one_authority(authority, world):
    with pytest.raises(DomainError, match="already has a signing authority"):
        signing_authority_create(actor=None, administration=world.administration)

    assert SigningAuthority.objects.count() == 1


def test_only_a_director_certifies_and_only_an_organisations_administrator_signs_for_it(
    authority, world, coordinator, ngo_member, outsider, director
):
    with pytest.raises(DomainError, match="Only a director of State A Prison System"):
        signer_certificate_issue(actor=None, administration=world.administration, user=coordinator)
    for user in (ngo_member, outsider, director):
        with pytest.raises(DomainError, match="Only an administrator of Local Human Rights"):
            signer_certificate_issue(
                actor=None,
                administration=world.administration,
                user=user,
                organisation=world.organisation,
            )
    assert not SignerCertificate.objects.exists()


def test_no_certificate_without_the_administrations_authority(world, director):
    with pytest.raises(DomainError, match="has no signing authority yet"):
        signer_certificate_issue(actor=None, administration=world.administration, user=director)


def test_another_administrations_director_gets_nothing_from_this_authority(
    authority, world, other_director
):
    with pytest.raises(DomainError, match="Only a director of State A Prison System"):
        signer_certificate_issue(
            actor=None, administration=world.administration, user=other_director
        )


def test_issuing_again_keeps_the_certificate_in_force_until_asked_to_renew(
    world, director, director_certificate
):
    again, issued = signer_certificate_issue(
        actor=None, administration=world.administration, user=director
    )
    assert (again, issued) == (director_certificate, False)

    renewed, issued = signer_certificate_issue(
        actor=None, administration=world.administration, user=director, renew=True
    )

    director_certificate.refresh_from_db()
    assert issued and renewed != director_certificate
    assert director_certificate.revocation_reason == SignerCertificate.RevocationReason.SUPERSEDED
    assert signer_certificate_for(user=director, administration=world.administration) == renewed
    assert AuditEntry.objects.filter(action="signer_certificate.revoked").count() == 1
    assert AuditEntry.objects.filter(action="signer_certificate.issued").count() == 2


def test_a_certificate_near_its_end_is_replaced_when_issued_again(
    world, director, director_certificate
):
    director_certificate.valid_until = director_certificate.valid_from + (
        SignerCertificate.RENEW_WITHIN / 2
    )
    director_certificate.save(update_fields=["valid_until"])

    renewed, issued = signer_certificate_issue(
        actor=None, administration=world.administration, user=director
    )

    assert issued and renewed != director_certificate


def test_one_certificate_in_force_per_signatory_and_role(director_certificate):
    twin = SignerCertificate(
        authority=director_certificate.authority,
        user=director_certificate.user,
        role=SignerCertificate.Role.CERTIFY,
        subject_name="Twin",
        certificate_pem="",
        fingerprint="0" * 64,
        serial="1",
        valid_from=director_certificate.valid_from,
        valid_until=director_certificate.valid_until,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_revoked_certificate_is_no_longer_the_one_to_sign_with(
    world, ngo_admin, signatory_certificate
):
    assert (
        signer_certificate_for(
            user=ngo_admin, administration=world.administration, organisation=world.organisation
        )
        == signatory_certificate
    )

    signer_certificate_revoke(
        actor=None,
        certificate=signatory_certificate,
        reason=SignerCertificate.RevocationReason.LEFT_ROLE,
    )

    assert (
        signer_certificate_for(
            user=ngo_admin, administration=world.administration, organisation=world.organisation
        )
        is None
    )
    with pytest.raises(DomainError, match="already revoked"):
        signer_certificate_revoke(
            actor=None,
            certificate=signatory_certificate,
            reason=SignerCertificate.RevocationReason.LEFT_ROLE,
        )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("signing_authority", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_the_authority_once(world):
    first = run("create", "--administration", "State A Prison System")
    second = run("create", "--administration", str(world.administration.pk))

    authority = SigningAuthority.objects.get()
    assert first.startswith("Created the signing authority of State A Prison System")
    assert authority.fingerprint in first
    assert second == (
        f"State A Prison System already has a signing authority (fingerprint "
        f"{authority.fingerprint}); nothing changed.\n"
    )


def test_the_command_issues_lists_and_revokes_certificates(world, director, ngo_admin):
    run("create", "--administration", "State A Prison System")

    issued = run("issue", "--administration", "State A Prison System", "--user", "martha")
    again = run("issue", "--administration", "State A Prison System", "--user", "martha")
    signatory = run(
        "issue",
        "--administration",
        "State A Prison System",
        "--user",
        "john",
        "--organisation",
        "Local Human Rights Centre",
    )
    certificate = SignerCertificate.objects.get(user=director)
    listing = run("list", "--administration", "State A Prison System")
    revoked = run(
        "revoke",
        "--administration",
        "State A Prison System",
        "--serial",
        certificate.serial,
        "--reason",
        "left_role",
    )

    assert issued.startswith(f"Issued certificate {certificate.serial} of ")
    assert "certify for State A Prison System" in issued
    assert again.startswith("martha already has certificate")
    assert "nothing changed" in again
    assert "approve for Local Human Rights Centre" in signatory
    assert listing.count("  certificate ") == 2
    assert f"Revoked certificate {certificate.serial}" in revoked
    assert "revoked" in run("list", "--administration", "State A Prison System")
    assert SignerCertificate.objects.current().count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--administration", "Nowhere"], "No administration named 'Nowhere'."),
        (
            ["issue", "--administration", "State A Prison System", "--user", "martha"],
            "State A Prison System has no signing authority yet.",
        ),
        (
            ["issue", "--administration", "State A Prison System", "--user", "nobody"],
            "No user named 'nobody'.",
        ),
    ],
)
def test_the_command_says_what_is_wrong(world, director, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
