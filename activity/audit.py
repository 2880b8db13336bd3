"""The audit hash chain: how an entry's hash is computed and how the chain is checked."""

import hashlib
import hmac
import json
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .models import AuditEntry

GENESIS_HASH = "0" * 64

#: The client address of the request being served, set by ``AuditContextMiddleware``.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def _key() -> bytes:
    # A keyed hash: someone who can write to the database cannot rebuild a valid chain
    # without also holding the key.
    return (getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY).encode()


def entry_hash(entry: AuditEntry) -> str:
    payload: dict[str, Any] = {
        "seq": entry.seq,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_label": entry.object_label,
        "changes": entry.changes,
        "ip_address": entry.ip_address,
        "prev_hash": entry.prev_hash,
    }
    # Added after the first entries were written: hashed only when set, so that the entries
    # written before (where both are empty) keep the hash they were given.
    if entry.administration_id is not None:
        payload["administration_id"] = entry.administration_id
    if entry.organisation_id is not None:
        payload["organisation_id"] = entry.organisation_id
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    entry_id: int
    reason: str


def verify_chain(entries: Iterable[AuditEntry]) -> tuple[int, ChainBreak | None]:
    """Walk the entries in sequence order; return how many were checked and the first break."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return checked, ChainBreak(
                entry.seq, entry.pk, f"sequence jumps from {expected_seq - 1} to {entry.seq}"
            )
        if entry.prev_hash != expected_prev:
            return checked, ChainBreak(entry.seq, entry.pk, "does not link to the entry before it")
        if entry_hash(entry) != entry.hash:
            return checked, ChainBreak(entry.seq, entry.pk, "its content does not match its hash")
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    return checked, None
