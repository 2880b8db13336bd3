"""The plan of action: the administration's actions answering recommendations, each carried out
by a responsible official who reports progress with evidence; the organisation verifies. Each
recommendation keeps two statuses side by side: what the authorities claim (from the progress of
its actions) and what the organisation verified."""

from collections.abc import Sequence
from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activity import notify
from activity.errors import DomainError
from activity.models import AuditEntry
from activity.services import audit_record, document_add
from activity.transitions import change_state
from activity.typing import User
from directory.models import Administration, Membership, Role
from directory.selectors import administration_users, earliest_local_date, organisation_users

from .. import reminders
from ..models import Action, ProgressUpdate, Recommendation, Report
from ..permissions import WRITERS


def officials(administration: Administration) -> QuerySet[User]:
    """Who may be made responsible for an action: the responsible officials of the
    administration and of its facilities."""
    ids = Membership.objects.filter(
        Q(administration=administration) | Q(facility__administration=administration),
        role=Role.RESPONSIBLE_OFFICIAL,
    ).values("user")
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")


def _check_recommendations(
    administration: Administration, recommendations: Sequence[Recommendation]
) -> int:
    """The recommendations an action answers: at least one, all submitted to the
    administration by one organisation, none rejected. Returns the organisation."""
    if not recommendations:
        raise DomainError(_("Choose the recommendations the action answers."), field="recs")
    organisations = {rec.organisation_id for rec in recommendations}
    if len(organisations) > 1:
        raise DomainError(
            _("An action answers the recommendations of one organisation; plan one for each."),
            field="recs",
        )
    for rec in recommendations:
        if (
            rec.administration_id != administration.pk
            or rec.report.status not in Report.SUBMITTED_STATUSES
        ):
            raise DomainError(_("Choose recommendations submitted to the administration."))
        if rec.response == Recommendation.Response.REJECTED:
            raise DomainError(
                _("Recommendation %(number)s was rejected: no action answers it.")
                % {"number": rec.number},
                field="recs",
            )
    return organisations.pop()


def _check_official(administration: Administration, responsible: User) -> None:
    if not officials(administration).filter(pk=responsible.pk).exists():
        raise DomainError(
            _("Choose a responsible official of the administration."), field="responsible"
        )


def _remind_due(action: Action, change: AuditEntry) -> None:
    """Replace the reminders of the due date with those of ``change``, the audit entry of the
    planning or rescheduling: keyed by it, an action moved back to an earlier date (or given
    back to its official) is reminded again, where a key of the date alone would find the
    cancelled reminders of that date and add none."""
    for days in reminders.DUE_NOTICES:
        notify.cancel(key=notify.reminder_key(action, f"due-{days}d"))
    notify.remind_before(
        action.due_on,
        reminders.DUE_NOTICES,
        key=lambda days: notify.reminder_key(
            action, f"due-{days}d:{action.due_on}:change-{change.pk}"
        ),
        recipients=[action.responsible],
        kind=reminders.ACTION_DUE,
        subject=gettext_lazy("Action due on %(day)s: %(title)s"),
        body=gettext_lazy("Post the progress made, with its evidence, before the due date."),
        params={"day": action.due_on, "title": action.title},
        url=action.get_absolute_url(),
    )


def claimed_status(action_statuses: Sequence[tuple[str, int]]) -> str:
    """What the authorities claim of a recommendation, from its actions' statuses and
    progress: implemented when every action (not cancelled) is completed."""
    live = [(status, progress) for status, progress in action_statuses if status != "cancelled"]
    if live and all(status == Action.Status.COMPLETED for status, _p in live):
        return Recommendation.Claimed.IMPLEMENTED
    if any(status != Action.Status.PLANNED or progress for status, progress in live):
        return Recommendation.Claimed.IN_PROGRESS
    return Recommendation.Claimed.NOT_STARTED


def _update_claims(recommendations: Sequence[Recommendation]) -> None:
    """Each recommendation's claimed status from its actions, read in one query."""
    statuses: dict[int, list[tuple[str, int]]] = {rec.pk: [] for rec in recommendations}
    links = Action.recommendations.through.objects.filter(recommendation__in=list(statuses))
    for rec_id, status, progress in links.values_list(
        "recommendation_id", "action__status", "action__progress"
    ):
        statuses[rec_id].append((status, progress))
    for rec in recommendations:
        claimed = claimed_status(statuses[rec.pk])
        if claimed != rec.claimed_status:
            rec.claimed_status = claimed
            rec.save(update_fields=["claimed_status"])


@transaction.atomic
def action_create(
    *,
    actor: User,
    administration: Administration,
    recommendations: Sequence[Recommendation],
    title: str,
    responsible: User,
    due_on: date,
    effort: str,
    description: str = "",
) -> Action:
    """Plan an action answering one or more recommendations, with its responsible official,
    due date and cost; the official is told, and reminded as the date comes."""
    recs = list(
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("report")
        .filter(pk__in=[rec.pk for rec in recommendations])
        .order_by("pk")
    )
    organisation_id = _check_recommendations(administration, recs)
    _check_official(administration, responsible)
    if not title.strip():
        raise DomainError(_("Say what will be done."), field="title")
    _check_due_on(administration, due_on)
    action = Action.objects.create(
        administration=administration,
        organisation_id=organisation_id,
        title=title.strip(),
        description=description,
        responsible=responsible,
        due_on=due_on,
        effort=effort,
        created_by=actor,
    )
    action.recommendations.set(recs)
    _update_claims(recs)
    created = audit_record(
        actor=actor,
        action="action.created",
        target=action,
        changes={
            "recommendations": [rec.pk for rec in recs],
            "responsible": responsible.get_username(),
            "due_on": due_on,
        },
    )
    notify.remind(
        recipients=[responsible],
        kind=reminders.ACTION_ASSIGNED,
        key=notify.reminder_key(action, f"assigned:{responsible.pk}"),
        subject=gettext_lazy("An action of the plan is yours: %(title)s"),
        body=gettext_lazy("Due on %(day)s. Post progress with evidence as the work goes on."),
        params={"title": action.title, "day": due_on},
        url=action.get_absolute_url(),
    )
    _remind_due(action, created)
    return action


def _check_due_on(administration: Administration, due_on: date) -> None:
    """Not past while it is still that day at one of the administration's facilities: in the
    evening in Guatemala their today is already the server's yesterday."""
    if due_on < earliest_local_date(administration):
        raise DomainError(_("The due date has passed."), field="due_on")


def _locked(action: Action) -> Action:
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related("responsible", "organisation", "administration")
        .get(pk=action.pk)
    )


@transaction.atomic
def action_reschedule(
    *, actor: User, action: Action, due_on: date, responsible: User, reason: str
) -> Action:
    """Move an action's due date or give it to another official, saying why."""
    action = _locked(action)
    if action.status not in Action.UNFINISHED_STATUSES:
        raise DomainError(
            _("The action is %(status)s.") % {"status": action.get_status_display().lower()}
        )
    _check_official(action.administration, responsible)
    if not reason.strip():
        raise DomainError(_("Say why the action changes."), field="reason")
    _check_due_on(action.administration, due_on)
    changes = {
        "due_on": [action.due_on, due_on],
        "responsible": [action.responsible.get_username(), responsible.get_username()],
        "reason": reason.strip(),
    }
    action.due_on, action.responsible = due_on, responsible
    action.save(update_fields=["due_on", "responsible"])
    change = audit_record(actor=actor, action="action.rescheduled", target=action, changes=changes)
    _remind_due(action, change)
    return action


def _status_for(progress: int, completed: bool) -> str:
    if completed or progress == 100:
        return Action.Status.COMPLETED
    return Action.Status.IN_PROGRESS


@transaction.atomic
def progress_post(
    *,
    actor: User,
    action: Action,
    progress: int,
    note: str,
    completed: bool = False,
    evidence: Sequence[UploadedFile] = (),
) -> ProgressUpdate:
    """The official reports what was done, with evidence. At 100 % (or marked completed) the
    action is completed and the organisation is asked to verify; the recommendations' claimed
    status follows."""
    action = _locked(action)
    if action.status == Action.Status.CANCELLED:
        raise DomainError(_("The action is cancelled."))
    status = _status_for(progress, completed)
    if action.status == status == Action.Status.COMPLETED:
        raise DomainError(_("The action is already completed."))
    if not 0 <= progress <= 100:
        raise DomainError(_("Progress is a percentage, from 0 to 100."), field="progress")
    if not note.strip():
        raise DomainError(_("Say what was done."), field="note")
    progress = 100 if status == Action.Status.COMPLETED else progress
    before = [action.status, action.progress]
    action.progress = progress
    action.completed_at = timezone.now() if status == Action.Status.COMPLETED else None
    change_state(
        action, status, transitions=Action.TRANSITIONS, extra_fields=("progress", "completed_at")
    )
    update = ProgressUpdate.objects.create(
        action=action, progress=progress, status=status, note=note.strip(), author=actor
    )
    if evidence:
        update.evidence.set(
            [
                document_add(actor=actor, organisation=action.organisation, uploaded=uploaded)
                for uploaded in evidence
            ]
        )
    recs = list(action.recommendations.all())
    _update_claims(recs)
    audit_record(
        actor=actor,
        action="action.progress_reported",
        target=action,
        changes={
            "status": [before[0], status],
            "progress": [before[1], progress],
            "evidence": len(evidence),
        },
    )
    if status == Action.Status.COMPLETED:
        for days in reminders.DUE_NOTICES:
            notify.cancel(key=notify.reminder_key(action, f"due-{days}d"))
        notify.remind(
            recipients=organisation_users(action.organisation, WRITERS),
            kind=reminders.VERIFICATION_PENDING,
            key=notify.reminder_key(update, "verify"),
            subject=gettext_lazy("Completed, waiting for your verification: %(title)s"),
            body=gettext_lazy(
                "The administration reports the action completed. Check the evidence, or on "
                "your next visit, and record what you verified for each recommendation."
            ),
            params={"title": action.title},
            url=action.get_absolute_url(),
        )
    return update


@transaction.atomic
def action_cancel(*, actor: User, action: Action, reason: str) -> Action:
    action = _locked(action)
    if not reason.strip():
        raise DomainError(_("Say why the action is cancelled."), field="reason")
    before = change_state(action, Action.Status.CANCELLED, transitions=Action.TRANSITIONS)
    for days in reminders.DUE_NOTICES:
        notify.cancel(key=notify.reminder_key(action, f"due-{days}d"))
    _update_claims(list(action.recommendations.all()))
    audit_record(
        actor=actor,
        action="action.cancelled",
        target=action,
        changes={"status": before, "reason": reason.strip()},
    )
    return action


def actions_overdue_remind(*, today: date | None = None, batch: int = 500) -> int:
    """Tell the official and the coordinators of each overdue action, the day after its due
    date and then once a week; safe to run any number of times a day (each reminder is keyed
    by the action, its due date and the week). Whether a batch of actions' reminders exist is
    asked once for the batch, so that a run with nothing new to say costs a few queries."""
    today = today or timezone.localdate()
    created = 0
    overdue = Action.objects.overdue(today).select_related("responsible", "administration")
    coordinators: dict[int, list[User]] = {}
    pending: list[tuple[Action, str, dict[int, User]]] = []

    def flush() -> int:
        done = 0
        existing = notify.scheduled(
            notify.recipient_key(key, user_id)
            for _action, key, recipients in pending
            for user_id in recipients
        )
        for action, key, recipients in pending:
            missing = [
                user
                for user_id, user in recipients.items()
                if notify.recipient_key(key, user_id) not in existing
            ]
            if missing:
                done += notify.remind(
                    recipients=missing,
                    kind=reminders.ACTION_OVERDUE,
                    key=key,
                    subject=gettext_lazy("Action overdue since %(day)s: %(title)s"),
                    body=gettext_lazy(
                        "The action was due on %(day)s. Post the progress made, or move its due "
                        "date and say why."
                    ),
                    params={"day": action.due_on, "title": action.title},
                    url=action.get_absolute_url(),
                )
        pending.clear()
        return done

    for action in overdue.iterator(chunk_size=batch):
        if action.administration_id not in coordinators:
            coordinators[action.administration_id] = list(
                administration_users(action.administration, (Role.COORDINATOR,))
            )
        week = (action.days_overdue(today) - 1) // reminders.OVERDUE_EVERY_DAYS
        recipients = {user.pk: user for user in coordinators[action.administration_id]}
        recipients[action.responsible_id] = action.responsible
        key = notify.reminder_key(action, f"overdue:{action.due_on}:week-{week}")
        pending.append((action, key, recipients))
        if len(pending) >= batch:
            created += flush()
    return created + flush()
