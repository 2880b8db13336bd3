"""Background work of agreements."""

from celery import shared_task

from . import documents


@shared_task(acks_late=True, reject_on_worker_lost=True)
def agreement_pdf_prepare(agreement_id: int) -> bool:
    """Render, certify or countersign an MoU's signed copy after a signature; safe to run
    twice."""
    return documents.agreement_pdf_prepare(agreement_id=agreement_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def agreement_translation_prepare(translation_id: int) -> bool:
    """Render a signed MoU's copy in another language, for reading; safe to run twice."""
    return documents.agreement_translation_prepare(translation_id=translation_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def annex_pdf_prepare(annex_id: int) -> bool:
    """Render, certify or countersign a people annex's signed copy after a signature; safe to
    run twice."""
    return documents.annex_pdf_prepare(annex_id=annex_id)
