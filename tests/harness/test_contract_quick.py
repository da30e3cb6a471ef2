"""The quick profile over every served operation against the in-process mock: one test per operation,
the same code `nmbrs-mock contract-test` runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support import harness_for

from mock_server.contract import SERVICES, load_contract
from mock_server.harness.operations import all_operations
from mock_server.harness.repro import reproduction
from mock_server.harness.runner import Harness
from mock_server.harness.target import in_process_target

OPERATIONS = [info.key for info in all_operations()]
# Mock bugs the harness found and not yet fixed: strict xfails, so a fix turns them into failures
# until the entry is removed.
KNOWN_BUGS: dict[str, str] = {}


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with in_process_target() as target:
        yield harness_for(target)


def _param(key: str) -> object:
    marks = [pytest.mark.xfail(reason=KNOWN_BUGS[key], strict=True)] if key in KNOWN_BUGS else []
    return pytest.param(key, id=key, marks=marks)


def test_every_operation_of_the_contract_is_served_and_exercised(harness: Harness) -> None:
    served = {f"{service}.{op}" for service, ops in harness.served.items() for op in ops}
    contract = {f"{service}.{op}" for service in SERVICES for op in load_contract(service).operations}
    assert served == contract == set(OPERATIONS)
    assert len(OPERATIONS) == 328


@pytest.mark.parametrize("key", [_param(key) for key in OPERATIONS])
def test_operation(harness: Harness, key: str) -> None:
    (info,) = [info for info in harness.operations() if info.key == key]
    result = harness.run_operation(info)
    assert result.examples >= harness.profile.examples
    assert result.ok, reproduction(result, harness.target)
