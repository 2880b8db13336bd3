"""End-to-end tests: a real Chromium, driven by Playwright, against the application served by
pytest-django's ``live_server``.

The browser is Debian's ``chromium-headless-shell`` package (Chromium without a window, as
Playwright runs it headless), not Playwright's own download (which cannot be fetched here). A
missing browser fails the tests with a message saying what to install: it is a missing part of
the test machine, not a reason to skip.
"""

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import BrowserContext, Page, expect

from tests.factories import PASSWORD

# Playwright's sync API runs an asyncio event loop in the test's thread, and Django refuses
# database access from a thread with a running loop. The tests' own queries (factories, services)
# are synchronous code that only looks async to that check; the live server answers requests in
# its own thread. Set before any database access, as pytest-playwright's Django notes advise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium-headless-shell")
#: For ``--headed``, to watch a test: Debian's ``chromium`` with its window.
WINDOWED_CHROMIUM = Path("/usr/bin/chromium")
#: How long a test waits for what a page should show or for an element to act on, in ms: the
#: test machine is shared and, with the other tests running beside these, slow at times.
PATIENCE = 15_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling home (updates, sync, field trials) on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options (``--headed``, ``--slowmo``…) with Debian's Chromium."""
    headless = browser_type_launch_args.get("headless", True)
    chromium = CHROMIUM if headless else WINDOWED_CHROMIUM
    if not chromium.exists():
        pytest.fail(
            f"The end-to-end tests need Chromium at {chromium}, and it is not there. "
            f"Install Debian's package: apt-get install {chromium.name} (.ci/run installs "
            f"{CHROMIUM.name}).",
            pytrace=False,
        )
    return {**browser_type_launch_args, "executable_path": str(chromium), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict, live_server) -> dict:
    """Every page talks to the live server, in English unless the user switches."""
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-GB",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture(autouse=True)
def _activity_types(transactional_db) -> None:
    """The vocabulary of activities, loaded by a data migration: a transactional test before
    this one (a live server needs committed rows) may have flushed it with the other tables."""
    from directory.models import ActivityType

    for code in ActivityType.Code.values:
        ActivityType.objects.get_or_create(code=code)


@pytest.fixture(autouse=True)
def _documents_in_tmp_path(settings, tmp_path: Path) -> None:
    """Uploaded documents go to the test's temporary directory, not var/private."""
    from tests.accreditation.factories import use_temporary_storage

    use_temporary_storage(settings, tmp_path / "private")


@pytest.fixture(scope="session")
def screenshots() -> Callable[[Page, str], Path | None]:
    """Take a full-page screenshot into the folder E2E_SCREENSHOTS names, to look at how the
    pages render. Without it none is taken: a full-page capture costs the browser a second of
    processor time on this machine, spent for nobody."""
    chosen = os.environ.get("E2E_SCREENSHOTS")
    folder = Path(chosen) if chosen else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path | None:
        if folder is None:
            return None
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        # Chromium comes back from a full-page capture of a scrolled page with a scroll offset
        # the next click does not see: it lands off its target. Scrolled to the top, the next
        # action scrolls its element into view as usual.
        page.evaluate("window.scrollTo(0, 0)")
        return path

    return take


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where the run keeps what people look at afterwards (screenshots of an Arabic page, the
    Arabic decision letter): ARTIFACTS_DIR, by default var/artifacts/ (CI sets artifacts/)."""
    from django.conf import settings

    folder = Path(os.environ.get("ARTIFACTS_DIR") or Path(settings.BASE_DIR) / "var" / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


#: The clock moves of the running test (see ``authenticator_code``), undone after it.
_clock_moves: list[time_machine.travel] = []


@pytest.fixture(autouse=True)
def _clock_put_back() -> Iterator[None]:
    yield
    while _clock_moves:
        _clock_moves.pop().stop()


def authenticator_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now. A code is accepted once: if this one was
    used already (the same person logged in earlier in this time step), the code of the next
    step is the one to type. Rather than wait up to 30 s for it, the test moves the clock of this
    process (the live server's too, which runs in a thread of it) to the start of the next step,
    running on from there; the browser keeps its own clock, which the server never reads."""
    device.refresh_from_db()
    while device.last_t >= (int(time.time()) - device.t0) // device.step + device.drift:
        next_step = (int(time.time()) - device.t0) // device.step + 1
        move = time_machine.travel(device.t0 + next_step * device.step + 0.5, tick=True)
        move.start()
        _clock_moves.append(move)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def authenticator_for(username: str) -> TOTPDevice:
    """The user's authenticator app; one is set up for them if they have none."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return device


def enter_code(page: Page, device: TOTPDevice) -> None:
    """The second step of logging in, in whatever language the page is in."""
    field = page.locator("input[name=code]")
    expect(field).to_be_visible()
    field.fill(authenticator_code(device))
    page.locator("form:has(input[name=code]) button[type=submit]").click()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form and the code step, as a person with an authenticator app
    does, and land on the dashboard."""
    device = authenticator_for(username)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", level=1, name="Two-factor sign-in", exact=True)
    ).to_be_visible()
    enter_code(page, device)
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Welcome, "))).to_be_visible()


@pytest.fixture(autouse=True)
def _patient_assertions():
    """``expect`` waits as long as the pages do for what a page shows (Playwright's default is
    5 s)."""
    expect.set_options(timeout=PATIENCE)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """pytest-playwright's page, waiting 15 s rather than 30 for what never comes."""
    page = context.new_page()
    page.set_default_timeout(PATIENCE)
    return page


@pytest.fixture
def session_as(new_context) -> Callable[[str], Page]:
    """A browser of one's own per person (its own cookies), logged in through the form."""

    def open_session(username: str) -> Page:
        context: BrowserContext = new_context()
        context.set_default_timeout(PATIENCE)
        page = context.new_page()
        log_in(page, username)
        return page

    return open_session


@pytest.fixture
def visitor(new_context) -> Page:
    """Someone who is not logged in."""
    context: BrowserContext = new_context()
    context.set_default_timeout(PATIENCE)
    return context.new_page()
