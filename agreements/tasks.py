"""Background work of agreements."""

from celery import shared_task

from .documents import agreement_pdf_prepare as prepare


@shared_task(acks_late=True, reject_on_worker_lost=True)
def agreement_pdf_prepare(agreement_id: int) -> bool:
    """Render, certify or countersign an MoU's signed copy after a signature; safe to run
    twice."""
    return prepare(agreement_id=agreement_id)
