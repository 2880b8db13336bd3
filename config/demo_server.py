"""The two steps of `make run` around the demo's processes.

``python -m config.demo_server prepare`` runs before anything else: it creates the folders under
``var/`` (or ``DJANGO_VAR_DIR``), generates the demo's secret key there, and collects the static
files when they changed. Importing the settings does none of this.

``python -m config.demo_server start`` runs the processes of the ``Procfile`` with honcho, and
stops them all within about two seconds of Ctrl-C (see ``start``).

``python -m config.demo_server banner`` waits until the web server answers (at ``HOST``:``PORT``
given by `make run`, else at ``SITE_URL``), then prints every account of the demo data with its
role and the password.
"""

import os
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import django
from django.conf import settings

#: How long the banner waits for the web server before giving up, in seconds.
SERVER_WAIT = 120
#: How long the demo's processes have after Ctrl-C to stop by themselves, in seconds.
STOP_GRACE = 1.0


def prepare() -> None:
    var_dir: Path = settings.VAR_DIR
    var_dir.mkdir(parents=True, exist_ok=True)
    if settings.CELERY_BROKER_URL.startswith("filesystem:"):
        for folder in settings.BROKER_DIRS.values():
            folder.mkdir(parents=True, exist_ok=True)
    key_file: Path = settings.SECRET_KEY_FILE
    if not os.environ.get("DJANGO_SECRET_KEY") and not key_file.exists():
        # Readable by its owner only, and never overwritten: the key also keys the audit chain.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50))
    if not settings.DEBUG and _static_files_changed():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


def _static_files_changed() -> bool:
    """Whether a static file is newer than the last collection (the first start included).

    WhiteNoise serves the collected, hashed and compressed copies, as in production; collecting
    takes several seconds, so it runs only when needed."""
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected_at = manifest.stat().st_mtime
    return any(
        Path(storage.path(path)).stat().st_mtime > collected_at
        for finder in get_finders()
        for path, storage in finder.list([])
    )


def start(procfile: str = "Procfile") -> None:
    """Run the processes of ``procfile`` with honcho until Ctrl-C, which stops them all.

    Honcho asks each process to stop (SIGTERM) and kills the ones still running after a grace
    period: ``STOP_GRACE`` here instead of honcho's five seconds. The web server stops at once
    and beat within about a second; the Celery worker looks for the request to stop only between
    two polls of the filesystem broker, every two seconds, then waits for its timer thread, and
    takes three to six seconds in all: it is killed instead. That loses nothing: a reminder it
    was delivering stays claimed until its lease lapses (``REMINDER_LEASE_SECONDS``), then the
    sweeper claims it again and it is delivered once."""
    from honcho import command, manager

    # The grace period is a constant of honcho's process manager, read when Ctrl-C comes.
    manager.KILL_WAIT = STOP_GRACE
    command.main(["start", "-f", procfile])


def banner() -> None:
    url = settings.SITE_URL.rstrip("/") + "/"
    # The address the web server listens on, given by `make run`, may differ from the one people
    # use (SITE_URL set to a name of the machine, or HOST=0.0.0.0).
    host, port = os.environ.get("HOST"), os.environ.get("PORT")
    if host and port:
        host = f"[{host}]" if ":" in host else host
        listening = f"http://{host}:{port}/"
    else:
        listening = url
    if not _wait_for(listening):
        return
    from directory.demo import DEMO_PASSWORD

    lines = [
        "",
        f"  The demo is served at {url}",
        f"  Log in with one of these accounts; the password of all of them is: {DEMO_PASSWORD}",
        "",
        *(f"    {username:<10} {role}" for username, role in demo_accounts()),
        "",
        "  E-mails (reminders, password resets) are printed below. Stop with Ctrl-C.",
        "",
    ]
    print("\n".join(lines), flush=True)


def _wait_for(url: str) -> bool:
    """Polls until the server answers (any HTTP status will do); gives up when `make run` has
    ended (the parent process changed) or after SERVER_WAIT seconds."""
    # Straight to the local server, whatever proxy the environment names.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    parent = os.getppid()
    deadline = time.monotonic() + SERVER_WAIT
    while os.getppid() == parent and time.monotonic() < deadline:
        try:
            opener.open(url, timeout=2).close()
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.3)
        else:
            return True
    return False


def demo_accounts() -> list[tuple[str, str]]:
    """Every active account of the demo data, in the order the demo created them, each with its
    roles: what the seed created, not a list kept by hand."""
    from django.contrib.auth import get_user_model

    people, administrators = [], []
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .prefetch_related(
            "memberships__administration", "memberships__facility", "memberships__organisation"
        )
        .order_by("pk")
    )
    for user in users:
        roles = "; ".join(f"{m.get_role_display()}, {m.scope}" for m in user.memberships.all())
        if roles:
            people.append((user.get_username(), roles))
        elif user.is_superuser:
            administrators.append((user.get_username(), "site administration (/admin/)"))
    return people + administrators


def main(argv: list[str]) -> int:
    steps = {"prepare": prepare, "banner": banner}
    if len(argv) >= 2 and argv[1] == "start" and len(argv) <= 3:
        start(*argv[2:])  # honcho exits with the status of the processes
        return 0
    if len(argv) != 2 or argv[1] not in steps:
        usage = "{prepare,banner} | start [Procfile]"
        print(f"usage: python -m config.demo_server {usage}", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    try:
        steps[argv[1]]()
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
