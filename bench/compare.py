"""``python -m bench.compare OTHER_TREE``: every page measured in turn with this checkout's code
and with another checkout's (a ``git worktree`` of an earlier commit), over the same data set.

A shared machine's speed drifts by half and more within an hour (``measure.yardstick_ms``), so two
benchmark runs an hour apart compare the machine as much as the code. Here each checkout runs in
a process of its own, and the two take turns page by page, a few requests at a time, for several
rounds: whatever the machine does falls on both alike. Printed per page: the median processor
time of each (the page's own work, without the waits for the database or for a core) and their
ratio.

    git worktree add ../before <commit>
    python -m bench.compare ../before --rounds 3 --requests 10 [--only applications]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

WARM_UP = 2


def serve(stdin: TextIO, stdout: TextIO) -> None:
    """The measuring side, in the checkout it was started in: for each page asked on stdin (a
    JSON line: url, username or null), the processor times of ``n`` requests, on stdout."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    # Absolute: this file runs as a script, over the other checkout's ``bench`` package too.
    from bench.measure import _signed_in

    try:  # Checkouts that settle their web processes settle this one alike.
        from config.startup import settle  # type: ignore[import-not-found, unused-ignore]

        settle()
    except ImportError:
        pass
    clients: dict[str | None, Client] = {None: Client()}
    print("ready", file=stdout, flush=True)
    for line in stdin:
        asked = json.loads(line)
        user = asked["user"]
        if user not in clients:
            clients[user] = _signed_in(User.objects.get(username=user))
        client = clients[user]
        for _ in range(WARM_UP):
            response = client.get(asked["url"])
        cpu = []
        for _ in range(asked["n"]):
            started = time.process_time()
            response = client.get(asked["url"])
            cpu.append((time.process_time() - started) * 1000)
        print(json.dumps({"cpu": cpu, "status": response.status_code}), file=stdout, flush=True)


def _pages(only: str) -> list[tuple[str, str, str | None]]:
    """(name, url, username) of every page the benchmark measures, deep pages at their depth."""
    import django

    django.setup()
    from django.contrib.auth.models import User

    from . import measure_recommendations, measure_visits
    from .build import PERSONAS
    from .measure import _deep_url, _signed_in, agreement_pages, pages

    users = {key: User.objects.get(username=name) for key, name in PERSONAS.items()}
    found: list[tuple[str, str, str, bool]] = [
        (f"{p.name} ({p.persona})", p.persona, p.url, p.deep) for p in pages() + agreement_pages()
    ]
    users.update(measure_visits.visit_personas())
    users.update(measure_recommendations.recommendation_personas())
    for module in (measure_visits, measure_recommendations):
        resolved, _missing = module.resolve(users)
        found += [(f"{p.name} ({p.persona})", p.persona, url, p.deep) for p, url in resolved]
    listed = []
    for name, persona, url, deep in found:
        if only and only not in name:
            continue
        user = users.get(persona)
        if deep and user is not None:
            url, _depth = _deep_url(_signed_in(user), url)
        listed.append((name, url, user.username if user else None))
    return listed


def _start(tree: Path) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    process = subprocess.Popen(  # noqa: S603 - this interpreter, this file
        # This file, over the checkout's own code (PYTHONPATH): earlier ones do not have it.
        [sys.executable, str(Path(__file__).resolve()), "--serve"],
        cwd=tree,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def _ask(process: subprocess.Popen[str], url: str, user: str | None, n: int) -> dict[str, Any]:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps({"url": url, "user": user, "n": n}) + "\n")
    process.stdin.flush()
    answer: dict[str, Any] = json.loads(process.stdout.readline())
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", nargs="?", help="the other checkout (an earlier commit)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=10, help="per page, tree and round")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(sys.stdin, sys.stdout)
        return
    if not args.other:
        parser.error("name the other checkout")
    here, other = Path(__file__).resolve().parent.parent, Path(args.other).resolve()
    listed = _pages(args.only)
    sides = {"before": _start(other), "after": _start(here)}
    cpu: dict[str, dict[str, list[float]]] = {
        name: {"before": [], "after": []} for name, *_ in listed
    }
    for round_ in range(args.rounds):
        for name, url, user in listed:
            # Who goes first alternates, so that neither always follows the other's page.
            order = list(sides.items()) if round_ % 2 == 0 else list(sides.items())[::-1]
            for side, process in order:
                answer = _ask(process, url, user, args.requests)
                if answer["status"] != 200:
                    print(f"  {name}: {side} answered {answer['status']}", flush=True)
                cpu[name][side] += answer["cpu"]
        print(f"round {round_ + 1} of {args.rounds} done", flush=True)
    for process in sides.values():
        assert process.stdin is not None
        process.stdin.close()
        process.wait()
    ratios = []
    print(f"\n{'page':60} {'before':>8} {'after':>8}  after ÷ before (median CPU ms)")
    for name, measured in cpu.items():
        before, after = statistics.median(measured["before"]), statistics.median(measured["after"])
        ratios.append(after / before)
        print(f"{name[:60]:60} {before:8.1f} {after:8.1f}  {after / before:.2f}")
    print(
        f"\n{len(ratios)} pages: median ratio {statistics.median(ratios):.2f}, "
        f"{sum(r < 0.95 for r in ratios)} faster by 5 % or more, "
        f"{sum(r > 1.05 for r in ratios)} slower by 5 % or more"
    )


if __name__ == "__main__":
    main()
