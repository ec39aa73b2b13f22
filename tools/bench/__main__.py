"""`python -m tools.bench` (`make bench`): measure everything once and write docs/benchmarks.md.

All traffic stays on 127.0.0.1; everything is made in a temporary directory
that is removed at the end, and every server is stopped (by process group)
even when a step fails or the run is interrupted.
"""

from __future__ import annotations

import os
import secrets
import signal
import sys
import tempfile
import time
from datetime import datetime
from functools import partial
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tools.bench import cpu
from tools.bench import directory as generated
from tools.bench.deadline import measure_deadline
from tools.bench.floor import write_project
from tools.bench.load import RestChannel, WhatsAppChannel
from tools.bench.measure import Assistant, Plan, measure
from tools.bench.nlu_eval import evaluate
from tools.bench.query_timing import time_queries
from tools.bench.report import Results, machine, render
from tools.bench.safety import run_heldout
from tools.bench.traffic import conversations
from tools.bench.training import train
from tools.bench.understanding import run_heldout as run_understanding
from tools.processes import Servers

OUTPUT = PROJECT_ROOT / "docs" / "benchmarks.md"
QUERY_CALLS = 500
DEADLINE_TURNS, DEADLINE_SENDERS, DEADLINE_SEED = 200, 10, 303
PLAN = Plan(sequential_turns=200, concurrent_turns=400, senders=20, warmup_turns=40, rounds=2)
WHATSAPP_NUMBER = "whatsapp:+14155238886"
ACCOUNT_SID = "AC" + "0" * 32


class _Clock:
    """Elapsed time since the run began, for progress lines on stderr."""

    def __init__(self) -> None:
        self.began = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since the run began."""
        return time.monotonic() - self.began

    def step(self, what: str) -> None:
        """Say on stderr which step starts now."""
        print(f"[bench {self.elapsed():6.0f} s] {what}", file=sys.stderr, flush=True)


def _stop_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def run(work: Path, clock: _Clock) -> Results:
    """Every measurement, in order, with its files under `work`; the results."""
    started = datetime.now()
    url = f"sqlite:///{work / 'directory.db'}"
    env = dict(os.environ, BOT_DATABASE_URL=url)

    clock.step("generating and loading the directory")
    directory = generated.generate()
    began = time.monotonic()
    generated.load(directory, url)
    load_seconds = time.monotonic() - began

    clock.step(f"timing directory queries ({QUERY_CALLS} calls each)")
    before = cpu.sample([])
    queries = time_queries(url, directory.cities, calls=QUERY_CALLS)
    queries_others = cpu.others_share(before, cpu.sample([]))

    stream = partial(conversations, directory.cities)
    clock.step("floor: training the trivial bot")
    floor_project = write_project(work / "floor")
    floor_model, floor_training = train(["train"], project=floor_project, out=work / "floor-model", name="floor",
                                        log=work / "floor-train.log", env=env)

    clock.step("project and floor: starting their servers and running the load, taking turns")
    served = work / "project"
    served.mkdir()
    token = secrets.token_hex(16)
    credentials = {"rest": None, "channels.whatsapp.WhatsAppInput": {
        "account_sid": ACCOUNT_SID, "auth_token": token, "whatsapp_number": WHATSAPP_NUMBER}}
    servers = Servers(served, url, credentials, tracker_db=served / "tracker.db")
    floor_served = work / "floor-run"
    floor_served.mkdir()
    floor_servers = Servers(floor_served, None, tracker_db=floor_served / "tracker.db", project=floor_project,
                            model=floor_model, actions=False, tracker_type="sql")
    figures = measure([
        Assistant("project", servers, [RestChannel(servers.url, "project"),
                                       WhatsAppChannel(servers.url, ACCOUNT_SID, token, WHATSAPP_NUMBER)]),
        Assistant("floor", floor_servers, [RestChannel(floor_servers.url, "floor")])], stream, PLAN)
    project, floor = figures["project"], figures["floor"]

    clock.step(f"deadline: {DEADLINE_TURNS} WhatsApp turns with one action call in ten held 12 s")
    (work / "deadline").mkdir()
    deadline = measure_deadline(work / "deadline", url, stream(DEADLINE_SEED), DEADLINE_TURNS, DEADLINE_SENDERS)

    clock.step("safety: the held-out sets of tests/safety/ through the project's servers")
    (work / "safety").mkdir()
    safety = run_heldout(work / "safety")

    clock.step("understanding: the held-out conversations of tests/understanding/ through the project's servers")
    (work / "understanding").mkdir()
    understanding = run_understanding(work / "understanding")

    clock.step("training the project's model from scratch")
    before = cpu.sample([])
    _, training_seconds = train(["train"], project=PROJECT_ROOT, out=work / "project-model", name="project",
                                log=work / "project-train.log", env=env)

    clock.step("intent F1: cross-validated, each fold of data/nlu parsed by a model trained on the others")
    nlu = evaluate(work / "nlu", env)
    training_others = cpu.others_share(before, cpu.sample([]))

    return Results(started=started, total_seconds=clock.elapsed(), machine=machine(),
                   directory=directory.counts, cities=len(directory.cities), directory_load_seconds=load_seconds,
                   query_calls=QUERY_CALLS, queries=queries, queries_others_cpu=queries_others, plan=PLAN,
                   project=project, floor=floor, floor_training_seconds=floor_training,
                   training_seconds=training_seconds, nlu=nlu, training_others_cpu=training_others, safety=safety,
                   deadline=deadline, understanding=understanding)


def main() -> None:
    """Run the benchmark once and write docs/benchmarks.md; exits non-zero (writing nothing) if a step fails."""
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    clock = _Clock()
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        results = run(Path(name), clock)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(render(results), "utf-8")
    clock.step(f"wrote {OUTPUT.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
