"""Settings: read from the environment and .env, strict in production, relaxed for the demo only
where it must be (plain HTTP on one machine), and free of side effects when imported; and the
steps of `make run` around them (config/demo_server.py)."""

import contextlib
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from config import demo_server
from directory import demo as directory_demo

BASE_DIR = Path(django_settings.BASE_DIR)

#: What a subprocess prints about the settings it imported.
REPORT = """
import json
import config.settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "STATICFILES_STORAGE": s.STORAGES["staticfiles"]["BACKEND"],
    "SIGNING_KEY_PASSPHRASE": s.SIGNING_KEY_PASSPHRASE,
    "SIGNING_KEYS_DIR": str(s.SIGNING_KEYS_DIR),
}))
"""


#: A passphrase for the signing keys as production wants it: long and random.
PRODUCTION_PASSPHRASE = "kq3V9x-Lr7ZtWm2bYc8PnHs4"


def _environment(var_dir: Path, **variables: str) -> dict[str, str]:
    """The test process's environment without any setting of its own, so that each test states
    the whole configuration it runs under."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "CELERY_", "SIGNING_"))
        and name not in {"DATABASE_URL", "REDIS_URL", "SITE_URL", "PYTHONPATH"}
    }
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    environment["DJANGO_VAR_DIR"] = str(var_dir)
    return {**environment, **variables}


def _run(code: str, environment: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings(var_dir: Path, cwd: Path, **variables: str) -> dict[str, object]:
    environment = _environment(var_dir, PYTHONPATH=str(BASE_DIR), **variables)
    result = _run(REPORT, environment, cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "mode",
    [
        {},  # development: the tests and the tools
        {"DJANGO_DEBUG": "0", "DJANGO_DEMO": "1"},  # the demo
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "a-production-key",
            "DJANGO_ALLOWED_HOSTS": "partnerships.example.org",
            "SIGNING_KEY_PASSPHRASE": PRODUCTION_PASSPHRASE,
        },
    ],
    ids=["development", "demo", "production"],
)
def test_importing_the_settings_creates_no_folder_and_writes_no_file(tmp_path, mode):
    var_dir = tmp_path / "var"
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()

    # With the filesystem broker and SQLite, the demo's defaults; every app loaded too.
    environment = _environment(var_dir, PYTHONPATH=str(BASE_DIR), **mode)
    result = _run("import django; django.setup()", environment, cwd)

    assert result.returncode == 0, result.stderr

    assert not var_dir.exists()
    assert list(cwd.iterdir()) == []


def test_a_var_dir_set_in_the_env_file_is_the_one_used(tmp_path):
    """A checkout whose .env names another place for var/: the settings file as shipped, in a
    copy of the project's layout."""
    checkout = tmp_path / "checkout"
    (checkout / "config").mkdir(parents=True)
    (checkout / "config" / "__init__.py").write_text("")
    shutil.copy(BASE_DIR / "config" / "settings.py", checkout / "config")
    elsewhere = tmp_path / "data"
    (checkout / ".env").write_text(f"DJANGO_VAR_DIR={elsewhere}\nDJANGO_DEBUG=1\n")
    environment = _environment(elsewhere)
    del environment["DJANGO_VAR_DIR"]

    result = _run(
        "import json\n"
        "from config import settings as s\n"
        "print(json.dumps([str(s.VAR_DIR), str(s.DATABASES['default']['NAME']),"
        " s.CELERY_BROKER_TRANSPORT_OPTIONS['control_folder'], str(s.STATIC_ROOT)]))",
        environment,
        checkout,
    )

    assert result.returncode == 0, result.stderr
    var_dir, database, control_folder, static_root = json.loads(result.stdout)
    assert var_dir == str(elsewhere)
    assert database == str(elsewhere / "db.sqlite3")
    assert control_folder == str(elsewhere / "broker" / "control")
    assert static_root == str(elsewhere / "static")
    assert not (checkout / "var").exists()


def test_production_refuses_to_start_without_a_secret_key_even_beside_a_demo_key(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    (var_dir / "secret_key").write_text("the-demo-key")
    environment = _environment(
        var_dir,
        PYTHONPATH=str(BASE_DIR),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="partnerships.example.org",
    )

    result = _run(REPORT, environment, tmp_path)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    environment = _environment(
        tmp_path / "var",
        PYTHONPATH=str(BASE_DIR),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-production-key",
    )

    result = _run(REPORT, environment, tmp_path)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_is_strict(tmp_path):
    production = _settings(
        tmp_path / "var",
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-production-key",
        DJANGO_ALLOWED_HOSTS="partnerships.example.org",
        SIGNING_KEY_PASSPHRASE=PRODUCTION_PASSPHRASE,
        SIGNING_KEYS_DIR="/srv/partnerships/signing-keys",
    )

    assert production["DEBUG"] is False
    assert production["SECRET_KEY"] == "a-production-key"
    assert production["ALLOWED_HOSTS"] == ["partnerships.example.org"]
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SIGNING_KEY_PASSPHRASE"] == PRODUCTION_PASSPHRASE
    assert production["SIGNING_KEYS_DIR"] == "/srv/partnerships/signing-keys"


@pytest.mark.parametrize(
    "passphrase",
    [None, "", "partnership-demo-signing-keys", "short-passphrase"],
    ids=["unset", "empty", "the-demo-passphrase", "too-short"],
)
def test_production_refuses_to_start_without_a_passphrase_for_the_signing_keys(
    tmp_path, passphrase
):
    variables = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-production-key",
        "DJANGO_ALLOWED_HOSTS": "partnerships.example.org",
    }
    if passphrase is not None:
        variables["SIGNING_KEY_PASSPHRASE"] = passphrase
    environment = _environment(tmp_path / "var", PYTHONPATH=str(BASE_DIR), **variables)

    result = _run(REPORT, environment, tmp_path)

    assert result.returncode != 0
    assert "SIGNING_KEY_PASSPHRASE must be set" in result.stderr


def test_the_demo_runs_with_debug_off_over_plain_http_with_its_own_key(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    (var_dir / "secret_key").write_text("the-demo-key\n")

    demo = _settings(
        var_dir,
        tmp_path,
        DJANGO_DEBUG="0",
        DJANGO_DEMO="1",
        SITE_URL="http://demo-laptop.local:8123",
    )

    assert demo["DEBUG"] is False
    assert demo["SECRET_KEY"] == "the-demo-key"
    # Served as in production: the collected, hashed static files.
    assert demo["STATICFILES_STORAGE"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    # A Secure cookie never comes back over plain HTTP: nobody could log in.
    assert demo["SESSION_COOKIE_SECURE"] is False
    assert demo["CSRF_COOKIE_SECURE"] is False
    assert demo["SECURE_SSL_REDIRECT"] is False
    assert demo["SECURE_HSTS_SECONDS"] == 0
    assert {"localhost", "127.0.0.1", "demo-laptop.local"} <= set(demo["ALLOWED_HOSTS"])
    # The demo's signing keys: under var/, with the published demo passphrase.
    assert demo["SIGNING_KEY_PASSPHRASE"] == "partnership-demo-signing-keys"
    assert demo["SIGNING_KEYS_DIR"] == str(var_dir / "signing-keys")


def test_make_run_prepares_var_with_a_private_key_that_it_keeps(tmp_path, monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    var_dir = tmp_path / "var"
    broker_dirs = {name: var_dir / "broker" / name for name in ("queue", "processed", "control")}
    key_file = var_dir / "secret_key"
    with override_settings(
        VAR_DIR=var_dir,
        SECRET_KEY_FILE=key_file,
        CELERY_BROKER_URL="filesystem://localhost/",
        BROKER_DIRS=broker_dirs,
        DEBUG=True,  # static files are served from their sources, nothing to collect
    ):
        demo_server.prepare()
        key = key_file.read_text()
        demo_server.prepare()

    assert len(key) >= 50
    assert key_file.read_text() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert all(folder.is_dir() for folder in broker_dirs.values())


def test_static_files_are_collected_again_only_when_one_changed(tmp_path):
    sources = tmp_path / "static"
    sources.mkdir()
    stylesheet = sources / "app.css"
    stylesheet.write_text("body {}")
    collected = tmp_path / "collected"
    collected.mkdir()
    with override_settings(STATICFILES_DIRS=[sources], STATIC_ROOT=collected):
        assert demo_server._static_files_changed()  # never collected

        manifest = collected / "staticfiles.json"
        manifest.write_text("{}")
        assert not demo_server._static_files_changed()

        later = manifest.stat().st_mtime + 10
        os.utime(stylesheet, (later, later))
        assert demo_server._static_files_changed()


@pytest.mark.parametrize(
    ("arguments", "site_url", "debug"),
    [
        ([], "http://127.0.0.1:8000", "0"),
        (["PORT=8123"], "http://127.0.0.1:8123", "0"),
        (["HOST=0.0.0.0", "PORT=9000", "DEBUG=1"], "http://0.0.0.0:9000", "1"),
    ],
)
def test_make_run_serves_the_demo_with_debug_off_and_links_to_the_address_served(
    arguments, site_url, debug
):
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "DJANGO_DEBUG"}}

    result = subprocess.run(
        ["make", "--dry-run", "run", *arguments],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert f"DJANGO_DEMO=1 DJANGO_DEBUG={debug} SITE_URL={site_url} " in result.stdout


def test_celery_logs_only_warnings_in_the_demo_terminal():
    procfile = (BASE_DIR / "Procfile").read_text().splitlines()
    celery = [line for line in procfile if line.startswith(("worker:", "beat:"))]

    assert len(celery) == 2
    assert all("--loglevel=WARNING" in line for line in celery)


class _Server:
    """An HTTP server that starts listening only after a delay, like runserver starting up."""

    def __init__(self, delay: float) -> None:
        self.requests: list[float] = []
        self.listening_at = 0.0
        probe = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        self.port = probe.server_address[1]
        probe.server_close()
        self.thread = threading.Thread(target=self._serve, args=(delay,), daemon=True)
        self.server: HTTPServer | None = None

    def _serve(self, delay: float) -> None:
        time.sleep(delay)
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(time.monotonic())
                self.send_response(302)
                self.send_header("Location", "/accounts/login/")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", self.port), Handler)
        self.listening_at = time.monotonic()
        self.server.serve_forever(poll_interval=0.1)

    def __enter__(self) -> "_Server":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


@pytest.mark.django_db
def test_the_banner_appears_once_the_server_answers_and_lists_every_demo_account(
    capsys, monkeypatch
):
    directory_demo.seed(io.StringIO())

    with _Server(delay=1.0) as server, override_settings(SITE_URL="http://demo-laptop.local"):
        # Where `make run` serves, while links in e-mails use the machine's name.
        monkeypatch.setenv("HOST", "127.0.0.1")
        monkeypatch.setenv("PORT", str(server.port))
        demo_server.banner()
        printed_at = time.monotonic()

    banner = capsys.readouterr().out
    assert server.requests and server.listening_at <= server.requests[0] <= printed_at
    assert "served at http://demo-laptop.local/" in banner
    assert "partnership-demo" in banner
    lines = {line.split()[0]: line for line in banner.splitlines() if line.startswith("    ")}
    for username, _name, _role, scope in directory_demo.USERS:
        assert scope in lines[username]
    assert "Facility visits officer, Women's Rehabilitation Centre" in lines["wanda"]
    assert "Gate officer, Women's Rehabilitation Centre" in lines["gloria"]
    assert "site administration" in lines["admin"]


def _processes_with(marker: str) -> list[int]:
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue  # ended meanwhile, or not ours to read
    return found


#: A stand-in for a process of the Procfile, which stops when asked (like the web server), ignores
#: the request (like the Celery worker, slower to stop than the grace period) or takes its time.
STAND_IN = """\
import signal, sys, time
if sys.argv[1] == "ignores":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
elif sys.argv[1] == "slow":
    signal.signal(signal.SIGTERM, lambda *_: time.sleep(10))
print("ready", flush=True)
time.sleep(60)
"""
STAND_INS = """\
web: python stand_in.py stops
worker: python stand_in.py ignores
beat: python stand_in.py slow
"""


def test_ctrl_c_stops_every_demo_process_within_two_seconds_and_leaves_none_behind(tmp_path):
    (tmp_path / "stand_in.py").write_text(STAND_IN)
    (tmp_path / "Procfile").write_text(STAND_INS)
    marker = f"DEMO_STOP_TEST={os.getpid()}"
    runner = subprocess.Popen(
        [sys.executable, "-m", "config.demo_server", "start"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(BASE_DIR), marker.split("=")[0]: str(os.getpid())},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(runner.stdout or []), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while sum(line.rstrip().endswith("| ready") for line in output) < 3:
            assert time.monotonic() < deadline, "".join(output)
            time.sleep(0.05)
        assert len(_processes_with(marker)) >= 6  # honcho's, the shells and the stand-ins

        interrupted = time.monotonic()
        os.killpg(runner.pid, signal.SIGINT)  # what the terminal sends on Ctrl-C
        runner.wait(timeout=30)
        stopped_after = time.monotonic() - interrupted
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(runner.pid, signal.SIGKILL)
        for pid in _processes_with(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    reader.join(timeout=5)

    # About two seconds, with room for a busy machine; honcho alone waits five before killing.
    assert stopped_after < 3.0, "".join(output)
    assert _processes_with(marker) == []
    assert any("sending SIGKILL to worker.1" in line for line in output)
