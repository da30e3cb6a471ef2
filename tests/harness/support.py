"""Helpers of the harness tests."""

from __future__ import annotations

from mock_server.harness.runner import Harness, RunOptions
from mock_server.harness.target import Target


def harness_for(target: Target, *only: str, examples: int | None = None) -> Harness:
    """A prepared quick-profile harness (seed 0, no state machines) limited to `only`."""
    options = RunOptions(profile="quick", seed=0, only=list(only) or None, stateful=False, examples=examples)
    harness = Harness(target, options)
    harness.prepare()
    return harness
