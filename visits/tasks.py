"""Background work of visits."""

from celery import shared_task

from .services.upcoming import upcoming_visits_remind as remind


@shared_task(acks_late=True, reject_on_worker_lost=True)
def upcoming_visits_remind() -> int:
    """Tell visitors and the gate of tomorrow's visits, and organisations of briefings still
    missing before a visit; safe to run twice (each reminder is keyed by its visit)."""
    return remind()
