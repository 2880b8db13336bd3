"""The clause library and the MoU templates of an administration: the clauses by kind with
their versions and the words each version changed, new wording as a new version, and the
templates MoUs are drafted from. The director writes them, the coordinators read them; nobody
else sees them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.permissions import not_found
from activity.shortcuts import errors_text, run_action, run_service
from activity.texts import texts_of
from activity.typing import AuthenticatedRequest

from .. import permissions, selectors
from ..forms import (
    ClauseForm,
    NewClauseForm,
    TemplateClauseForm,
    TemplateForm,
    WordingForm,
    WordingRedlineForm,
)
from ..models import Clause, ClauseVersion, Template, Variable
from ..services import library as library_services


def _require_library(request: AuthenticatedRequest) -> None:
    # Outside an administration's staff, the library does not exist.
    if not permissions.can_view_library(request.user):
        raise not_found(request.user, "clause_library.view", None)


def _libraries(request: AuthenticatedRequest) -> list[tuple[object, bool]]:
    """The administrations whose library the user reads, and whether they write it."""
    return [
        (administration, permissions.can_change_library(request.user, administration))
        for administration in permissions.library_administrations_for_user(request.user)
    ]


# Clauses ----------------------------------------------------------------------------------------


@login_required
def clause_list(request: AuthenticatedRequest) -> HttpResponse:
    """Each library's clauses under their kinds, with the version in use and the MoUs that
    hold one of its versions."""
    _require_library(request)
    clauses = list(selectors.clause_library(permissions.clauses_for_user(request.user)))
    libraries = [
        (
            administration,
            editable,
            [
                (
                    kind,
                    label,
                    [c for c in clauses if (c.administration, c.kind) == (administration, kind)],
                )
                for kind, label in Clause.Kind.choices
            ],
        )
        for administration, editable in _libraries(request)
    ]
    return render(request, "agreements/library/clause_list.html", {"libraries": libraries})


def _comparison(request: AuthenticatedRequest, history: list[ClauseVersion]) -> dict[str, object]:
    """The words one version changed from another, in one language: by default the current
    version against the one before, in the reader's language."""
    versions = {version.number: version for version in history}
    numbers = sorted(versions)
    if len(numbers) < 2:
        return {}
    initial = {
        "older": numbers[-2],
        "newer": numbers[-1],
        "language": translation.get_language(),
    }
    form = WordingRedlineForm(request.GET or initial, numbers=numbers)
    if not form.is_valid():
        return {"compare_form": form}
    language = form.cleaned_data["language"]
    return {
        "compare_form": form,
        "compare_language": translation.get_language_info(language),
        "fragments": selectors.word_diff(
            selectors.wording_in(versions[form.cleaned_data["older"]], language),
            selectors.wording_in(versions[form.cleaned_data["newer"]], language),
        ),
    }


@login_required
def clause_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clause = permissions.get_clause_for_user(request.user, pk)
    history = selectors.clause_history(clause)
    current = history[0] if history else None
    context = {
        "clause": clause,
        "actions": permissions.clause_actions(request.user, clause),
        "current": current,
        "texts": selectors.wording_texts(current) if current else [],
        "variables": selectors.clause_variables(current) if current else [],
        "history": history,
        "templates": list(clause.templates.order_by("-active", "id")),
        **_comparison(request, history),
    }
    return render(request, "agreements/library/clause_detail.html", context)


@login_required
def clause_create(request: AuthenticatedRequest, administration: int) -> HttpResponse:
    library = permissions.get_library_for_user(request.user, administration, action="change")
    data = request.POST if request.method == "POST" else None
    form = NewClauseForm(
        data, instance=Clause(administration=library), initial={"kind": request.GET.get("kind")}
    )
    first = ClauseVersion(clause=Clause(administration=library))
    wording = WordingForm(data, instance=first, first=True)
    if data is not None and all([form.is_valid(), wording.is_valid()]):
        done, clause = run_service(
            form,
            lambda: library_services.clause_create(
                actor=request.user,
                administration=library,
                kind=form.cleaned_data["kind"],
                mandatory=form.cleaned_data["mandatory"],
                titles=form.texts("title"),
                wordings=wording.texts("wording"),
            ),
        )
        if done and clause is not None:
            messages.success(request, _("“%(clause)s” is in the library.") % {"clause": clause})
            return redirect(clause)
    context = {
        "form": form,
        "wording": wording,
        "administration": library,
        "variables": Variable.choices,
    }
    return render(request, "agreements/library/clause_create.html", context)


@login_required
def clause_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    clause = permissions.get_clause_for_user(request.user, pk, action="change")
    title = _("Change the clause “%(clause)s”") % {"clause": clause.title}
    form = ClauseForm(request.POST or None, instance=clause)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: library_services.clause_update(
                actor=request.user,
                clause=clause,
                titles=form.texts("title"),
                mandatory=form.cleaned_data["mandatory"],
            ),
        )
        if done:
            messages.success(request, _("The clause is saved."))
            return redirect("agreements:clause_detail", pk)
    context = {"form": form, "title": title, "back": reverse("agreements:clause_detail", args=[pk])}
    return render(request, "agreements/library/text_form.html", context)


@login_required
def clause_reword(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A new version of the clause's wording, starting from the current one."""
    clause = permissions.get_clause_for_user(request.user, pk, action="change")
    current = clause.versions.order_by("-number").first()
    form = WordingForm(
        request.POST or None,
        instance=ClauseVersion(clause=clause),
        initial=texts_of(current, "wording") if current else None,
    )
    if request.method == "POST" and form.is_valid():
        done, version = run_service(
            form,
            lambda: library_services.clause_reword(
                actor=request.user,
                clause=clause,
                wordings=form.texts("wording"),
                change_note=form.cleaned_data["change_note"],
            ),
        )
        if done and version is not None:
            messages.success(
                request,
                _(
                    "Version %(number)s is the wording of new MoUs. The MoUs already drafted "
                    "keep the version they hold."
                )
                % {"number": version.number},
            )
            return redirect(clause)
    context = {
        "form": form,
        "clause": clause,
        "current": current,
        "variables": Variable.choices,
    }
    return render(request, "agreements/library/clause_reword.html", context)


# Templates --------------------------------------------------------------------------------------


@login_required
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_library(request)
    templates = list(selectors.template_library(permissions.templates_for_user(request.user)))
    libraries = [
        (administration, editable, [t for t in templates if t.administration == administration])
        for administration, editable in _libraries(request)
    ]
    return render(request, "agreements/library/template_list.html", {"libraries": libraries})


@login_required
def template_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = permissions.get_template_for_user(request.user, pk)
    actions = permissions.template_actions(request.user, template)
    context = {
        "template": template,
        "actions": actions,
        "entries": selectors.template_entries(template),
        "add_form": TemplateClauseForm(template=template) if actions.edit else None,
    }
    return render(request, "agreements/library/template_detail.html", context)


def _template_page(
    request: AuthenticatedRequest, template: Template, title: str, back: str
) -> HttpResponse:
    """Create or change a template: its name and description in each language, and whether
    it is offered for new MoUs."""
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        names, descriptions = form.texts("name"), form.texts("description")
        active = form.cleaned_data["active"]
        done, saved = run_service(
            form,
            lambda: (
                library_services.template_update(
                    actor=request.user,
                    template=template,
                    names=names,
                    descriptions=descriptions,
                    active=active,
                )
                if template.pk
                else library_services.template_create(
                    actor=request.user,
                    administration=template.administration,
                    names=names,
                    descriptions=descriptions,
                    active=active,
                )
            ),
        )
        if done and saved is not None:
            messages.success(request, _("The template is saved."))
            return redirect(saved)
    context = {"form": form, "title": title, "back": back}
    return render(request, "agreements/library/text_form.html", context)


@login_required
def template_create(request: AuthenticatedRequest, administration: int) -> HttpResponse:
    library = permissions.get_library_for_user(request.user, administration, action="change")
    title = _("New MoU template")
    back = reverse("agreements:template_list")
    return _template_page(request, Template(administration=library), title, back)


@login_required
def template_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = permissions.get_template_for_user(request.user, pk, action="change")
    title = _("Change the template “%(template)s”") % {"template": template.name}
    return _template_page(request, template, title, template.get_absolute_url())


@login_required
@require_POST
def template_clause_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    template = permissions.get_template_for_user(request.user, pk, action="change")
    form = TemplateClauseForm(request.POST, template=template)
    if form.is_valid():
        clause = form.cleaned_data["clause"]
        done, _result = run_service(
            form,
            lambda: library_services.template_clause_add(
                actor=request.user, template=template, clause=clause
            ),
        )
        if done:
            messages.success(
                request, _("“%(clause)s” is added at the end.") % {"clause": clause.title}
            )
            return redirect(template)
    messages.error(request, errors_text(form))
    return redirect(template)


def _template_and_clause(
    request: AuthenticatedRequest, pk: int, clause: int
) -> tuple[Template, Clause]:
    template = permissions.get_template_for_user(request.user, pk, action="change")
    return template, permissions.get_clause_for_user(request.user, clause)


@login_required
@require_POST
def template_clause_remove(request: AuthenticatedRequest, pk: int, clause: int) -> HttpResponse:
    template, chosen = _template_and_clause(request, pk, clause)
    run_action(
        request,
        lambda: library_services.template_clause_remove(
            actor=request.user, template=template, clause=chosen
        ),
        _("“%(clause)s” is taken out of the template.") % {"clause": chosen.title},
    )
    return redirect(template)


@login_required
@require_POST
def template_clause_move(request: AuthenticatedRequest, pk: int, clause: int) -> HttpResponse:
    template, chosen = _template_and_clause(request, pk, clause)
    up = request.POST.get("direction") != "down"
    run_action(
        request,
        lambda: library_services.template_clause_move(
            actor=request.user, template=template, clause=chosen, up=up
        ),
        _("“%(clause)s” is moved up.") % {"clause": chosen.title}
        if up
        else _("“%(clause)s” is moved down.") % {"clause": chosen.title},
    )
    return redirect(f"{template.get_absolute_url()}#clause-{chosen.pk}")
