import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from activity.audit import GENESIS_HASH, entry_hash
from activity.models import AuditEntry
from activity.services import audit_record
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _chain(count: int = 5) -> list[AuditEntry]:
    actor = UserFactory.create()
    org = OrganisationFactory.create()
    return [
        audit_record(actor=actor, action="organisation.updated", target=org, changes={"n": n})
        for n in range(count)
    ]


def _unguarded(sql: str, params: list) -> None:
    """Change the table behind the application's back, as an intruder with database access."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # triggers off
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = origin")


def test_entries_link_to_their_predecessor():
    entries = _chain(3)
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash


def test_entry_records_actor_object_changes_and_time():
    actor = UserFactory(username="martha")
    org = OrganisationFactory(name="Legal Aid Clinic")
    entry = audit_record(actor=actor, action="organisation.updated", target=org, changes={"a": 1})
    entry.refresh_from_db()
    assert entry.actor == actor
    assert entry.actor_label == "martha"
    assert entry.object_type == "directory.organisation"
    assert entry.object_id == str(org.pk)
    assert entry.object_label == "Legal Aid Clinic"
    assert entry.changes == {"a": 1}
    assert entry.created_at.utcoffset().total_seconds() == 0


def test_hash_recomputes_from_the_stored_row():
    entries = _chain(2)
    for entry in AuditEntry.objects.filter(pk__in=[e.pk for e in entries]):
        assert entry_hash(entry) == entry.hash


def test_verify_audit_accepts_an_intact_chain(capsys):
    _chain(4)
    call_command("verify_audit")
    assert "4 entries verified" in capsys.readouterr().out


def test_verify_audit_names_a_tampered_entry():
    entries = _chain(5)
    _unguarded(
        "UPDATE activity_auditentry SET object_label = %s WHERE id = %s",
        ["Someone else", entries[2].pk],
    )
    with pytest.raises(CommandError, match=r"entry #3 .*does not match its hash"):
        call_command("verify_audit")


def test_verify_audit_names_the_entry_after_a_deleted_one():
    entries = _chain(5)
    _unguarded("DELETE FROM activity_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=r"entry #3 .*sequence jumps from 1 to 3"):
        call_command("verify_audit")


def test_verify_audit_names_an_inserted_entry():
    entries = _chain(3)
    # The intruder shifts the later entries up and slips a forged one in at #2.
    _unguarded("UPDATE activity_auditentry SET seq = seq + 10 WHERE seq >= 2", [])
    forged = AuditEntry(
        seq=2,
        created_at=entries[1].created_at,
        action="accreditation.decide",
        prev_hash=entries[0].hash,
        hash="f" * 64,
    )
    forged.save(force_insert=True)
    _unguarded("UPDATE activity_auditentry SET seq = seq - 9 WHERE seq >= 12", [])
    with pytest.raises(CommandError, match=r"entry #2 .*does not match its hash"):
        call_command("verify_audit")


def test_forged_entry_with_a_plain_hash_is_caught():
    """Without the chain key an intruder cannot produce a hash that verifies."""
    import hashlib
    import json

    entries = _chain(2)
    forged = AuditEntry(
        seq=3, created_at=entries[1].created_at, action="forged", prev_hash=entries[1].hash
    )
    payload = json.dumps({"prev_hash": forged.prev_hash, "action": "forged"}, sort_keys=True)
    forged.hash = hashlib.sha256(payload.encode()).hexdigest()
    forged.save(force_insert=True)
    with pytest.raises(CommandError, match=r"entry #3 "):
        call_command("verify_audit")


def test_database_refuses_to_change_or_delete_entries():
    entry = _chain(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


# The administration and the organisation in the hash --------------------------------------------


def _old_style_hash(entry: AuditEntry) -> str:
    """The hash as entries were given it before they named an administration."""
    import hashlib
    import hmac
    import json

    from activity.audit import _key

    payload = {
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
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def test_entries_written_before_the_administration_was_recorded_keep_their_hash():
    entry = audit_record(actor=UserFactory.create(), action="session.login")
    assert entry.administration_id is None and entry.organisation_id is None
    assert entry.hash == _old_style_hash(entry)


def test_a_chain_of_old_and_new_entries_verifies(world, capsys):
    audit_record(actor=None, action="session.login")
    audit_record(actor=None, action="facility.updated", target=world.facility)
    audit_record(actor=None, action="organisation.updated", target=world.organisation)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.administration_id for e in entries[-3:]] == [None, world.administration.pk, None]
    assert entries[-1].organisation_id == world.organisation.pk
    call_command("verify_audit")
    assert f"{len(entries)} entries verified" in capsys.readouterr().out


def test_moving_an_entry_to_another_administration_breaks_the_chain(world):
    from tests.factories import AdministrationFactory

    entry = audit_record(actor=None, action="facility.updated", target=world.facility)
    other = AdministrationFactory.create()
    _unguarded(
        "UPDATE activity_auditentry SET administration_id = %s WHERE id = %s", [other.pk, entry.pk]
    )
    with pytest.raises(CommandError, match=rf"entry #{entry.seq} .*does not match its hash"):
        call_command("verify_audit")


def test_taking_an_entry_out_of_its_administration_breaks_the_chain(world):
    entry = audit_record(actor=None, action="facility.updated", target=world.facility)
    _unguarded("UPDATE activity_auditentry SET administration_id = NULL WHERE id = %s", [entry.pk])
    with pytest.raises(CommandError, match=rf"entry #{entry.seq} .*does not match its hash"):
        call_command("verify_audit")


def test_giving_an_old_entry_an_organisation_breaks_the_chain(world):
    entry = audit_record(actor=None, action="session.login")
    _unguarded(
        "UPDATE activity_auditentry SET organisation_id = %s WHERE id = %s",
        [world.organisation.pk, entry.pk],
    )
    with pytest.raises(CommandError, match=rf"entry #{entry.seq} .*does not match its hash"):
        call_command("verify_audit")
