from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        from activity.permissions import register_document_reader
        from visits import effects as visit_effects

        from . import audit_actions, permissions, reminders
        from .services import followup

        audit_actions.register()
        reminders.register()
        register_document_reader(permissions.can_read_evidence)
        # A follow-up or monitoring visit to a facility with open recommendations gets them as
        # its checklist.
        visit_effects.subscribe(followup.checklist_prefill)
