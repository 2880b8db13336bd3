from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from activity.permissions import register_document_reader

        from .permissions import can_read_own_document

        register_document_reader(can_read_own_document)
        from . import audit_actions

        audit_actions.register()
        from . import twofactor

        twofactor.connect_sign_in_audit()
