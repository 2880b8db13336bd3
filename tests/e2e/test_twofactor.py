"""Two-factor sign-in in a real browser: a director's first login sets up an authenticator."""

import re
from base64 import b32decode

from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def test_a_director_without_an_authenticator_sets_one_up_at_first_login(
    page: Page, director, screenshots
):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("martha")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1, name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    screenshots(page, "two-factor-enrol")
    page.goto("/organisations/")
    expect(page.get_by_role("heading", level=1, name="Set up two-factor sign-in")).to_be_visible()

    # The phone: an authenticator app given the secret typed from the page.
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    code = f"{totp(b32decode(secret)):06d}"
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1, name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(re.compile(r"/organisations/$"))
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Welcome, "))).to_be_visible()
