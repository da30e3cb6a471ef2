"""The run's table (one row per operation and per state machine), and its JSON and JUnit XML reports."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from mock_server.harness.checks import REGISTRY
from mock_server.harness.results import Result, RunReport


def _faults(result: Result) -> str:
    return ", ".join(f"{code}×{n}" for code, n in sorted(result.faults.items())) or "-"


def _status(result: Result) -> str:
    if result.skipped:
        return "skipped"
    if result.error:
        return "ERROR"
    if result.failure:
        return f"FAIL {result.failure.check}"
    return "ok"


def render_table(report: RunReport) -> str:
    width = max([len(r.key) for r in report.results] + [9])
    counts = f"{'examples':>8}  {'passed':>7}  {'failed':>6}"
    header = f"{'operation':<{width}}  {counts}  {'status':<24}  faults by code"
    lines = [header, "-" * len(header)]
    for r in report.results:
        lines.append(
            f"{r.key:<{width}}  {r.examples:>8}  {sum(r.passed.values()):>7}  {sum(r.failed.values()):>6}  "
            f"{_status(r):<24}  {_faults(r)}"
        )
    return "\n".join(lines)


def render_summary(report: RunReport) -> str:
    checks = sum(sum(r.passed.values()) + sum(r.failed.values()) for r in report.results)
    failed = report.failures()
    skipped = sum(1 for r in report.results if r.skipped)
    lines = [
        f"target: {report.target}; profile {report.profile}, seed {report.seed}, {report.seconds:.1f} s",
        f"operations exercised: {report.exercised} of {report.served} served"
        + (f" ({skipped} skipped)" if skipped else ""),
        f"examples: {sum(r.examples for r in report.results)}, checks run: {checks}",
        f"checks: {', '.join(REGISTRY)}",
    ]
    lines += [f"note: {note}" for note in report.notes]
    lines.append("result: " + ("every check held" if report.ok else f"{len(failed)} failing"))
    return "\n".join(lines)


def to_json(report: RunReport) -> dict[str, object]:
    return {
        "target": report.target,
        "profile": report.profile,
        "seed": report.seed,
        "seconds": round(report.seconds, 2),
        "served": report.served,
        "exercised": report.exercised,
        "ok": report.ok,
        "notes": report.notes,
        "results": [r.as_dict() for r in report.results],
    }


def to_junit(report: RunReport, reproductions: dict[str, str]) -> bytes:
    failures = report.failures()
    suite = ET.Element(
        "testsuite",
        name="nmbrs-contract",
        tests=str(len(report.results)),
        failures=str(sum(1 for r in failures if r.failure)),
        errors=str(sum(1 for r in failures if r.error)),
        skipped=str(sum(1 for r in report.results if r.skipped)),
        time=f"{report.seconds:.2f}",
    )
    for r in report.results:
        service, _, name = r.key.partition(".")
        case = ET.SubElement(suite, "testcase", classname=service, name=name or r.key)
        if r.skipped:
            ET.SubElement(case, "skipped", message=r.skipped)
        elif r.error:
            ET.SubElement(case, "error", message=r.error).text = reproductions.get(r.key, r.error)
        elif r.failure:
            element = ET.SubElement(case, "failure", message=f"{r.failure.check}: {r.failure.message}"[:500])
            element.text = reproductions.get(r.key, "")
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)


def write_report(report: RunReport, path: Path, reproductions: dict[str, str]) -> None:
    """JSON, or JUnit XML when the file name ends in `.xml`."""
    if path.suffix.lower() == ".xml":
        path.write_bytes(to_junit(report, reproductions))
        return
    data = to_json(report)
    for result in data["results"]:  # type: ignore[attr-defined]
        result["reproduction"] = reproductions.get(result["key"]) or None
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
