"""The web entry points settle once Django is set up: every view imported, and what start-up
built left out of the garbage collector's passes (``config.startup.settle``)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

CHECK = """
import gc, sys
assert gc.get_freeze_count() == 0
import config.{entry}
print(gc.get_freeze_count(), "accreditation.views.applications" in sys.modules)
"""


@pytest.mark.parametrize("entry", ["wsgi", "asgi"])
def test_the_entry_point_imports_every_view_and_freezes_what_start_up_built(entry):
    environment = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(entry=entry)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    frozen, views_imported = result.stdout.split()
    assert int(frozen) > 10_000
    assert views_imported == "True"
