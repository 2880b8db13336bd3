from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .errors import DomainError

T = TypeVar("T")


def run_service(form: forms.BaseForm, call: Callable[[], T]) -> tuple[bool, T | None]:
    """Call a service on behalf of a bound, valid form; put a refusal on the form instead of
    losing what the user typed. Returns whether it succeeded, and the service's result."""
    try:
        return True, call()
    except DomainError as error:
        field = error.field if error.field in form.fields else None
        for reason in error.reasons or [error.message]:
            form.add_error(field, reason)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    return False, None


def errors_text(form: forms.BaseForm) -> str:
    """A refused action as one message, for buttons that have no page of their own."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def run_action(request: HttpRequest, call: Callable[[], T], success: str) -> tuple[bool, T | None]:
    """Run a service behind a button (no fields to fill): say that it was done, or why not."""
    form = forms.Form(data={})
    done, result = run_service(form, call)
    if done:
        messages.success(request, success)
    else:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return done, result
