"""Background work of recommendations."""

from celery import shared_task

from .services.exports import export_prepare as prepare
from .services.plan import actions_overdue_remind
from .services.window import embargo_sweep


@shared_task(acks_late=True, reject_on_worker_lost=True)
def lift_embargoes() -> int:
    """Lift the embargo of each report whose response window closed without engagement; safe
    to run twice (a lifted report is not lifted again)."""
    return embargo_sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def remind_overdue_actions() -> int:
    """Remind the officials and coordinators of overdue actions, once a week each; safe to run
    twice (each reminder is keyed by its action and week)."""
    return actions_overdue_remind()


# Exports ----------------------------------------------------------------------------------------


@shared_task(acks_late=True, reject_on_worker_lost=True)
def export_prepare(export_id: int) -> bool:
    """Render an export asked for, in its requester's language; safe to run twice (an export
    prepared or failed is not rendered again)."""
    return prepare(export_id=export_id)
