from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_reminder(reminder_id: int) -> bool:
    return services.reminder_deliver(reminder_id=reminder_id)


@shared_task
def sweep_reminders() -> int:
    return len(services.reminders_claim_due())


@shared_task
def send_daily_digests() -> int:
    return services.digests_send()
