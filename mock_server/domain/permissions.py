"""API user templates: the set of operations a user may call, by service, with wildcards.

A pattern is `Service.Operation` where either part may use shell wildcards (`*`, `?`), e.g.
`CompanyService.SalaryDocuments_AnnualDocument*` or `EmployeeService.*`. A call outside the
template is refused with 1002.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from mock_server.domain.errors import UnauthorizedOperation


@dataclass(frozen=True)
class Template:
    name: str
    patterns: tuple[str, ...]

    def allows(self, service: str, operation: str) -> bool:
        qualified = f"{service}.{operation}"
        return any(fnmatchcase(qualified, pattern) for pattern in self.patterns)

    def check(self, service: str, operation: str) -> None:
        if not self.allows(service, operation):
            raise UnauthorizedOperation(context=f"template {self.name!r} lacks {service}.{operation}")


BUILTIN_TEMPLATES: dict[str, Template] = {"full": Template("full", ("*",))}


def resolve_template(name: str, user_defined: dict[str, list[str]]) -> Template:
    if name in user_defined:
        return Template(name, tuple(user_defined[name]))
    if name in BUILTIN_TEMPLATES:
        return BUILTIN_TEMPLATES[name]
    raise KeyError(f"unknown permission template {name!r}")
