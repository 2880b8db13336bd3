"""How the directory's entries read in the audit trail (see ``activity.audit_actions``)."""

from django.utils.translation import gettext_lazy as _

from activity import audit_actions

# The codes entries were recorded under before every action was named by its past participle.
FORMERLY = {
    "membership.granted": ("membership.grant",),
    "membership.revoked": ("membership.revoke",),
    "organisation.updated": ("organisation.update",),
    "facility.updated": ("facility.update",),
    "person.created": ("person.create",),
    "person.updated": ("person.update",),
}


def register() -> None:
    for code, label, sentence in [
        ("membership.granted", _("Role given"), _("%(actor)s gave a role: %(object)s")),
        ("membership.revoked", _("Role removed"), _("%(actor)s removed a role: %(object)s")),
        (
            "organisation.updated",
            _("Organisation profile changed"),
            _("%(actor)s changed the profile of %(object)s"),
        ),
        (
            "facility.updated",
            _("Facility details changed"),
            _("%(actor)s changed the details of %(object)s"),
        ),
        (
            "person.created",
            _("Person added"),
            _("%(actor)s added %(object)s to the people of %(organisation)s"),
        ),
        (
            "person.updated",
            _("Person's details changed"),
            _("%(actor)s changed the details of %(object)s (%(organisation)s)"),
        ),
    ]:
        audit_actions.register(code, label, sentence, formerly=FORMERLY.get(code, ()))
