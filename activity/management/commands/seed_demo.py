import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the demo world: the prison system of State A, its facilities, organisations, "
        "users for every role, and work in every state. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app that has a ``demo`` module adds its part, in INSTALLED_APPS order, so that an
        # app's demo data can build on the apps it depends on.
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
