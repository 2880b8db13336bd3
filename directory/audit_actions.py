"""How the directory's entries read in the audit trail (see ``activity.audit_actions``)."""

from django.utils.translation import gettext_lazy as _

from activity import audit_actions


def register() -> None:
    for code, label, sentence in [
        ("membership.grant", _("Role given"), _("%(actor)s gave a role: %(object)s")),
        ("membership.revoke", _("Role removed"), _("%(actor)s removed a role: %(object)s")),
        (
            "organisation.update",
            _("Organisation profile changed"),
            _("%(actor)s changed the profile of %(object)s"),
        ),
        (
            "facility.update",
            _("Facility details changed"),
            _("%(actor)s changed the details of %(object)s"),
        ),
        (
            "person.create",
            _("Person added"),
            _("%(actor)s added %(object)s to the people of %(organisation)s"),
        ),
        (
            "person.update",
            _("Person's details changed"),
            _("%(actor)s changed the details of %(object)s (%(organisation)s)"),
        ),
    ]:
        audit_actions.register(code, label, sentence)
