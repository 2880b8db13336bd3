"""Moving the test database to a migration and back, for the tests of a data migration."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target: tuple[str, str]) -> None:
    """Apply or undo migrations until ``(app, name)`` is the last one applied of its app."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def migrate_to_latest() -> None:
    """Apply every app's migrations: moving one app back also undid the later apps' that
    depend on it (visits' on activity's), which moving that app forward alone does not redo."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
