"""Background work of recommendations."""

from celery import shared_task

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
