"""The demo runs on SQLite (``make run``), the tests on PostgreSQL. The lists' visibility
queries gather ids with a UNION, whose parts SQLite refuses to order: each is compiled here as
SQLite would run it, for each kind of user, so that a part with an ordering (a model's default
one) fails here rather than on the demo's pages."""

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from accreditation.permissions import applications_for_user
from agreements.permissions import agreements_for_user

pytestmark = pytest.mark.django_db

PERSONAS = [
    "director",
    "coordinator",
    "reviewer",
    "facility_officer",
    "ngo_admin",
    "ngo_member",
    "outsider",
]


def sqlite_sql(queryset) -> str:
    """The query as SQLite would be sent it; empty when there is nothing to ask (Django then
    sends no query at all)."""
    sqlite = DatabaseWrapper({**connection.settings_dict, "NAME": ":memory:"}, alias="sqlite")
    try:
        sql, _params = queryset.query.get_compiler(connection=sqlite).as_sql()
    except EmptyResultSet:
        return ""
    return sql


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("visible", [agreements_for_user, applications_for_user])
def test_what_a_user_may_see_is_a_query_sqlite_runs(request, persona, visible):
    user = request.getfixturevalue(persona)
    queryset = visible(user)
    sql = sqlite_sql(queryset)
    # Nothing to ask only where the user may see nothing of the kind.
    assert sql.startswith("SELECT") or not queryset.exists()
