from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from accreditation import effects
        from directory import twofactor

        from . import audit_actions, permissions, reminders
        from .services import mous as mou_services

        audit_actions.register()
        reminders.register()
        effects.subscribe(mou_services.agreements_follow_accreditation)
        # Whoever may sign for an organisation signs in with a second factor.
        twofactor.register_requirement(permissions.is_signatory)
