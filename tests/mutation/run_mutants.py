"""Mutation score of the test suite: apply one realistic bug at a time to a copy, see if a test fails.

    python tests/mutation/run_mutants.py                  # every mutant of mutants.toml, full suite each
    python tests/mutation/run_mutants.py --only 'throttle-*' --min 0.9 --mutant-timeout 300
    python tests/mutation/run_mutants.py --selected       # first run only each mutant's `tests`
    python tests/mutation/run_mutants.py --selected-only --no-baseline --jobs 1   # fast screening
    python tests/mutation/run_mutants.py --list           # does every `original` still apply? (exit 1 if not)

The repository (tracked and untracked, non-ignored files) is copied to a temporary directory once. For
each mutant the file is restored, the exact `original` snippet (which must occur exactly once) is
replaced by `replacement`, and pytest runs on the copy (`-x -q -p no:randomly`, `-n 2` with
pytest-xdist). A failing run kills the mutant, so does a run past the timeout; a passing run lets it
survive. A snippet no longer in the file (the code moved on) makes the mutant not applicable: it is
reported but not counted (listed as NOT APPLICABLE at the end). With `--selected`, a mutant's own
`tests` run first; one that survives them is run against the whole suite before it is called a
survivor, so the selection can only save time. `--selected-only` runs only those tests: a screening to
find likely survivors fast, not a score. A run past the timeout or above `--max-rss` GiB (a mutant that
loops allocating) is stopped with its whole process group and counts as killed.

Before the mutants the unmodified copy must pass: a red baseline makes every mutant look killed.
Exit status: 0 when killed / (killed + survived) >= --min, 1 below, 2 on a red baseline or bad input.
This is slow (one suite run per mutant) and runs outside CI.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MUTANTS = Path(__file__).with_name("mutants.toml")


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    original: str
    replacement: str
    description: str
    kind: str = ""
    tests: tuple[str, ...] = ()


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, not-applicable, no-tests (a --selected-only screening)
    detail: str = ""
    seconds: float = 0.0
    failed: list[str] = field(default_factory=list)


def load_mutants(path: Path) -> list[Mutant]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    mutants = []
    for number, entry in enumerate(data.get("mutant", []), start=1):
        missing = {"name", "file", "original", "replacement", "description"} - set(entry)
        if missing:
            raise SystemExit(f"{path}: mutant #{number} lacks {sorted(missing)}")
        if entry["original"] == entry["replacement"]:
            raise SystemExit(f"{path}: mutant {entry['name']!r} changes nothing")
        mutants.append(
            Mutant(
                name=entry["name"],
                file=entry["file"],
                original=entry["original"],
                replacement=entry["replacement"],
                description=entry["description"],
                kind=entry.get("kind", ""),
                tests=tuple(entry.get("tests", ())),
            )
        )
    names = [m.name for m in mutants]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SystemExit(f"{path}: duplicate mutant names {duplicates}")
    return mutants


def repository_files(root: Path) -> list[str]:
    """Tracked files that still exist, plus untracked files git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode()
    names = (name for name in listed.split("\0") if name)
    return sorted({n for n in names if (root / n).is_symlink() or (root / n).is_file()})


def copy_repository(root: Path, target: Path) -> None:
    """Copy the files; symbolic links stay links (relative ones then point into the copy)."""
    for name in repository_files(root):
        source, destination = root / name, target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), destination)
        else:
            shutil.copy2(source, destination)


SKIPPED: list[str] = []  # tests red on the unmodified copy (see --allow-red-baseline), left out


def pytest_command(tests: tuple[str, ...], jobs: int, stop_early: bool = True) -> list[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-rfE"]
    if stop_early:
        command.append("-x")
    if jobs > 1 and importlib.util.find_spec("xdist") is not None:
        command += ["-n", str(jobs)]
    for node in SKIPPED:
        command.append(f"--deselect={node}" if "::" in node else f"--ignore={node}")
    return command + list(tests or ("tests",))


def environment(copy: Path) -> dict[str, str]:
    """Make the copy's packages win over the editable install of the working tree."""
    env = dict(os.environ)
    paths = [str(copy), str(copy / "client")]
    env["PYTHONPATH"] = os.pathsep.join(paths + [p for p in [env.get("PYTHONPATH")] if p])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def check_imports_come_from(copy: Path) -> None:
    probe = "import mock_server, nmbrs_client; print(mock_server.__file__); print(nmbrs_client.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=copy, env=environment(copy), capture_output=True, text=True
    )
    paths = result.stdout.split()
    if result.returncode != 0 or len(paths) != 2 or not all(Path(p).is_relative_to(copy) for p in paths):
        raise SystemExit(f"the copy's packages are not the ones imported: {result.stdout}{result.stderr}")


def run_tests(
    copy: Path, tests: tuple[str, ...], jobs: int, timeout: float, failed_out: list[str] | None = None
) -> tuple[bool | None, str]:
    """True: the tests passed; False: one failed; None: timed out or grew past --max-rss. `failed_out`
    collects every failing test (the run then does not stop at the first)."""
    finished = run_watched(pytest_command(tests, jobs, stop_early=failed_out is None), copy, timeout)
    if isinstance(finished, str):
        return None, finished
    returncode, output = finished
    lines = output.strip().splitlines()
    failed = [line for line in lines if line.startswith(("FAILED tests", "ERROR tests"))]
    if failed_out is not None:
        failed_out.extend(sorted({line.split()[1] for line in failed if len(line.split()) > 1}))
    summary = (failed[:1] or lines[-1:] or [""])[0]
    return returncode == 0, summary


MAX_RSS = [4 * 2**30]  # bytes all processes of one pytest run may hold (--max-rss)
_PAGE = os.sysconf("SC_PAGE_SIZE")


def session_rss(session: int) -> int:
    """Resident bytes of every process in a session (pytest and its xdist workers)."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            if int(stat.rpartition(")")[2].split()[3]) == session:
                total += int((proc / "statm").read_text().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total


def run_watched(command: list[str], copy: Path, timeout: float) -> tuple[int, str] | str:
    """Run `command` in a session of its own; (return code, output), or why it was stopped. A mutant
    that hangs or loops allocating is stopped with its whole process group (xdist workers too)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output:
        process = subprocess.Popen(
            command,
            cwd=copy,
            env=environment(copy),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline, stopped = time.monotonic() + timeout, ""
        while process.poll() is None:
            if time.monotonic() > deadline:
                stopped = f"timed out after {timeout:.0f} s"
            elif session_rss(process.pid) > MAX_RSS[0]:
                stopped = f"stopped above {MAX_RSS[0] / 2**30:.1f} GiB of memory"
            if stopped:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return stopped
            time.sleep(1.0)
        output.seek(0)
        return process.returncode, output.read()


_ORIGINALS: dict[str, str] = {}  # file -> its text in the copy before any mutant touched it


def apply(copy: Path, mutant: Mutant) -> str | None:
    """Write the mutated file into the copy; the reason it cannot be applied, or None."""
    path = copy / mutant.file
    if not path.is_file():
        return f"{mutant.file} does not exist"
    text = _ORIGINALS.setdefault(mutant.file, path.read_text(encoding="utf-8"))
    count = text.count(mutant.original)
    if count != 1:
        return "snippet not found (the code moved)" if count == 0 else f"snippet found {count} times"
    path.write_text(text.replace(mutant.original, mutant.replacement), encoding="utf-8")
    return None


def restore(copy: Path, mutant: Mutant) -> None:
    """Put the copy's own text back (not the working tree's: others may have changed it meanwhile)."""
    if mutant.file in _ORIGINALS:
        (copy / mutant.file).write_text(_ORIGINALS[mutant.file], encoding="utf-8")


def judge(copy: Path, mutant: Mutant, args: argparse.Namespace) -> Outcome:
    reason = apply(copy, mutant)
    if reason is not None:
        return Outcome(mutant, "not-applicable", reason)
    started = time.monotonic()
    try:
        selections = [mutant.tests, ()] if args.selected and mutant.tests else [()]
        if args.selected_only:  # screening: a survivor here may still die in the whole suite
            selections = [mutant.tests] if mutant.tests else []
        if not selections:
            return Outcome(mutant, "no-tests", "no `tests` to screen with")
        for tests in selections:
            passed, summary = run_tests(copy, tests, args.jobs, args.mutant_timeout or args.timeout)
            if passed is not True:
                return Outcome(mutant, "killed", summary, time.monotonic() - started)
        return Outcome(mutant, "survived", "every test passed", time.monotonic() - started)
    finally:
        restore(copy, mutant)


def report(outcomes: list[Outcome], minimum: float) -> tuple[float, str]:
    width = max([len(o.mutant.name) for o in outcomes] + [6])
    lines = [f"{'mutant':<{width}}  {'result':<14}  {'secs':>6}  detail"]
    for o in outcomes:
        lines.append(f"{o.mutant.name:<{width}}  {o.status:<14}  {o.seconds:6.1f}  {o.detail[:100]}")
    killed = sum(o.status == "killed" for o in outcomes)
    survived = [o for o in outcomes if o.status == "survived"]
    not_applicable = sum(o.status == "not-applicable" for o in outcomes)
    counted = killed + len(survived)
    ratio = killed / counted if counted else 0.0
    lines.append("")
    lines.append(
        f"{date.today().isoformat()}: killed {killed} of {counted} applicable mutants = {ratio:.1%} "
        f"(minimum {minimum:.0%}); {not_applicable} not applicable"
    )
    for o in survived:
        lines.append(f"  survived {o.mutant.name}: {o.mutant.description}")
    for o in outcomes:
        if o.status == "not-applicable":
            lines.append(
                f"  NOT APPLICABLE {o.mutant.name}: {o.mutant.file}: {o.detail}; update its `original`"
            )
    return ratio, "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mutants", type=Path, default=DEFAULT_MUTANTS, help="the TOML file of mutants")
    parser.add_argument("--only", action="append", default=[], help="glob of mutant names (repeatable)")
    parser.add_argument("--min", type=float, default=0.90, help="lowest kill ratio that passes (0.90)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for the baseline run (1800)")
    parser.add_argument(
        "--mutant-timeout",
        type=float,
        default=None,
        help="seconds per mutant run (default: twice the baseline's time, at least 120 s)",
    )
    parser.add_argument(
        "--max-rss",
        type=float,
        default=8.0,
        help="GiB one pytest run may hold before it counts as killed (8)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="pytest-xdist workers when installed (2)")
    parser.add_argument("--selected", action="store_true", help="run each mutant's own tests first")
    parser.add_argument(
        "--selected-only",
        action="store_true",
        help="screening: run only each mutant's own tests, never the whole suite (not a score)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the run of the unmodified copy")
    parser.add_argument(
        "--allow-red-baseline",
        action="store_true",
        help="leave out the tests that fail on the unmodified copy (work in progress) and go on",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        help="a test file or folder to leave out of every run (repeatable), e.g. tests/client",
    )
    parser.add_argument("--list", action="store_true", help="print the mutants and whether they apply")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not 0 <= args.min <= 1:
        print(f"--min must be between 0 and 1, not {args.min}", file=sys.stderr)
        return 2
    MAX_RSS[0] = int(args.max_rss * 2**30)
    mutants = load_mutants(args.mutants)
    if args.only:
        mutants = [m for m in mutants if any(fnmatch.fnmatchcase(m.name, p) for p in args.only)]
    if not mutants:
        print("no mutant selected", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nmbrs-mutants-") as temp:
        copy = Path(temp) / "repo"
        copy_repository(ROOT, copy)
        if args.list:
            stale = False
            for mutant in mutants:
                reason = apply(copy, mutant)
                restore(copy, mutant)
                print(f"{mutant.name:<40} {mutant.file:<45} {reason or 'applies'}")
                stale = stale or reason is not None
            return 1 if stale else 0
        check_imports_come_from(copy)
        SKIPPED.extend(args.exclude)
        if not args.no_baseline:
            baseline_started = time.monotonic()
            red: list[str] = []
            passed, summary = run_tests(copy, (), args.jobs, args.timeout, red)
            if passed is not True and args.allow_red_baseline and red:
                SKIPPED.extend(red)
                print(f"left out, red on the unmodified copy: {' '.join(red)}", flush=True)
                baseline_started = time.monotonic()
                passed, summary = run_tests(copy, (), args.jobs, args.timeout)
            if passed is True and args.mutant_timeout is None:  # a mutant that hangs is killed by then
                args.mutant_timeout = max(120.0, 2 * (time.monotonic() - baseline_started))
            if passed is not True:
                print(
                    f"the unmodified suite does not pass ({summary}); no mutant can be judged",
                    file=sys.stderr,
                )
                return 2
        outcomes = []
        for number, mutant in enumerate(mutants, start=1):
            outcome = judge(copy, mutant, args)
            outcomes.append(outcome)
            print(
                f"[{number}/{len(mutants)}] {mutant.name}: {outcome.status} ({outcome.seconds:.0f} s)",
                flush=True,
            )
    ratio, text = report(outcomes, args.min)
    print(text)
    if args.selected_only:
        print("screening (--selected-only): only each mutant's own tests ran; this ratio is not the score")
    if SKIPPED:
        print(f"left out (--exclude, or red on the unmodified copy): {' '.join(SKIPPED)}")
    return 0 if ratio >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
