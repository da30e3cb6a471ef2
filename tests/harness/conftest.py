"""Fixtures of the harness tests: an in-process target of their own (fresh mock, fresh environment)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from mock_server.harness.target import Target, in_process_target


@pytest.fixture
def target() -> Iterator[Target]:
    logging.getLogger("nmbrs_mock").setLevel(logging.CRITICAL)  # crashes are asserted through the checks
    with in_process_target() as made:
        yield made
