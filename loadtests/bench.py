"""Every performance figure of the mock next to its target, in one command.

    python -m loadtests.bench all [--quick] [--json FILE]
    python -m loadtests.bench startup|small|large|batch|throttle|capacity|memory|journal|client-export

Each part prints its figures as it goes; at the end one table: figure | target | measured | ok/MISS.
Ratios (mock vs bare lxml, after vs before) are measured in the same run. Exit code 1 when a target
is missed. `--quick` shrinks every part (sizes below the targets' own, marked "quick"), for trying
the command out. The parts reuse the other benchmark scripts: bench_startup, bench_throttle
(throttle), bench_journal and bench_client_export (run as they are, their JSON read back).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "client"):  # run as `python loadtests/bench.py` from a checkout
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from loadtests import bench_large, bench_seeding, bench_small, bench_startup  # noqa: E402

# The small-call CPU target (250 us) against the bare responder's 170 us when the target was set, on
# the same machine: what the target is worth on a machine of another speed (informational).
TARGET_CPU_TO_BARE = 250 / 170
PARTS = ("startup", "small", "large", "batch", "throttle", "capacity", "memory", "journal", "client-export")


@dataclass
class Figure:
    figure: str
    target: str
    measured: str
    ok: bool | None  # None: informational, no target

    @property
    def verdict(self) -> str:
        return "-" if self.ok is None else ("ok" if self.ok else "MISS")


class Bench:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.figures: list[Figure] = []
        self.raw: dict[str, Any] = {}
        self._apps: dict[int, bench_large.InProcess] = {}

    def add(self, figure: str, target: str, measured: str, ok: bool | None) -> None:
        measured = measured if len(measured) <= 70 else measured[:67] + "..."
        row = Figure(figure + (" (quick)" if self.quick and ok is not None else ""), target, measured, ok)
        self.figures.append(row)
        print(f"  {row.figure:<58} {row.target:<14} {row.measured:<28} {row.verdict}", flush=True)

    def app(self, employees: int) -> bench_large.InProcess:
        if employees not in self._apps:
            print(f"  seeding {employees:,} employees in process ...", flush=True)
            self._apps[employees] = bench_large.InProcess(employees)
            print(f"  seeded in {self._apps[employees].seed_s:.1f} s", flush=True)
        return self._apps[employees]

    # -- the parts ------------------------------------------------------------------------------
    def startup(self) -> None:
        found = self.raw["startup"] = bench_startup.bench_startup(1 if self.quick else 3)
        self.add("Startup to first answer (demo default), best", "<= 2 s", f"{found['best_s']:.2f} s",
                 found["best_s"] <= 2.0)  # fmt: skip
        from mock_server.domain.dutch_data import DutchDataGenerator

        people, started = 1_000 if self.quick else 10_000, time.process_time()
        DutchDataGenerator(12345).people(people)
        spent = self.raw["dutch_people_s"] = time.process_time() - started
        self.add(
            f"Dutch test data: {people:,} people generated (CPU)", "<= 5 s", f"{spent:.2f} s", spent <= 5.0
        )

    def small(self) -> None:
        found = self.raw["small"] = bench_small.bench_small(2.0 if self.quick else 10.0, 16)
        mock, bare = found["mock"], found["bare_lxml"]
        self.add(
            "Small calls (HourComponentVar_Get): mock calls/s", "-", f"{mock['calls_per_s']:.0f}/s", None
        )
        self.add("Small calls: bare gevent+lxml responder calls/s", "-", f"{bare['calls_per_s']:.0f}/s", None)
        self.add("Small calls: server CPU per call", "<= 250 us",
                 f"{mock['server_cpu_us_per_call']:.0f} us (bare {bare['server_cpu_us_per_call']:.0f})",
                 mock["server_cpu_us_per_call"] <= 250)  # fmt: skip
        cpu_ratio = mock["server_cpu_us_per_call"] / bare["server_cpu_us_per_call"]
        self.add("Small calls: server CPU, mock / bare responder", "-",
                 f"{cpu_ratio:.2f}x (the 250 us target: {TARGET_CPU_TO_BARE:.2f}x the bare 170 us)",
                 None)  # fmt: skip
        self.add("Small calls: mock / bare lxml calls/s", ">= 0.6x", f"{found['ratio_to_bare']:.2f}x",
                 found["ratio_to_bare"] >= 0.6)  # fmt: skip
        self.add("Small calls: p99 at 16 connections", "<= 50 ms", f"{mock['p99_ms']:.1f} ms",
                 mock["p99_ms"] <= 50 and mock["errors"] == 0)  # fmt: skip
        distinct = found["mock_distinct"]
        self.add(f"Small calls, {found['distinct_bodies']:,} distinct bodies (each decoded anew)", "0 errors",
                 f"{distinct['calls_per_s']:.0f}/s, {distinct['server_cpu_us_per_call']:.0f} us CPU, "
                 f"{distinct['calls_per_s'] / bare['calls_per_s']:.2f}x bare, {distinct['errors']} errors",
                 distinct["errors"] == 0)  # fmt: skip

    def large(self) -> None:
        sizes = (300, 1_000) if self.quick else (1_000, 10_000)
        for employees in sizes:
            found = self.raw[f"large_{employees}"] = bench_large.bench_reads(
                self.app(employees), 2 if self.quick else 5
            )
            for operation in bench_large.LARGE_READS:
                fig = found[operation]
                short = operation.replace("_AllEmployeesByCompany", "")
                if employees == sizes[-1]:
                    self.add(f"{short}, {employees:,} employees", "<= 1.0 s", f"{fig['mock_s']:.3f} s",
                             fig["mock_s"] <= 1.0)  # fmt: skip
                self.add(f"{short}, {employees:,}: mock / bare lxml", "<= 1.0x",
                         f"{fig['ratio']:.2f}x ({fig['bare_lxml_s']:.3f} s)",
                         fig["ratio"] <= 1.0 and fig["same_document"])  # fmt: skip

    def batch(self) -> None:
        lines, rounds = (2_000, 2) if self.quick else (10_000, 3)
        found = self.raw["batch"] = bench_large.bench_batch(
            self.app(300 if self.quick else 1_000), lines, rounds
        )
        best, ratio = found["insert_best_s"], found["read_ratio"]
        self.add(f"HourComponentVar_Insert_Batch, {lines:,} lines (best of {rounds})", "<= 3 s",
                 f"{best:.2f} s", best <= 3.0)  # fmt: skip
        history = f"{found['history_lines']:,}"
        self.add(f"One employee's hours read, after/before {history} lines", "<= 1.25x (flat)",
                 f"{ratio:.2f}x ({found['read_before_ms']:.2f} -> {found['read_after_ms']:.2f} ms)",
                 ratio <= 1.25)  # fmt: skip

    def throttle(self) -> None:
        found = self.raw["throttle"] = self._script("bench_throttle.py", *(["--quick"] if self.quick else []))
        a = found.get("a")
        if not a:
            self.add(
                "Throttle: 300 calls/s offered for 10 s", "runs", found.get("error", "no figures"), False
            )
            return
        share = a["immediate"]["count"] / a["expected_immediate"] if a["expected_immediate"] else 0.0
        self.add(f"Throttle: answered at once, {a['offered_rate']:g}/s for {a['seconds']:g} s", "150/s +-3 %",
                 f"{a['immediate']['count']} of {a['expected_immediate']:.0f} ({share:.1%})",
                 abs(share - 1) <= 0.03 and a["errors"] == 0)  # fmt: skip
        delayed = a["delayed"]
        self.add("Throttle: delayed calls take (p1..p99)", "0.50-0.56 s",
                 f"{delayed['p1_ms'] / 1000:.3f}-{delayed['p99_ms'] / 1000:.3f} s",
                 delayed["count"] > 0 and delayed["p1_ms"] >= 500 and delayed["p99_ms"] <= 560)  # fmt: skip

    def capacity(self) -> None:
        count, seconds = (2, 3.0) if self.quick else (10, 10.0)
        found = self.raw["capacity"] = self._module("loadtests.bench_capacity", "--environments", str(count),
                                                    "--seconds", str(seconds))  # fmt: skip
        loaded = found.get("loaded")
        if not loaded:
            self.add(
                f"Capacity: {count} environments x 150/s", "runs", found.get("error", "no figures"), False
            )
            return
        worst = min(env["immediate"] / env["offered"] for env in loaded)
        errors = sum(env["errors"] for env in loaded)
        self.add(f"Capacity: {count} environments x 150/s, answered at once (worst)", ">= 97 % each",
                 f"{worst:.1%}, {errors} errors", worst >= 0.97 and errors == 0)  # fmt: skip
        alone, beside = found["other_alone"]["p99_ms"], found["other_beside"]["p99_ms"]
        self.add("Capacity: another environment's p99, loaded vs alone", "<= 1.5x or +10 ms",
                 f"{beside:.1f} vs {alone:.1f} ms", beside <= max(1.5 * alone, alone + 10))  # fmt: skip

    def memory(self) -> None:
        employees = 5_000 if self.quick else 50_000
        found = self.raw["memory"] = bench_seeding.bench_seed(employees)
        wall = found["seed_wall_s"]
        self.add(f"Seeding {employees:,} employees (admin API)", "<= 20 s",
                 f"{wall:.1f} s (CPU: server {found['seed_server_cpu_s']:.1f} s, "
                 f"seeding processes {found['seed_child_cpu_s']:.1f} s)", wall <= 20)  # fmt: skip
        rss = found["rss_after_mb"]
        self.add(f"Memory with {employees:,} employees loaded (RSS)", "<= 300 MB",
                 f"{rss:.0f} MB (peak {found['peak_rss_mb']:.0f}; largest seeding process "
                 f"{found['child_peak_rss_mb']:.0f})", rss <= 300)  # fmt: skip
        reset = found["reset_after_run_s"]
        self.add(f"Reset of the {employees:,} after one run", "<= 2 s", f"{reset:.2f} s", reset <= 2)
        self._probed(f"Another environment's calls while {employees:,} are seeded", found)
        self._storage_floor(employees, found["seed_wall_s"])
        self._seed_cache(employees)

    def _storage_floor(self, employees: int, seeding_s: float) -> None:
        found = self.raw["storage_floor"] = self._script("bench_storage_floor.py", str(employees))
        if "seconds" not in found:
            self.add(
                "SQLite alone storing the rows of the seeding",
                "runs",
                found.get("error", "no figures"),
                False,
            )
            return
        self.add(f"SQLite alone storing those {found['rows']:,} rows (bench_storage_floor)", "-",
                 f"{found['seconds']:.1f} s ({found['us_per_row']:.1f} us a row; seeding is "
                 f"{seeding_s / found['seconds']:.1f}x)", None)  # fmt: skip

    def _seed_cache(self, employees: int) -> None:
        """Two more servers on one `--seed-cache` folder: the first seeds and writes the cache file
        with nothing else connected (no prober: copied in in one transaction), the second copies the
        environment from it (informational: the target is the cold seeding)."""
        with tempfile.TemporaryDirectory() as folder:
            filling = bench_seeding.bench_seed(employees, Path(folder), probe=False)
            warm = bench_seeding.bench_seed(employees, Path(folder))
        self.raw["seed_cache"] = {"filling": filling, "warm": warm}
        self.add(f"Seeding {employees:,}, nothing else connected (writes the seed cache)", "-",
                 f"{filling['seed_wall_s']:.1f} s ({filling['seeded']}; CPU: server "
                 f"{filling['seed_server_cpu_s']:.1f} s, seeding processes "
                 f"{filling['seed_child_cpu_s']:.1f} s)", None)  # fmt: skip
        self.add(f"Seeding {employees:,} again, from the seed cache", "-",
                 f"{warm['seed_wall_s']:.1f} s ({warm['seeded']}, peak {warm['peak_rss_mb']:.0f} MB)",
                 None)  # fmt: skip
        self._probed(f"Another environment's calls while {employees:,} are copied in", warm)
        if warm["seeded"] != "seed cache":
            raise bench_small.BenchError(
                f"the second server did not copy from the seed cache: {warm['seeded']}"
            )

    def _probed(self, figure: str, found: dict[str, Any]) -> None:
        """How the demo answered while an environment was made (`bench_seeding.Prober`)."""
        longest, median = found["probe_longest_s"] * 1000, found["probe_median_s"] * 1000
        self.add(figure, "-", f"longest {longest:,.0f} ms, median {median:.1f} ms "
                 f"({found['probe_calls']:,} calls)", None)  # fmt: skip

    def journal(self) -> None:
        found = self.raw["journal"] = self._script("bench_journal.py", *(["--quick"] if self.quick else []))
        ratio = found.get("ratio_off_to_on")
        self.add("Journal: small calls/s off / on (bench_journal)", ">= 0.97",
                 f"{ratio:.3f}" if ratio is not None else found.get("error", "no figures"),
                 ratio is not None and ratio >= 0.97)  # fmt: skip

    def client_export(self) -> None:
        lines = ["--lines", "1000"] if self.quick else []
        found = self.raw["client_export"] = self._script("bench_client_export.py", *lines)
        ratio = found.get("ratio")
        label = f"Client export {found.get('lines', 0):,} lines: wall / minimum at 150/s"
        self.add(label, "<= 1.15x, 0 delayed",
                 f"{ratio:.3f}x, {found.get('delayed_calls')} delayed" if ratio is not None
                 else found.get("error", "no figures"),
                 ratio is not None and ratio <= 1.15 and found.get("delayed_calls") == 0)  # fmt: skip

    # -- the other scripts, run as they are ------------------------------------------------------
    def _script(self, name: str, *args: str) -> dict[str, Any]:
        return self._run([sys.executable, str(ROOT / "loadtests" / name), *args])

    def _module(self, module: str, *args: str) -> dict[str, Any]:
        return self._run([sys.executable, "-m", module, *args])

    def _run(self, command: list[str]) -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "figures.json"
            result = subprocess.run([*command, "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                                    timeout=3600, stdin=subprocess.DEVNULL)  # fmt: skip
            if out.is_file():
                data: dict[str, Any] = json.loads(out.read_text())
                return data
        return {"error": f"exit {result.returncode}: {(result.stderr or result.stdout)[-300:].strip()}"}


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")  # fmt: skip
    return {"date": datetime.now().astimezone().isoformat(timespec="minutes"), "nproc": os.cpu_count(),
            "cpu": model, "python": sys.version.split()[0],
            "loadavg": [round(v, 2) for v in os.getloadavg()]}  # fmt: skip


def table(figures: list[Figure]) -> str:
    rows = [("figure", "target", "measured", "ok/MISS")] + [
        (f.figure, f.target, f.measured, f.verdict) for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-|-".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("part", choices=("all", *PARTS), help="which figures (all: every one)")
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs (not the targets')")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure as JSON")
    args = parser.parse_args(argv)
    bench = Bench(args.quick)
    host = machine()
    print(f"nmbrs-mock benchmarks, {host['date']}: {host['nproc']} x {host['cpu']}, Python {host['python']}, "
          f"load average {host['loadavg']} (other work on the machine lowers every figure)")  # fmt: skip
    parts: list[tuple[str, Callable[[], None]]] = [(p, getattr(bench, p.replace("-", "_"))) for p in PARTS]
    for name, run in parts:
        if args.part not in ("all", name):
            continue
        print(f"\n[{name}]", flush=True)
        started = time.perf_counter()
        try:
            run()
        except (
            bench_small.BenchError,
            OSError,
            subprocess.SubprocessError,
            ValueError,
            KeyError,
        ) as error:
            bench.add(name, "runs", f"ERROR {error}", False)
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
    print(f"\n{table(bench.figures)}")
    missed = [f.figure for f in bench.figures if f.ok is False]
    print(f"\n{len(missed)} of {sum(f.ok is not None for f in bench.figures)} targets missed"
          + (": " + "; ".join(missed) if missed else ""))  # fmt: skip
    if args.json:
        payload = {"machine": host, "figures": [asdict(f) for f in bench.figures], "raw": bench.raw}
        args.json.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
