"""The clause library and the templates MoUs are drafted from.

The director keeps the administration's library. A clause is worded anew by adding a version: the
MoUs drafted from then on take it, the MoUs already drafted keep the version they hold, and no
version ever changes. Every template holds every mandatory clause of its administration.
"""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import audit_record
from activity.texts import in_each_language, language_name, text_columns
from activity.typing import User
from directory.models import Administration

from ..models import Clause, ClauseVersion, Template, TemplateClause

#: Texts in each language, as the forms give them: ``{"en": …, "es": …}``, blank where unwritten.
Texts = Mapping[str, str | None]


def _columns(name: str, texts: Texts) -> dict[str, str | None]:
    # A text left blank is stored as none, so that its readers see another language's.
    return text_columns(name, {code: (texts.get(code) or "").strip() or None for code in texts})


def _require_main_text(obj: Model, name: str, administration: Administration) -> None:
    main = administration.main_language
    if not getattr(obj, f"{name}_{main}", None):
        raise DomainError(
            _("Write it in %(language)s, the administration's main language.")
            % {"language": language_name(main)},
            field=f"{name}_{main}",
        )


def _changed(before: Model, after: Model, names: Iterable[str]) -> dict[str, list[object]]:
    return {
        name: [getattr(before, name), getattr(after, name)]
        for name in names
        if getattr(before, name) != getattr(after, name)
    }


def _join_every_template(clause: Clause) -> list[int]:
    """Append a mandatory clause to the administration's templates that lack it; their ids."""
    lacking = list(
        Template.objects.select_for_update()
        .filter(administration_id=clause.administration_id)
        .exclude(entries__clause=clause)
        .values_list("pk", flat=True)
    )
    last = dict(
        TemplateClause.objects.filter(template__in=lacking)
        .values("template")
        .annotate(last=Max("order"))
        .values_list("template", "last")
    )
    TemplateClause.objects.bulk_create(
        TemplateClause(template_id=pk, clause=clause, order=last.get(pk, 0) + 1) for pk in lacking
    )
    return lacking


@transaction.atomic
def clause_create(
    *,
    actor: User,
    administration: Administration,
    kind: str,
    mandatory: bool,
    titles: Texts,
    wordings: Texts,
) -> Clause:
    """Add a clause of a kind to the administration's library, with its first wording. A
    mandatory clause joins every template of the administration at its end."""
    # Locked as installing the library locks it, and so that the templates it joins hold still.
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    clause = Clause(
        administration=administration, kind=kind, mandatory=mandatory, **_columns("title", titles)
    )
    _require_main_text(clause, "title", administration)
    clause.full_clean()
    wording = _columns("wording", wordings)
    version = ClauseVersion(clause=clause, number=1, created_by=actor, **wording)
    _require_main_text(version, "wording", administration)
    version.full_clean(exclude=["clause"])
    clause.save()
    version.clause = clause
    version.save()
    joined = _join_every_template(clause) if mandatory else []
    audit_record(
        actor=actor,
        action="clause.created",
        target=clause,
        changes={"kind": kind, "mandatory": mandatory, "templates": joined},
    )
    return clause


@transaction.atomic
def clause_update(*, actor: User, clause: Clause, titles: Texts, mandatory: bool) -> Clause:
    """Rename a clause or make it mandatory or optional. A clause made mandatory joins every
    template that lacks it; MoUs in negotiation can no longer leave it out."""
    stored = Clause.objects.select_for_update().select_related("administration").get(pk=clause.pk)
    clause = Clause.objects.get(pk=stored.pk)
    for column, text in _columns("title", titles).items():
        setattr(clause, column, text)
    clause.mandatory = mandatory
    _require_main_text(clause, "title", stored.administration)
    clause.full_clean()
    changes = _changed(stored, clause, [*in_each_language("title"), "mandatory"])
    if not changes:
        raise DomainError(_("Nothing was changed."))
    clause.save(update_fields=[*in_each_language("title"), "mandatory"])
    details: dict[str, object] = dict(changes)
    if mandatory and not stored.mandatory:
        details["templates"] = _join_every_template(clause)
    audit_record(actor=actor, action="clause.updated", target=clause, changes=details)
    return clause


@transaction.atomic
def clause_reword(
    *, actor: User, clause: Clause, wordings: Texts, change_note: str
) -> ClauseVersion:
    """Word a clause anew: a new version, which the MoUs drafted from now on take. The MoUs
    already drafted keep the version they hold, and no version changes."""
    clause = Clause.objects.select_for_update().select_related("administration").get(pk=clause.pk)
    current = clause.versions.order_by("-number").first()
    version = ClauseVersion(
        clause=clause,
        number=(current.number if current else 0) + 1,
        change_note=change_note.strip(),
        created_by=actor,
        **_columns("wording", wordings),
    )
    _require_main_text(version, "wording", clause.administration)
    version.full_clean(exclude=["clause"], validate_unique=False, validate_constraints=False)
    if current is not None:
        if not _changed(current, version, in_each_language("wording")):
            raise DomainError(
                _("The wording is that of version %(number)s in every language: nothing to save.")
                % {"number": current.number}
            )
        if not version.change_note:
            raise DomainError(
                _("Say what changed, for those who compare the versions."), field="change_note"
            )
    version.save(force_insert=True)
    audit_record(
        actor=actor,
        action="clause.reworded",
        target=clause,
        changes={"version": version.number, "note": version.change_note},
    )
    return version


@transaction.atomic
def template_create(
    *,
    actor: User,
    administration: Administration,
    names: Texts,
    descriptions: Texts,
    active: bool = True,
) -> Template:
    """Add a template to the administration's library. It starts with every mandatory clause,
    in the order of their kinds; the optional ones are added to it afterwards."""
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    template = Template(
        administration=administration,
        active=active,
        **_columns("name", names),
        **_columns("description", descriptions),
    )
    _require_main_text(template, "name", administration)
    template.full_clean()
    template.save()
    mandatory = sorted(
        Clause.objects.filter(administration=administration, mandatory=True),
        key=lambda clause: (Clause.Kind.values.index(clause.kind), clause.pk),
    )
    TemplateClause.objects.bulk_create(
        TemplateClause(template=template, clause=clause, order=order)
        for order, clause in enumerate(mandatory, start=1)
    )
    audit_record(
        actor=actor,
        action="template.created",
        target=template,
        changes={"clauses": [clause.pk for clause in mandatory], "active": active},
    )
    return template


@transaction.atomic
def template_update(
    *, actor: User, template: Template, names: Texts, descriptions: Texts, active: bool
) -> Template:
    """Rename a template, describe it, offer it for new MoUs or stop offering it. MoUs already
    drafted from it are not affected."""
    stored = (
        Template.objects.select_for_update().select_related("administration").get(pk=template.pk)
    )
    template = Template.objects.get(pk=stored.pk)
    texts = {**_columns("name", names), **_columns("description", descriptions)}
    for column, text in texts.items():
        setattr(template, column, text)
    template.active = active
    _require_main_text(template, "name", stored.administration)
    template.full_clean()
    changes = _changed(stored, template, [*texts, "active"])
    if not changes:
        raise DomainError(_("Nothing was changed."))
    template.save(update_fields=[*texts, "active"])
    audit_record(actor=actor, action="template.updated", target=template, changes=changes)
    return template


def _locked_template(template: Template) -> Template:
    return Template.objects.select_for_update().get(pk=template.pk)


@transaction.atomic
def template_clause_add(*, actor: User, template: Template, clause: Clause) -> TemplateClause:
    """Add a clause of the administration's library at the end of the template."""
    template = _locked_template(template)
    if clause.administration_id != template.administration_id:
        raise DomainError(_("Choose a clause of the administration's library."), field="clause")
    if template.entries.filter(clause=clause).exists():
        raise DomainError(
            _("“%(clause)s” is in the template already.") % {"clause": clause.title},
            field="clause",
        )
    last = template.entries.aggregate(last=Max("order"))["last"] or 0
    entry = TemplateClause.objects.create(template=template, clause=clause, order=last + 1)
    audit_record(
        actor=actor, action="template.clause_added", target=template, changes={"clauses": clause.pk}
    )
    return entry


def _entry(template: Template, clause: Clause) -> TemplateClause:
    entry = template.entries.filter(clause=clause).select_related("clause").first()
    if entry is None:
        raise DomainError(_("“%(clause)s” is not in the template.") % {"clause": clause.title})
    return entry


@transaction.atomic
def template_clause_remove(*, actor: User, template: Template, clause: Clause) -> None:
    """Take an optional clause out of the template. A mandatory clause is in every template."""
    template = _locked_template(template)
    entry = _entry(template, clause)
    if entry.clause.mandatory:
        raise DomainError(
            _(
                "“%(clause)s” is mandatory: every template has it. Make it optional first if "
                "MoUs may do without it."
            )
            % {"clause": entry.clause.title}
        )
    entry.delete()
    audit_record(
        actor=actor,
        action="template.clause_removed",
        target=template,
        changes={"clauses": clause.pk},
    )


@transaction.atomic
def template_clause_move(*, actor: User, template: Template, clause: Clause, up: bool) -> None:
    """Move a clause of the template one place up or down: it changes places with its
    neighbour. MoUs drafted from then on number their clauses in the new order."""
    template = _locked_template(template)
    entry = _entry(template, clause)
    entries = list(template.entries.order_by("order"))
    position = next(i for i, e in enumerate(entries) if e.pk == entry.pk)
    other = position - 1 if up else position + 1
    if not 0 <= other < len(entries):
        raise DomainError(
            (_("“%(clause)s” is first already.") if up else _("“%(clause)s” is last already."))
            % {"clause": entry.clause.title}
        )
    neighbour = entries[other]
    # Each order is the template's once: one of the two waits outside the range meanwhile.
    mine, theirs = entry.order, neighbour.order
    entry.order = entries[-1].order + 1
    entry.save(update_fields=["order"])
    neighbour.order = mine
    neighbour.save(update_fields=["order"])
    entry.order = theirs
    entry.save(update_fields=["order"])
    audit_record(
        actor=actor,
        action="template.reordered",
        target=template,
        changes={"clauses": clause.pk, "position": other + 1},
    )
