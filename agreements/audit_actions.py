"""How agreements' entries read in the audit trail (see ``activity.audit_actions``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from activity import audit_actions

from .models import SignerCertificate

#: The deployment's languages, by which the details of an entry name a copy's language.
Language = models.TextChoices(  # type: ignore[call-overload]
    "Language", [(code.upper(), (code, name)) for code, name in settings.LANGUAGES]
)


def register() -> None:
    for code, label, sentence in [
        (
            "clause_library.installed",
            _("Clause library installed"),
            _("%(actor)s installed the shipped clause library"),
        ),
        (
            "agreement.created",
            _("MoU started"),
            _("%(actor)s started the MoU “%(object)s” with %(organisation)s"),
        ),
        (
            "agreement.terms_changed",
            _("MoU terms changed"),
            _("%(actor)s changed the terms of the MoU “%(object)s”"),
        ),
        (
            "agreement.version_shared",
            _("MoU version shared"),
            _("%(actor)s shared a new version of the MoU “%(object)s”"),
        ),
        (
            "agreement.agreed",
            _("MoU text agreed"),
            _("%(actor)s recorded the agreed text of the MoU “%(object)s”"),
        ),
        (
            "agreement.approved",
            _("MoU approved"),
            _("%(actor)s approved the agreed text of the MoU “%(object)s”"),
        ),
        (
            "agreement.withdrawn",
            _("MoU withdrawn"),
            _("%(actor)s withdrew the MoU “%(object)s”"),
        ),
        (
            "agreement.suspended",
            _("MoU suspended with the accreditation"),
            _("The MoU “%(object)s” was suspended: the accreditation is no longer in force"),
        ),
        (
            "agreement.restored",
            _("MoU in force again"),
            _("The MoU “%(object)s” is in force again: the accreditation was reinstated"),
        ),
        (
            "agreement.terminated",
            _("MoU terminated"),
            _("%(actor)s terminated the MoU “%(object)s”"),
        ),
        (
            "agreement.amendment_started",
            _("MoU amendment started"),
            _("%(actor)s started an amendment: “%(object)s”"),
        ),
        (
            "obligation.added",
            _("MoU obligation added"),
            _("%(actor)s added an obligation to the MoU “%(object)s”"),
        ),
        (
            "obligation.fulfilled",
            _("MoU obligation met"),
            _("%(actor)s recorded an obligation of the MoU “%(object)s” as met"),
        ),
        (
            "agreement.certified",
            _("MoU signed by the administration"),
            _("%(actor)s signed the MoU “%(object)s” for the administration"),
        ),
        (
            "agreement.signed",
            _("MoU signed"),
            _("%(actor)s countersigned the MoU “%(object)s”: it is signed by both sides"),
        ),
        (
            "agreement.pdf_prepared",
            _("Signed copy of an MoU prepared"),
            _("The signed copy of the MoU “%(object)s” was prepared"),
        ),
        (
            "agreement.pdf_failed",
            _("Signed copy of an MoU not prepared"),
            _("The signed copy of the MoU “%(object)s” could not be prepared: %(reason)s"),
        ),
        (
            "agreement.pdf_requested",
            _("Signed copy of an MoU asked for again"),
            _("%(actor)s asked again for the signed copy of the MoU “%(object)s”"),
        ),
        (
            "agreement.translation_requested",
            _("Copy of an MoU in another language asked for"),
            _("%(actor)s asked for a copy of the MoU “%(object)s” in %(translation)s"),
        ),
        (
            "agreement.translation_prepared",
            _("Copy of an MoU in another language prepared"),
            _("The copy of the MoU “%(object)s” in %(translation)s was prepared"),
        ),
        (
            "agreement.translation_failed",
            _("Copy of an MoU in another language not prepared"),
            _(
                "The copy of the MoU “%(object)s” in %(translation)s could not be prepared: "
                "%(reason)s"
            ),
        ),
        (
            "agreement.superseded",
            _("MoU superseded"),
            _("The MoU “%(object)s” was superseded by its signed amendment"),
        ),
        (
            "peopleannex.proposed",
            _("People annex proposed"),
            _("%(actor)s proposed “%(object)s”, which changes the people allowed to enter"),
        ),
        (
            "peopleannex.certified",
            _("People annex signed by the administration"),
            _("%(actor)s signed “%(object)s” for the administration"),
        ),
        (
            "peopleannex.signed",
            _("People annex signed"),
            _("%(actor)s countersigned “%(object)s”: it is signed by both sides"),
        ),
        (
            "peopleannex.withdrawn",
            _("People annex withdrawn"),
            _("%(actor)s withdrew “%(object)s”"),
        ),
        (
            "peopleannex.pdf_prepared",
            _("Signed copy of a people annex prepared"),
            _("The signed copy of “%(object)s” was prepared"),
        ),
        (
            "peopleannex.pdf_failed",
            _("Signed copy of a people annex not prepared"),
            _("The signed copy of “%(object)s” could not be prepared: %(reason)s"),
        ),
        (
            "peopleannex.pdf_requested",
            _("Signed copy of a people annex asked for again"),
            _("%(actor)s asked again for the signed copy of “%(object)s”"),
        ),
        (
            "signatory.authorised",
            _("Signatory authorised"),
            _("%(actor)s authorised a signatory of %(organisation)s"),
        ),
        (
            "signatory.revoked",
            _("Signatory's authority withdrawn"),
            _("%(actor)s withdrew a signatory's authority for %(organisation)s"),
        ),
        (
            "comment.created",
            _("MoU comment"),
            _("%(actor)s commented on a clause of the MoU “%(object)s”"),
        ),
        (
            "comment.answered",
            _("MoU comment answered"),
            _("%(actor)s answered a comment on the MoU “%(object)s”"),
        ),
        (
            "clause.position_taken",
            _("Position on an MoU clause"),
            _("%(actor)s took a position on a clause of the MoU “%(object)s”"),
        ),
        (
            "clause.included",
            _("MoU clause put back"),
            _("%(actor)s put an optional clause back into the MoU “%(object)s”"),
        ),
        (
            "clause.left_out",
            _("MoU clause left out"),
            _("%(actor)s left an optional clause out of the MoU “%(object)s”"),
        ),
        (
            "consultation.asked",
            _("Staff consulted on an MoU"),
            _("%(actor)s asked facility staff for their view of the MoU “%(object)s”"),
        ),
        (
            "consultation.answered",
            _("Staff remarks on an MoU"),
            _("%(actor)s recorded remarks on the MoU “%(object)s”"),
        ),
    ]:
        audit_actions.register(code, label, sentence, choices={"translation": Language})
    audit_actions.register(
        "agreement.opened_for_negotiation",
        _("MoU opened for negotiation"),
        _("%(actor)s opened the MoU “%(object)s” for negotiation"),
        # Named after the state it entered, before codes named acts.
        formerly=("agreement.negotiation",),
    )
    _register_library()
    audit_actions.register(
        "signing_authority.created",
        _("Signing authority created"),
        _("%(actor)s created “%(object)s”"),
    )
    audit_actions.register(
        "signer_certificate.issued",
        _("Signing certificate issued"),
        _("%(actor)s issued a signing certificate to %(object)s"),
        choices={"role": SignerCertificate.Role},
    )
    audit_actions.register(
        "signer_certificate.revoked",
        _("Signing certificate revoked"),
        _("%(actor)s revoked the signing certificate of %(object)s: %(reason)s"),
        choices={"reason": SignerCertificate.RevocationReason},
    )


def _register_library() -> None:
    """The clause library and the templates, whose details name clauses and templates by id."""
    names = {"clauses": "agreements.clause", "templates": "agreements.template"}
    for code, label, sentence in [
        (
            "clause.created",
            _("Clause added to the library"),
            _("%(actor)s added the clause “%(object)s” to the clause library"),
        ),
        (
            "clause.updated",
            _("Library clause changed"),
            _("%(actor)s changed the clause “%(object)s” of the clause library"),
        ),
        (
            "clause.reworded",
            _("Library clause worded anew"),
            _("%(actor)s wrote version %(version)s of the clause “%(object)s”"),
        ),
        (
            "template.created",
            _("MoU template created"),
            _("%(actor)s created the MoU template “%(object)s”"),
        ),
        (
            "template.updated",
            _("MoU template changed"),
            _("%(actor)s changed the MoU template “%(object)s”"),
        ),
        (
            "template.clause_added",
            _("Clause added to an MoU template"),
            _("%(actor)s added the clause “%(clauses)s” to the MoU template “%(object)s”"),
        ),
        (
            "template.clause_removed",
            _("Clause taken out of an MoU template"),
            _("%(actor)s took the clause “%(clauses)s” out of the MoU template “%(object)s”"),
        ),
        (
            "template.reordered",
            _("Clauses of an MoU template reordered"),
            _(
                "%(actor)s moved the clause “%(clauses)s” to place %(position)s in the MoU "
                "template “%(object)s”"
            ),
        ),
    ]:
        audit_actions.register(code, label, sentence, references=names)
