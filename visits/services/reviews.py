"""What changes in the earlier modules cause here: the future visits that an accreditation
leaving force, an MoU ended or replaced, a person taken off an MoU, or a refused vetting no
longer stand on go into the facility's review queue, with the reason, and their organisation is
told. The officer then confirms, moves or refuses each (``services.requests``).

Each handler is subscribed in ``VisitsConfig.ready()`` to the earlier module's registry
(``accreditation.effects``, ``agreements.effects``) and runs inside the transaction of the
change. Monitoring visits are never put into review: nothing may hold them back."""

from django.db.models import Q
from django.utils.translation import gettext as _

from accreditation.effects import ClearanceChange, StatusChange
from accreditation.models import Accreditation
from activity.services import audit_record
from activity.typing import User
from agreements.effects import AgreementChange, Kind
from agreements.models import Agreement
from directory.models import Organisation, Person

from ..models import Visit, Visitor
from ..terms import breaches
from ._common import locked, put_in_review
from .requests import plan_of


def _actor(actor_id: int | None) -> User | None:
    if actor_id is None:
        return None
    return User.objects.filter(pk=actor_id).first()


def _review(scope: Q, *, reason: str, actor_id: int | None) -> int:
    """Put the future visits in ``scope`` that hold places into review."""
    visits = (
        Visit.objects.holding_places()
        .upcoming()
        .filter(scope, monitoring=False)
        .exclude(status=Visit.Status.IN_REVIEW)
        .order_by("day", "pk")
    )
    return put_in_review(visits, reason=reason, actor=_actor(actor_id))


def review_after_accreditation_change(change: StatusChange) -> None:
    """An accreditation that leaves force (suspended, revoked) takes the organisation's MoUs
    with the administration with it: its future visits there, and those of its member
    organisations under its MoUs, go into review."""
    active = Accreditation.Status.ACTIVE
    if change.previous_status != active or change.status == active:
        return
    organisation = Organisation.objects.get(pk=change.organisation_id)
    reason = _(
        "The accreditation of %(organisation)s is no longer in force (%(status)s): %(reason)s"
    ) % {
        "organisation": organisation.name,
        "status": Accreditation.Status(change.status).label,
        "reason": change.reason,
    }
    scope = Q(administration=change.administration_id) & (
        Q(organisation=change.organisation_id) | Q(agreement__organisation=change.organisation_id)
    )
    _review(scope, reason=reason, actor_id=change.actor_id)


def review_after_agreement_change(change: AgreementChange) -> None:
    """An MoU terminated or superseded by its signed amendment no longer stands under the
    visits requested under it; a signed people annex no longer lets in the people it removes."""
    agreement = Agreement.objects.get(pk=change.agreement_id)
    title = agreement.reference or agreement.title
    scope = Q(agreement=change.agreement_id)
    if change.kind == Kind.TERMINATED:
        reason = _("The MoU %(mou)s was terminated: %(reason)s") % {
            "mou": title,
            "reason": change.reason,
        }
    elif change.kind == Kind.SUPERSEDED:
        amendment = Agreement.objects.filter(
            supersedes=change.agreement_id, status=Agreement.Status.SIGNED
        ).first()
        if amendment is not None:
            _follow_amendment(agreement, amendment, actor_id=change.actor_id)
            return
        reason = _(
            "The MoU %(mou)s was replaced by its signed amendment: check the visit against "
            "the amended terms."
        ) % {"mou": title}
    else:
        if not change.people_removed:
            return
        names = Person.objects.filter(pk__in=change.people_removed).order_by("full_name")
        reason = _("A people annex of the MoU %(mou)s no longer allows in: %(people)s") % {
            "mou": title,
            "people": ", ".join(person.full_name for person in names),
        }
        naming = Visitor.objects.filter(person__in=change.people_removed).values("visit")
        scope &= Q(pk__in=naming)
    _review(scope, reason=reason, actor_id=change.actor_id)


def _follow_amendment(old: Agreement, amendment: Agreement, *, actor_id: int | None) -> None:
    """The future visits under an MoU replaced by its signed amendment go on under the
    amendment; only those its amended terms no longer allow go into review, with what they
    break, so that an amendment that adds a day or a person holds up nobody's visit."""
    actor = _actor(actor_id)
    visits = (
        Visit.objects.holding_places()
        .upcoming()
        .filter(agreement=old, monitoring=False)
        .order_by("day", "pk")
    )
    for visit in visits:
        visit = locked(visit)
        visit.agreement = amendment
        visit.save(update_fields=["agreement"])
        audit_record(
            actor=actor,
            action="visit.moved_to_amendment",
            target=visit,
            changes={"agreement": [old.pk, amendment.pk]},
        )
        assert visit.window is not None  # a request is made for a window
        found = breaches(plan_of(visit, day=visit.day, window=visit.window))
        if found and visit.status != Visit.Status.IN_REVIEW:
            reason = _(
                "The MoU %(mou)s was replaced by its signed amendment, which does not allow "
                "this visit: %(breaches)s"
            ) % {
                "mou": old.reference or old.title,
                "breaches": " ".join(str(breach) for breach in found),
            }
            put_in_review([visit], reason=reason, actor=actor)


def review_after_clearance_refused(change: ClearanceChange) -> None:
    """A person whose vetting the administration refused is not let in: the future visits
    naming them at its facilities go into review."""
    person = Person.objects.get(pk=change.person_id)
    reason = _("The administration refused the clearance of %(person)s: %(reason)s") % {
        "person": person.full_name,
        "reason": change.reason,
    }
    naming = Visitor.objects.filter(person=change.person_id).values("visit")
    scope = Q(administration=change.administration_id, pk__in=naming)
    _review(scope, reason=reason, actor_id=change.actor_id)
