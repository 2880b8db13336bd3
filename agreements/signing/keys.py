"""Keys and certificates of the administrations' certificate authorities, and the store that keeps
their private keys encrypted at rest.

Keys are RSA: pyHanko keeps a file signed with RSA at PDF 1.7, which PDF/A-3 is built on (an ECDSA
signature on some curves moves the file to PDF 2.0). The certificates carry what PDF readers look
for in a document signer: the person's name, their role and the body they sign for in the subject,
``digitalSignature`` and ``nonRepudiation``, and the document-signing purpose (RFC 9336).

Private keys are files in ``SIGNING_KEYS_DIR``, one per certificate, named by the certificate's
SHA-256 fingerprint and encrypted with ``SIGNING_KEY_PASSPHRASE`` (PKCS#8, PBES2 with AES-256):
the database, its backups and the uploaded documents never hold a key.
"""

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID, ObjectIdentifier
from django.conf import settings

RSA_KEY_SIZE = 3072
#: RFC 5280's upper bound for a common name or an organisation name.
NAME_MAX_LENGTH = 64
#: Certificates are not translated: the role a signer holds, as their certificate states it.
CERTIFYING_TITLE = "Director"
APPROVING_TITLE = "Authorised signatory"
#: id-kp-documentSigning (RFC 9336), the purpose PDF readers accept for a document signer.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
#: A certificate is valid from this long before it is issued, as certificate authorities do: a
#: verifier whose clock runs a little behind the issuer's (another server, the process that reads
#: uploaded files) still finds a signature made right after the issue within its validity.
CLOCK_SKEW = timedelta(minutes=5)


class KeyStoreError(Exception):
    """A private key cannot be stored or read: missing, unreadable, or not the certificate's."""


@dataclass(frozen=True)
class Subject:
    """Who a signer certificate names."""

    name: str
    title: str
    organisation: str
    email: str = ""

    @property
    def common_name(self) -> str:
        return _fit(self.name)

    def x509_name(self) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, self.common_name),
                x509.NameAttribute(NameOID.TITLE, _fit(self.title)),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(self.organisation)),
            ]
        )


def _fit(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NAME_MAX_LENGTH else text[: NAME_MAX_LENGTH - 1] + "…"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_SIZE)


def _key_usage(*, signs_documents: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signs_documents,
        content_commitment=signs_documents,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signs_documents,
        crl_sign=not signs_documents,
        encipher_only=False,
        decipher_only=False,
    )


def authority_certificate(
    key: rsa.RSAPrivateKey, *, administration: str, valid_from: datetime, valid_until: datetime
) -> x509.Certificate:
    """The self-signed root of an administration's authority, which issues signer certificates
    only (path length 0)."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(f"{administration} signing authority")),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(administration)),
        ]
    )
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signs_documents=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def signer_certificate(
    *,
    subject: Subject,
    public_key: rsa.RSAPublicKey,
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    valid_from: datetime,
    valid_until: datetime,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject.x509_name())
        .issuer_name(issuer.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(min(valid_until, issuer.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_documents=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if subject.email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(subject.email)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def serial_number(certificate: x509.Certificate) -> str:
    return format(certificate.serial_number, "x")


def to_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def recorded_fields(certificate: x509.Certificate) -> dict[str, Any]:
    """What the database keeps of a certificate (``SigningAuthority`` and ``SignerCertificate``
    alike): the certificate itself and what it is looked up by."""
    return {
        "certificate_pem": to_pem(certificate),
        "fingerprint": fingerprint(certificate),
        "serial": serial_number(certificate),
        "valid_from": certificate.not_valid_before_utc,
        "valid_until": certificate.not_valid_after_utc,
    }


def to_der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


# The key store ----------------------------------------------------------------------------------


def key_path(certificate_fingerprint: str) -> Path:
    return Path(settings.SIGNING_KEYS_DIR) / f"{certificate_fingerprint}.key.pem"


def _passphrase() -> bytes:
    return str(settings.SIGNING_KEY_PASSPHRASE).encode()


def store_key(key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> Path:
    """Write the certificate's private key, encrypted, readable by this system account only.
    A key file is never overwritten."""
    path = key_path(fingerprint(certificate))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(_passphrase()),
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise KeyStoreError(f"Cannot create the key file {path}: {error.strerror}.") from error
    with os.fdopen(descriptor, "wb") as file:
        file.write(encrypted)
    return path


def load_key(certificate: x509.Certificate) -> rsa.RSAPrivateKey:
    """The certificate's private key, decrypted. Raises ``KeyStoreError`` when the file is
    missing, the passphrase does not open it, or it is not the key of this certificate."""
    path = key_path(fingerprint(certificate))
    try:
        encrypted = path.read_bytes()
    except OSError as error:
        raise KeyStoreError(f"Cannot read the key file {path}: {error.strerror}.") from error
    try:
        # The costly consistency check of RSA keys (half a second at this size) is skipped: the
        # key is one this system made, opened with its passphrase, and must match the
        # certificate's public key below.
        key = serialization.load_pem_private_key(
            encrypted, _passphrase(), unsafe_skip_rsa_key_validation=True
        )
    except (ValueError, TypeError) as error:
        raise KeyStoreError(
            f"The key file {path} cannot be opened with SIGNING_KEY_PASSPHRASE."
        ) from error
    public_key = certificate.public_key()
    if (
        not isinstance(key, rsa.RSAPrivateKey)
        or not isinstance(public_key, rsa.RSAPublicKey)
        or key.public_key().public_numbers() != public_key.public_numbers()
    ):
        raise KeyStoreError(f"The key file {path} does not hold this certificate's key.")
    return key
