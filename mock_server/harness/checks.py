"""Named checks on every response. Each is `check_x(exchange, context) -> None`, raising `CheckFailed`
(or `NotApplicable` when it has nothing to judge); `REGISTRY` lists them by name.

A check that rests on a fact of nmbrs-behaviour.md names it (with its CONFIRMED/INFERRED tag) in
`FACTS`, so a failure against a real Nmbrs says which fact disagreed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from mock_server.harness.operations import OperationInfo
from mock_server.harness.request import Request
from mock_server.harness.response import ENVELOPES, Response, typed_values
from mock_server.harness.schema import validation_errors
from mock_server.harness.target import Exchange

SERVER_PREFIX = "Server was unable to process request. ---> "
APPLICATION_FAULT = re.compile(r"^Server was unable to process request\. ---> (\d{4}): (.+)$", re.DOTALL)
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
CONTENT_TYPES = {"1.1": "text/xml", "1.2": "application/soap+xml"}
# The code table of nmbrs-behaviour.md §3.2.
KNOWN_CODES = frozenset(
    {1000, 1001, 1002, 1003, 1004, 1006, 2001, 2002, 2003, 2004, 2006, 2009, 2011, 2012, 2013}
    | set(range(2014, 2023))
    | {2028, 2029, 2030}
    | set(range(2032, 2048))
    | {9999}
)
# Literal texts seen after the code (§3.2, CONFIRMED by client matchers and SDK tests).
KNOWN_TEXTS = {
    1001: "Invalid Authentication",
    1002: "Unauthorized access",
    1003: "Unauthorized access",
    2001: "Invalid Hour component",
    2002: "Invalid Wage component",
    2003: "Unauthorized access",
    2004: "Unauthorized access",
    2006: "Invalid Period",
    2009: "Unauthorized access",
    9999: "Unkown",
}
TRACEBACK = re.compile(r'Traceback \(most recent call last\)|File "[^"]+\.py", line \d+')
FOREIGN = re.compile(
    r"\b(spyne|lxml|sqlite3?|gevent|python|NoneType|KeyError|AttributeError|TypeError|ValueError|IndexError"
    r"|RuntimeError|AssertionError)\b|System\.[A-Z]\w+Exception|\bat [A-Z][\w.]+\(",
    re.IGNORECASE,
)


class CheckFailed(Exception):
    def __init__(self, name: str, message: str, fact: str | None = None) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.fact = fact


class NotApplicable(Exception):
    """The check has nothing to judge in this exchange."""


@dataclass
class CheckContext:
    info: OperationInfo
    request: Request
    response: Response
    schema: etree.XMLSchema | None = None  # of the target's own WSDL for this service
    again: Exchange | None = None  # the same read sent a second time
    state_changes: list[str] | None = None  # fingerprint differences around a faulted write
    side_reads: list[str] = field(default_factory=list)  # the reads made around it that crashed (9999)
    notes: list[str] = field(default_factory=list)


Check = Callable[[Exchange, CheckContext], None]


def _fail(name: str, message: str) -> CheckFailed:
    return CheckFailed(name, message, FACTS.get(name))


def check_http_status(exchange: Exchange, context: CheckContext) -> None:
    fault = context.response.fault
    if fault is None and context.response.is_success and exchange.status != 200:
        raise _fail("http_status", f"an answer with HTTP {exchange.status}, not 200")
    if fault is not None and exchange.status != 500 and not (fault.is_client and exchange.status == 400):
        raise _fail("http_status", f"a {fault.soap_code} fault with HTTP {exchange.status}, not 500")


def check_content_type(exchange: Exchange, context: CheckContext) -> None:
    expected = CONTENT_TYPES[exchange.soap_version]
    media = exchange.content_type.split(";")[0].strip().lower()
    if media != expected or "charset=utf-8" not in exchange.content_type.lower().replace(" ", ""):
        raise _fail(
            "content_type",
            f"SOAP {exchange.soap_version} answered with Content-Type {exchange.content_type!r}, "
            f"not '{expected}; charset=utf-8'",
        )


def check_envelope(exchange: Exchange, context: CheckContext) -> None:
    response = context.response
    if response.root is None:
        raise _fail("envelope", "the response is not well-formed XML")
    if response.envelope_version != exchange.soap_version:
        raise _fail(
            "envelope",
            f"SOAP {exchange.soap_version} request answered with root {response.root.tag} "
            f"(expected {{{ENVELOPES[exchange.soap_version]}}}Envelope)",
        )
    env = ENVELOPES[exchange.soap_version]
    if response.root.find(f"{{{env}}}Header") is not None:
        raise _fail("envelope", "the response has a soap:Header")
    if response.body_child is None:
        raise _fail("envelope", "the soap:Body does not hold exactly one element")


def check_response_element(exchange: Exchange, context: CheckContext) -> None:
    response = context.response
    if not response.is_success or response.body_child is None:
        raise NotApplicable
    expected = f"{{{context.info.contract.namespace}}}{context.info.operation.response_name}"
    if response.body_child.tag != expected:
        raise _fail("response_element", f"the body holds {response.body_child.tag}, not {expected}")


def check_schema(exchange: Exchange, context: CheckContext) -> None:
    response = context.response
    if not response.is_success or response.body_child is None or context.schema is None:
        raise NotApplicable
    errors = validation_errors(context.schema, response.body_child)
    if errors:
        raise _fail("schema", "does not validate against the target's WSDL: " + "; ".join(errors[:5]))


def _typed(context: CheckContext, type_name: str) -> list[tuple[str, str]]:
    response = context.response
    if not response.is_success or response.body_child is None:
        raise NotApplicable
    info = context.info
    found = typed_values(info.contract, info.operation.outputs, response.body_child)
    values = [(path, text) for path, kind, text in found if kind == type_name]
    if not values:
        raise NotApplicable
    return values


def check_datetime_lexical(exchange: Exchange, context: CheckContext) -> None:
    bad = [f"{path}={text!r}" for path, text in _typed(context, "dateTime") if not DATETIME.match(text)]
    if bad:
        raise _fail("datetime_lexical", "dateTime not YYYY-MM-DDTHH:MM:SS (no zone): " + ", ".join(bad[:5]))


def check_decimal_lexical(exchange: Exchange, context: CheckContext) -> None:
    bad = [f"{path}={text!r}" for path, text in _typed(context, "decimal") if not DECIMAL.match(text)]
    if bad:
        raise _fail("decimal_lexical", "decimal not in plain invariant form: " + ", ".join(bad[:5]))


def check_fault_shape(exchange: Exchange, context: CheckContext) -> None:
    fault = context.response.fault
    if fault is None:
        raise NotApplicable
    element, env = fault.element, ENVELOPES[fault.version]
    if fault.version == "1.1":
        names = [etree.QName(c).text for c in element if isinstance(c.tag, str)]
        expected = ["faultcode", "faultstring", "detail"]
        codes = ("soap:Server", "soap:Client")
        detail = element.find("detail")
    else:
        names = [etree.QName(c).localname for c in element if isinstance(c.tag, str)]
        expected = ["Code", "Reason", "Detail"]
        codes = ("soap:Receiver", "soap:Sender")
        detail = element.find(f"{{{env}}}Detail")
    if names != expected:
        raise _fail("fault_shape", f"SOAP {fault.version} fault children {names}, not {expected}")
    if fault.soap_code not in codes:
        raise _fail("fault_shape", f"fault code {fault.soap_code!r}, not one of {codes}")
    if detail is not None and (len(detail) or (detail.text or "").strip()):
        raise _fail("fault_shape", "the fault detail is not empty")


def check_fault_string(exchange: Exchange, context: CheckContext) -> None:
    fault = context.response.fault
    if fault is None or fault.is_client:
        raise NotApplicable
    match = APPLICATION_FAULT.match(fault.text)
    if match is None:
        raise _fail(
            "fault_string", f"{fault.text!r} is not 'Server was unable to process request. ---> NNNN: text'"
        )
    code, text = int(match.group(1)), match.group(2)
    if code not in KNOWN_CODES:
        raise _fail("fault_string", f"code {code} is not a known Nmbrs error code")
    if code in KNOWN_TEXTS and text != KNOWN_TEXTS[code]:
        raise _fail("fault_string", f"{code}: {text!r}, Nmbrs says {code}: {KNOWN_TEXTS[code]!r}")


def check_expected_outcome(exchange: Exchange, context: CheckContext) -> None:
    expectation, fault = context.request.expectation, context.response.fault
    if context.response.body_child is None:
        raise NotApplicable  # the envelope check reports it
    name, fact = "expected_outcome", expectation.fact
    if expectation.forbid_client_fault and fault is not None and fault.is_client:
        raise CheckFailed(name, f"{expectation.description}; got {fault.soap_code}: {fault.text[:200]}", fact)
    if expectation.kind == "valid" and fault is not None and fault.code == 1001:
        raise CheckFailed(name, f"the target's own credentials were refused: {fault.text[:200]}", fact)
    if expectation.faults and (fault is None or fault.code not in expectation.faults):
        got = "an answer" if fault is None else f"{fault.soap_code}: {fault.text[:200]}"
        raise CheckFailed(name, f"{expectation.description}; got {got}", fact)
    if expectation.client_fault and (
        fault is None or not fault.is_client or not fault.text.startswith(expectation.prefix)
    ):
        got = "an answer" if fault is None else f"{fault.soap_code}: {fault.text[:200]}"
        raise CheckFailed(name, f"{expectation.description} ({expectation.prefix}…); got {got}", fact)


def check_deterministic_read(exchange: Exchange, context: CheckContext) -> None:
    again = context.again
    if again is None:
        raise NotApplicable
    if (again.status, again.response_body) != (exchange.status, exchange.response_body):
        raise _fail(
            "deterministic_read",
            f"the same read answered differently the second time (HTTP {exchange.status} → {again.status}, "
            f"{len(exchange.response_body)} → {len(again.response_body)} bytes)",
        )


def check_fault_changed_nothing(exchange: Exchange, context: CheckContext) -> None:
    if context.state_changes is None:
        raise NotApplicable
    if context.state_changes:
        raise _fail(
            "fault_changed_nothing", "a faulted write changed: " + "; ".join(context.state_changes[:5])
        )


def check_no_internal_error(exchange: Exchange, context: CheckContext) -> None:
    crashed = list(context.side_reads)
    fault = context.response.fault
    if not context.info.is_write and context.request.expectation.kind == "valid":
        if fault is not None and fault.code == 9999:
            crashed.insert(0, f"the read itself: {fault.text[:200]}")
    elif not crashed:
        raise NotApplicable
    if crashed:
        raise _fail("no_internal_error", "a valid read answered 9999: " + "; ".join(crashed[:3]))


def check_no_foreign_text(exchange: Exchange, context: CheckContext) -> None:
    body = context.response.text()
    if TRACEBACK.search(body):
        raise _fail("no_foreign_text", "the response carries a Python traceback")
    fault = context.response.fault
    found = FOREIGN.search(fault.text) if fault is not None else None
    if fault is not None and found:
        raise _fail("no_foreign_text", f"the fault text names {found.group(0)!r}: {fault.text[:200]!r}")


REGISTRY: dict[str, Check] = {
    "http_status": check_http_status,
    "content_type": check_content_type,
    "envelope": check_envelope,
    "response_element": check_response_element,
    "datetime_lexical": check_datetime_lexical,
    "decimal_lexical": check_decimal_lexical,
    "schema": check_schema,
    "fault_shape": check_fault_shape,
    "fault_string": check_fault_string,
    "expected_outcome": check_expected_outcome,
    "deterministic_read": check_deterministic_read,
    "fault_changed_nothing": check_fault_changed_nothing,
    "no_internal_error": check_no_internal_error,
    "no_foreign_text": check_no_foreign_text,
}
# The nmbrs-behaviour.md fact each check rests on (expected_outcome names the request's own fact).
FACTS: dict[str, str] = {
    "http_status": "§3.1 HTTP 500 for every SOAP fault, 400 only for XML errors (CONFIRMED)",
    "content_type": "§1.3 text/xml for SOAP 1.1, application/soap+xml for 1.2, charset utf-8 (CONFIRMED)",
    "envelope": "§1.3 the response envelope mirrors the request's SOAP version, no Header (CONFIRMED)",
    "response_element": "§8 <OpResponse xmlns=service namespace> in the Body (CONFIRMED)",
    "schema": "§8 the payload follows the WSDL: element order, nil, types (CONFIRMED)",
    "datetime_lexical": "§8 dateTime YYYY-MM-DDTHH:MM:SS without fraction or zone (CONFIRMED)",
    "decimal_lexical": "§8 invariant decimals with their scale, no exponent (CONFIRMED)",
    "fault_shape": "§3.1 ASMX fault layout (SOAP 1.1 CONFIRMED, SOAP 1.2 INFERRED)",
    "fault_string": (
        "§3.1 / §3.2 'Server was unable to process request. ---> NNNN: text', known codes (CONFIRMED)"
    ),
    "fault_changed_nothing": "§3.2 faults never partially apply a write or a batch (INFERRED)",
    "no_internal_error": "§3.2 9999 'Unkown' is the unhandled error: a valid read never gets it (INFERRED)",
    "no_foreign_text": "§3.1 customErrors on: no stack trace or framework text in answers (CONFIRMED)",
}


def run_checks(
    exchange: Exchange, context: CheckContext, only: list[str] | None = None
) -> dict[str, CheckFailed | None]:
    """Every applicable check's outcome: None when it held, the failure when it broke."""
    outcomes: dict[str, CheckFailed | None] = {}
    for name, check in REGISTRY.items():
        if only is not None and name not in only:
            continue
        try:
            check(exchange, context)
        except NotApplicable:
            continue
        except CheckFailed as failure:
            outcomes[name] = failure
        else:
            outcomes[name] = None
    return outcomes
