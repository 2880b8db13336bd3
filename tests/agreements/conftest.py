"""Fixtures the agreements tests share: an organisation accredited with the administration, a
cleared person and a small clause library with a template; and for signing, the
administration's signing authority in a key store of the test's own, its director's and an
organisation's signatory's certificates, and an agreement rendered as PDF/A-3 with its terms
embedded, then certified and countersigned."""

import copy
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from accreditation.models import Accreditation
from activity.pdf import PdfAttachment, render_pdf
from agreements.models import (
    Agreement,
    Clause,
    ClauseVersion,
    SignerCertificate,
    SigningAuthority,
    Template,
    TemplateClause,
)
from agreements.services import agreement_create
from agreements.signing import keys
from agreements.signing.pdf import sign_pdf
from agreements.signing.services import signer_certificate_issue, signing_authority_create
from directory.models import ActivityType, Person
from tests.accreditation.factories import (
    AccreditationFactory,
    ApplicationFactory,
    ClearanceFactory,
    DecisionFactory,
    FrameworkFactory,
)


@dataclass
class Library:
    template: Template
    purpose: Clause
    people: Clause
    confidentiality: Clause
    fundraising: Clause


def _clause(administration, kind, title, wording, *, order, mandatory=True, **texts) -> Clause:
    clause = Clause.objects.create(
        administration=administration, kind=kind, title=title, mandatory=mandatory
    )
    ClauseVersion.objects.create(clause=clause, number=1, wording=wording, **texts)
    return clause


def small_library(administration) -> Library:
    purpose = _clause(
        administration,
        Clause.Kind.PURPOSE,
        "Purpose",
        "{administration} and {organisation} work together in {facilities}.",
        order=1,
        wording_es="{administration} y {organisation} colaboran en {facilities}.",
    )
    people = _clause(
        administration,
        Clause.Kind.PEOPLE,
        "Persons allowed to enter",
        "Only {people} may enter, on {weekdays}, {hours}.",
        order=2,
    )
    confidentiality = _clause(
        administration,
        Clause.Kind.CONFIDENTIALITY,
        "Confidentiality",
        "Reports are discussed with the authorities first; they have {response_days} days.",
        order=3,
    )
    fundraising = _clause(
        administration,
        Clause.Kind.FUNDRAISING,
        "Joint fundraising plan",
        "The parties may seek funds together.",
        order=4,
        mandatory=False,
    )
    template = Template.objects.create(administration=administration, name="Standard MoU")
    for order, clause in enumerate([purpose, people, confidentiality, fundraising], start=1):
        TemplateClause.objects.create(template=template, clause=clause, order=order)
    return Library(template, purpose, people, confidentiality, fundraising)


@pytest.fixture
def library(world) -> Library:
    return small_library(world.administration)


@pytest.fixture
def accreditation(world) -> Accreditation:
    """The organisation's accreditation in force: education in the Central Penitentiary."""
    framework = FrameworkFactory(administration=world.administration, published=True)
    application = ApplicationFactory(
        organisation=world.organisation,
        framework=framework,
        status="decided",
        facilities=[world.facility],
        activity_types=[ActivityType.objects.get(code=ActivityType.Code.EDUCATION)],
    )
    return AccreditationFactory.create(decision=DecisionFactory.create(application=application))


@pytest.fixture
def john(world) -> Person:
    """John, cleared by the administration."""
    person = Person.objects.get(full_name="John Representative")
    ClearanceFactory(person=person, administration=world.administration, cleared=True)
    return person


@pytest.fixture
def draft(world, library, accreditation, director) -> Agreement:
    return agreement_create(
        actor=director,
        administration=world.administration,
        organisation=world.organisation,
        template=library.template,
        title="Education programme",
    )


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
