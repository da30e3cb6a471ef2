"""Memory stays bounded over many calls with large responses (the light version of
loadtests/bench_long_run.py): after a warm-up, RSS grows by far less than what was answered, and
the journal stays inside its caps. Bounds on bytes, not on time."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from loadtests.bench_long_run import build_app, call, rss_mb

CALLS = 1000
WARM_UP = 200
JOURNAL_BYTES = 2 * 1024 * 1024


def test_many_large_answers_leave_memory_bounded():
    app, body, headers = build_app(employees=30, journal_bytes=JOURNAL_BYTES)
    answered = 0
    for _ in range(WARM_UP):
        answered += call(app, body, headers)
    baseline, answered = rss_mb(), 0
    for _ in range(CALLS - WARM_UP):
        answered += call(app, body, headers)
    growth = rss_mb() - baseline
    journal = app.pipeline.journal
    print(
        f"{CALLS} calls, {answered / 1e6:.0f} MB answered after the warm-up, RSS +{growth:.1f} MB, "
        f"journal {len(journal)} entries {journal.size_bytes / 1e6:.1f} MB"
    )
    assert answered > 20 * 1024 * 1024  # the responses are large enough for a leak to show
    assert journal.size_bytes <= JOURNAL_BYTES
    assert growth < 16, f"RSS grew by {growth:.1f} MB over {answered / 1e6:.0f} MB of answers"
