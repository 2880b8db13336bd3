"""Moving the test database to a migration and back, for the tests of a data migration."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target: tuple[str, str]) -> None:
    """Apply or undo migrations until ``(app, name)`` is the last one applied of its app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
