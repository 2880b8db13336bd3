"""The certificate authority of an administration, from the command line:

    manage.py signing_authority create --administration "State A Prison System"
    manage.py signing_authority issue --administration "State A Prison System" --user martha
    manage.py signing_authority issue --administration "State A Prison System" --user john \\
        --organisation "Local Human Rights Centre"
    manage.py signing_authority list --administration "State A Prison System"
    manage.py signing_authority revoke --administration "State A Prison System" \\
        --serial 3f2a… --reason left_role

``create`` and ``issue`` are safe to run again: they say what exists and change nothing.
"""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from activity.errors import DomainError
from activity.typing import User
from directory.models import Administration, Organisation

from ...models import SignerCertificate, SigningAuthority
from ...signing import keys
from ...signing.services import (
    signer_certificate_issue,
    signer_certificate_revoke,
    signing_authority_create,
)


def _by_name_or_id(model: type[Any], value: str, label: str) -> Any:
    found = model.objects.filter(name=value).first()
    if found is None and value.isdigit():
        found = model.objects.filter(pk=int(value)).first()
    if found is None:
        raise CommandError(f"No {label} named {value!r}.")
    return found


class Command(BaseCommand):
    help = (
        "Create an administration's signing authority, issue signing certificates to its director "
        "or to an organisation's administrator, list and revoke them. Keys are written, encrypted, "
        "to SIGNING_KEYS_DIR."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create the administration's authority.")
        issue = actions.add_parser(
            "issue",
            help="Issue a certificate: to a director (certifies agreements for the "
            "administration), or with --organisation to an organisation's administrator.",
        )
        issue.add_argument("--user", required=True, help="The signatory's username.")
        issue.add_argument("--organisation", help="The organisation they sign for.")
        issue.add_argument(
            "--renew", action="store_true", help="Replace a certificate still in force."
        )
        listing = actions.add_parser("list", help="Show the authority and its certificates.")
        revoke = actions.add_parser("revoke", help="Revoke a certificate.")
        revoke.add_argument("--serial", required=True, help="The certificate's serial number.")
        revoke.add_argument(
            "--reason", required=True, choices=SignerCertificate.RevocationReason.values
        )
        for subparser in (create, issue, listing, revoke):
            subparser.add_argument(
                "--administration", required=True, help="The administration's name or id."
            )

    def handle(self, *args: Any, **options: Any) -> None:
        administration = _by_name_or_id(Administration, options["administration"], "administration")
        try:
            getattr(self, f"_{options['action']}")(administration, options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _create(self, administration: Administration, options: dict[str, Any]) -> None:
        existing = SigningAuthority.objects.filter(administration=administration).first()
        if existing is not None:
            self.stdout.write(
                f"{administration} already has a signing authority "
                f"(fingerprint {existing.fingerprint}); nothing changed."
            )
            return
        authority = signing_authority_create(actor=None, administration=administration)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the signing authority of {administration}, valid until "
                f"{authority.valid_until:%Y-%m-%d}. Root certificate fingerprint (SHA-256): "
                f"{authority.fingerprint}. Its key is in {keys.key_path(authority.fingerprint)}."
            )
        )

    def _issue(self, administration: Administration, options: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        organisation = (
            _by_name_or_id(Organisation, options["organisation"], "organisation")
            if options["organisation"]
            else None
        )
        certificate, issued = signer_certificate_issue(
            actor=None,
            administration=administration,
            user=user,
            organisation=organisation,
            renew=options["renew"],
        )
        if issued:
            self.stdout.write(self.style.SUCCESS(f"Issued {self._describe(certificate)}."))
        else:
            self.stdout.write(
                f"{user.get_username()} already has {self._describe(certificate)}; nothing "
                "changed (--renew replaces it)."
            )

    def _list(self, administration: Administration, options: dict[str, Any]) -> None:
        authority = SigningAuthority.objects.filter(administration=administration).first()
        if authority is None:
            self.stdout.write(f"{administration} has no signing authority.")
            return
        self.stdout.write(
            f"Signing authority of {administration}: fingerprint {authority.fingerprint}, "
            f"valid until {authority.valid_until:%Y-%m-%d}."
        )
        certificates = authority.certificates.select_related("user", "organisation")
        for certificate in certificates.order_by("issued_at"):
            self.stdout.write(f"  {self._describe(certificate)}")

    def _revoke(self, administration: Administration, options: dict[str, Any]) -> None:
        certificate = SignerCertificate.objects.filter(
            authority__administration=administration, serial=options["serial"].lower()
        ).first()
        if certificate is None:
            raise CommandError(f"{administration} issued no certificate {options['serial']}.")
        signer_certificate_revoke(actor=None, certificate=certificate, reason=options["reason"])
        self.stdout.write(self.style.SUCCESS(f"Revoked {self._describe(certificate)}."))

    @staticmethod
    def _describe(certificate: SignerCertificate) -> str:
        user: User = certificate.user
        signs_for = certificate.organisation or certificate.authority.administration
        state = (
            f"revoked {certificate.revoked_at:%Y-%m-%d} ({certificate.revocation_reason})"
            if certificate.revoked_at
            else f"valid until {certificate.valid_until:%Y-%m-%d}"
        )
        return (
            f"certificate {certificate.serial} of {certificate.subject_name} "
            f"({user.get_username()}), {certificate.role} for {signs_for}, {state}"
        )
