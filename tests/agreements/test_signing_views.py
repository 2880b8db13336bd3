"""The signing pages: the director signs for the administration and an authorised signatory
countersigns for the organisation, each with their password and a code at the moment of signing;
the MoU's page follows the signed copy's preparation; the organisation's administrators choose
who may sign for it."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements import tasks
from agreements.models import Agreement, PdfStatus, Side, Signatory, Signature
from agreements.services import signing as signing_services
from agreements.signing.services import signing_authority_create
from directory.models import Role
from directory.services import membership_grant
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db

ENROL = reverse("directory:two_factor_enrol")


def url(name: str, *args) -> str:
    return reverse(f"agreements:{name}", args=args)


def code_now(user) -> str:
    """The code the user's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


# Signing with the step-up -----------------------------------------------------------------------


def test_the_director_signs_with_password_and_code_and_the_page_follows_the_signed_copy(
    client, agreed, world, director
):
    login(client, director)
    page = text(client.get(url("agreement_detail", agreed.pk)))
    assert "Sign for the administration" in page
    form = text(client.get(url("agreement_certify", agreed.pk)))
    assert "Your password" in form and "Code from your authenticator app" in form

    response = client.post(
        url("agreement_certify", agreed.pk), {"password": PASSWORD, "code": code_now(director)}
    )

    assert response.status_code == 302
    assert response["Location"] == url("agreement_detail", agreed.pk)
    signature = Signature.objects.get(agreement=agreed)
    assert (signature.side, signature.signer) == (Side.ADMINISTRATION, director)
    page = text(client.get(url("agreement_detail", agreed.pk)))
    assert "The signed copy is being prepared." in page
    # The page's own address, which reloads it; with a fragment, the browser would only scroll.
    assert f'<a href="{url("agreement_detail", agreed.pk)}">Refresh this page</a>' in page
    assert client.get(url("agreement_pdf", agreed.pk)).status_code == 404

    # The worker prepares it.
    signing_authority_create(actor=None, administration=world.administration)
    tasks.agreement_pdf_prepare(agreed.pk)

    page = text(client.get(url("agreement_detail", agreed.pk)))
    assert "Download the copy signed by the administration (PDF)" in page
    download = client.get(url("agreement_pdf", agreed.pk))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.7")


@pytest.mark.parametrize(
    ("password", "right_code", "refusal"),
    [
        ("not-my-password", True, "That password is not right."),
        (PASSWORD, False, "That code is not valid."),
    ],
)
def test_signing_without_the_right_password_and_code_signs_nothing(
    client, agreed, director, password, right_code, refusal
):
    login(client, director)
    code = code_now(director)
    if not right_code:
        code = f"{(int(code) + 1) % 1_000_000:06d}"

    response = client.post(
        url("agreement_certify", agreed.pk), {"password": password, "code": code}
    )

    assert response.status_code == 200
    assert refusal in text(response)
    assert not Signature.objects.exists()
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.AGREED


def test_a_signatory_countersigns_the_certified_copy_with_password_and_code(
    client, agreed, director, signatory, signing
):
    signing(director, agreed, Side.ADMINISTRATION)
    login(client, signatory)
    assert "Countersign for the organisation" in text(
        client.get(url("agreement_detail", agreed.pk))
    )

    response = client.post(
        url("agreement_countersign", agreed.pk),
        {"password": PASSWORD, "code": code_now(signatory)},
    )

    assert response.status_code == 302
    agreed.refresh_from_db()
    assert agreed.status == Agreement.Status.SIGNED
    assert agreed.pdf_status == PdfStatus.PENDING


def test_the_countersigning_page_waits_for_the_certified_copy(client, agreed, director, signatory):
    signing_services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    login(client, signatory)
    page = text(client.get(url("agreement_detail", agreed.pk)))
    assert "You can countersign once the copy signed by the administration is ready." in page

    response = client.post(
        url("agreement_countersign", agreed.pk),
        {"password": PASSWORD, "code": code_now(signatory)},
    )

    assert "The copy certified by the administration is still being prepared." in text(response)
    assert Signature.objects.filter(side=Side.ORGANISATION).count() == 0


def test_a_failed_copy_says_why_and_a_negotiator_asks_for_it_again(
    client, agreed, world, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signing_services.agreement_sign(actor=director, agreement=agreed, side=Side.ADMINISTRATION)
    page = text(login(client, director).get(url("agreement_detail", agreed.pk)))
    assert "The signed copy could not be prepared:" in page
    assert "State A Prison System has no signing authority yet" in page

    signing_authority_create(actor=None, administration=world.administration)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("agreement_pdf_retry", agreed.pk))

    assert response.status_code == 302
    agreed.refresh_from_db()
    assert agreed.pdf_status == PdfStatus.READY


def test_only_the_director_signs_for_the_administration(
    client, agreed, coordinator, ngo_admin, signatory
):
    for user in (coordinator, ngo_admin):
        login(client, user)
        assert client.get(url("agreement_certify", agreed.pk)).status_code == 403
        response = client.post(url("agreement_certify", agreed.pk), {"password": PASSWORD})
        assert response.status_code == 403
    assert not Signature.objects.exists()


def test_only_an_authorised_signatory_countersigns(
    client, agreed, director, ngo_admin, ngo_member, signing
):
    signing(director, agreed, Side.ADMINISTRATION)
    for user in (director, ngo_admin, ngo_member):
        login(client, user)
        assert client.get(url("agreement_countersign", agreed.pk)).status_code == 403
    assert Signature.objects.filter(side=Side.ORGANISATION).count() == 0


def test_outsiders_do_not_find_the_signing_pages(client, agreed, outsider, other_director, world):
    Signatory.objects.create(
        organisation=world.other_organisation, user=outsider, authorised_by=outsider
    )
    for user in (outsider, other_director):
        login(client, user)
        for name in ("agreement_certify", "agreement_countersign", "agreement_pdf"):
            assert client.get(url(name, agreed.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_to_sign(client, agreed):
    for name in ("agreement_certify", "agreement_countersign", "agreement_pdf"):
        path = url(name, agreed.pk)
        assert_login_redirect(client.get(path), path)


def test_a_signatory_without_an_authenticator_is_sent_to_set_one_up(client, agreed, signatory):
    client.force_login(signatory, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get(url("agreement_countersign", agreed.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


# Authorised signatories -------------------------------------------------------------------------


def test_the_organisations_administrator_authorises_and_withdraws_a_signatory(
    client, world, ngo_admin, ngo_member
):
    path = url("signatories", world.organisation.pk)
    login(client, ngo_admin)
    assert "Nobody may sign MoUs for the organisation yet." in text(client.get(path))

    response = client.post(path, {"user": ngo_member.pk})

    assert response.status_code == 302
    signatory = Signatory.objects.get(organisation=world.organisation, user=ngo_member)
    page = text(client.get(path))
    assert ngo_member.get_full_name() in page
    assert "Withdraw the authority to sign" in page

    client.post(url("signatory_revoke", signatory.pk))

    signatory.refresh_from_db()
    assert signatory.revoked_at is not None
    assert "Nobody may sign MoUs for the organisation yet." in text(client.get(path))


def test_only_the_organisations_people_can_be_authorised(client, world, ngo_admin, outsider):
    login(client, ngo_admin)
    response = client.post(url("signatories", world.organisation.pk), {"user": outsider.pk})

    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    assert not Signatory.objects.exists()


def test_only_the_organisations_administrators_manage_its_signatories(
    client, world, ngo_member, director, outsider
):
    path = url("signatories", world.organisation.pk)
    for user, status in ((ngo_member, 403), (director, 403), (outsider, 404)):
        login(client, user)
        assert client.get(path).status_code == status
        assert client.post(path, {"user": ngo_member.pk}).status_code == status
    assert not Signatory.objects.exists()
    client.logout()
    assert_login_redirect(client.get(path), path)


def test_an_authorised_signatory_must_sign_in_with_a_second_factor(
    client, world, ngo_admin, ngo_member
):
    Signatory.objects.create(
        organisation=world.organisation, user=ngo_member, authorised_by=ngo_admin
    )

    client.post(reverse("login"), {"username": ngo_member.username, "password": PASSWORD})
    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_the_signatories_page_makes_the_same_queries_for_one_signatory_and_fifty(
    client, world, ngo_admin
):
    path = url("signatories", world.organisation.pk)
    Signatory.objects.create(
        organisation=world.organisation, user=ngo_admin, authorised_by=ngo_admin
    )
    login(client, ngo_admin)
    client.get(path)
    one = count_queries(client, path)
    for n in range(49):
        user = UserFactory(username=f"signer{n:02d}")
        membership_grant(actor=None, user=user, role=Role.NGO_MEMBER, scope=world.organisation)
        Signatory.objects.create(
            organisation=world.organisation, user=user, authorised_by=ngo_admin
        )
    assert count_queries(client, path) == one
    assert text(client.get(path)).count("Withdraw the authority to sign") == 50
