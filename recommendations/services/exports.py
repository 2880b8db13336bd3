"""Exports of the plan of action and of the follow-up: a PDF is asked for, recorded, and
rendered in the background (``tasks.export_prepare``) in the requester's language; a CSV is
written while it downloads. Asking for or downloading the confidential variant is recorded in
the audit trail, as every read of a confidential document is."""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.pdf import PdfResourceError
from activity.services import audit_record
from activity.typing import User
from directory.models import Administration, Organisation

from .. import exports
from ..exports import Scope
from ..models import Export

logger = logging.getLogger(__name__)
T = TypeVar("T")


@transaction.atomic
def export_request(
    *,
    actor: User,
    kind: str,
    variant: str,
    scope: Scope,
    administration: Administration | None = None,
    organisation: Organisation | None = None,
) -> Export:
    """Ask for a PDF export, rendered once the transaction commits, in the language the
    requester reads now. Whose data it covers (``administration``, ``organisation``) files the
    request in their audit trail."""
    export = Export.objects.create(
        requested_by=actor,
        kind=kind,
        variant=variant,
        parameters=scope.as_parameters(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        administration=administration,
        organisation=organisation,
    )
    if export.is_confidential:
        audit_record(
            actor=actor,
            action="export.requested",
            target=export,
            changes={"kind": kind, "variant": variant, **export.parameters},
        )
    from ..tasks import export_prepare as task

    pk = export.pk
    transaction.on_commit(lambda: task.delay(pk), robust=True)
    return export


def export_downloaded(
    *,
    actor: User,
    kind: str,
    variant: str,
    scope: Scope,
    administration: Administration | None = None,
) -> None:
    """A confidential CSV read by its requester is recorded; a public one is not."""
    if variant != Export.Variant.CONFIDENTIAL:
        return
    audit_record(
        actor=actor,
        action="export.downloaded",
        changes={"kind": kind, "variant": variant, **scope.as_parameters()},
        administration=administration,
    )


def _attempt(work: Callable[[], T], export: Export) -> tuple[T | None, str]:
    """Run ``work``: its result, or why it failed in words for the exports page. An
    unexpected error's traceback goes to the site administration; the page says only that it
    happened."""
    try:
        return work(), ""
    except DomainError as error:
        return None, error.message
    except PdfResourceError as error:
        return None, str(error)
    except Exception:
        logger.exception("Preparing export %s failed.", export.pk)
        return None, _("Something went wrong on the server; the site administration has been told.")


def export_prepare(*, export_id: int) -> bool:
    """Render an export asked for. Safe to run twice, or twice at once: the second run waits
    for the first and finds the export ready, or failed, and renders nothing. A failure is
    recorded on the export for its page to say. Return whether a file was made."""
    with transaction.atomic():
        export = (
            Export.objects.select_for_update(of=("self",))
            .select_related("requested_by", "administration")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status != Export.Status.PENDING:
            return False
        with translation.override(export.language):
            pdf, failure = _attempt(lambda: exports.render(export), export)
            if pdf is None:
                export.status = Export.Status.FAILED
                export.error = failure
                export.save(update_fields=["status", "error"])
                return False
        export.file.save(f"{export.kind}.pdf", ContentFile(pdf), save=False)
        export.status = Export.Status.READY
        export.error = ""
        export.prepared_at = timezone.now()
        export.save(update_fields=["file", "status", "error", "prepared_at"])
    logger.info("Export %s prepared.", export.pk)
    return True
