"""The main menu: which lists each role reaches.

The menu depends only on the roles a person holds and the language, so it is drawn once per
process for each set of roles and language, and every page after that writes it out as it is
(it was a tenth of a short list's time). What is the person's own (the unread notifications,
their name) is drawn on each page by ``base.html``.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: Promise
    #: The roles that see the entry; none: everyone signed in.
    roles: frozenset[str] = frozenset()


def _roles(*roles: Role) -> frozenset[str]:
    return frozenset(str(role) for role in roles)


DIRECTOR, COORDINATOR = Role.DIRECTOR, Role.COORDINATOR
NGO = (Role.NGO_ADMIN, Role.NGO_MEMBER)
#: Those who follow recommendations: the administration and the organisations that visit.
FOLLOW_UP = _roles(DIRECTOR, COORDINATOR, *NGO, Role.MONITOR)

MENU = (
    Entry("dashboard", _("Dashboard")),
    Entry(
        "directory:organisation_list",
        _("Organisations"),
        _roles(DIRECTOR, Role.REVIEWER, COORDINATOR, Role.RESPONSIBLE_OFFICIAL, *NGO, Role.MONITOR),
    ),
    Entry(
        "directory:facility_list",
        _("Facilities"),
        _roles(
            DIRECTOR,
            Role.REVIEWER,
            COORDINATOR,
            Role.RESPONSIBLE_OFFICIAL,
            Role.FACILITY_OFFICER,
            Role.GATE_OFFICER,
        ),
    ),
    Entry("accreditation:application_list", _("Applications"), _roles(DIRECTOR, COORDINATOR, *NGO)),
    Entry(
        "accreditation:accreditation_list", _("Accreditations"), _roles(DIRECTOR, COORDINATOR, *NGO)
    ),
    Entry(
        "agreements:agreement_list",
        _("MoUs"),
        _roles(DIRECTOR, COORDINATOR, Role.FACILITY_OFFICER, *NGO),
    ),
    Entry(
        "visits:visit_list",
        _("Visits"),
        _roles(DIRECTOR, COORDINATOR, Role.FACILITY_OFFICER, Role.GATE_OFFICER, *NGO, Role.MONITOR),
    ),
    Entry("recommendations:report_list", _("Reports"), FOLLOW_UP),
    Entry(
        "recommendations:recommendation_list",
        _("Recommendations"),
        FOLLOW_UP | _roles(Role.RESPONSIBLE_OFFICIAL),
    ),
    Entry(
        "recommendations:action_list",
        _("Plan of action"),
        FOLLOW_UP | _roles(Role.RESPONSIBLE_OFFICIAL),
    ),
    Entry("recommendations:followup_list", _("Follow-up visits"), FOLLOW_UP),
    Entry("visits:gate", _("Today's manifest"), _roles(Role.GATE_OFFICER)),
    Entry("visits:gate_searches", _("Searches"), _roles(DIRECTOR, COORDINATOR)),
    Entry("accreditation:review_list", _("Reviews"), _roles(Role.REVIEWER)),
    Entry("accreditation:condition_list", _("Conditions"), _roles(DIRECTOR, COORDINATOR)),
    Entry("accreditation:clearance_list", _("Vetting"), _roles(DIRECTOR, COORDINATOR)),
    Entry("accreditation:framework_list", _("Rules"), _roles(DIRECTOR, COORDINATOR, Role.REVIEWER)),
    Entry(
        "accreditation:mechanism_list",
        _("Formal mechanisms"),
        _roles(DIRECTOR, COORDINATOR, Role.MONITOR),
    ),
    Entry("activity:audit_list", _("Audit trail"), _roles(DIRECTOR)),
)

#: What the public reaches without signing in.
PUBLIC_MENU = (
    Entry("accreditation:public_criteria", _("Accreditation rules")),
    Entry("accreditation:public_register", _("Public register")),
    Entry("recommendations:public_list", _("Published reports")),
    Entry("accreditation:verify", _("Check a verification code")),
    Entry("agreements:verify", _("Verify a signed MoU")),
)


def entries(roles: frozenset[str], *, signed_in: bool = True) -> list[tuple[str, str]]:
    """The menu's links (address, label) for someone holding ``roles``, in the active
    language."""
    if not signed_in:
        return [(reverse(e.url_name), str(e.label)) for e in PUBLIC_MENU]
    return [(reverse(e.url_name), str(e.label)) for e in MENU if not e.roles or e.roles & roles]


def menu(roles: frozenset[str], *, signed_in: bool) -> SafeString:
    """The menu's links as list items, in the active language."""
    return _drawn(roles, signed_in, get_language(), get_script_prefix())


@lru_cache(maxsize=512)
def _drawn(roles: frozenset[str], signed_in: bool, language: str, prefix: str) -> SafeString:
    # The language and the prefix are part of the key: the active ones draw the menu.
    links = entries(roles, signed_in=signed_in)
    return SafeString(render_to_string("directory/menu.html", {"links": links}))
