"""The minimal reproduction of a failure: the operation, the check that broke (and the fact it rests
on), the exact request as a copy-paste `curl` command, and the response."""

from __future__ import annotations

from mock_server.harness.results import Failure, Result
from mock_server.harness.target import Target

MAX_RESPONSE = 4000


def reproduction(result: Result, target: Target) -> str:
    if result.error is not None:
        return f"{result.key}: the harness could not run it: {result.error}"
    failure = result.failure
    if failure is None:
        return ""
    lines = [f"{result.key}: check '{failure.check}' broke: {failure.message}"]
    if failure.fact:
        lines.append(f"  rests on nmbrs-behaviour.md {failure.fact}")
        if target.is_real and "INFERRED" in failure.fact:
            lines.append(
                "  → the real service disagrees with this INFERRED fact: the mock's assumption is wrong"
            )
    lines += [f"  also broke {also}" for also in failure.also]
    if failure.note:
        lines.append(f"  note: {failure.note}")
    lines += _request_lines(failure, target)
    if failure.cause is not None and "already before this call" in failure.message:
        lines.append(f"  first seen (the call that caused it?): {failure.cause.message}")
        lines += ["  " + line for line in _request_lines(failure.cause, target)]
    if failure.steps:
        lines.append("  shrunk steps:")
        lines += [f"    {step}" for step in failure.steps]
    return "\n".join(lines)


def _request_lines(failure: Failure, target: Target) -> list[str]:
    lines: list[str] = []
    if failure.request is not None:
        expectation = failure.request.expectation
        lines.append(f"  request kind: {expectation.kind} ({expectation.description})")
    exchange = failure.exchange
    if exchange is None:
        return lines
    secrets = target.secrets()
    lines.append(
        f"  SOAP {exchange.soap_version}, answered HTTP {exchange.status} in {exchange.elapsed * 1000:.0f} ms"
    )
    if secrets:
        lines.append("  (export NMBRS_TOKEN=... before running the command)")
    lines.append("  reproduce with:")
    lines.append("    " + exchange.curl(target.base_url, secrets))
    body = exchange.response_body.decode("utf-8", errors="replace")
    if len(body) > MAX_RESPONSE:
        body = body[:MAX_RESPONSE] + f"… ({len(exchange.response_body)} bytes)"
    content_type = exchange.content_type or "no Content-Type"
    lines.append(f"  response ({content_type}):")
    lines.append("    " + body)
    return lines
