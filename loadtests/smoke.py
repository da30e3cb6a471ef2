"""The CI smoke load run: every scenario for a few seconds; exit code 1 if any request errors.

    python -m loadtests.smoke [--seconds 5] [--users 6] [--host URL] [--out DIR]

Without `--host` a mock is started for the run (`nmbrs-mock serve --port 0 --no-throttle`) and
stopped after it. Locust runs headless with all user classes on a fresh 40-employee environment
and writes its CSV, HTML and JSON to `--out` (default: a temporary folder, removed afterwards).
The run passes when Locust exits 0, a user of every scenario started, calls were made and none
failed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "client"):  # run as `python loadtests/smoke.py` from a checkout
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from loadtests.mock_process import BenchError, running_server  # noqa: E402

LOCUSTFILE = ROOT / "loadtests" / "locustfile.py"
CLASSES = ("FlexPayrollSync", "MonthEndHourExport", "PayrollDocumentSync", "ReadHeavyIntegrator",
           "SmallCallCapacity", "TimecardExport")  # fmt: skip
SPAWNED = re.compile(r"All users spawned: (\{[^}]*\})")
SMALL_ENVIRONMENT = ["--nmbrs-employees", "40", "--nmbrs-export-employees", "8", "--nmbrs-batch-size", "10"]


def locust_command(host: str, out: Path, users: int, seconds: float) -> list[str]:
    locust = Path(sys.executable).with_name("locust")
    base = [str(locust)] if locust.is_file() else [sys.executable, "-m", "locust"]
    return [
        *base, "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds:g}s",
        "--host", host, "--csv", str(out / "smoke"), "--html", str(out / "smoke.html"),
        "--json-file", str(out / "smoke"), "--exit-code-on-error", "1", "--stop-timeout", "10",
        "--only-summary", *SMALL_ENVIRONMENT,
    ]  # fmt: skip


def verdict(code: int, stats: list[dict[str, object]], log: str) -> list[str]:
    """What is wrong with a run ([] when it passed)."""
    problems = [] if code == 0 else [f"locust exited with {code}"]
    spawned = SPAWNED.search(log)
    counts = json.loads(spawned[1]) if spawned else {}
    problems += [f"no {name} user was started" for name in CLASSES if not counts.get(name)]
    soap = [entry for entry in stats if entry.get("method") != "THROTTLE"]
    calls = sum(int(str(entry["num_requests"])) for entry in soap)
    failed = [entry for entry in soap if int(str(entry["num_failures"]))]
    if not calls:
        problems.append("no calls were made")
    problems += [
        f"{entry['name']}: {entry['num_failures']} of {entry['num_requests']} failed" for entry in failed
    ]
    return problems


def run(host: str, out: Path, users: int, seconds: float) -> int:
    command = locust_command(host, out, users, seconds)
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=seconds + 300)  # fmt: skip
    stats_file = out / "smoke.json"
    stats = json.loads(stats_file.read_text()) if stats_file.is_file() else []
    problems = verdict(result.returncode, stats, result.stderr)
    calls = sum(entry["num_requests"] for entry in stats if entry.get("method") != "THROTTLE")
    print(f"smoke load run: {users} users, {seconds:g} s against {host}: {calls} calls, "
          f"{len({e['name'] for e in stats})} operations")  # fmt: skip
    for problem in problems:
        print(f"  FAIL  {problem}")
    if problems:
        print(f"locust output (tail):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return 1
    print("  PASS  every scenario's users started; no request errored")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="run time (default 5)")
    parser.add_argument("--users", type=int, default=len(CLASSES), help="users (default 6: one per scenario)")
    parser.add_argument("--host", help="a running mock (default: start one for the run)")
    parser.add_argument("--out", type=Path, help="keep Locust's CSV/HTML/JSON here")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.users < 1:
        parser.error("--seconds and --users must be positive")
    out = args.out or Path(tempfile.mkdtemp(prefix="nmbrs-smoke-"))
    out.mkdir(parents=True, exist_ok=True)
    try:
        if args.host:
            return run(args.host, out, args.users, args.seconds)
        with running_server() as server:
            return run(f"http://127.0.0.1:{server.port}", out, args.users, args.seconds)
    except (BenchError, OSError, subprocess.SubprocessError) as error:
        print(f"smoke load run could not run: {error}")
        return 1
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
