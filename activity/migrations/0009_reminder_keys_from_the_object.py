"""Rewrite the reminder keys written before keys were built from the object.

Until `notify.reminder_key`, services wrote keys by hand: ``application:12:decided:user:7``
where ``reminder_key`` now gives ``accreditation.application:12:decided:user:7``. A reminder
scheduled under the old key and scheduled again under the new one for the same event (a service
run again, the demo seeded again) existed twice, and ``notify.cancel(key=reminder_key(obj))``
did not reach the old one, so the deadline met still sent it.

Each old key becomes the key that ``reminder_key`` gives for the same object, event and
recipient, whatever the reminder's state, so that scheduling the event again finds it. When a
reminder with the new key exists already, the event is reminded once: an old reminder not yet
sent is cancelled; an old one already sent cancels the new one if that has not been sent; two
sent ones stay as they are (both went out). A reminder being delivered while this runs is not
touched: its row is locked, and once delivered it is no longer pending or queued.

The shapes are frozen as they were written (model labels included), as a migration must be;
keys of any other shape are left alone.
"""

import re

from django.conf import settings
from django.db import migrations

# The hand-written prefix of each kind of object, and the label reminder_key writes instead.
_LABELS = {
    "application": "accreditation.application",
    "clearance": "accreditation.clearance",
    "accreditation": "accreditation.accreditation",
    "condition": "accreditation.condition",
    "decision": "accreditation.decision",
    "appeal": "accreditation.appeal",
    "review": "accreditation.reviewassignment",
}
_OBJECT_KEY = re.compile(r"^(?P<prefix>[a-z]+):(?P<pk>\d+):(?P<rest>.+)$")
# condition-verified:<condition>:<response>:user:<user>, about the response.
_VERIFIED_KEY = re.compile(r"^condition-verified:\d+:(?P<pk>\d+):(?P<rest>.+)$")
# demo:message:<username>:<subject>, one recipient, no user part.
_DEMO_KEY = re.compile(r"^demo:message:[^:]+:(?P<subject>.+)$")
_OLD_PREFIXES = [f"{prefix}:" for prefix in _LABELS] + ["condition-verified:", "demo:message:"]

_UNSENT = ("pending", "queued")
_MAX_LENGTH = 255


def new_key(old: str, recipient_id: int) -> str | None:
    """The key reminder_key gives for what an old key named; None for any other key."""
    if match := _VERIFIED_KEY.match(old):
        return f"accreditation.conditionresponse:{match['pk']}:verified:{match['rest']}"
    if match := _DEMO_KEY.match(old):
        user = settings.AUTH_USER_MODEL.lower()
        return f"{user}:{recipient_id}:demo-message:{match['subject']}:user:{recipient_id}"
    match = _OBJECT_KEY.match(old)
    if match and match["prefix"] in _LABELS:
        return f"{_LABELS[match['prefix']]}:{match['pk']}:{match['rest']}"
    return None


def _cancel(reminder_model, ids: list[int]) -> None:
    reminder_model.objects.filter(pk__in=ids, state__in=_UNSENT).update(
        state="cancelled", lease_until=None
    )


def rewrite_old_keys(apps, schema_editor) -> None:
    Reminder = apps.get_model("activity", "Reminder")
    old = {}  # id: (key, new key, state)
    for prefix in _OLD_PREFIXES:
        rows = Reminder.objects.filter(key__startswith=prefix).values_list(
            "pk", "key", "recipient_id", "state"
        )
        for pk, key, recipient_id, state in rows.iterator():
            target = new_key(key, recipient_id)
            if target is not None and len(target) <= _MAX_LENGTH:
                old[pk] = (key, target, state)
    if not old:
        return
    targets = [target for _key, target, _state in old.values()]
    existing = {}
    for start in range(0, len(targets), 1000):
        existing.update(
            Reminder.objects.filter(key__in=targets[start : start + 1000]).values_list(
                "key", "state"
            )
        )
    renamed, cancelled_old, new_keys_to_cancel = [], [], []
    for pk, (_key, target, state) in sorted(old.items()):
        if target not in existing:
            renamed.append(Reminder(pk=pk, key=target))
            existing[target] = state
        elif state in _UNSENT:
            cancelled_old.append(pk)
        elif state == "sent" and existing[target] in _UNSENT:
            new_keys_to_cancel.append(target)
    Reminder.objects.bulk_update(renamed, ["key"], batch_size=1000)
    _cancel(Reminder, cancelled_old)
    twins = Reminder.objects.filter(key__in=new_keys_to_cancel).values_list("pk", flat=True)
    _cancel(Reminder, list(twins))


class Migration(migrations.Migration):
    dependencies = [("activity", "0008_merge_20261128_1024")]

    operations = [
        # Backwards there is nothing to undo: the new keys are the ones the code writes.
        migrations.RunPython(rewrite_old_keys, migrations.RunPython.noop, elidable=True),
    ]
