"""``python -m bench``: build the data set if needed, then measure and write docs/benchmarks.md.

python -m bench               # build once (reused afterwards), measure, write the report
python -m bench --rebuild     # drop the benchmark database and build it again
python -m bench --build-only  # stop after the build
python -m bench --only recommendations --skip-worker --skip-audit --skip-signing \
    --skip-capacity               # the recommendations pages and sweeps alone
"""

import argparse
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def _database_name() -> str:
    from urllib.parse import urlsplit

    return urlsplit(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    ).path.lstrip("/")


def _ensure_database(*, rebuild: bool) -> None:
    """Create the benchmark database (dropping it first on --rebuild), then migrate it."""
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    django.setup()
    name = _database_name()
    if name in {"test", "postgres"} or name.startswith("test_"):
        sys.exit(f"Refusing to use the database {name!r}: the benchmark needs its own.")
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and rebuild:
            print(f"Dropping the database {name}…")
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    if not exists:
        call_command("migrate", verbosity=0, interactive=False)
        return
    # An existing data set is brought up to date by the project's own migrations: their data
    # steps fill the new columns (an application's administration from its framework, a
    # decision's reference, a condition's status and history…) as they would in production.
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return
    print(f"Bringing the data set up to date: {len(plan)} migrations…", flush=True)
    t0 = time.monotonic()
    call_command("migrate", verbosity=1, interactive=False)
    with connection.cursor() as cursor:
        # The data steps rewrote rows one by one: fresh statistics for the planner.
        cursor.execute("VACUUM (ANALYZE)")
    print(f"Migrated in {time.monotonic() - t0:.0f} s.", flush=True)


def _default_concurrencies() -> list[int]:
    # The solo pool, one process; and the worker as deployed (README), whose prefork pool has
    # one process per core unless told otherwise.
    cores = os.cpu_count() or 1
    return [1, cores] if cores > 1 else [1]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the data set")
    parser.add_argument("--build-only", action="store_true", help="build the data set and stop")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="a fraction of the sizes, for a quick try"
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--budget",
        type=float,
        default=0.0,
        help="seconds of timed requests per page: a slower page gets fewer (at least 5); "
        "0 (the default) makes every page take --requests",
    )
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name contains this"
    )
    parser.add_argument("--skip-worker", action="store_true", help="skip the Celery worker run")
    parser.add_argument(
        "--worker-concurrency",
        type=lambda text: [int(n) for n in text.split(",")],
        default=_default_concurrencies(),
        help="the delivery worker's concurrency, one run each: 1 is the solo pool, more are "
        "prefork processes; by default 1 and then, on a machine of several cores, one process "
        "per core, as `celery worker` starts by default",
    )
    parser.add_argument("--skip-audit", action="store_true", help="skip verify_audit")
    parser.add_argument(
        "--skip-capacity",
        action="store_true",
        help="skip the visits' capacity check under concurrent requests",
    )
    parser.add_argument(
        "--skip-signing", action="store_true", help="skip rendering and signing a long MoU"
    )
    parser.add_argument(
        "--skip-recommendation-sweeps",
        action="store_true",
        help="skip timing the embargo sweep and the overdue actions' reminders",
    )
    parser.add_argument(
        "--merge",
        default="",
        help="an earlier run's JSON whose reminder, audit and signing figures fill in what this "
        "run skips",
    )
    parser.add_argument("--baseline", default="", help="an earlier run's JSON, for a before column")
    parser.add_argument(
        "--output", default="docs/benchmarks.md", help="where to write the report ('-': nowhere)"
    )
    args = parser.parse_args()

    _ensure_database(rebuild=args.rebuild)
    from bench import build

    info = build.dataset_info()
    if info is not None and info["version"] != build.VERSION:
        print("The data set is of an older version: rebuilding it.")
        _ensure_database(rebuild=True)
        info = None
    if info is None:
        print("Building the data set…")
        t0 = time.monotonic()
        build.build(build.Sizes().scaled(args.scale) if args.scale != 1 else build.Sizes())
        print(f"Built in {time.monotonic() - t0:.0f} s.")
        info = build.dataset_info()
    else:
        print(
            f"Reusing the data set built on {info['built_at']:%Y-%m-%d %H:%M} "
            f"({info['seconds']:.0f} s)."
        )
        from bench import build_agreements

        if not build_agreements.has_agreements():
            # A data set built before agreements existed gains them without a rebuild.
            print("Adding the agreements to the data set…", flush=True)
            added = build_agreements.add_to_existing()
            print(f"Added in {added['seconds']:.0f} s.", flush=True)
            info = build.dataset_info()
        from bench import build_visits

        if not build_visits.has_visits():
            # A data set built before visits existed gains them without a rebuild.
            print("Adding the visits to the data set…", flush=True)
            added = build_visits.add_to_existing()
            print(f"Added in {added['seconds']:.0f} s.", flush=True)
            info = build.dataset_info()
        from bench import build_recommendations

        if not build_recommendations.has_recommendations():
            # A data set built before recommendations existed gains them without a rebuild.
            print("Adding the recommendations to the data set…", flush=True)
            added = build_recommendations.add_to_existing()
            print(f"Added in {added['seconds']:.0f} s.", flush=True)
            info = build.dataset_info()
    if args.build_only or info is None:
        return
    from bench import measure

    measure.run(info, args)


if __name__ == "__main__":
    main()
