"""The accreditation tests keep the documents they store in a temporary folder. The applications
at each step of their way are in tests/conftest.py, which the end-to-end tests share."""

import pytest

from .factories import use_temporary_storage


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    use_temporary_storage(settings, tmp_path)
