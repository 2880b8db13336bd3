"""A second administration in the same deployment, with its own director."""

import pytest

from directory.models import Administration, Role
from tests.accreditation.factories import staff
from tests.factories import AdministrationFactory, FacilityFactory


@pytest.fixture
def other_administration(world) -> Administration:
    administration = AdministrationFactory.create(name="Kurdistan Reformatory Directorate")
    FacilityFactory.create(administration=administration, name="Erbil Reformatory")
    return administration


@pytest.fixture
def other_director(other_administration):
    """Director of the second administration, and of nothing in the first."""
    return staff("karwan", Role.DIRECTOR, other_administration)
