from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self) -> None:
        from directory.permissions import register_identity_reader

        from . import audit_actions, permissions, reminders

        audit_actions.register()
        reminders.register()
        register_identity_reader(permissions.gate_reads_identity)
