"""Writing a facility's entrance protocol: the keeper drafts the next version (from the version
in force, if any), writes its texts in each language, the measure of each search level with
its reason, and the default search level of each category of visitor, then publishes it. The
published version is in force (``selectors.protocol_in_force``); earlier versions stay
readable, and a published version never changes."""

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.manager import rewrite_lookup_key

from activity.errors import DomainError
from activity.services import audit_record
from activity.texts import texts_of
from activity.typing import User
from directory.models import Facility

from ..models import Category, EntranceProtocol, ProtocolMeasure, SearchLevel
from ..selectors import protocol_in_force

#: The protocol's texts, each written in every language (``visits.translation``).
TEXTS = ("summary", "may_carry", "monitoring_bodies", "emergency")
MEASURE_TEXTS = ("technique", "reason")


def _locked(protocol: EntranceProtocol) -> EntranceProtocol:
    return (
        EntranceProtocol.objects.select_for_update(of=("self",))
        .select_related("facility__administration")
        .get(pk=protocol.pk)
    )


def check_draft(protocol: EntranceProtocol) -> None:
    """A published version is what visitors acknowledged: it never changes."""
    if protocol.published_at is not None:
        raise DomainError(
            _("Version %(version)s is published and can no longer change. Start a new version.")
            % {"version": protocol.version}
        )


@transaction.atomic
def protocol_draft(*, actor: User, facility: Facility) -> EntranceProtocol:
    """Start the next version of the facility's protocol: a copy of the version in force,
    its measures included, or an empty one to write. One draft at a time."""
    # Locked so that two drafts started at once cannot draw the same number.
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    one_draft = _("A draft version already exists. Finish and publish it first.")
    if EntranceProtocol.objects.filter(facility=facility, published_at__isnull=True).exists():
        raise DomainError(one_draft)
    current = protocol_in_force(facility)
    last = EntranceProtocol.objects.filter(facility=facility).aggregate(v=Max("version"))["v"]
    texts: dict[str, Any] = texts_of(current, *TEXTS) if current else dict.fromkeys(TEXTS, "")
    levels: dict[str, int] = (
        {
            "organisation_level": current.organisation_level,
            "monitor_level": current.monitor_level,
            "expert_level": current.expert_level,
        }
        if current
        else {}
    )
    try:
        with transaction.atomic():
            protocol = EntranceProtocol.objects.create(
                facility=facility,
                version=(last or 0) + 1,
                created_by=actor,
                **texts,
                **levels,
            )
    except IntegrityError:
        raise DomainError(one_draft) from None
    if current is not None:
        ProtocolMeasure.objects.bulk_create(
            ProtocolMeasure(
                protocol=protocol, level=measure.level, **texts_of(measure, *MEASURE_TEXTS)
            )
            for measure in current.measures.all()
        )
    audit_record(
        actor=actor,
        action="entranceprotocol.created",
        target=protocol,
        changes={"version": protocol.version, "copied_from": current.version if current else None},
    )
    return protocol


@transaction.atomic
def protocol_update(
    *, actor: User, protocol: EntranceProtocol, data: dict[str, Any]
) -> EntranceProtocol:
    """Change the draft's texts (given by column: ``summary_en``…) and default search
    levels."""
    stored = _locked(protocol)
    check_draft(stored)
    changes = {
        key: [str(getattr(stored, key)), str(value)]
        for key, value in data.items()
        if getattr(stored, key) != value
    }
    for key, value in data.items():
        setattr(stored, key, value)
    stored.save(update_fields=sorted({rewrite_lookup_key(EntranceProtocol, key) for key in data}))
    if changes:
        audit_record(
            actor=actor,
            action="entranceprotocol.updated",
            target=stored,
            changes={"fields": sorted(changes)},
        )
    return stored


@transaction.atomic
def measure_save(
    *, actor: User, protocol: EntranceProtocol, level: int, data: dict[str, Any]
) -> ProtocolMeasure:
    """Write what a search level of the draft involves and why it is used (by column:
    ``technique_en``, ``reason_en``…)."""
    protocol = _locked(protocol)
    check_draft(protocol)
    if level not in SearchLevel.values:
        raise DomainError(_("Choose a search level from the list."), field="level")
    measure = ProtocolMeasure.objects.filter(protocol=protocol, level=level).first()
    measure = measure or ProtocolMeasure(protocol=protocol, level=level)
    for key, value in data.items():
        setattr(measure, key, value)
    measure.save()
    audit_record(
        actor=actor,
        action="entranceprotocol.measure_saved",
        target=protocol,
        changes={"level": level},
    )
    return measure


@transaction.atomic
def measure_remove(*, actor: User, protocol: EntranceProtocol, level: int) -> None:
    """Take a search level's measure out of the draft."""
    protocol = _locked(protocol)
    check_draft(protocol)
    deleted, _rows = ProtocolMeasure.objects.filter(protocol=protocol, level=level).delete()
    if not deleted:
        raise DomainError(_("The draft has no measure for this search level."))
    audit_record(
        actor=actor,
        action="entranceprotocol.measure_removed",
        target=protocol,
        changes={"level": level},
    )


def _text_name(name: str) -> str:
    field = EntranceProtocol._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def publication_problems(protocol: EntranceProtocol) -> list[str]:
    """What keeps the draft from being published: its texts in the administration's main
    language, and a measure, with its reason, for each category's default search level."""
    problems: list[str] = []
    main = protocol.facility.administration.main_language
    missing = [
        _text_name(name)
        for name in TEXTS
        if not (getattr(protocol, f"{name}_{main}") or "").strip()
    ]
    if missing:
        problems.append(
            _("Write these texts in the administration's main language: %(texts)s.")
            % {"texts": ", ".join(missing)}
        )
    described = set(protocol.measures.values_list("level", flat=True))
    for category in Category:
        level = protocol.default_level(category)
        if level not in described:
            problems.append(
                _(
                    "%(category)s are searched by default with “%(level)s”: say what it "
                    "involves and why."
                )
                % {"category": category.label, "level": SearchLevel(level).label}
            )
    return problems


@transaction.atomic
def protocol_publish(*, actor: User, protocol: EntranceProtocol) -> EntranceProtocol:
    """Put the draft in force. The version in force until now stays readable; visitors
    acknowledge the new one before they next enter."""
    protocol = _locked(protocol)
    check_draft(protocol)
    problems = publication_problems(protocol)
    if problems:
        raise DomainError(" ".join(problems), reasons=problems)
    replaces = protocol_in_force(protocol.facility)
    protocol.published_at = timezone.now()
    protocol.published_by = actor
    protocol.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=actor,
        action="entranceprotocol.published",
        target=protocol,
        changes={"version": protocol.version, "replaces": replaces.version if replaces else None},
    )
    return protocol
