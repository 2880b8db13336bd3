"""An e-mail backend for the worker tests: slow like a real mail server, and leaving a trace.

For each message it appends ``<pid> <Message-ID>`` to ``sending.log`` in ``SLOW_EMAIL_DIR``,
waits ``SLOW_EMAIL_DELAY`` seconds, then appends the same line to ``outbox.log``, which is
therefore the list of e-mails that really went out. With ``SLOW_EMAIL_STALL_AT=n`` the n-th
message this process sends hangs after its ``sending`` line, so a test can kill the worker at a
known point: in the middle of a send, with the n-1 before it delivered.
"""

import itertools
import os
import time
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

_sent_by_this_process = itertools.count(1)


def _append(path: Path, line: str) -> None:
    with path.open("a") as file:
        file.write(line + "\n")


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = Path(os.environ["SLOW_EMAIL_DIR"])
        delay = float(os.environ.get("SLOW_EMAIL_DELAY", "0.3"))
        stall_at = int(os.environ.get("SLOW_EMAIL_STALL_AT", "0"))
        for message in email_messages:
            line = f"{os.getpid()} {message.extra_headers.get('Message-ID', message.subject)}"
            _append(directory / "sending.log", line)
            if next(_sent_by_this_process) == stall_at:
                time.sleep(3600)  # until the test kills this process
            time.sleep(delay)
            _append(directory / "outbox.log", line)
        return len(email_messages)
