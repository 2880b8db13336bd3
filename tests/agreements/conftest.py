"""Fixtures the agreements tests share: an organisation accredited with the administration, a
cleared person and a small clause library with a template, an MoU agreed and approved by both
sides with an authorised signatory; and for signing, the
administration's signing authority in a key store of the test's own, its director's and an
organisation's signatory's certificates, and an agreement rendered as PDF/A-3 with its terms
embedded, then certified and countersigned."""

import copy
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from accreditation.models import Accreditation
from activity.pdf import PdfAttachment, render_pdf
from agreements.models import (
    Agreement,
    Clause,
    ClauseVersion,
    Side,
    SignerCertificate,
    SigningAuthority,
    Template,
    TemplateClause,
)
from agreements.services import mous as mou_services
from agreements.services import signing as signing_services
from agreements.services.mous import agreement_create
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
    today,
    use_temporary_storage,
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


def accredited(world) -> Accreditation:
    """The organisation's accreditation in force: education in the Central Penitentiary."""
    framework = FrameworkFactory(administration=world.administration, published=True)
    application = ApplicationFactory(
        organisation=world.organisation,
        framework=framework,
        status="decided",
        facilities=[world.facility],
        # The catalogue the migrations seed, which a transactional test may have flushed.
        activity_types=[ActivityType.objects.get_or_create(code=ActivityType.Code.EDUCATION)[0]],
    )
    return AccreditationFactory.create(decision=DecisionFactory.create(application=application))


@pytest.fixture
def accreditation(world) -> Accreditation:
    return accredited(world)


@pytest.fixture
def john(world) -> Person:
    """John, cleared by the administration."""
    person = Person.objects.get(full_name="John Representative")
    ClearanceFactory(person=person, administration=world.administration, cleared=True)
    return person


def start_mou(world, library, director, title: str = "Education programme") -> Agreement:
    """The director starts an MoU with the world's organisation from the library's template."""
    return agreement_create(
        actor=director,
        administration=world.administration,
        organisation=world.organisation,
        template=library.template,
        title=title,
    )


@pytest.fixture
def draft(world, library, accreditation, director) -> Agreement:
    return start_mou(world, library, director)


def ready_to_sign(agreement, world, director, ngo_admin, john, weekdays=(0, 2)) -> Agreement:
    mou_services.agreement_share(actor=director, agreement=agreement)
    mou_services.agreement_set_terms(
        actor=director,
        agreement=agreement,
        terms=mou_services.Terms(
            valid_from=today(),
            valid_until=today() + timedelta(days=365),
            facilities=[world.facility],
            permitted_areas=[],
            forbidden_areas=[],
            people=[john],
            activity_types=list(agreement.activity_types.all()),
            weekdays=list(weekdays),
            day_starts=agreement.day_starts,
            day_ends=agreement.day_ends,
            visits_per_week=2,
            visits_per_month=8,
        ),
    )
    for clause in agreement.clauses.all():
        for actor, side in ((director, Side.ADMINISTRATION), (ngo_admin, Side.ORGANISATION)):
            mou_services.clause_take_position(
                actor=actor, clause=clause, side=side, position="agreed"
            )
    mou_services.agreement_agree(actor=director, agreement=agreement)
    mou_services.agreement_approve(actor=director, agreement=agreement, side=Side.ADMINISTRATION)
    mou_services.agreement_approve(actor=ngo_admin, agreement=agreement, side=Side.ORGANISATION)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def agreed(draft, world, director, ngo_admin, john) -> Agreement:
    return ready_to_sign(draft, world, director, ngo_admin, john)


@pytest.fixture
def signatory(world, ngo_admin):
    signing_services.signatory_authorise(
        actor=ngo_admin, organisation=world.organisation, user=ngo_admin
    )
    return ngo_admin


@pytest.fixture
def signing(authority, django_capture_on_commit_callbacks):
    """Sign as the signing pages do, with the signed copy then prepared as the worker would:
    the Celery task, run in the test, once the signature commits."""

    def sign_for(actor, agreement: Agreement, side: str) -> Agreement:
        with django_capture_on_commit_callbacks(execute=True):
            signing_services.agreement_sign(actor=actor, agreement=agreement, side=side)
        agreement.refresh_from_db()
        return agreement

    return sign_for


TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

TERMS = {
    "identifier": "MOU-2026-0007",
    "organisation": "Local Human Rights Centre",
    "facilities": ["Central Penitentiary"],
    "activities": ["legal_aid"],
    "confidentiality_days": 30,
    "people": ["John Representative"],
}


@pytest.fixture(autouse=True)
def _key_store(settings, tmp_path):
    settings.SIGNING_KEYS_DIR = tmp_path / "signing-keys"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Signed copies are kept in the test's own folder, not in var/."""
    use_temporary_storage(settings, tmp_path / "files")


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


def stored(agreement: Agreement) -> bytes:
    """The signed copy the register keeps."""
    agreement.refresh_from_db()
    with agreement.pdf.open("rb") as kept:
        return kept.read()


@dataclass(frozen=True)
class SignedMou:
    agreement: Agreement
    #: The file as the administration certified it, before the countersignature.
    certified: bytes
    #: The file signed by both sides, as the register keeps it.
    signed: bytes


@pytest.fixture
def signed_mou(agreed, director, signatory, signing) -> SignedMou:
    """The agreed MoU signed through the services by both sides, its signed copy prepared after
    each signature."""
    signing(director, agreed, Side.ADMINISTRATION)
    certified = stored(agreed)
    signing(signatory, agreed, Side.ORGANISATION)
    return SignedMou(agreed, certified, stored(agreed))
