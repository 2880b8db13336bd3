"""PAdES signatures on an agreement's PDF, made with pyHanko.

The administration signs first, with a certification signature whose DocMDP permissions allow
the filling in of fields and further signatures, and nothing else. Each later signature is an
approval signature added as an incremental update: the bytes the first signer signed stay in the
file untouched, and each signature covers everything before it. Each carries the signer's
certificate and the authority's root, so the file can be verified on its own.

The file stays PDF/A-3: RSA keeps it at PDF 1.7 (see ``keys``); the signatures are invisible,
with a printable zero-size widget, as PDF/A asks (the document's own signature block, laid out by
WeasyPrint, names the signatories; a visible pyHanko stamp would use a font the file does not
embed); and the document information is made to agree with the XMP metadata that pyHanko updates.
"""

import asyncio
import logging
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Any, TypeVar

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from activity.errors import DomainError

from ..models import SignerCertificate
from . import keys

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's signing to the end from synchronous code. Where the thread already runs an
    event loop (a browser driven from the same thread, say), in a thread of its own: a loop
    cannot be started inside another."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


DIGEST = "sha256"


class _OpenedKeySigner(Signer):
    """Signs with a key already opened from the key store.

    pyHanko's ``SimpleSigner`` decodes and checks the key again for each of its two passes (one
    to size the signature, one to make it), about half a second each at this key size; this
    signer checks it once (``keys.load_key``) and sizes the signature without signing."""

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        certificate: asn1_x509.Certificate,
        root: asn1_x509.Certificate,
    ) -> None:
        super().__init__(
            signing_cert=certificate,
            cert_registry=SimpleCertificateStore.from_certs([root]),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": f"{DIGEST}_rsa"}),
            embed_roots=True,
        )
        self._key = key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._key.key_size // 8)
        return self._key.sign(
            data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm)
        )


def _asn1(certificate: keys.x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(keys.to_der(certificate))


def _producer_as_in_xmp(writer: IncrementalPdfFileWriter) -> None:
    """pyHanko writes itself as the producer in the XMP metadata, and appends itself to the
    producer in the document information; PDF/A wants the two to say the same."""
    try:
        info_ref = writer.trailer.raw_get("/Info")
    except KeyError:
        return
    info = info_ref.get_object()
    if info.get("/Producer") != VENDOR:
        info["/Producer"] = generic.TextStringObject(VENDOR)
        writer.mark_update(info_ref)


def sign_pdf(
    pdf: bytes,
    *,
    certificate: SignerCertificate,
    certify: bool,
    reason: str,
    location: str,
    field_name: str,
) -> bytes:
    """Sign ``pdf`` with ``certificate``'s key and return the signed file.

    ``certify`` makes the first, certification signature (only a certificate that certifies for
    the administration may); otherwise an approval signature is appended. ``field_name`` names
    the new signature field (one per signatory, such as ``"administration"``); ``reason`` and
    ``location`` are recorded in the signature. Raises ``DomainError`` if the certificate is not
    in force, its key cannot be used, or the file cannot take this signature.
    """
    if not certificate.is_current():
        raise DomainError(_("This signing certificate is revoked or expired."))
    if certify and certificate.role != SignerCertificate.Role.CERTIFY:
        raise DomainError(_("Only the administration's certificate certifies an agreement."))
    signer_certificate = keys.load_certificate(certificate.certificate_pem)
    try:
        key = keys.load_key(signer_certificate)
    except keys.KeyStoreError as error:
        logger.error("Signing key unusable: %s", error)
        raise DomainError(
            _(
                "The signing key of this certificate cannot be used; the site administration has "
                "been told."
            )
        ) from error
    signer = _OpenedKeySigner(
        key,
        _asn1(signer_certificate),
        _asn1(keys.load_certificate(certificate.authority.certificate_pem)),
    )
    metadata = PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        certify=certify,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm=DIGEST,
    )
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=True)
        if certify and writer.prev.embedded_signatures:
            raise DomainError(
                _("The document is already signed: the certification must be its first signature.")
            )
        _producer_as_in_xmp(writer)
        signed = _run(PdfSigner(metadata, signer).async_sign_pdf(writer))
    except (SigningError, PdfError) as error:
        logger.warning("Signing refused: %s", error)
        raise DomainError(_("The document cannot take this signature.")) from error
    result: bytes = signed.getvalue()
    return result


def signature_fields(pdf: bytes) -> list[str]:
    """The names of the signature fields signed in ``pdf``, in order. For this system's own
    files only: an uploaded file is read by ``inspection``, in a process of its own."""
    reader = PdfFileReader(BytesIO(pdf), strict=True)
    return [str(signature.field_name) for signature in reader.embedded_regular_signatures]
