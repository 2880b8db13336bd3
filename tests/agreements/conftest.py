"""Fixtures the agreements tests share: the administration's signing authority in a key store of
the test's own, its director's and an organisation's signatory's certificates, and an agreement
rendered as PDF/A-3 with its terms embedded, then certified and countersigned."""

import copy
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from activity.pdf import PdfAttachment, render_pdf
from agreements.models import SignerCertificate, SigningAuthority
from agreements.signing import keys
from agreements.signing.pdf import sign_pdf
from agreements.signing.services import signer_certificate_issue, signing_authority_create

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

TERMS = {
    "identifier": "MOU-2026-0007",
    "organisation": "Local Human Rights Centre",
    "facilities": ["Central Penitentiary"],
    "activities": ["legal_aid"],
    "confidentiality_days": 30,
    "people": ["John Representative"],
}


#: The most keys one test makes: an authority and two signatories, and an outsider's pair.
KEYS_PER_TEST = 6


@pytest.fixture(autouse=True)
def _key_store(settings, tmp_path):
    settings.SIGNING_KEYS_DIR = tmp_path / "signing-keys"


@pytest.fixture(scope="session")
def _rsa_keys() -> list[rsa.RSAPrivateKey]:
    return [keys.new_key() for _ in range(KEYS_PER_TEST)]


@pytest.fixture(autouse=True)
def _keys_made_once(monkeypatch, _rsa_keys):
    """Making an RSA key of this size takes up to a second on the 2-core machine: the keys are
    made once per run, and each test draws distinct ones from them."""
    drawn = iter(_rsa_keys)
    monkeypatch.setattr(keys, "new_key", lambda: next(drawn))


@pytest.fixture
def _test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


@pytest.fixture
def authority(world) -> SigningAuthority:
    return signing_authority_create(actor=None, administration=world.administration)


@pytest.fixture
def director_certificate(authority, world, director) -> SignerCertificate:
    certificate, _issued = signer_certificate_issue(
        actor=None, administration=world.administration, user=director
    )
    return certificate


@pytest.fixture
def signatory_certificate(authority, world, ngo_admin) -> SignerCertificate:
    certificate, _issued = signer_certificate_issue(
        actor=None,
        administration=world.administration,
        user=ngo_admin,
        organisation=world.organisation,
    )
    return certificate


def render_agreement(terms: dict | None = None) -> bytes:
    return render_pdf(
        "pdf_tests/terms.html",
        {"administration": "State A Prison System"},
        variant="pdf/a-3b",
        attachments=[
            PdfAttachment(
                "terms.json",
                json.dumps(TERMS if terms is None else terms).encode(),
                description="The agreement's terms",
                relationship="Data",
            )
        ],
    )


@dataclass(frozen=True)
class SignedAgreement:
    unsigned: bytes
    certified: bytes
    signed: bytes


def sign(pdf: bytes, certificate: SignerCertificate, *, certify: bool, field_name: str) -> bytes:
    return sign_pdf(
        pdf,
        certificate=certificate,
        certify=certify,
        reason=f"Signed for the {'administration' if certify else 'organisation'}",
        location="State A",
        field_name=field_name,
    )


@pytest.fixture
def agreement(_test_templates, director_certificate, signatory_certificate) -> SignedAgreement:
    """The agreement as rendered, as certified by the director, and as countersigned by the
    organisation's signatory."""
    unsigned = render_agreement()
    certified = sign(unsigned, director_certificate, certify=True, field_name="administration")
    signed = sign(certified, signatory_certificate, certify=False, field_name="organisation")
    return SignedAgreement(unsigned, certified, signed)
