from typing import Any

from django.core.management.base import BaseCommand, CommandError

from activity.audit import verify_chain
from activity.models import AuditEntry


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and name the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
        checked, broken = verify_chain(entries)
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at entry #{broken.seq} (id {broken.entry_id}): "
                f"{broken.reason}. {checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries verified."))
