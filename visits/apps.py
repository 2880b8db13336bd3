from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        from activity.permissions import register_document_reader
        from directory.permissions import register_identity_reader

        from . import audit_actions, permissions, reminders

        audit_actions.register()
        reminders.register()
        register_identity_reader(permissions.gate_reads_identity)
        register_document_reader(permissions.can_read_confidentiality_document)
