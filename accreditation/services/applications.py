"""Applying for accreditation: drafts, evidence, documents, submission and returns."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.errors import DomainError
from activity.services import audit_record, document_add
from activity.transitions import transition
from activity.typing import User
from directory.models import ActivityType, Facility, Organisation, Person, Role
from directory.selectors import administration_users, organisation_users

from .. import reminders, selectors
from ..models import Application, Evidence, Framework
from .clearances import vetting_request_open


def _refuse_if_barred(organisation: Organisation, framework: Framework) -> None:
    """Refuse, in words the organisation understands, an application or renewal that its
    suspended or recently revoked accreditation bars (see ``selectors.application_bars``)."""
    bars = selectors.application_bars(organisation, [framework])
    if not bars:
        return
    bar = bars[0]
    if bar.reapply_from is None:
        raise DomainError(
            _(
                "Your accreditation is suspended, so you cannot apply or renew until it is "
                "reinstated. You may appeal the suspension."
            )
        )
    raise DomainError(
        _(
            "Your accreditation was revoked. Under the rules in force you may apply again "
            "from %(date)s."
        )
        % {"date": date_format(bar.reapply_from)}
    )


@transaction.atomic
def application_create(
    *,
    actor: User,
    organisation: Organisation,
    framework: Framework,
    previous: Application | None = None,
) -> Application:
    """Start an application under the rules in force. A renewal starts as a copy of the
    previous application, evidence and documents included. Not while the administration has
    suspended the organisation's accreditation, nor within its waiting period after a
    revocation."""
    if organisation.is_formal_mechanism:
        raise DomainError(
            _(
                "%(organisation)s is a formal mechanism: it is registered with its mandate, not "
                "accredited."
            )
            % {"organisation": organisation}
        )
    if framework.status != Framework.Status.PUBLISHED:
        raise DomainError(_("Applications can only be made under the rules in force."))
    _refuse_if_barred(organisation, framework)
    already_open = _("This organisation already has an application in progress. Continue that one.")
    open_here = organisation.applications.open().filter(administration=framework.administration)
    if open_here.exists():
        raise DomainError(already_open)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                organisation=organisation,
                administration=framework.administration,
                framework=framework,
                previous=previous,
                created_by=actor,
                **(
                    {f: getattr(previous, f) for f in Application.PROFILE_FIELDS}
                    if previous
                    else {}
                ),
            )
    except IntegrityError:
        # Another request started one at the same moment: the database holds the rule.
        raise DomainError(already_open) from None
    if previous is not None:
        application.activity_types.set(previous.activity_types.all())
        application.facilities.set(previous.facilities.all())
        application.people.set(previous.people.all())
        application.member_organisations.set(previous.member_organisations.all())
        criteria = {c.code: c for c in framework.criteria.all()}
        for old in previous.evidence.select_related("criterion").prefetch_related("documents"):
            criterion = criteria.get(old.criterion.code)
            if criterion is None:
                continue  # the criterion no longer exists in the rules in force
            evidence = Evidence.objects.create(
                application=application, criterion=criterion, text=old.text
            )
            evidence.documents.set(old.documents.all())
    audit_record(
        actor=actor,
        action="application.renewed" if previous else "application.created",
        target=application,
        changes={"framework": framework.version, "previous": previous.pk if previous else None},
    )
    return application


def _locked_draft(application: Application) -> Application:
    """The application, locked, if the organisation may still change it: a submission cannot
    slip in between the check and the change."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_editable:
        raise DomainError(
            _("The application is “%(status)s” and cannot be changed now.")
            % {"status": application.get_status_display()}
        )
    return application


@transaction.atomic
def application_update(
    *,
    actor: User,
    application: Application,
    data: dict[str, Any],
    activity_types: Iterable[ActivityType],
    facilities: Iterable[Facility],
    people: Iterable[Person],
    member_organisations: Iterable[Organisation] = (),
) -> None:
    """Save the draft's profile, scope and plans. Only the organisation's own people, and for a
    network only its own members, can be named."""
    application = _locked_draft(application)
    org = application.organisation
    people = list(people)
    members = list(member_organisations)
    if any(p.organisation_id != org.pk for p in people):
        raise DomainError(_("Only your organisation's own people can be named."), field="people")
    if any(m.network_id != org.pk for m in members):
        raise DomainError(
            _("Only member organisations of the network can be covered."),
            field="member_organisations",
        )
    changed = [
        f for f in Application.PROFILE_FIELDS if f in data and getattr(application, f) != data[f]
    ]
    for field in changed:
        setattr(application, field, data[field])
    if changed:
        application.save(update_fields=changed)
    application.activity_types.set(activity_types)
    application.facilities.set(facilities)
    application.people.set(people)
    application.member_organisations.set(members)
    audit_record(
        actor=actor,
        action="application.updated",
        target=application,
        changes={"fields": changed, "people": [p.pk for p in people]},
    )


@transaction.atomic
def evidence_save(
    *,
    actor: User,
    application: Application,
    criterion_id: int,
    text: str,
    uploads: Iterable[UploadedFile] = (),
    remove_document_ids: Iterable[int] = (),
) -> Evidence:
    """Save the evidence for one criterion: its text, new documents, documents taken off."""
    application = _locked_draft(application)
    criterion = application.framework.criteria.filter(pk=criterion_id).first()
    if criterion is None:
        raise DomainError(_("This criterion is not part of the application's rules."))
    evidence, _created = Evidence.objects.get_or_create(
        application=application, criterion=criterion
    )
    if evidence.text != text:
        evidence.text = text
        evidence.save(update_fields=["text"])
    removed = list(evidence.documents.filter(pk__in=list(remove_document_ids)))
    evidence.documents.remove(*removed)
    added = [
        document_add(actor=actor, organisation=application.organisation, uploaded=f)
        for f in uploads
    ]
    evidence.documents.add(*added)
    audit_record(
        actor=actor,
        action="evidence.saved",
        target=application,
        changes={
            "criterion": criterion.code,
            "added": [d.pk for d in added],
            "removed": [d.pk for d in removed],
        },
    )
    return evidence


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> None:
    """Send the application to the administration. An application back from a return goes
    straight back to its reviewers, and the decision clock starts again where it stopped."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in {Application.Status.DRAFT, Application.Status.RETURNED}:
        raise DomainError(_("Only a draft or a returned application can be submitted."))
    if application.framework.status != application.framework.Status.PUBLISHED and (
        application.submitted_at is None
    ):
        raise DomainError(
            _(
                "The rules changed since you started. Start a new application from this one: "
                "your answers will be copied."
            )
        )
    missing = selectors.missing_items(application)
    if missing:
        raise DomainError(
            _("The application is not complete yet: %(missing)s") % {"missing": " ".join(missing)}
        )
    now = timezone.now()
    fields: list[str] = []
    target = Application.Status.SUBMITTED
    if application.status == Application.Status.RETURNED:
        if application.paused_at is not None:
            application.paused_for += now - application.paused_at
            application.paused_at = None
            fields += ["paused_for", "paused_at"]
        if application.assignments.exists():
            target = Application.Status.UNDER_REVIEW
        notify.cancel(key=notify.reminder_key(application, "returned"))
    else:
        application.submitted_at = now
        fields.append("submitted_at")
    # The people named are sent for vetting with the submission, unless already cleared.
    administration = application.framework.administration
    vetting = [
        person.pk
        for person in application.people.all()
        if vetting_request_open(person, administration) is not None
    ]
    transition(
        application,
        target,
        actor=actor,
        transitions=Application.TRANSITIONS,
        extra_fields=tuple(fields),
        details={"vetting": vetting},
        event="submitted",  # back to its reviewers, or to the director
    )
    notify.remind(
        recipients=administration_users(application.framework.administration, (Role.DIRECTOR,)),
        kind=reminders.SUBMITTED,
        key=notify.reminder_key(application, f"submitted:{now:%Y%m%d%H%M%S}"),
        subject=gettext_lazy("Application submitted by %(organisation)s"),
        params={"organisation": application.organisation},
        url=application.get_absolute_url(),
    )


@transaction.atomic
def application_return(*, actor: User, application: Application, message: str) -> None:
    """Send the application back to the applicant for information; the decision clock stops
    until it is submitted again."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.may_become(Application.Status.RETURNED):
        raise DomainError(_("Only a submitted application, or one under review, can be returned."))
    if not message.strip():
        raise DomainError(_("Say what information is needed."), field="message")
    application.paused_at = timezone.now()
    application.return_message = message
    transition(
        application,
        Application.Status.RETURNED,
        actor=actor,
        transitions=Application.TRANSITIONS,
        extra_fields=("paused_at", "return_message"),
        details={"message": message},
    )
    returned = f"returned:{application.paused_at:%Y%m%d%H%M%S}"
    for suffix, due_in in (("now", timedelta(0)), ("followup", timedelta(days=14))):
        notify.remind(
            recipients=organisation_users(application.organisation),
            kind=reminders.APPLICATION_RETURNED,
            key=notify.reminder_key(application, f"{returned}:{suffix}"),
            subject=gettext_lazy("Your application was returned for more information"),
            body=gettext_lazy(
                "The administration asks: %(message)s\n\nThe decision clock is stopped until "
                "you submit the application again."
            ),
            params={"message": message},
            url=application.get_absolute_url(),
            due_at=application.paused_at + due_in,
        )


@transaction.atomic
def application_withdraw(*, actor: User, application: Application) -> None:
    """The organisation withdraws an application it no longer pursues, at any time before
    the decision."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    # The state machine refuses a decided or withdrawn application, naming both states.
    transition(
        application, Application.Status.WITHDRAWN, actor=actor, transitions=Application.TRANSITIONS
    )
