"""Writing and publishing the accreditation rules: the director writes, coordinators and
reviewers read. A published version never changes."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activity.errors import DomainError
from activity.paging import keyset_page
from activity.permissions import deny
from activity.shortcuts import errors_text, run_service
from activity.typing import AuthenticatedRequest

from .. import permissions, selectors
from ..forms.frameworks import CriterionForm, FrameworkCreateForm, FrameworkForm, level_formset
from ..models import Criterion, Framework
from ..services import frameworks
from ..services.frameworks import check_editable, default_criteria, level_texts


@login_required
def framework_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    page = keyset_page(
        permissions.frameworks_for_user(user), request, ordering=("-created_at", "-id")
    )
    context: dict[str, object] = {"page": page}
    if permissions.can_create_framework(user):
        context["create_form"] = FrameworkCreateForm(
            administrations=permissions.directed_administrations_for_user(user)
        )
    return render(request, "accreditation/framework_list.html", context)


@login_required
@require_POST
def framework_create(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.can_create_framework(request.user):
        raise deny(
            request.user,
            "framework.create",
            None,
            str(permissions.ONLY_THE_DIRECTOR_CHANGES_THE_RULES),
        )
    form = FrameworkCreateForm(
        request.POST, administrations=permissions.directed_administrations_for_user(request.user)
    )
    if form.is_valid():
        done, framework = run_service(
            form,
            lambda: frameworks.framework_create_draft(
                actor=request.user, administration=form.cleaned_data["administration"]
            ),
        )
        if done and framework:
            messages.success(
                request,
                _("Version %(version)s was started as a draft. Change it, then publish it.")
                % {"version": framework.version},
            )
            return redirect(framework)
    messages.error(request, errors_text(form))
    return redirect("accreditation:framework_list")


def _published_refusal(request: HttpRequest, framework: Framework) -> HttpResponse | None:
    """A published version never changes: its change pages send back to it, with the
    services' reason."""
    try:
        check_editable(framework)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(framework)
    return None


def _with_criteria(framework: Framework) -> Framework:
    prefetch_related_objects(
        [framework], Prefetch("criteria", queryset=Criterion.objects.prefetch_related("levels"))
    )
    return framework


@login_required
def framework_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    framework = _with_criteria(permissions.get_framework_for_user(request.user, pk))
    can_edit = permissions.framework_actions(request.user, framework).edit
    context = {
        "framework": framework,
        "can_edit": can_edit,
        "problems": selectors.publication_problems(framework) if can_edit else [],
        "in_force": selectors.framework_in_force(framework.administration) if can_edit else None,
    }
    return render(request, "accreditation/framework_detail.html", context)


@login_required
def framework_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    framework = permissions.get_framework_for_user(request.user, pk, action="change")
    if refusal := _published_refusal(request, framework):
        return refusal
    title = _("Change %(framework)s") % {"framework": framework}
    form = FrameworkForm(request.POST or None, instance=framework)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            form,
            lambda: frameworks.framework_update(
                actor=request.user, framework=framework, data=form.cleaned_data
            ),
        )
        if done:
            messages.success(request, _("The draft was saved."))
            return redirect(framework)
    context = {"form": form, "title": title, "back": framework}
    return render(request, "form_page.html", context)


@login_required
@require_POST
def framework_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    framework = permissions.get_framework_for_user(request.user, pk, action="change")
    form = forms.Form(request.POST)
    done, _result = run_service(
        form, lambda: frameworks.framework_publish(actor=request.user, framework=framework)
    )
    if done:
        messages.success(
            request,
            _("Version %(version)s is in force and shown on the public page.")
            % {"version": framework.version},
        )
    else:
        messages.error(request, errors_text(form))
    return redirect(framework)


def _criterion_page(
    request: AuthenticatedRequest,
    framework: Framework,
    criterion: Criterion | None,
    levels: list[tuple[int, dict[str, str]]],
) -> HttpResponse:
    # The title is read before the form binds: a bound form changes ``criterion``.
    if criterion is None:
        title = _("New criterion for %(framework)s") % {"framework": framework}
    else:
        title = _("Change the criterion “%(name)s”") % {"name": criterion.name}
    data = request.POST if request.method == "POST" else None
    form = CriterionForm(data, instance=criterion or Criterion(framework=framework))
    formset = level_formset(
        data, levels=levels, main_language=framework.administration.main_language
    )
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        done, saved = run_service(
            form,
            lambda: frameworks.criterion_save(
                actor=request.user,
                framework=framework,
                data=form.cleaned_data,
                levels=formset.levels(),
                criterion=criterion,
            ),
        )
        if done and saved:
            messages.success(request, _("“%(name)s” was saved.") % {"name": saved.name})
            return redirect(f"{framework.get_absolute_url()}#criterion-{saved.pk}")
    context = {"form": form, "levels": formset, "title": title, "framework": framework}
    return render(request, "accreditation/criterion_form.html", context)


@login_required
def criterion_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    framework = permissions.get_framework_for_user(request.user, pk, action="change")
    if refusal := _published_refusal(request, framework):
        return refusal
    # A new criterion starts with the paper's five-level scale, to adapt.
    return _criterion_page(request, framework, None, default_criteria()[0]["levels"])


@login_required
def criterion_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criterion = permissions.get_criterion_for_user(request.user, pk, action="change")
    if refusal := _published_refusal(request, criterion.framework):
        return refusal
    levels = [(level.score, level_texts(level)) for level in criterion.levels.all()]
    return _criterion_page(request, criterion.framework, criterion, levels)


@login_required
@require_POST
def criterion_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    criterion = permissions.get_criterion_for_user(request.user, pk, action="change")
    framework = criterion.framework
    form = forms.Form(request.POST)
    done, _result = run_service(
        form, lambda: frameworks.criterion_delete(actor=request.user, criterion=criterion)
    )
    if done:
        messages.success(request, _("“%(name)s” was removed.") % {"name": criterion.name})
    else:
        messages.error(request, errors_text(form))
    return redirect(framework)
