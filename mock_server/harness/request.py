"""A generated request as plain data: its parameters as a tree, what it is meant to provoke, and XML.

A parameter is `(name, value)`: value is the lexical text of a simple value, `NIL` for
`xsi:nil="true"`, or a tuple of parameters for a complex value (array items repeat the item name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union
from xml.sax.saxutils import escape

XSI = "http://www.w3.org/2001/XMLSchema-instance"


class _Nil:
    def __repr__(self) -> str:
        return "NIL"


NIL: Any = _Nil()
Value = Union[str, "_Nil", tuple["Param", ...]]
Param = tuple[str, Value]
_ENTITIES = {"\r": "&#xD;", '"': "&quot;"}


@dataclass(frozen=True)
class Expectation:
    """What a request is meant to provoke. `faults`: the Nmbrs codes it must fault with (empty: any
    answer); `client_fault`: a soap:Client/Sender fault whose text starts with `prefix`; `fact`: the
    section of nmbrs-behaviour.md this rests on, with its tag (CONFIRMED/INFERRED)."""

    kind: str  # "valid" or the kind of invalid request
    description: str
    faults: frozenset[int] = frozenset()
    client_fault: bool = False
    prefix: str = ""
    fact: str | None = None
    forbid_client_fault: bool = False  # the request is well-formed: no soap:Client answer


VALID = Expectation(
    "valid",
    "a request valid by the WSDL with ids that exist: no 1001 and no soap:Client fault",
    forbid_client_fault=True,
)


@dataclass(frozen=True)
class Request:
    service: str
    operation: str
    params: tuple[Param, ...]
    version: str = "1.1"
    expectation: Expectation = VALID
    soap_action: str | None = None  # None: the operation's own; else the value sent instead
    token: str | None = None  # None: the target's; else the token sent instead

    @property
    def key(self) -> str:
        return f"{self.service}.{self.operation}"

    def params_xml(self) -> str:
        return params_xml(self.params)

    def argument(self, name: str) -> Value | None:
        return next((value for key, value in self.params if key == name), None)


def params_xml(params: tuple[Param, ...]) -> str:
    parts: list[str] = []
    for name, value in params:
        if value is NIL:
            parts.append(f'<{name} xsi:nil="true" xmlns:xsi="{XSI}" />')
        elif isinstance(value, tuple):
            parts.append(f"<{name}>{params_xml(value)}</{name}>")
        else:
            parts.append(f"<{name}>{escape(str(value), _ENTITIES)}</{name}>")
    return "".join(parts)
