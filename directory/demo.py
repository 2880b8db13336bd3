"""Demo data for the directory: the working paper's world."""

import os
from collections.abc import Iterable
from typing import IO, Any

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.models import NotificationPreference
from activity.typing import User

from . import services, twofactor
from .models import (
    ORGANISATION_ROLES,
    Administration,
    Area,
    Facility,
    Membership,
    Organisation,
    Person,
    Role,
)

#: The password of every demo account (documented in the README). Override with DEMO_PASSWORD.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "partnership-demo")

FACILITIES: list[dict[str, Any]] = [
    {
        "name": "Central Penitentiary",
        "kind": Facility.Kind.PRISON,
        "security_level": Facility.SecurityLevel.MEDIUM,
        "region": "Capital District",
        "address": "Km 12, Northern Highway, Capital City",
        "visitor_capacity": 40,
        "areas": [
            ("Education wing", Area.Sensitivity.OPEN),
            ("Workshops", Area.Sensitivity.OPEN),
            ("Chapel", Area.Sensitivity.OPEN),
            ("Health unit", Area.Sensitivity.CONTROLLED),
            ("Kitchen", Area.Sensitivity.CONTROLLED),
            ("Segregation unit", Area.Sensitivity.RESTRICTED),
        ],
    },
    {
        "name": "Women's Rehabilitation Centre",
        "kind": Facility.Kind.WOMEN,
        "security_level": Facility.SecurityLevel.MINIMUM,
        "region": "Lake Province",
        "address": "Avenida del Lago 45, Lake Town",
        "visitor_capacity": 25,
        "areas": [
            ("Handcraft workshop", Area.Sensitivity.OPEN),
            ("Education wing", Area.Sensitivity.OPEN),
            ("Mother and baby unit", Area.Sensitivity.CONTROLLED),
            ("Health unit", Area.Sensitivity.CONTROLLED),
        ],
    },
    {
        "name": "Northern Remand Centre",
        "kind": Facility.Kind.REMAND,
        "security_level": Facility.SecurityLevel.MAXIMUM,
        "region": "Northern Hills",
        "address": "Calle Norte 3, Hill Town",
        "visitor_capacity": 15,
        "areas": [
            ("Legal visits room", Area.Sensitivity.CONTROLLED),
            ("Chapel", Area.Sensitivity.OPEN),
            ("Exercise yard", Area.Sensitivity.OPEN),
            ("High-security block", Area.Sensitivity.RESTRICTED),
        ],
    },
]

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "name": "Civil Society Network for Prison Reform",
        "kind": Organisation.Kind.NETWORK,
        "description": "A network of NGOs working in the prisons of State A.",
    },
    {
        "name": "Local Human Rights Centre",
        "kind": Organisation.Kind.NGO,
        "network": "Civil Society Network for Prison Reform",
        "description": "Monitors conditions of detention and offers legal orientation.",
    },
    {
        "name": "Women Weavers Collective",
        "kind": Organisation.Kind.NGO,
        "network": "Civil Society Network for Prison Reform",
        "description": "Handcraft workshops for women deprived of liberty; later, monitoring.",
    },
    {
        "name": "Hope Education Ministry",
        "kind": Organisation.Kind.FAITH_BASED,
        "description": "Literacy and schooling, open to people of every faith or none.",
    },
    {
        "name": "Legal Aid Clinic",
        "kind": Organisation.Kind.PROFESSIONAL,
        "description": "Lawyers giving free legal aid to people in pre-trial detention.",
    },
    {
        "name": "National Preventive Mechanism of State A",
        "kind": Organisation.Kind.NPM,
        "description": "Established under the Optional Protocol to the Convention against Torture.",
    },
    {
        "name": "ICRC Regional Delegation",
        "kind": Organisation.Kind.SPECIAL_AGREEMENT,
        "description": "Visits under a special agreement with the government of State A.",
    },
]

#: A second administration in the same deployment (as Iraq's federal service beside the
#: Kurdistan Region's): its staff see nothing of State A's processes, and the other way round.
SECOND_ADMINISTRATION = "Northern Region Reformatory Directorate"
SECOND_FACILITY = "Northern Region Central Reformatory"

#: username, full name, role, scope name
USERS: list[tuple[str, str, str, str]] = [
    ("martha", "Martha Director", Role.DIRECTOR, "State A Prison System"),
    ("diego", "Diego Deputy Director", Role.DIRECTOR, "State A Prison System"),
    ("rita", "Rita Reviewer", Role.REVIEWER, "State A Prison System"),
    ("raul", "Raúl Reviewer", Role.REVIEWER, "State A Prison System"),
    ("carla", "Carla Coordinator", Role.COORDINATOR, "State A Prison System"),
    ("oscar", "Óscar Official", Role.RESPONSIBLE_OFFICIAL, "State A Prison System"),
    ("fiona", "Fiona Visits Officer", Role.FACILITY_OFFICER, "Central Penitentiary"),
    ("wanda", "Wanda Visits Officer", Role.FACILITY_OFFICER, "Women's Rehabilitation Centre"),
    ("gabriel", "Gabriel Gate Officer", Role.GATE_OFFICER, "Central Penitentiary"),
    ("gloria", "Gloria Gate Officer", Role.GATE_OFFICER, "Women's Rehabilitation Centre"),
    ("john", "John Representative", Role.NGO_ADMIN, "Local Human Rights Centre"),
    ("maria", "María Member", Role.NGO_MEMBER, "Local Human Rights Centre"),
    ("ana", "Ana Weaver", Role.NGO_ADMIN, "Women Weavers Collective"),
    ("pedro", "Pedro Teacher", Role.NGO_ADMIN, "Hope Education Ministry"),
    ("lucia", "Lucía Lawyer", Role.NGO_ADMIN, "Legal Aid Clinic"),
    ("nadia", "Nadia Network", Role.NGO_ADMIN, "Civil Society Network for Prison Reform"),
    ("mario", "Mario Monitor", Role.MONITOR, "National Preventive Mechanism of State A"),
    ("ines", "Inés Delegate", Role.MONITOR, "ICRC Regional Delegation"),
    ("karim", "Karim Director", Role.DIRECTOR, SECOND_ADMINISTRATION),
    ("shirin", "Shirin Coordinator", Role.COORDINATOR, SECOND_ADMINISTRATION),
    ("yusuf", "Yusuf Reviewer", Role.REVIEWER, SECOND_ADMINISTRATION),
    ("leila", "Leila Reviewer", Role.REVIEWER, SECOND_ADMINISTRATION),
]

PEOPLE: list[tuple[str, str, str, str]] = [
    # organisation, full name, role title, nationality
    ("Local Human Rights Centre", "John Representative", "Director", "State A"),
    ("Local Human Rights Centre", "María Member", "Field researcher", "State A"),
    ("Local Human Rights Centre", "Tomás Doctor", "Volunteer physician", "State B"),
    ("Women Weavers Collective", "Ana Weaver", "Coordinator", "State A"),
    ("Women Weavers Collective", "Rosa Instructor", "Workshop instructor", "State A"),
    ("Hope Education Ministry", "Pedro Teacher", "Head teacher", "State A"),
    ("Legal Aid Clinic", "Lucía Lawyer", "Lawyer", "State A"),
    ("Civil Society Network for Prison Reform", "Nadia Network", "Coordinator", "State A"),
    ("National Preventive Mechanism of State A", "Mario Monitor", "Commissioner", "State A"),
    ("ICRC Regional Delegation", "Inés Delegate", "Detention delegate", "State C"),
]


def give_demo_authenticators(users: Iterable[User]) -> None:
    """Everyone who must sign in with a second factor gets the published demo secret (README), so
    that any authenticator app, or `oathtool --totp -b`, gives their codes. Later demos call this
    for the people they make subject to it (an MoU's signatories)."""
    for user in users:
        if twofactor.second_factor_required(user) and twofactor.authenticator(user) is None:
            TOTPDevice.objects.create(
                user=user, name="Demo authenticator", key=twofactor.DEMO_KEY_HEX, confirmed=True
            )


def seed(out: IO[str]) -> None:
    administration, _created = Administration.objects.get_or_create(
        name="State A Prison System",
        defaults={
            "country": "State A",
            "email": "director@prisons.state-a.example",
            "time_zone": "America/Guatemala",
        },
    )
    for spec in FACILITIES:
        data = {k: v for k, v in spec.items() if k != "areas"}
        facility, _created = Facility.objects.get_or_create(
            administration=administration,
            name=data.pop("name"),
            defaults={**data, "time_zone": "America/Guatemala"},
        )
        for area_name, sensitivity in spec["areas"]:
            Area.objects.get_or_create(
                facility=facility, name=area_name, defaults={"sensitivity": sensitivity}
            )

    second, _created = Administration.objects.get_or_create(
        name=SECOND_ADMINISTRATION,
        defaults={
            "country": "Northern Region",
            "email": "director@reformatory.north.example",
            "time_zone": "Asia/Baghdad",
        },
    )
    north, _created = Facility.objects.get_or_create(
        administration=second,
        name=SECOND_FACILITY,
        defaults={
            "kind": Facility.Kind.PRISON,
            "security_level": Facility.SecurityLevel.MEDIUM,
            "address": "Road 7, North City",
            "visitor_capacity": 20,
            "time_zone": "Asia/Baghdad",
        },
    )
    Area.objects.get_or_create(
        facility=north, name="Education wing", defaults={"sensitivity": Area.Sensitivity.OPEN}
    )

    for spec in ORGANISATIONS:
        data = dict(spec)
        network = data.pop("network", None)
        org, _created = Organisation.objects.get_or_create(
            name=data.pop("name"), defaults={**data, "country": "State A"}
        )
        if network and org.network is None:
            org.network = Organisation.objects.get(name=network)
            org.save(update_fields=["network"])

    scopes: dict[str, Administration | Facility | Organisation] = {
        administration.name: administration,
        second.name: second,
    }
    scopes.update({f.name: f for f in Facility.objects.filter(administration=administration)})
    scopes.update({o.name: o for o in Organisation.objects.all()})

    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD)
    for username, full_name, role, scope_name in USERS:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if not Membership.objects.filter(user=user, role=role).exists():
            services.membership_grant(actor=None, user=user, role=role, scope=scopes[scope_name])

    give_demo_authenticators(User.objects.filter(username__in=["admin", *(u[0] for u in USERS)]))
    # The organisations' people work in State A: they read its time, as its staff do by default.
    for username, _name, role, _scope in USERS:
        if role in ORGANISATION_ROLES:
            NotificationPreference.objects.filter(
                user=User.objects.get(username=username), time_zone=""
            ).update(time_zone="America/Guatemala")
            NotificationPreference.objects.get_or_create(
                user=User.objects.get(username=username),
                defaults={"time_zone": "America/Guatemala"},
            )

    for number, (org_name, full_name, title, nationality) in enumerate(PEOPLE, start=1):
        org = Organisation.objects.get(name=org_name)
        linked = User.objects.filter(
            first_name=full_name.split(" ", 1)[0], memberships__organisation=org
        ).first()
        Person.objects.get_or_create(
            organisation=org,
            document_type=Person.DocumentType.NATIONAL_ID,
            document_number=f"A-{number:06d}",
            defaults={
                "full_name": full_name,
                "role_title": title,
                "nationality": nationality,
                "user": linked,
            },
        )
    out.write(
        f"Directory: {len(USERS)} demo users, password “{DEMO_PASSWORD}”; staff sign in with "
        f"a second factor, TOTP secret {twofactor.DEMO_SECRET}.\n"
    )
