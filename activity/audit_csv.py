"""The audit trail as a CSV file, written row by row for a streamed download."""

import csv
from collections.abc import Iterable, Iterator

from django.utils import translation
from django.utils.translation import gettext as _

from . import audit_actions
from .models import AuditEntry

#: Rows read from the database at a time; the names their details refer to are read per chunk.
CHUNK = 500

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a cell read as text in a spreadsheet, never as a formula (CSV injection)."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def rows(entries: Iterable[AuditEntry]) -> Iterator[list[str]]:
    yield [
        _("Number"),
        _("Time (UTC)"),
        _("Person"),
        _("User name"),
        _("Kind of action"),
        _("Action code"),
        _("What happened"),
        _("Object"),
        _("Organisation"),
        _("Administration"),
        _("Changes"),
        _("From"),
    ]
    chunk: list[AuditEntry] = []
    for entry in _iterate(entries):
        chunk.append(entry)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk)
            chunk = []
    yield from _chunk_rows(chunk)


def _iterate(entries: Iterable[AuditEntry]) -> Iterator[AuditEntry]:
    iterator = getattr(entries, "iterator", None)
    return iterator(chunk_size=CHUNK) if iterator else iter(entries)


def _chunk_rows(chunk: list[AuditEntry]) -> Iterator[list[str]]:
    for item in audit_actions.readable(chunk):
        entry = item.entry
        yield [
            str(entry.seq),
            entry.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            (entry.actor.get_full_name() if entry.actor else "") or "",
            entry.actor_label,
            item.kind,
            entry.action,
            item.sentence,
            entry.object_label,
            entry.organisation.name if entry.organisation else "",
            entry.administration.name if entry.administration else "",
            "; ".join(str(change) for change in item.changes),
            entry.ip_address or "",
        ]


def stream(table: Iterable[list[str]], *, language: str) -> Iterator[str]:
    """The CSV text, in the language of the request that asked for it (the rows are written
    after the view has returned)."""
    writer = csv.writer(_Echo())
    with translation.override(language):
        for row in table:
            yield writer.writerow([neutralise(cell) for cell in row])
