"""docs/benchmarks.md: the figures of one run, their ratios to the floor, PASS/MISS against the targets."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from tools.bench.deadline import SLOW_EVERY, SLOW_S, DeadlineFigures
from tools.bench.load import RunResult
from tools.bench.measure import CONCURRENT, SEQUENTIAL, Plan, ServerFigures
from tools.bench.nlu_eval import NluScores
from tools.bench.safety import Report as SafetyReport
from tools.bench.stats import Latency
from tools.bench.understanding import Report as UnderstandingReport

QUERY_P95_MS = 5.0          # each directory question, p95
CHANNEL_RATIO = 1.2         # WhatsApp p95 / REST p95, at most
FLOOR_LATENCY_RATIO = 1.3   # project sequential p95 / floor's, at most
FLOOR_THROUGHPUT_RATIO = 0.8  # project turns/s with many senders / floor's, at least
NOISY_SHARE = 0.05          # other programs' CPU share above which the report warns
REST, WHATSAPP = "REST", "WhatsApp"


@dataclass(frozen=True)
class Results:
    """Everything one benchmark run measured."""

    started: datetime
    total_seconds: float
    machine: dict[str, str]
    directory: dict[str, int]
    cities: int
    directory_load_seconds: float
    query_calls: int
    queries: dict[str, Latency]
    queries_others_cpu: float
    plan: Plan
    project: ServerFigures
    floor: ServerFigures
    floor_training_seconds: float
    training_seconds: float
    nlu: NluScores
    training_others_cpu: float
    safety: SafetyReport
    deadline: DeadlineFigures
    understanding: UnderstandingReport


def machine() -> dict[str, str]:
    """This machine: processors, memory, CPU model, OS, Python and Rasa versions."""
    info = {"processors (nproc)": str(len(os.sched_getaffinity(0)))}
    meminfo = Path("/proc/meminfo").read_text("ascii", "replace").splitlines()
    total = next((line.split()[1] for line in meminfo if line.startswith("MemTotal:")), None)
    if total:
        info["memory"] = f"{int(total) / 1024 / 1024:.1f} GiB"
    cpuinfo = Path("/proc/cpuinfo").read_text("ascii", "replace").splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), None)
    if model:
        info["CPU"] = model
    info["OS"] = platform.platform()
    info["Python"] = platform.python_version()
    info["Rasa"] = metadata.version("rasa")
    info["Rasa SDK"] = metadata.version("rasa-sdk")
    return info


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def _ratio(value: float) -> str:
    return f"{value:.2f}x"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _run(figures: ServerFigures, channel: str, mode: str) -> RunResult:
    return figures.runs[(channel, mode)]


def _query_section(results: Results) -> str:
    rows = [[f"`{name}`", _ms(stat.p50_ms), _ms(stat.p95_ms), _verdict(stat.p95_ms < QUERY_P95_MS)]
            for name, stat in results.queries.items()]
    return _table(["question (bot/directory/queries.py)", "p50 (ms)", "p95 (ms)", f"p95 < {QUERY_P95_MS:g} ms"], rows)


def _turns_section(results: Results) -> str:
    rows = []
    for (channel, mode), run in results.project.runs.items():
        senders = results.plan.senders if mode == CONCURRENT else 1
        rows.append([channel, str(senders), str(run.turns), _ms(run.latency.p50_ms), _ms(run.latency.p95_ms),
                     f"{run.per_second:.1f}", str(run.errors), f"{run.city_named}/{run.city_turns}"])
    turns = _table(["channel", "senders at once", "turns", "p50 (ms)", "p95 (ms)", "turns/s", "failed",
                    "replies naming the city asked about"], rows)
    ratios = []
    for mode, label in ((SEQUENTIAL, "one sender at a time"), (CONCURRENT, f"{results.plan.senders} senders")):
        rest, whatsapp = _run(results.project, REST, mode), _run(results.project, WHATSAPP, mode)
        ratio = whatsapp.latency.p95_ms / rest.latency.p95_ms
        ratios.append([label, _ms(rest.latency.p95_ms), _ms(whatsapp.latency.p95_ms), _ratio(ratio),
                       _verdict(ratio <= CHANNEL_RATIO)])
    return turns + "\n\n" + _table(["load", "REST p95 (ms)", "WhatsApp p95 (ms)", "WhatsApp / REST",
                                    f"at most {CHANNEL_RATIO:g}x"], ratios)


def _floor_rows(results: Results) -> list[list[str]]:
    project_seq, floor_seq = _run(results.project, REST, SEQUENTIAL), _run(results.floor, REST, SEQUENTIAL)
    project_many, floor_many = _run(results.project, REST, CONCURRENT), _run(results.floor, REST, CONCURRENT)
    senders = results.plan.senders
    rows = []
    for label, project, floor, target in (
            ("sequential p50 (ms)", project_seq.latency.p50_ms, floor_seq.latency.p50_ms, None),
            ("sequential p95 (ms)", project_seq.latency.p95_ms, floor_seq.latency.p95_ms, FLOOR_LATENCY_RATIO),
            (f"{senders} senders p50 (ms)", project_many.latency.p50_ms, floor_many.latency.p50_ms, None),
            (f"{senders} senders p95 (ms)", project_many.latency.p95_ms, floor_many.latency.p95_ms, None)):
        ratio = project / floor
        rows.append([label, _ms(project), _ms(floor), _ratio(ratio),
                     f"at most {target:g}x" if target else "—", _verdict(ratio <= target) if target else "—"])
    throughput = project_many.per_second / floor_many.per_second
    rows.append([f"turns/s with {senders} senders", f"{project_many.per_second:.1f}", f"{floor_many.per_second:.1f}",
                 _ratio(throughput), f"at least {FLOOR_THROUGHPUT_RATIO:g}x",
                 _verdict(throughput >= FLOOR_THROUGHPUT_RATIO)])
    floor_rasa = results.floor.peak_mib["Rasa server"]
    rasa = results.project.peak_mib["Rasa server"]
    everything = sum(results.project.peak_mib.values())
    rows.append(["peak memory, Rasa server (MiB)", f"{rasa:.0f}", f"{floor_rasa:.0f}", _ratio(rasa / floor_rasa),
                 "—", "—"])
    rows.append(["peak memory, Rasa + action server (MiB)", f"{everything:.0f}", f"{floor_rasa:.0f}",
                 _ratio(everything / floor_rasa), "—", "—"])
    return rows


def _memory_section(results: Results) -> str:
    rows = []
    for name, figures in (("project", results.project), ("floor", results.floor)):
        actions = figures.peak_mib.get("action server")
        rows.append([name, f"{figures.peak_mib['Rasa server']:.0f}", f"{actions:.0f}" if actions else "—",
                     f"{figures.startup_seconds:.0f} s"])
    return _table(["assistant", "Rasa server peak (MiB)", "action server peak (MiB)", "Rasa server ready after"],
                  rows)


def _others(results: Results) -> dict[str, float]:
    """The share of the machine's CPU other programs used, per measuring step."""
    return {"directory queries": results.queries_others_cpu,
            "project and floor under load (taking turns)": results.project.others_cpu,
            "training the project's model and the NLU model, parsing": results.training_others_cpu}


def _nlu_section(results: Results) -> str:
    nlu = results.nlu
    rows = [["training the project's model (`rasa train`, empty cache)", f"{results.training_seconds:.0f} s"],
            [f"training an NLU model on {nlu.folds - 1} folds of {nlu.folds} (`rasa train nlu`, mean)",
             f"{nlu.training_seconds:.0f} s"],
            ["training the floor's model", f"{results.floor_training_seconds:.0f} s"],
            ["examples trained on per fold / examples scored in all",
             f"{nlu.train_examples} / {nlu.test_examples['all']}"]]
    for language, label in (("es", "Spanish"), ("en", "English"), ("all", "both")):
        if language in nlu.f1:
            low, high = nlu.f1_range[language]
            rows.append([f"intent F1, weighted, mean of {nlu.folds} folds (lowest–highest) — {label} "
                         f"({nlu.test_examples[language]} scored)", f"{nlu.f1[language]:.3f} ({low:.3f}–{high:.3f})"])
    return _table(["figure", "value"], rows)


def _meaning(results: Results) -> str:
    """A plain-language reading of the figures."""
    slow = {name: stat for name, stat in results.queries.items() if stat.p95_ms >= QUERY_P95_MS}
    fast_max = max((stat.p95_ms for name, stat in results.queries.items() if name not in slow), default=0.0)
    sentences = []
    if slow:
        worst = ", ".join(f"`{name}` ({_ms(stat.p95_ms)} ms)" for name, stat in slow.items())
        sentences.append(f"With {results.directory['services']:,} services in {results.cities} cities, "
                         f"{len(results.queries) - len(slow)} of the {len(results.queries)} directory questions "
                         f"answer within {_ms(fast_max)} ms at p95, but {worst} "
                         f"{'is' if len(slow) == 1 else 'are'} over the {QUERY_P95_MS:g} ms target.")
    else:
        sentences.append(f"With {results.directory['services']:,} services in {results.cities} cities, every "
                         f"directory question answers within {_ms(fast_max)} ms at p95: the database is not what "
                         "users wait for.")
    rest_seq, rest_many = _run(results.project, REST, SEQUENTIAL), _run(results.project, REST, CONCURRENT)
    wa_seq = _run(results.project, WHATSAPP, SEQUENTIAL)
    floor_seq, floor_many = _run(results.floor, REST, SEQUENTIAL), _run(results.floor, REST, CONCURRENT)
    senders = results.plan.senders
    sentences.append(
        f"One person writing alone gets an answer in about {_ms(rest_seq.latency.p50_ms)} ms "
        f"(p95 {_ms(rest_seq.latency.p95_ms)} ms); with {senders} people writing at once each waits about "
        f"{_ms(rest_many.latency.p50_ms)} ms (p95 {_ms(rest_many.latency.p95_ms)} ms), and one server answers "
        f"{rest_many.per_second:.1f} messages a second.")
    channel = wa_seq.latency.p95_ms / rest_seq.latency.p95_ms
    sentences.append(f"WhatsApp's signature check, duplicate check and TwiML cost "
                     f"{'little' if channel <= CHANNEL_RATIO else 'more than they should'}: its p95 is "
                     f"{_ratio(channel)} REST's.")
    latency_ratio = rest_seq.latency.p95_ms / floor_seq.latency.p95_ms
    throughput_ratio = rest_many.per_second / floor_many.per_second
    sentences.append(
        f"An empty Rasa bot on the same machine answers in {_ms(floor_seq.latency.p95_ms)} ms at p95 and "
        f"{floor_many.per_second:.1f} messages a second, so the project's own work makes a turn take "
        f"{_ratio(latency_ratio)} as long ({_verdict(latency_ratio <= FLOOR_LATENCY_RATIO)} against "
        f"{FLOOR_LATENCY_RATIO:g}x) and leaves {_ratio(throughput_ratio)} of the floor's throughput "
        f"({_verdict(throughput_ratio >= FLOOR_THROUGHPUT_RATIO)} against {FLOOR_THROUGHPUT_RATIO:g}x); "
        "the floor answers every message with one canned reply, while a project question calls the action "
        "server, which reads the directory.")
    busy = [step for step, share in _others(results).items() if share > NOISY_SHARE]
    if busy:
        sentences.append(f"Other programs used up to {max(_others(results).values()):.0%} of the machine's CPU "
                         f"while it measured ({'; '.join(busy)}): those figures are worse, and vary more from run "
                         "to run, than a quiet machine would give.")
    peaks = results.project.peak_mib
    sentences.append(f"The Rasa server peaks at {peaks['Rasa server']:.0f} MiB "
                     f"(the floor's at {results.floor.peak_mib['Rasa server']:.0f} MiB)"
                     + (f" and the action server at {peaks['action server']:.0f} MiB" if "action server" in peaks
                        else "") + ".")
    nlu = results.nlu
    if "es" in nlu.f1 and "en" in nlu.f1:
        sentences.append(f"Training from scratch takes {results.training_seconds / 60:.1f} minutes; on examples "
                         f"it never saw (cross-validated, {nlu.folds} folds), the intent classifier scores a weighted "
                         f"F1 of {nlu.f1['es']:.2f} in "
                         f"Spanish and {nlu.f1['en']:.2f} in English.")
    return " ".join(sentences)


def render(results: Results) -> str:
    """The whole of docs/benchmarks.md for `results`."""
    plan = results.plan
    counts = results.directory
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {results.started:%Y-%m-%d %H:%M} from one run that took "
        f"{results.total_seconds / 60:.1f} minutes. Do not edit by hand: run `make bench` again.",
        "",
        "## Machine",
        "",
        _table(["", ""], [[key, value] for key, value in results.machine.items()]),
        "",
        "## What was run",
        "",
        f"- A generated directory (fictional cities, 555 phone numbers) of {counts['services']:,} services in "
        f"{results.cities} cities, {counts['centres']} centres, {counts['events']} events and "
        f"{counts['countries']} countries (Colombia, Ecuador, Perú), loaded with `bot.directory.loader.load` "
        "into a fresh "
        f"SQLite database in {results.directory_load_seconds:.0f} s.",
        f"- Each directory question of `bot/directory/queries.py` called {results.query_calls} times with random "
        "cities, categories and points, each call in a fresh session as an action makes one.",
        "- The project's newest model served by `rasa run` and `rasa run actions` (on 127.0.0.1, "
        "conversations in the project's SQL tracker store on SQLite, the directory above), "
        "talked to through REST (`POST /webhooks/rest/webhook`) and WhatsApp "
        "(`POST /webhooks/whatsapp/webhook`, a Twilio-signed form with a fresh MessageSid each time): "
        f"{plan.warmup_turns} warm-up turns, then {plan.sequential_turns} turns one sender at a time and "
        f"{plan.concurrent_turns} turns with {plan.senders} senders at once, per channel, each in {plan.rounds} "
        "runs with the channels, and the floor below, taking turns (so a busy moment of the machine does not "
        "fall on one of them only). Throughput is turns answered over the runs' wall time. Conversations are a "
        "fixed mix of greetings, centres, opening hours, lawyers, doctors, food, jobs and events, in Spanish "
        "and English, each with a new sender; the same messages go to both channels.",
        "- The floor: a trivial Rasa bot (two intents, one response and one rule each; WhitespaceTokenizer, "
        "CountVectorsFeaturizer, DIETClassifier with 20 epochs, RulePolicy; no action server) trained and "
        "served on this machine with Rasa's own SQL tracker store on SQLite, running beside the project and "
        "given the same REST load in the same rounds.",
        "- Peak memory: VmHWM from /proc of each server process, read after the load.",
        "- The CPU other programs used while each step measured (the machine's busy time from /proc/stat "
        "less that of the benchmark, its servers and the trainings it ran), since this machine may be shared.",
        "- Training: `rasa train` of the project with an empty cache. Intent F1, cross-validated: `data/nlu` "
        f"dealt into {results.nlu.folds} folds (stratified by intent and language, fixed seed; language from the "
        "`# es` / `# en` comment of each block); for each fold, an NLU model trained on the others and its "
        "whole pipeline parsing the fold; the weighted F1 per language, averaged over the folds.",
        "",
        "## Directory queries",
        "",
        _query_section(results),
        "",
        "## Conversation turns",
        "",
        _turns_section(results),
        "",
        "## Against the floor (REST)",
        "",
        _table(["figure", "project", "floor", "project / floor", "target", "result"], _floor_rows(results)),
        "",
        "## Memory and start-up",
        "",
        _memory_section(results),
        "",
        "## Other programs on the machine",
        "",
        _table(["while measuring", "share of all processors' time used by other programs"],
               [[step, f"{share:.0%}"] for step, share in _others(results).items()]),
        "",
        "## Training and understanding",
        "",
        _nlu_section(results),
        "",
        "## A slow action server (the deadline)",
        "",
        f"{results.deadline.turns} WhatsApp turns, {results.deadline.senders} conversations at once, to the "
        "project's servers as above, with the action server behind a "
        f"proxy on loopback that holds one call in {SLOW_EVERY} for {SLOW_S:g} s (Rasa gives up on an action "
        "after 8 s), and a stand-in for Twilio's REST API receiving the late replies. A turn counts as answered "
        "when the webhook returned its TwiML: the reply; the apology for a technical problem (with the emergency "
        "lines), when Rasa gave up on a held call; or, when a turn's calls together passed the 10 s deadline, "
        "the \"still looking\" note with the emergency lines. A conversation with a note counts as followed "
        "when a reply reached it through the REST API.",
        "",
        results.deadline.table(),
        "",
        "## Safety (held-out sets)",
        "",
        "Every case of `tests/safety/heldout_*.yml` (written by people who never read `data/nlu`) as the first "
        "message of a new conversation, on the sample directory: does the first reply give emergency lines, "
        "in the writer's language, and does a near miss (words of danger in an ordinary question) still get "
        "its answer.",
        "",
        results.safety.table(),
        "",
        "## Understanding (held-out conversations)",
        "",
        "Every conversation of `tests/understanding/heldout_*.yml` (written by people who never read `data/nlu`, "
        "from the sample directory's facts only), turn by turn as a new sender, on the sample directory: a "
        "conversation is right when every reply holds the facts expected and is in the writer's language.",
        "",
        results.understanding.table(),
        "",
        "## What the numbers mean",
        "",
        _meaning(results),
        "",
    ]
    return "\n".join(lines)
