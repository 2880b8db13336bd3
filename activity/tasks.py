from celery import shared_task
from django.conf import settings

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_reminder(reminder_id: int) -> bool:
    # Kept for the tasks of one reminder still queued when this version starts.
    return services.reminder_deliver(reminder_id=reminder_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_reminders(reminder_ids: list[int]) -> int:
    """Deliver a chunk of claimed reminders; run again after a crash, it skips the ones sent."""
    return services.reminders_deliver(reminder_ids=reminder_ids)


def enqueue_delivery(reminder_ids: list[int]) -> None:
    """Hand claimed reminders to the workers, a chunk per task, over one broker connection."""
    size = settings.REMINDER_TASK_SIZE
    chunks = [reminder_ids[i : i + size] for i in range(0, len(reminder_ids), size)]
    with deliver_reminders.app.producer_or_acquire() as producer:
        for chunk in chunks:
            deliver_reminders.apply_async((chunk,), producer=producer)


@shared_task
def sweep_reminders() -> int:
    return len(services.reminders_sweep())


@shared_task
def send_daily_digests() -> int:
    return services.digests_send()
