from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        from activity.permissions import register_document_reader

        from . import audit_actions, reminders
        from .permissions import can_read_confidentiality_document

        audit_actions.register()
        reminders.register()
        register_document_reader(can_read_confidentiality_document)
