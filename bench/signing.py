"""Render and sign an MoU of about twenty pages, as the task that prepares the signed copy does:
the PDF/A-3 rendered by WeasyPrint (``agreements.documents.render_mou``), certified with the
director's key and countersigned with the organisation's signatory's (pyHanko, ``sign_pdf``).

The MoU is one of the data set's MoUs in force, made longer inside a transaction that is rolled
back: more facilities, their areas, and each clause with the paragraphs a long negotiation adds.
The signing authority and the two certificates are made in that transaction too, their keys in a
temporary key store, so that the data set is left as it was.
"""

import cProfile
import io
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

from agreements.documents import FIELD_NAMES, render_mou
from agreements.models import (
    Agreement,
    AgreementClause,
    Side,
    Signature,
    SignerCertificate,
    SigningAuthority,
)
from agreements.selectors import agreements_in_force
from agreements.signing.pdf import sign_pdf
from agreements.signing.services import signer_certificate_issue, signing_authority_create
from directory.models import Area, Facility

#: The aim of issue 8 §11: render, certify and countersign a 20-page MoU within this.
AIM_SECONDS = 2.0
WARM_UP = 1
RUNS = 5
#: How the MoU is made longer: facilities named, and paragraphs added to each clause.
FACILITIES = 40
PARAGRAPHS = 2

#: What a long negotiation adds to each clause: detail on how it is carried out.
NEGOTIATED = (
    "In carrying out this clause, the Parties act in good faith and keep each other informed of "
    "anything that may affect it. The Organisation's coordinator and the director of each "
    "facility concerned meet at least once a quarter to review how the clause is applied, what "
    "has worked and what should change; a short note of each meeting, agreed by both, is kept by "
    "each Party. Where the clause cannot be applied as written in a facility, because of its "
    "layout, its regime or an emergency, the director explains why in writing and proposes an "
    "arrangement that serves the same purpose, which the Organisation may accept or refer to the "
    "heads of the two Parties. What they agree is recorded in writing."
)


def _lengthen(agreement: Agreement) -> None:
    """More facilities, with their education wings permitted and health units off limits, and
    the negotiated paragraphs in every clause."""
    facilities = list(
        Facility.objects.filter(administration=agreement.administration_id).order_by("id")[
            :FACILITIES
        ]
    )
    agreement.facilities.add(*facilities)
    areas = Area.objects.filter(facility__in=facilities)
    agreement.permitted_areas.add(*areas.filter(name="Education wing"))
    agreement.forbidden_areas.add(*areas.filter(name="Health unit"))
    addition = "\n\n".join([NEGOTIATED] * PARAGRAPHS)
    clauses = list(agreement.clauses.all())
    for clause in clauses:
        clause.wording = f"{clause.wording}\n\n{addition}"
        clause.included = True
    AgreementClause.objects.bulk_update(clauses, ["wording", "included"])


def _certificates(agreement: Agreement) -> tuple[SignerCertificate, SignerCertificate]:
    """A signing authority for the administration, the director's and the organisation's
    signatory's certificates (their keys in the temporary key store)."""
    administration = agreement.administration
    SignerCertificate.objects.filter(authority__administration=administration).delete()
    SigningAuthority.objects.filter(administration=administration).delete()
    signing_authority_create(actor=None, administration=administration)
    signatures = {s.side: s.signer for s in agreement.signatures.filter(annex__isnull=True)}
    director, _issued = signer_certificate_issue(
        actor=None, administration=administration, user=signatures[Side.ADMINISTRATION]
    )
    signatory, _issued = signer_certificate_issue(
        actor=None,
        administration=administration,
        user=signatures[Side.ORGANISATION],
        organisation=agreement.organisation,
    )
    return director, signatory


def _sign_once(
    agreement: Agreement,
    certification: Signature,
    director: SignerCertificate,
    signatory: SignerCertificate,
) -> tuple[dict[str, float], bytes]:
    """Wall-clock seconds of each step, and the processor time of the whole (the comparable
    figure on a shared machine)."""
    times = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    pdf = render_mou(agreement, certification)
    times["render"] = time.perf_counter() - t0
    # As the signed copy's task signs: the administration certifies, the organisation adds its
    # signature to the certified file.
    for step, certificate, side, reason in (
        ("certify", director, Side.ADMINISTRATION, "Certified for"),
        ("countersign", signatory, Side.ORGANISATION, "Signed for"),
    ):
        party = agreement.administration if side == Side.ADMINISTRATION else agreement.organisation
        t0 = time.perf_counter()
        pdf = sign_pdf(
            pdf,
            certificate=certificate,
            certify=side == Side.ADMINISTRATION,
            reason=f"{reason} {party.name}",
            location=agreement.administration.name,
            field_name=FIELD_NAMES[side],
        )
        times[step] = time.perf_counter() - t0
    times["total"] = times["render"] + times["certify"] + times["countersign"]
    times["cpu"] = time.process_time() - c0
    return times, pdf


def _profile(call: Any, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def measure_signing(*, runs: int = RUNS, profile: bool = False) -> dict[str, Any]:
    """The median time of rendering, certifying and countersigning the long MoU, and its pages."""
    agreement = (
        agreements_in_force()
        .filter(signatures__side=Side.ORGANISATION, organisation__network__isnull=True)
        .order_by("id")
        .first()
    )
    if agreement is None:
        return {}
    with (
        tempfile.TemporaryDirectory() as keys_dir,
        override_settings(SIGNING_KEYS_DIR=Path(keys_dir)),
        transaction.atomic(),
    ):
        _lengthen(agreement)
        agreement = Agreement.objects.select_related("administration", "organisation").get(
            pk=agreement.pk
        )
        director, signatory = _certificates(agreement)
        certification = agreement.signatures.select_related("signer", "version").get(
            side=Side.ADMINISTRATION, annex__isnull=True
        )
        facilities = agreement.facilities.count()
        runs_ = []
        signed = b""
        for n in range(WARM_UP + runs):
            times, signed = _sign_once(agreement, certification, director, signatory)
            if n >= WARM_UP:
                runs_.append(times)
        profile_text = (
            _profile(lambda: _sign_once(agreement, certification, director, signatory))
            if profile
            else ""
        )
        transaction.set_rollback(True)
    pages = len(PdfReader(io.BytesIO(signed)).pages)
    median = {k: round(statistics.median(r[k] for r in runs_), 2) for k in runs_[0]}
    return {
        "agreement": agreement.pk,
        "facilities": facilities,
        "pages": pages,
        "kb": round(len(signed) / 1024),
        "runs": runs,
        "median_s": median,
        "max_total_s": round(max(r["total"] for r in runs_), 2),
        "aim_s": AIM_SECONDS,
        "profile": profile_text,
    }
