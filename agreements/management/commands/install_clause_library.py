from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.library import CLAUSES, TEMPLATES, install_library
from agreements.models import Clause, Template
from directory.models import Administration


class Command(BaseCommand):
    help = (
        "Give a prison administration the shipped clause library (every kind of clause in "
        "English, Spanish, Russian and Arabic) and its MoU templates. Safe to run again: "
        "what the administration already has is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("administration", help="The administration's id or exact name.")

    def handle(self, *args: Any, **options: Any) -> None:
        administration = self._administration(options["administration"])
        clauses_before = Clause.objects.filter(administration=administration).count()
        templates_before = Template.objects.filter(administration=administration).count()
        standard = install_library(administration)
        clauses = Clause.objects.filter(administration=administration).count() - clauses_before
        templates = (
            Template.objects.filter(administration=administration).count() - templates_before
        )
        if not clauses and not templates:
            self.stdout.write(
                f"{administration} already has the clause library: nothing was added."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Clause library installed for {administration}: {clauses} of {len(CLAUSES)} "
                f"clauses and {templates} of {len(TEMPLATES)} templates added. New MoUs start "
                f"from “{standard.name}”."
            )
        )

    def _administration(self, given: str) -> Administration:
        found = Administration.objects.filter(name=given).first()
        if found is None and given.isdigit():
            found = Administration.objects.filter(pk=int(given)).first()
        if found is None:
            names = ", ".join(Administration.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No administration “{given}”. Administrations: {names}.")
        return found
