"""The harness catches broken mocks: each variant of `broken.VARIANTS` must fail, naming the
operation and the check, while the same operation passes on the unbroken mock."""

from __future__ import annotations

import pytest
from broken import VARIANTS, Variant, break_app
from support import harness_for

from mock_server.harness.repro import reproduction
from mock_server.harness.target import Target


def _run(target: Target, variant: Variant, examples: int = 12):
    harness = harness_for(target, f"{variant.service}.{variant.operation}", examples=examples)
    (info,) = harness.operations()
    return harness.run_operation(info)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_broken_variant_is_caught(target: Target, name: str) -> None:
    variant = VARIANTS[name]
    break_app(target.app, variant)
    result = _run(target, variant)
    key = f"{variant.service}.{variant.operation}"
    assert result.key == key
    assert result.failure is not None, f"{name}: the harness did not notice ({result.examples} examples)"
    assert variant.check in result.failed, f"{name}: caught by {dict(result.failed)}, not {variant.check}"
    text = reproduction(result, target)
    assert text.startswith(f"{key}: check '{result.failure.check}' broke")
    assert ("curl -sS -i -X POST" in text and "SOAPAction" in text) or "action=" in text


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_the_same_operation_passes_on_the_unbroken_mock(target: Target, name: str) -> None:
    variant = VARIANTS[name]
    result = _run(target, variant)
    assert result.ok, reproduction(result, target)
    assert result.examples >= 12
