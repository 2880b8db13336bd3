"""Publishing the accreditation rules."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.manager import rewrite_lookup_key

from activity.errors import DomainError
from activity.services import audit_record
from activity.texts import LANGUAGE_CODES, text_columns, texts_of
from activity.transitions import change_state, transition
from activity.typing import User
from directory.models import Administration

from .. import selectors
from ..models import Criterion, Framework, Level

# What a level means: one text (in the language being used), or one per language.
LevelText = str | Mapping[str, str]


def in_each_language(text: Promise) -> dict[str, str]:
    """A text of the application's own (a default criterion), in every language whose catalogue
    translates it; languages without a translation are left to fall back."""
    with translation.override(settings.LANGUAGE_CODE):
        source = str(text)
    texts = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            translated = str(text)
        if code == settings.LANGUAGE_CODE or translated != source:
            texts[code] = translated
    return texts


def _level(criterion: Criterion, score: int, text: LevelText) -> Level:
    level = Level(criterion=criterion, score=score)
    if isinstance(text, str):
        level.description = text  # the language being used
    else:
        for code, value in text.items():
            setattr(level, f"description_{code}", value or None)
    return level


def default_criteria() -> list[dict[str, Any]]:
    """The criteria the working paper quotes from the Commonwealth Human Rights Initiative, with
    a five-level scale, in every language the catalogues translate them into. Texts are given
    as columns (``name_en``…) and levels as ``(score, {language: meaning})``."""
    _ = gettext_lazy
    scale = [
        (0, _("No evidence")),
        (1, _("Weak: little or unconvincing evidence")),
        (2, _("Adequate: meets the basic expectation")),
        (3, _("Good: clear and consistent evidence")),
        (4, _("Excellent: strong, verified evidence")),
    ]
    specs = [
        (
            "knowledge",
            _("Knowledge"),
            _(
                "Knowledge of the prison system, of the rights of people deprived of liberty "
                "and of the international standards (Nelson Mandela Rules, Bangkok Rules)."
            ),
            _("Training records, publications, CVs of the people who will enter."),
            2,
            None,
        ),
        (
            "expertise",
            _("Expertise"),
            _("Professional expertise in the activities proposed (education, health, legal aid…)."),
            _("Qualifications and licences of the staff; description of the methodology."),
            2,
            None,
        ),
        (
            "performance",
            _("Performance"),
            _("Results achieved in comparable projects, inside or outside prisons."),
            _("Evaluation reports, annual reports."),
            1,
            None,
        ),
        (
            "track-record",
            _("Track record"),
            _("Years of lawful operation and history of work with public institutions."),
            _("Certificate of legal registration; letters from institutions worked with."),
            2,
            1,
        ),
        (
            "commitment",
            _("Commitment level"),
            _("Commitment to a continued presence: regularity, duration and continuity plan."),
            _("Work plan and continuity plan."),
            1,
            None,
        ),
        (
            "funds",
            _("Availability of funds"),
            _("Funding secured for the period, so that the work does not stop half way."),
            _("Budget, funding agreements, audited accounts."),
            1,
            1,
        ),
        (
            "reputation",
            _("Reputation for humanitarian work"),
            _("Standing among the people and communities served and among peers."),
            _("References from partner organisations, public bodies or donors."),
            1,
            None,
        ),
    ]
    return [
        {
            "code": code,
            **text_columns("name", in_each_language(name)),
            **text_columns("description", in_each_language(description)),
            **text_columns("evidence", in_each_language(evidence)),
            "weight": weight,
            "minimum_score": minimum,
            "document_required": minimum is not None,
            "levels": [(score, in_each_language(text)) for score, text in scale],
        }
        for code, name, description, evidence, weight, minimum in specs
    ]


def level_texts(level: Level) -> dict[str, str]:
    """What a level means, in each language it is written in."""
    texts = {code: getattr(level, f"description_{code}") for code in LANGUAGE_CODES}
    return {code: text for code, text in texts.items() if text}


@transaction.atomic
def framework_create_draft(*, actor: User, administration: Administration) -> Framework:
    """Start the next version of the rules: a copy of the version in force, or the paper's
    criteria when there is none yet."""
    # The administration is locked, so that two drafts started at the same moment cannot both
    # find none and draw the same version number.
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    if Framework.objects.filter(
        administration=administration, status=Framework.Status.DRAFT
    ).exists():
        raise DomainError(_("A draft version already exists. Finish and publish it first."))
    current = selectors.framework_in_force(administration)
    last = Framework.objects.filter(administration=administration).aggregate(v=Max("version"))
    texts = (
        texts_of(current, "title", "introduction")
        if current
        else text_columns(
            "title", in_each_language(gettext_lazy("Accreditation criteria for organisations"))
        )
    )
    framework = Framework.objects.create(
        administration=administration,
        version=(last["v"] or 0) + 1,
        **texts,
        pass_threshold=current.pass_threshold if current else 60,
        validity_months=current.validity_months if current else 24,
        review_days=current.review_days if current else 30,
        spread_threshold=current.spread_threshold if current else 2,
        appeal_days=current.appeal_days if current else 30,
        reapply_after_days=current.reapply_after_days if current else 0,
    )
    specs: list[dict[str, Any]]
    if current:
        specs = [
            {
                "code": c.code,
                **texts_of(c, "name", "description", "evidence"),
                "weight": c.weight,
                "minimum_score": c.minimum_score,
                "document_required": c.document_required,
                "levels": [(lv.score, level_texts(lv)) for lv in c.levels.all()],
            }
            for c in current.criteria.prefetch_related("levels")
        ]
    else:
        specs = default_criteria()
    for order, spec in enumerate(specs, start=1):
        levels = spec.pop("levels")
        criterion = Criterion.objects.create(framework=framework, order=order, **spec)
        Level.objects.bulk_create(_level(criterion, score, text) for score, text in levels)
    audit_record(
        actor=actor,
        action="framework.created",
        target=framework,
        changes={"version": framework.version, "copied_from": current.version if current else None},
    )
    return framework


def check_editable(framework: Framework) -> None:
    """A published version is the law of the process: it never changes, a new version
    supersedes it."""
    if not framework.is_editable:
        raise DomainError(
            _("Version %(version)s is published and can no longer change. Start a new version.")
            % {"version": framework.version}
        )


@transaction.atomic
def framework_update(*, actor: User, framework: Framework, data: dict[str, Any]) -> None:
    # Compare with the row as stored (a bound model form has already changed ``framework``),
    # locked so that a publication cannot slip in between the check and the save.
    stored = Framework.objects.select_for_update().get(pk=framework.pk)
    check_editable(stored)
    changes = {
        k: [str(getattr(stored, k)), str(v)] for k, v in data.items() if getattr(stored, k) != v
    }
    for key, value in data.items():
        setattr(stored, key, value)
    stored.full_clean()
    # A translated text given by its plain name ("title") is the one in the language being used.
    stored.save(update_fields=[rewrite_lookup_key(Framework, key) for key in data])
    if changes:
        audit_record(actor=actor, action="framework.updated", target=stored, changes=changes)


@transaction.atomic
def criterion_save(
    *,
    actor: User,
    framework: Framework,
    data: dict[str, Any],
    levels: Sequence[tuple[int, LevelText]],
    criterion: Criterion | None = None,
) -> Criterion:
    """Add a criterion to a draft framework, or change one, with its anchored scale. What a
    level means is one text (in the language being used) or one per language."""
    # Locked as framework_publish locks it: a criterion cannot change while it is published.
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    check_editable(framework)
    if criterion is not None and criterion.framework_id != framework.pk:
        raise DomainError(_("This criterion is not part of these criteria."))
    if len(levels) < 2:
        raise DomainError(_("A scale needs at least two anchored levels."), field="levels")
    scores = [score for score, _text in levels]
    if len(set(scores)) != len(scores):
        raise DomainError(_("Each level of the scale needs its own score."), field="levels")
    minimum = data.get("minimum_score")
    if minimum is not None and minimum > max(scores):
        raise DomainError(
            _("The minimum score cannot be above the top of the scale (%(top)s).")
            % {"top": max(scores)},
            field="minimum_score",
        )
    if criterion is None:
        order = framework.criteria.aggregate(o=Max("order"))["o"] or 0
        criterion = Criterion(framework=framework, order=order + 1)
        action = "criterion.created"
    else:
        action = "criterion.updated"
    for key, value in data.items():
        setattr(criterion, key, value)
    criterion.full_clean()
    if action == "criterion.created":
        criterion.save()
    else:
        criterion.save(update_fields=[rewrite_lookup_key(Criterion, key) for key in data])
    criterion.levels.all().delete()
    Level.objects.bulk_create(_level(criterion, score, text) for score, text in levels)
    audit_record(
        actor=actor,
        action=action,
        target=criterion,
        changes={"framework": str(framework), "weight": criterion.weight, "levels": scores},
    )
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    check_editable(Framework.objects.select_for_update().get(pk=criterion.framework_id))
    audit_record(actor=actor, action="criterion.deleted", target=criterion)
    criterion.delete()


@transaction.atomic
def framework_publish(*, actor: User, framework: Framework) -> None:
    """Put a draft in force. The version in force until now is superseded; applications keep
    the version they were made under."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    check_editable(framework)
    problems = selectors.publication_problems(framework)
    if problems:
        raise DomainError(" ".join(problems))
    current = (
        Framework.objects.select_for_update()
        .filter(administration=framework.administration, status=Framework.Status.PUBLISHED)
        .first()
    )
    if current is not None:
        change_state(current, Framework.Status.SUPERSEDED, transitions=Framework.TRANSITIONS)
    framework.published_at = timezone.now()
    framework.published_by = actor  # type: ignore[assignment]
    transition(
        framework,
        Framework.Status.PUBLISHED,
        actor=actor,
        transitions=Framework.TRANSITIONS,
        extra_fields=("published_at", "published_by"),
        details={"version": framework.version, "replaces": current.version if current else None},
    )
