"""Background work of accreditation."""

from celery import shared_task

from .services.letters import decision_letter_render as render


@shared_task(acks_late=True, reject_on_worker_lost=True)
def decision_letter_render(decision_id: int) -> bool:
    """Prepare and keep a decision's letter; safe to run twice."""
    return render(decision_id=decision_id)
