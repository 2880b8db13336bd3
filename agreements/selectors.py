"""Reads of agreements: whether an MoU is in force, its terms in words, its clauses as the
parties read them, and the redline between two versions.

Visits and recommendations import only this module and the models of agreements."""

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from accreditation.models import Accreditation
from accreditation.selectors import accreditation_in_force, cleared_people
from activity.panels import Panel
from activity.texts import LANGUAGE_CODES, language_name
from activity.typing import AnyUser
from directory.models import ActivityType, Area, Facility, Organisation, Person, Role
from directory.permissions import administration_ids, organisation_ids, roles

from .models import (
    VARIABLE_PATTERN,
    Agreement,
    AgreementClause,
    AgreementTranslation,
    AgreementVersion,
    Approval,
    Clause,
    ClauseVersion,
    Comment,
    Consultation,
    Equipment,
    Escort,
    PdfStatus,
    PeopleAnnex,
    Side,
    Template,
    TemplateClause,
    Variable,
    Weekday,
    fill_variables,
)
from .permissions import ADMINISTRATION_NEGOTIATORS, ORGANISATION_NEGOTIATORS
from .signing.verification import VerificationReport

# In force ---------------------------------------------------------------------------------------


def agreement_in_force(agreement: Agreement, on: date | None = None) -> bool:
    """An MoU is in force while it is signed, within its term, and the organisation's
    accreditation with the administration is in force: computed at the time of asking, so a
    suspended accreditation suspends the MoU at once and a reinstated one restores it."""
    on = on or timezone.localdate()
    return (
        agreement.is_within_term(on)
        and accreditation_in_force(agreement.organisation, agreement.administration, on) is not None
    )


def agreement_display_status(agreement: Agreement, on: date | None = None) -> str:
    """The status a person reads: a signed MoU whose term is over reads "Expired", one whose
    organisation's accreditation is not in force reads "Suspended"."""
    on = on or timezone.localdate()
    if agreement.status == Agreement.Status.SIGNED:
        if agreement.valid_until is not None and on > agreement.valid_until:
            return _("Expired")
        if not agreement_in_force(agreement, on):
            return _("Suspended: the organisation's accreditation is not in force")
        return _("In force")
    return str(agreement.get_status_display())


def accreditation_scope(agreement: Agreement) -> Accreditation | None:
    """The accreditation that bounds the MoU's terms: the organisation's, in force today."""
    return accreditation_in_force(agreement.organisation, agreement.administration)


# Terms in words ---------------------------------------------------------------------------------


def _join(items: list[str]) -> str:
    if not items:
        return _("none")
    # A comma as each language writes it between the items of a list.
    return _(", ").join(items)


def _area(area: Area) -> str:
    return f"{area.name} ({area.facility.name})"


def _yes_no(value: bool) -> str:
    return _("allowed") if value else _("not allowed")


def _date(value: date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else _("(to be agreed)")


@dataclass(frozen=True)
class _Terms:
    """The terms of an MoU with the names the words need: from the MoU as it stands, or from
    the terms a signed version recorded as data."""

    members: list[str]
    facilities: list[str]
    people: list[str]
    activities: list[str]
    permitted_areas: list[Area]
    forbidden_areas: list[Area]
    weekdays: list[int]
    day_starts: time
    day_ends: time
    visits_per_week: int
    visits_per_month: int
    equipment: list[str]
    escort: str
    private_interviews: bool
    photographs: bool
    response_days: int
    valid_from: date | None
    valid_until: date | None


def _current_terms(agreement: Agreement) -> _Terms:
    return _Terms(
        members=[o.name for o in agreement.member_organisations.all()],
        facilities=[f.name for f in agreement.facilities.all()],
        people=[person.full_name for person in agreement.people.all()],
        activities=[t.code for t in agreement.activity_types.all()],
        permitted_areas=list(agreement.permitted_areas.all()),
        forbidden_areas=list(agreement.forbidden_areas.all()),
        weekdays=agreement.weekdays,
        day_starts=agreement.day_starts,
        day_ends=agreement.day_ends,
        visits_per_week=agreement.visits_per_week,
        visits_per_month=agreement.visits_per_month,
        equipment=agreement.equipment,
        escort=agreement.escort,
        private_interviews=agreement.private_interviews,
        photographs=agreement.photographs,
        response_days=agreement.response_days,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
    )


def _recorded_terms(data: dict[str, Any]) -> _Terms:
    """The terms as ``terms_data`` recorded them, with today's names of what they name."""

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    def areas(pks: list[int]) -> list[Area]:
        return list(Area.objects.filter(pk__in=pks).select_related("facility"))

    return _Terms(
        members=list(
            Organisation.objects.filter(pk__in=data["member_organisations"]).values_list(
                "name", flat=True
            )
        ),
        facilities=list(
            Facility.objects.filter(pk__in=data["facilities"]).values_list("name", flat=True)
        ),
        people=list(
            Person.objects.filter(pk__in=data["people"]).values_list("full_name", flat=True)
        ),
        activities=list(data["activity_types"]),
        permitted_areas=areas(data["permitted_areas"]),
        forbidden_areas=areas(data["forbidden_areas"]),
        weekdays=list(data["weekdays"]),
        day_starts=time.fromisoformat(data["day_starts"]),
        day_ends=time.fromisoformat(data["day_ends"]),
        visits_per_week=data["visits_per_week"],
        visits_per_month=data["visits_per_month"],
        equipment=list(data["equipment"]),
        escort=data["escort"],
        private_interviews=data["private_interviews"],
        photographs=data["photographs"],
        response_days=data["response_days"],
        valid_from=day(data["valid_from"]),
        valid_until=day(data["valid_until"]),
    )


def _words(agreement: Agreement, terms: _Terms) -> dict[str, str]:
    return {
        Variable.ADMINISTRATION: agreement.administration.name,
        Variable.ORGANISATION: agreement.organisation.name,
        Variable.MEMBERS: _join(sorted(terms.members)),
        Variable.FACILITIES: _join(sorted(terms.facilities)),
        Variable.PEOPLE: _join(sorted(terms.people)),
        Variable.WEEKDAYS: _join([str(Weekday(day).label) for day in sorted(terms.weekdays)]),
        Variable.HOURS: _("%(start)s to %(end)s")
        % {"start": time_format(terms.day_starts), "end": time_format(terms.day_ends)},
        Variable.VISITS_PER_WEEK: str(terms.visits_per_week),
        Variable.VISITS_PER_MONTH: str(terms.visits_per_month),
        Variable.ESCORT: str(Escort(terms.escort).label),
        Variable.ACTIVITIES: _join(
            sorted(str(ActivityType.Code(code).label) for code in terms.activities)
        ),
        Variable.PRIVATE_INTERVIEWS: _yes_no(terms.private_interviews),
        Variable.PHOTOGRAPHS: _yes_no(terms.photographs),
        Variable.EQUIPMENT: _join([str(Equipment(item).label) for item in terms.equipment]),
        Variable.PERMITTED_AREAS: _join(sorted(_area(a) for a in terms.permitted_areas)),
        Variable.FORBIDDEN_AREAS: _join(sorted(_area(a) for a in terms.forbidden_areas)),
        Variable.RESPONSE_DAYS: str(terms.response_days),
        Variable.VALID_FROM: _date(terms.valid_from),
        Variable.VALID_UNTIL: _date(terms.valid_until),
    }


def term_values(agreement: Agreement) -> dict[str, str]:
    """Each variable of the clause wording, in the active language, from the MoU's terms.

    Reads the MoU's many-to-many terms: prefetch them (``AGREEMENT_TERM_PREFETCH``) when
    rendering several MoUs."""
    return _words(agreement, _current_terms(agreement))


def recorded_term_values(agreement: Agreement, data: dict[str, Any]) -> dict[str, str]:
    """Each variable of the clause wording, in the active language, from terms recorded as data
    (``terms_data``, as a version of the MoU keeps them): what a signed version said, whatever
    has changed since."""
    return _words(agreement, _recorded_terms(data))


def terms_data(agreement: Agreement) -> dict[str, Any]:
    """The terms as data, as embedded in the signed PDF and compared by the visits module:
    identifiers and codes, never words in one language."""
    return {
        "agreement": agreement.pk,
        "reference": agreement.reference,
        "administration": agreement.administration_id,
        "organisation": agreement.organisation_id,
        "member_organisations": sorted(o.pk for o in agreement.member_organisations.all()),
        "valid_from": agreement.valid_from.isoformat() if agreement.valid_from else None,
        "valid_until": agreement.valid_until.isoformat() if agreement.valid_until else None,
        "facilities": sorted(f.pk for f in agreement.facilities.all()),
        "permitted_areas": sorted(a.pk for a in agreement.permitted_areas.all()),
        "forbidden_areas": sorted(a.pk for a in agreement.forbidden_areas.all()),
        "people": sorted(p.pk for p in agreement.people.all()),
        "activity_types": sorted(t.code for t in agreement.activity_types.all()),
        "weekdays": sorted(agreement.weekdays),
        "day_starts": agreement.day_starts.isoformat(timespec="minutes"),
        "day_ends": agreement.day_ends.isoformat(timespec="minutes"),
        "visits_per_week": agreement.visits_per_week,
        "visits_per_month": agreement.visits_per_month,
        "equipment": sorted(agreement.equipment),
        "escort": agreement.escort,
        "private_interviews": agreement.private_interviews,
        "photographs": agreement.photographs,
        "response_days": agreement.response_days,
    }


# People ----------------------------------------------------------------------------------------


def people_who_may_be_named(agreement: Agreement) -> QuerySet[Person]:
    """The people the MoU may allow to enter, in its terms or by an annex: those of the
    organisation (and of the member organisations it covers) whom the administration has
    cleared today."""
    members = [o.pk for o in agreement.member_organisations.all()]
    organisations = [agreement.organisation_id, *members]
    return cleared_people(agreement.administration).filter(organisation__in=organisations)


def people_in_force_ids(agreement: Agreement, *, with_annex: PeopleAnnex | None = None) -> set[int]:
    """The ids of the people the MoU allows to enter: those its terms name, with the additions
    and removals of its signed people annexes, in their order. ``with_annex``: as they stand
    once that annex is signed (the annexes signed before it, then its own changes). Three
    queries, whatever the number of annexes."""
    people = set(
        Agreement.people.through.objects.filter(agreement=agreement).values_list(
            "person_id", flat=True
        )
    )
    signed = Q(peopleannex__agreement=agreement, peopleannex__status=PeopleAnnex.Status.SIGNED)
    if with_annex is not None:
        signed = (signed & Q(peopleannex__number__lt=with_annex.number)) | Q(peopleannex=with_annex)
    changes: list[tuple[int, bool, int]] = []
    for added, through in ((True, PeopleAnnex.added.through), (False, PeopleAnnex.removed.through)):
        changes.extend(
            (number, added, person)
            for number, person in through.objects.filter(signed).values_list(
                "peopleannex__number", "person_id"
            )
        )
    # An annex never both adds and removes one person, so the order within it does not matter.
    for _number, added, person in sorted(changes):
        if added:
            people.add(person)
        else:
            people.discard(person)
    return people


def people_in_force(agreement: Agreement) -> QuerySet[Person]:
    """The people the MoU allows to enter today: its terms' people, with the changes of its
    signed people annexes. What the visits module checks a visitor against, together with the
    person's clearance on the day (``accreditation.selectors.cleared_people``) and whether the
    MoU is in force (``agreement_in_force``)."""
    return Person.objects.filter(pk__in=people_in_force_ids(agreement)).order_by("full_name")


def annex_data(annex: PeopleAnnex) -> dict[str, Any]:
    """The change an annex makes, as data, as embedded in its signed PDF: identifiers, never
    words in one language."""
    agreement = annex.agreement
    return {
        "agreement": agreement.pk,
        "reference": agreement.reference,
        "annex": annex.number,
        "administration": agreement.administration_id,
        "organisation": agreement.organisation_id,
        "added": sorted(person.pk for person in annex.added.all()),
        "removed": sorted(person.pk for person in annex.removed.all()),
    }


#: What to prefetch to list annexes with their people without a query per annex.
ANNEX_PEOPLE_PREFETCH = (
    Prefetch("added", queryset=Person.objects.order_by("full_name")),
    Prefetch("removed", queryset=Person.objects.order_by("full_name")),
)


#: What to prefetch to render the terms of MoUs without a query per MoU.
AGREEMENT_TERM_PREFETCH = (
    "member_organisations",
    "facilities",
    "people",
    "activity_types",
    "permitted_areas__facility",
    "forbidden_areas__facility",
)


# Clauses as the parties read them -------------------------------------------------------------


@dataclass(frozen=True)
class RenderedClause:
    clause: AgreementClause
    number: int
    title: str
    text: str


def rendered_clauses(agreement: Agreement) -> list[RenderedClause]:
    """The included clauses of the MoU, numbered, titled and with their variables filled from
    the terms, in the MoU's own language (whoever reads it: it is one document)."""
    clauses = list(
        agreement.clauses.filter(included=True)
        .select_related("clause_version__clause")
        .order_by("order")
    )
    with translation.override(agreement.language):
        values = term_values(agreement)
        return [
            RenderedClause(
                clause=clause,
                number=number,
                title=clause.clause_version.clause.title,
                text=fill_variables(clause.wording, values),
            )
            for number, clause in enumerate(clauses, start=1)
        ]


# Copies of a signed MoU in other languages ------------------------------------------------------


def language_is_bidi(code: str) -> bool:
    return bool(translation.get_language_info(code)["bidi"])


@dataclass(frozen=True)
class TranslatedClause:
    number: int
    title: str
    #: The wording in the copy's language, the terms filled in; empty when there is none.
    text: str
    #: The clause as the signed version states it, in the MoU's language.
    original: str


def translated_clauses(
    agreement: Agreement, version: AgreementVersion, language: str, values: dict[str, str]
) -> list[TranslatedClause]:
    """The clauses of the signed version, numbered as signed, in ``language``: the wording of
    the library version each was drafted from, in that language only, its variables filled with
    ``values`` (the signed terms in that language). A clause has no wording in the language when
    the library has none, or when the parties changed the library's words in negotiation (nobody
    translated theirs); its ``text`` is then empty, for the copy to say so and quote the
    original."""
    drafted = {
        clause.clause_version.clause_id: clause
        for clause in agreement.clauses.filter(included=True).select_related(
            "clause_version__clause"
        )
    }
    wording_field = build_localized_fieldname("wording", language)
    title_field = build_localized_fieldname("title", language)
    with translation.override(language):
        translated: list[TranslatedClause] = []
        for number, signed in enumerate(version.content["clauses"], start=1):
            clause = drafted.get(signed["clause"])
            text = ""
            title = str(Clause.Kind(signed["kind"]).label)
            if clause is not None:
                library = clause.clause_version
                title = getattr(library.clause, title_field) or title
                if clause.wording == wording_in(library, agreement.language):
                    text = fill_variables(getattr(library, wording_field) or "", values)
            translated.append(TranslatedClause(number, title, text, signed["text"]))
    return translated


@dataclass(frozen=True)
class LanguageCopy:
    """A language a signed MoU can be read in besides its own, and its copy if asked for."""

    language: str
    name: str
    copy: AgreementTranslation | None


def translation_copies(agreement: Agreement) -> list[LanguageCopy]:
    """The languages a signed MoU may be copied into, the administration's main language first
    (its copy is made at the signature), then the others in the deployment's order; none
    before the MoU is signed."""
    if agreement.signed_at is None:
        return []
    copies = {copy.language: copy for copy in agreement.translations.all()}
    main = agreement.administration.main_language
    languages = sorted(
        (code for code, _name in settings.LANGUAGES if code != agreement.language),
        key=lambda code: code != main,
    )
    return [LanguageCopy(code, language_name(code), copies.get(code)) for code in languages]


def snapshot(agreement: Agreement) -> dict[str, Any]:
    """What a version records: each clause's rendered text and status, and the terms."""
    return {
        "clauses": [
            {
                "clause": item.clause.clause_version.clause_id,
                "kind": item.clause.clause_version.clause.kind,
                "title": item.title,
                "text": item.text,
                "status": item.clause.status,
            }
            for item in rendered_clauses(agreement)
        ],
        "terms": terms_data(agreement),
    }


# Redline ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fragment:
    text: str
    change: str  # "", "added" or "removed"


@dataclass(frozen=True)
class ClauseChange:
    title: str
    change: str  # "", "added", "removed" or "changed"
    fragments: list[Fragment]


_WORDS = re.compile(r"\s+|[^\s]+")


def redline(older: AgreementVersion, newer: AgreementVersion) -> list[ClauseChange]:
    """The clauses of ``newer`` compared with ``older``, word by word: each clause marked as
    added, removed, changed or the same, and within it the words added and removed."""
    before = {item["clause"]: item for item in older.content["clauses"]}
    after = {item["clause"]: item for item in newer.content["clauses"]}
    changes: list[ClauseChange] = []
    for item in newer.content["clauses"]:
        old = before.get(item["clause"])
        if old is None:
            changes.append(ClauseChange(item["title"], "added", [Fragment(item["text"], "added")]))
            continue
        fragments = word_diff(old["text"], item["text"])
        changed = any(fragment.change for fragment in fragments)
        changes.append(ClauseChange(item["title"], "changed" if changed else "", fragments))
    for item in older.content["clauses"]:
        if item["clause"] not in after:
            changes.append(
                ClauseChange(item["title"], "removed", [Fragment(item["text"], "removed")])
            )
    return changes


def word_diff(old: str, new: str) -> list[Fragment]:
    """``new`` compared with ``old`` word by word: the words kept, removed and added."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    fragments: list[Fragment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            fragments.append(Fragment("".join(a[i1:i2]), ""))
            continue
        if op in ("delete", "replace"):
            fragments.append(Fragment("".join(a[i1:i2]), "removed"))
        if op in ("insert", "replace"):
            fragments.append(Fragment("".join(b[j1:j2]), "added"))
    return fragments


# The clause library and the templates ---------------------------------------------------------


def _count(rows: QuerySet[Any], per: str, counted: str = "pk") -> Coalesce:
    """How many distinct ``counted`` of ``rows`` (filtered on an ``OuterRef``), as a subquery
    grouped by ``per``: no join that would multiply the outer rows, no query per row."""
    counts = rows.order_by().values(per).annotate(n=Count(counted, distinct=True)).values("n")
    return Coalesce(Subquery(counts), 0)


def _current_number(clause: OuterRef) -> Subquery:
    """The number of the clause's version in use: its latest."""
    latest = ClauseVersion.objects.filter(clause=clause).order_by("-number")
    return Subquery(latest.values("number")[:1])


def _in_kind_order() -> Case:
    return Case(
        *(When(kind=kind, then=position) for position, kind in enumerate(Clause.Kind.values)),
        default=len(Clause.Kind.values),
    )


def clause_library(clauses: QuerySet[Clause]) -> QuerySet[Clause]:
    """The clauses in the order of their kinds, each with its current version's number
    (``current``) and how many MoUs hold a version of it (``mou_count``): one query."""
    return clauses.annotate(
        current=_current_number(OuterRef("pk")),
        mou_count=_count(
            AgreementClause.objects.filter(clause_version__clause=OuterRef("pk")),
            "clause_version__clause",
            "agreement",
        ),
        kind_order=_in_kind_order(),
    ).order_by("kind_order", "id")


def clause_history(clause: Clause) -> list[ClauseVersion]:
    """The clause's versions, the newest first, each with who wrote it and how many MoUs hold
    it (``mou_count``)."""
    return list(
        clause.versions.select_related("created_by")
        .annotate(
            mou_count=_count(
                AgreementClause.objects.filter(clause_version=OuterRef("pk")),
                "clause_version",
                "agreement",
            )
        )
        .order_by("-number")
    )


@dataclass(frozen=True)
class WordingText:
    language: str
    name: str
    #: Written right to left.
    bidi: bool
    #: The text written in this language, or "" where readers see another language's.
    text: str


def wording_texts(version: ClauseVersion) -> list[WordingText]:
    """The version's wording in each language the deployment offers, as written."""
    return [
        WordingText(
            code,
            language_name(code),
            translation.get_language_info(code)["bidi"],
            getattr(version, f"wording_{code}") or "",
        )
        for code in LANGUAGE_CODES
    ]


def wording_in(version: ClauseVersion, language: str) -> str:
    """The wording readers of ``language`` see: theirs, or the first language that has one."""
    with translation.override(language):
        return str(version.wording)


def clause_variables(version: ClauseVersion) -> list[tuple[str, str]]:
    """The variables the wording names in any of its languages, with what each stands for, in
    the order of ``Variable``."""
    used: set[str] = set()
    for code in LANGUAGE_CODES:
        used.update(VARIABLE_PATTERN.findall(getattr(version, f"wording_{code}") or ""))
    return [(variable.value, str(variable.label)) for variable in Variable if variable in used]


def template_library(templates: QuerySet[Template]) -> QuerySet[Template]:
    """The templates, those offered for new MoUs first, each with how many clauses it holds
    (``clause_count``) and how many MoUs were drafted from it (``mou_count``): one query."""
    return templates.annotate(
        clause_count=_count(TemplateClause.objects.filter(template=OuterRef("pk")), "template"),
        mou_count=_count(Agreement.objects.filter(template=OuterRef("pk")), "template"),
    ).order_by("-active", "id")


def template_entries(template: Template) -> list[TemplateClause]:
    """The template's clauses in their order, each with its clause's current version number
    (``current``)."""
    return list(
        template.entries.select_related("clause")
        .annotate(current=_current_number(OuterRef("clause")))
        .order_by("order")
    )


def agreements_in_force(on: date | None = None) -> QuerySet[Agreement]:
    """MoUs in force on the day, as ``agreement_in_force`` says of one, in one query."""
    on = on or timezone.localdate()
    accredited = Accreditation.objects.filter(
        organisation=OuterRef("organisation"),
        decision__application__framework__administration=OuterRef("administration"),
        status=Accreditation.Status.ACTIVE,
        valid_from__lte=on,
        valid_until__gte=on,
    )
    return (
        Agreement.objects.within_term(on)
        .filter(Exists(accredited))
        .select_related("organisation", "administration")
    )


# The register, for the verification page -----------------------------------------------------


@dataclass(frozen=True)
class RegisterMatch:
    """How an uploaded PDF compares with the signed copies in the register: of an MoU, or of
    one of its people annexes."""

    #: The signed copy as the register keeps it.
    MATCHES = "matches"
    #: The copy the administration certified, since countersigned by the organisation.
    EARLIER = "earlier"
    #: A copy from the register, with something added to it after it was signed.
    ADDED_TO = "added_to"
    #: An unsigned copy in another language that the register made of a signed MoU.
    TRANSLATION = "translation"
    #: Not a copy of an MoU or annex in the register.
    NONE = "none"

    kind: str
    agreement: Agreement | None = None
    #: The MoU's status as the register has it today, for a copy of it or of its annex.
    status: str = ""
    #: The people annex the file is a copy of, if it is one.
    annex: PeopleAnnex | None = None
    #: The language of a translated copy.
    language: str = ""

    @property
    def document(self) -> Agreement | PeopleAnnex | None:
        """What the file is a copy of: the annex, or else the MoU."""
        return self.annex or self.agreement

    @property
    def language_name(self) -> str:
        return language_name(self.language) if self.language else ""

    @property
    def original_language_name(self) -> str:
        return language_name(self.agreement.language) if self.agreement else ""

    @property
    def countersigned(self) -> bool:
        """The register's copy carries the organisation's signature too."""
        document = self.document
        return document is not None and document.pdf_sha256 != document.pdf_certified_sha256


#: An annex's identifier: its MoU's reference, ``/A`` and its number.
_ANNEX_IDENTIFIER = re.compile(r"^(?P<reference>.+)/A(?P<number>[1-9][0-9]{0,4})$")


def _copies_named(identifier: str) -> list[Agreement | PeopleAnnex]:
    """The MoUs and annexes of the register with a signed copy that bear ``identifier``."""
    found: list[Agreement | PeopleAnnex] = list(
        Agreement.objects.filter(reference=identifier)
        .exclude(pdf_sha256="")
        .select_related("administration", "organisation")
    )
    annex = _ANNEX_IDENTIFIER.match(identifier)
    if annex is not None and int(annex["number"]) <= PeopleAnnex.MAX_NUMBER:
        found.extend(
            PeopleAnnex.objects.filter(
                agreement__reference=annex["reference"], number=int(annex["number"])
            )
            .exclude(pdf_sha256="")
            .select_related("agreement__administration", "agreement__organisation")
        )
    return found


def register_match(report: VerificationReport) -> RegisterMatch:
    """Find the MoU or people annex an uploaded PDF is a copy of: by the identifier its
    embedded data states, and then by the hash of the file against the signed copies the
    register keeps. An identifier alone proves nothing (anyone can write one), so an MoU or
    annex is named only when the file, or what its signatures cover, is one of its copies."""
    identifier = report.identifier
    if not identifier:
        return RegisterMatch(RegisterMatch.NONE)
    if not report.signed:
        return _translation_match(identifier, report.sha256)
    for document in _copies_named(identifier):
        kept = {document.pdf_sha256, document.pdf_certified_sha256}
        if report.sha256 == document.pdf_sha256:
            kind = RegisterMatch.MATCHES
        elif report.sha256 == document.pdf_certified_sha256:
            kind = RegisterMatch.EARLIER
        elif report.last_signed_sha256 in kept:
            kind = RegisterMatch.ADDED_TO
        else:
            continue
        annex = document if isinstance(document, PeopleAnnex) else None
        agreement = document.agreement if isinstance(document, PeopleAnnex) else document
        return RegisterMatch(kind, agreement, agreement_display_status(agreement), annex)
    return RegisterMatch(RegisterMatch.NONE)


def _translation_match(identifier: str, sha256: str) -> RegisterMatch:
    """A file without signatures is at best a translated copy the register made: recognised by
    the identifier it embeds and its hash, never as a signed original."""
    copy = (
        AgreementTranslation.objects.filter(
            agreement__reference=identifier, sha256=sha256, status=PdfStatus.READY
        )
        .select_related("agreement__administration", "agreement__organisation")
        .first()
    )
    if copy is None:
        return RegisterMatch(RegisterMatch.NONE)
    agreement = copy.agreement
    return RegisterMatch(
        RegisterMatch.TRANSLATION,
        agreement,
        agreement_display_status(agreement),
        language=copy.language,
    )


# Coordination map -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapCell:
    activity: ActivityType
    organisations: list[str]

    @property
    def is_gap(self) -> bool:
        return not self.organisations

    @property
    def is_overlap(self) -> bool:
        return len(self.organisations) > 1

    @property
    def names(self) -> str:
        return ", ".join(self.organisations)


@dataclass(frozen=True)
class MapRow:
    facility: Facility
    cells: list[MapCell]


def coordination_map(
    facilities: Sequence[Facility], activities: Sequence[ActivityType], on: date | None = None
) -> list[MapRow]:
    """Who does what where, from the MoUs in force: for each facility and activity, the
    organisations whose MoU covers both. An empty cell is a gap; a cell with several
    organisations may be a duplication to coordinate. Three queries, whatever the size."""
    # The MoUs naming these facilities first, from the facility's index; then which of them are
    # in force: the check of each one's accreditation runs for those alone, not for every MoU.
    # The later queries name these MoUs by the same subquery rather than by a list of their
    # hundreds of ids, which Django would prepare one by one.
    links = Agreement.facilities.through.objects.filter(
        facility__in=[facility.pk for facility in facilities]
    )
    named: dict[int, set[int]] = {}
    for agreement_id, facility_id in links.values_list("agreement_id", "facility_id"):
        named.setdefault(agreement_id, set()).add(facility_id)
    names = dict(
        agreements_in_force(on)
        .filter(pk__in=links.values("agreement_id"))
        .values_list("pk", "organisation__name")
    )
    cells: dict[tuple[int, int], set[str]] = {}
    for agreement_id, activity_id in Agreement.activity_types.through.objects.filter(
        agreement__in=links.values("agreement_id")
    ).values_list("agreement_id", "activitytype_id"):
        if agreement_id not in names:
            continue  # not in force
        for facility_id in named[agreement_id]:
            cells.setdefault((facility_id, activity_id), set()).add(names[agreement_id])
    return [
        MapRow(
            facility,
            [
                MapCell(activity, sorted(cells.get((facility.pk, activity.pk), set())))
                for activity in activities
            ],
        )
        for facility in facilities
    ]


# The dashboard ----------------------------------------------------------------------------------

#: How many MoUs the dashboard names; the list has them all.
AGREEMENTS_ON_DASHBOARD = 10


@dataclass(frozen=True)
class WaitingMou:
    agreement: Agreement
    reason: str


def _waiting_for_side(agreements: QuerySet[Agreement], side: str) -> list[WaitingMou]:
    """The MoUs waiting on ``side``, newest first, at most ``AGREEMENTS_ON_DASHBOARD``: a comment
    of the other side to answer, an agreed text to approve, for the organisation a text to
    countersign. Each reason is a query of its own over the MoUs in its statuses, which the
    database answers from the newest MoUs alone: one query joining the reasons by OR would read
    every comment of every MoU."""
    awaiting = Comment.objects.filter(internal=False, answered_at__isnull=True).exclude(side=side)
    # The approval of the latest version, the one agreed: an earlier round's does not count.
    latest = AgreementVersion.objects.filter(agreement=OuterRef(OuterRef("pk"))).order_by("-number")
    approved = Approval.objects.filter(
        agreement=OuterRef("pk"), side=side, version=Subquery(latest.values("pk")[:1])
    )
    # What the panel shows of each: its title, organisation and link.
    newest = (
        agreements.select_related("organisation")
        .only("pk", "title", "created_at", "organisation__name")
        .order_by("-created_at", "-id")
    )
    reasons = [
        (
            _("A comment awaits your answer"),
            newest.filter(
                Exists(awaiting.filter(clause__agreement=OuterRef("pk"))),
                status__in=Agreement.NEGOTIABLE_STATUSES,
            ),
        ),
        (
            _("The agreed text awaits your side's approval"),
            newest.filter(~Exists(approved), status=Agreement.Status.AGREED),
        ),
    ]
    # A people annex awaits the director's signature first, then the organisation's.
    annex_to_sign = PeopleAnnex.objects.filter(
        agreement=OuterRef("pk"),
        status=PeopleAnnex.Status.DRAFT
        if side == Side.ADMINISTRATION
        else PeopleAnnex.Status.CERTIFIED,
    )
    reasons.append(
        (_("A people annex awaits your side's signature"), newest.filter(Exists(annex_to_sign)))
    )
    if side == Side.ORGANISATION:
        # Only the organisation countersigns a certified MoU.
        reasons.append(
            (
                _("Awaiting the organisation's signature"),
                newest.filter(status=Agreement.Status.CERTIFIED),
            )
        )
    waiting: dict[int, WaitingMou] = {}
    for reason, queryset in reasons:
        for agreement in queryset[:AGREEMENTS_ON_DASHBOARD]:
            # A comment to answer comes first: the text cannot be approved before.
            waiting.setdefault(agreement.pk, WaitingMou(agreement, reason))
    return _newest(waiting.values())


def _newest(waiting: Iterable[WaitingMou]) -> list[WaitingMou]:
    return sorted(
        waiting, key=lambda item: (item.agreement.created_at, item.agreement.pk), reverse=True
    )[:AGREEMENTS_ON_DASHBOARD]


def waiting_on(user: AnyUser) -> list[WaitingMou]:
    """The MoUs waiting on the user's side: comments to answer, an agreed text to approve, a
    text or a people annex to sign; at most ``AGREEMENTS_ON_DASHBOARD``, the newest first."""
    waiting: list[WaitingMou] = []
    administrations = administration_ids(user, ADMINISTRATION_NEGOTIATORS)
    if administrations:
        waiting += _waiting_for_side(
            Agreement.objects.filter(administration__in=administrations), Side.ADMINISTRATION
        )
    organisations = organisation_ids(user, ORGANISATION_NEGOTIATORS)
    if organisations:
        waiting += _waiting_for_side(
            Agreement.objects.filter(organisation__in=organisations).exclude(
                status=Agreement.Status.DRAFT, started_by_side=Side.ADMINISTRATION
            ),
            Side.ORGANISATION,
        )
    return _newest(waiting)


def dashboard_panels(user: AnyUser) -> list[Panel]:
    """Agreements' panel: the MoUs waiting on the user, and the staff consultations that
    await their remarks."""
    if not user.is_authenticated:
        return []
    held = roles(user)
    negotiates = bool(held & {Role.DIRECTOR, Role.COORDINATOR, Role.NGO_ADMIN})
    # Only negotiators have MoUs waiting on them; only staff are consulted.
    waiting = waiting_on(user) if negotiates else []
    consultations = (
        list(
            Consultation.objects.filter(staff=user, answered_at__isnull=True).select_related(
                "agreement"
            )[:AGREEMENTS_ON_DASHBOARD]
        )
        if held - {Role.NGO_ADMIN, Role.NGO_MEMBER, Role.MONITOR}
        else []
    )
    if not (waiting or consultations or negotiates):
        return []
    return [
        Panel(
            "agreements/panels/waiting.html",
            {"waiting": waiting, "consultations": consultations},
            order=20,
        )
    ]
