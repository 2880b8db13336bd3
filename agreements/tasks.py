"""Background work of agreements."""

from celery import shared_task

from .documents import agreement_pdf_prepare as prepare
from .documents import agreement_translation_prepare as prepare_translation


@shared_task(acks_late=True, reject_on_worker_lost=True)
def agreement_pdf_prepare(agreement_id: int) -> bool:
    """Render, certify or countersign an MoU's signed copy after a signature; safe to run
    twice."""
    return prepare(agreement_id=agreement_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def agreement_translation_prepare(translation_id: int) -> bool:
    """Render a signed MoU's copy in another language, for reading; safe to run twice."""
    return prepare_translation(translation_id=translation_id)
