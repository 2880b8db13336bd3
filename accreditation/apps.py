from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self) -> None:
        from activity.permissions import register_document_reader
        from directory.permissions import register_identity_reader

        from .permissions import can_read_document, can_vet_person

        register_document_reader(can_read_document)
        register_identity_reader(can_vet_person)

        from . import audit_actions, reminders

        audit_actions.register()
        reminders.register()
