"""Demo data for agreements: the shipped clause library and its templates in each demo
administration, installed by its director. The demo MoUs build on them."""

from typing import IO

from django.contrib.auth import get_user_model

from directory.demo import SECOND_ADMINISTRATION
from directory.models import Administration

from .library import install_library
from .models import Clause

#: Who installs the library in each demo administration.
DIRECTORS = {"State A Prison System": "martha", SECOND_ADMINISTRATION: "karim"}


def seed(out: IO[str]) -> None:
    users = get_user_model().objects.in_bulk(list(DIRECTORS.values()), field_name="username")
    for administration in Administration.objects.filter(name__in=DIRECTORS):
        had_clauses = Clause.objects.filter(administration=administration).exists()
        install_library(administration, actor=users.get(DIRECTORS[administration.name]))
        if had_clauses:
            out.write(f"Agreements: {administration} already has its clause library.\n")
        else:
            out.write(f"Agreements: clause library installed for {administration}.\n")
