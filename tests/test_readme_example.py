"""The README's in-process example runs exactly as printed (issue 11 class 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = "<!-- tested by tests/test_readme_example.py -->"


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    assert MARKER in text, f"README.md lacks the in-process example marked {MARKER!r}"
    block = re.search(r"```python\n(.*?)```", text[text.index(MARKER) :], re.DOTALL)
    assert block is not None, "no ```python block after the marker"
    return block.group(1)


def test_the_in_process_example_runs_as_printed(capsys: pytest.CaptureFixture[str]) -> None:
    code = readme_example()
    assert "import" in code and "soap_url" in code and "EnvironmentSetup" in code
    exec(compile(code, "README.md (in-process example)", "exec"), {"__name__": "readme_example"})
    url, counts = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/soap/v3/EmployeeService\.asmx", url)
    assert counts.endswith(" 4")  # the company's name, then its 4 employees
