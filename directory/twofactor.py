"""Two-factor sign-in: who must use it, the user's authenticator and recovery codes, what the
session remembers about them, and the audit of sign-in events.

The second factor is a TOTP authenticator app (django-otp's TOTP device); recovery codes are
django-otp's static device, each code deleted when used. A session is verified when django-otp
has recorded the device that verified it (``django_otp.login``); ``SecondFactorMiddleware``
keeps a user who has not got that far away from every other page.

The state-changing use cases (enrol, verify a code, new recovery codes, turn off, step up) are
here rather than in ``services.py`` because they are one subject with its own session rules;
each writes its audit entry like any service.
"""

import math
import time
from base64 import b32decode, b32encode
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from activity.errors import DomainError
from activity.services import audit_record
from activity.typing import AnyUser, User

from . import permissions
from .models import ADMINISTRATION_ROLES, FACILITY_ROLES

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])

#: Roles whose holders must sign in with a second factor: every role of a prison administration
#: and of its facilities.
STAFF_ROLES = ADMINISTRATION_ROLES | FACILITY_ROLES

RECOVERY_CODE_COUNT = 10

#: Session keys: when the session's login happened, when the user last stepped up, and the secret
#: of an enrolment under way (kept in the session until confirmed with a code).
LOGIN_AT_SESSION_KEY = "login_at"
STEP_UP_SESSION_KEY = "step_up_at"
PENDING_KEY_SESSION_KEY = "twofactor_pending_key"

#: The TOTP secret of the demo accounts, published in the README so that any authenticator app
#: or ``oathtool --totp -b`` gives their codes. seed_demo gives it to the demo staff only.
DEMO_SECRET = "PARTNERSHIPDEMOPARTNERSHIPDEMO22"  # noqa: S105 (public by design)
DEMO_KEY_HEX = b32decode(DEMO_SECRET).hex()

# Later apps add who else must use a second factor (agreements: the signatories of an MoU), in
# their AppConfig.ready(), without the directory importing them.
_requirements: list[Callable[[User], bool]] = []


def register_requirement(rule: Callable[[User], bool]) -> None:
    """Add a rule naming users who must sign in with a second factor."""
    if rule not in _requirements:
        _requirements.append(rule)


def unregister_requirement(rule: Callable[[User], bool]) -> None:
    if rule in _requirements:
        _requirements.remove(rule)


def second_factor_required(user: AnyUser) -> bool:
    """Administration and facility staff, site administrators and whoever a later app names
    (signatories) must sign in with a second factor; for organisations' people it is optional."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if permissions.roles(user) & STAFF_ROLES:
        return True
    return any(rule(user) for rule in _requirements)


def authenticator(user: AnyUser) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have enrolled one."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed the second factor (django-otp's middleware says so)."""
    user: Any = request.user
    return bool(user.is_authenticated and user.is_verified())


# Enrolment -------------------------------------------------------------------------------------


def pending_key(request: HttpRequest) -> str:
    """The secret of the authenticator being set up, made once per enrolment and kept in the
    session until the user confirms it with a code."""
    key = request.session.get(PENDING_KEY_SESSION_KEY)
    if not key:
        key = random_hex(20)
        request.session[PENDING_KEY_SESSION_KEY] = key
    return str(key)


def secret_text(key_hex: str) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    secret = b32encode(bytes.fromhex(key_hex)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, key_hex: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key_hex).config_url


def qr_code_data_uri(uri: str) -> str:
    """The QR code of the address as an SVG data URI, made here (nothing is fetched)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_enrol(*, actor: User, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app the user has just set up with a code it shows; replace any
    earlier one, and give a fresh set of recovery codes (shown once)."""
    totp = TOTP(bytes.fromhex(key_hex))
    token = _digits(code)
    if token is None or not totp.verify(token, tolerance=1):
        raise DomainError(
            _("That code does not match. Check the time on your phone and type the newest code."),
            field="code",
        )
    TOTPDevice.objects.filter(user=actor).delete()
    # The confirming code counts as used: it cannot be replayed to sign in.
    device = TOTPDevice.objects.create(
        user=actor, name=_("Authenticator app"), key=key_hex, confirmed=True, last_t=totp.t()
    )
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="user.two_factor_enrolled", target=actor)
    return device, codes


@transaction.atomic
def recovery_codes_renew(*, actor: User) -> list[str]:
    """Replace the user's recovery codes; the old ones stop working."""
    if authenticator(actor) is None:
        raise DomainError(_("Set up two-factor sign-in first."))
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="user.recovery_codes_renewed", target=actor)
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User) -> None:
    """Turn two-factor sign-in off, for a user who is not required to use it."""
    if second_factor_required(actor):
        raise DomainError(_("Your role requires two-factor sign-in: it cannot be turned off."))
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    audit_record(actor=actor, action="user.two_factor_disabled", target=actor)


# Verifying a code ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    device: Device | None
    error: str


def _digits(code: str) -> int | None:
    cleaned = code.replace(" ", "")
    return int(cleaned) if cleaned.isdigit() and len(cleaned) == 6 else None


def _throttled(device: Device) -> str:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return ""
    seconds = 1
    if info and info.get("locked_until"):
        seconds = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second before trying again.",
        "Too many wrong codes. Wait %(seconds)d seconds before trying again.",
        seconds,
    ) % {"seconds": seconds}


def _already_used(device: TOTPDevice, token: int) -> bool:
    """Whether the code is right but was already accepted in its time step."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return totp.verify(token, device.tolerance)


def _check(user: User, code: str) -> _Outcome:
    token = _digits(code)
    device: Device | None
    with transaction.atomic():
        if token is not None:
            devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
            device = devices.select_for_update().first()
        else:
            device = recovery_device(user)
            if device is not None:
                device = StaticDevice.objects.select_for_update().get(pk=device.pk)
        if device is None:
            return _Outcome(None, _("That code is not valid."))
        refusal = _throttled(device)
        if refusal:
            return _Outcome(None, refusal)
        # django-otp's verify_token enforces that a TOTP code is accepted once (a later time step
        # only), deletes a used recovery code, and counts failures for its throttling.
        if device.verify_token(token if token is not None else code.strip().lower()):
            return _Outcome(device, "")
        if isinstance(device, TOTPDevice) and token is not None and _already_used(device, token):
            return _Outcome(None, _("That code has been used already. Wait for the next one."))
        return _Outcome(None, _("That code is not valid."))


def second_factor_verify(*, actor: User, code: str, purpose: str = "sign-in") -> Device:
    """Check a code from the user's authenticator app, or one of their recovery codes.

    Failures are recorded and throttled (each failure doubles the wait before the next try), so
    the failure is written outside any transaction the caller may roll back.
    """
    outcome = _check(actor, code)
    kind = "recovery code" if isinstance(outcome.device, StaticDevice) else "authenticator"
    if outcome.device is None:
        audit_record(
            actor=actor,
            action="user.second_factor_failed",
            target=actor,
            changes={"purpose": purpose, "reason": outcome.error},
        )
        raise DomainError(outcome.error, field="code")
    audit_record(
        actor=actor,
        action="user.second_factor_passed",
        target=actor,
        changes={"purpose": purpose, "with": kind},
    )
    return outcome.device


def mark_verified(request: HttpRequest, device: Device) -> None:
    """Record in the session that the user passed the second factor, under a new session key so
    that a key seen before this point is worth nothing."""
    django_otp.login(request, device)
    request.session.cycle_key()


def demo_code(device: TOTPDevice) -> str:
    """The current code of a demo account, shown on the code page in the demo; empty otherwise
    (and always in production, where the setting is refused)."""
    if not settings.TWO_FACTOR_DEMO_HINT or device.key != DEMO_KEY_HEX:
        return ""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


# Step-up -----------------------------------------------------------------------------------------


def is_stepped_up(request: HttpRequest) -> bool:
    """Whether the user confirmed their password (and code) within the last few minutes."""
    at = request.session.get(STEP_UP_SESSION_KEY)
    return at is not None and time.time() - float(at) < settings.STEP_UP_SECONDS


def step_up_required(view: _View) -> _View:
    """Wrap a view that needs the user to confirm who they are just before (signing an agreement,
    changing their sign-in): without a step-up in the last STEP_UP_SECONDS, they are sent to
    confirm their password (and code) and then back to the page. Wrap the page that shows the
    action as well as the one that performs it, so that the form is posted within the window."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_stepped_up(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('directory:step_up')}?{query}")
        return view(request, *args, **kwargs)

    return cast(_View, wrapped)


def step_up(request: HttpRequest, *, password: str, code: str) -> None:
    """Confirm that the person at the keyboard is the signed-in user: their password, plus a code
    when they have an authenticator. Wrong passwords count towards the login lockout."""
    user: User = request.user  # type: ignore[assignment]
    checked = authenticate(request, username=user.get_username(), password=password)
    if checked is None or checked.pk != user.pk:
        raise DomainError(_("That password is not right."), field="password")
    if authenticator(user) is not None:
        if not code.strip():
            raise DomainError(_("Type the code from your authenticator app."), field="code")
        second_factor_verify(actor=user, code=code, purpose="step-up")
    request.session[STEP_UP_SESSION_KEY] = time.time()
    audit_record(actor=user, action="user.stepped_up", target=user)


# Sign-in events ----------------------------------------------------------------------------------
#
# The password step happens in Django's own views (our login page and the site administration's),
# and Django announces its outcome only through these auth signals: they are Django's interface
# for this, not a domain effect of ours, so the house rule against signals does not apply. The
# second factor is audited where it is checked (second_factor_verify).


def _on_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        # Django has just given the session a new key; the 12-hour limit counts from now.
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
    enrolled = authenticator(user) is not None
    audit_record(
        actor=user,
        action="user.logged_in",
        target=user,
        changes={"second_factor": "pending" if enrolled else "not enrolled"},
    )


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit_record(
        actor=None,
        action="user.login_failed",
        changes={"username": str(credentials.get("username", ""))[:150]},
    )


def connect_sign_in_audit() -> None:
    user_logged_in.connect(_on_logged_in, dispatch_uid="directory.audit_logged_in")
    user_login_failed.connect(_on_login_failed, dispatch_uid="directory.audit_login_failed")
