"""The public verification form."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Spaces, hyphens and dashes people type or paste between the groups of a code.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
_CODE = re.compile(r"[A-Z0-9]{12}")


def normalise_code(value: str) -> str:
    """``abcd efgh jklm``, ``ABCDEFGHJKLM`` and ``ABCD-EFGH-JKLM`` are the same code; return it
    in its printed form, or an empty string if it cannot be a code."""
    raw = _SEPARATORS.sub("", value).upper()
    if not _CODE.fullmatch(raw):
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


class VerificationForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("Twelve letters and digits, as printed: ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(
                _("A verification code has twelve letters and digits, such as ABCD-EFGH-JKLM."),
                code="format",
            )
        return code
