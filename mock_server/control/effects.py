"""What an injected fault does to a call, and how each effect is written as JSON.

* `nmbrs`: the call fails with an Nmbrs code and its real text (nothing is written).
* `http`: HTTP 500 or 503 with the HTML page IIS/ASP.NET shows in an outage (nothing is written).
* `latency`: the answer comes late (fixed, uniform or lognormal seconds); the call then runs as usual.
* `empty`: HTTP 200 with an empty body and `Content-Length: 0`, what a broken proxy or a crashed
  worker behind a load balancer sends (nothing is written).
* `truncated`: the call runs (its writes are kept); the answer is cut after `fraction` of its bytes.
* `malformed`: the call runs (its writes are kept); the answer is not well-formed XML.
* `reset`: the connection is closed with a TCP reset before any answer (nothing is written).
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from typing import Any, Literal

from mock_server.domain.errors import text_for

EffectType = Literal["nmbrs", "http", "latency", "empty", "truncated", "malformed", "reset"]
DISTRIBUTIONS = ("fixed", "uniform", "lognormal")
MAX_LATENCY_SECONDS = 600.0
HTTP_STATUSES = {500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass(frozen=True)
class Effect:
    type: EffectType = "nmbrs"
    code: int = 9999  # nmbrs
    text: str | None = None  # nmbrs: None gives the code's real Nmbrs text
    status: int = 503  # http
    distribution: str = "fixed"  # latency
    seconds: float = 1.0  # latency: fixed
    low: float = 0.0  # latency: uniform
    high: float = 1.0
    median: float = 0.2  # latency: lognormal (median seconds and sigma of the log)
    sigma: float = 0.5
    fraction: float = 0.5  # truncated: share of the answer's bytes that get through

    def fault_text(self) -> str:
        return self.text or text_for(self.code)

    def latency(self, rng: random.Random) -> float:
        if self.distribution == "uniform":
            value = rng.uniform(self.low, self.high)
        elif self.distribution == "lognormal":
            value = rng.lognormvariate(math.log(self.median), self.sigma)
        else:
            value = self.seconds
        return min(max(value, 0.0), MAX_LATENCY_SECONDS)

    def describe(self) -> str:
        if self.type == "nmbrs":
            return f"Nmbrs fault {self.code}: {self.fault_text()}"
        if self.type == "http":
            return f"HTTP {self.status} {HTTP_STATUSES[self.status]}"
        if self.type == "latency":
            return f"{self.distribution} latency"
        return {
            "empty": "empty answer",
            "truncated": "truncated answer",
            "malformed": "malformed answer",
        }.get(self.type, "connection reset")

    def to_dict(self) -> dict[str, Any]:
        keys = {
            "nmbrs": ("code", "text"),
            "http": ("status",),
            "latency": ("distribution", *_LATENCY_KEYS.get(self.distribution, ())),
            "truncated": ("fraction",),
        }.get(self.type, ())
        data = asdict(self)
        return {"type": self.type, **{key: data[key] for key in keys}}


_LATENCY_KEYS = {"fixed": ("seconds",), "uniform": ("low", "high"), "lognormal": ("median", "sigma")}
_TYPES = ("nmbrs", "http", "latency", "empty", "truncated", "malformed", "reset")


def effect_from_json(data: Any) -> Effect:
    """An effect from its JSON form; ValueError names the problem."""
    if not isinstance(data, dict):
        raise ValueError('"effect" must be an object such as {"type": "nmbrs", "code": 1002}')
    kind = data.get("type")
    if kind not in _TYPES:
        raise ValueError(f'effect "type" must be one of {", ".join(_TYPES)}, not {kind!r}')
    allowed = {
        "type",
        *{"nmbrs": ("code", "text"), "http": ("status",), "truncated": ("fraction",)}.get(kind, ()),
    }
    if kind == "latency":
        allowed |= {"distribution", "seconds", "low", "high", "median", "sigma"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"unknown field(s) for a {kind} effect: {', '.join(unknown)}")
    effect = Effect(type=kind, **{k: v for k, v in data.items() if k != "type"})
    _check(effect)
    return effect


def _number(value: object, name: str, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"effect {name!r} must be a number from {low:g} to {high:g}, not {value!r}")


def _check(effect: Effect) -> None:
    if effect.type == "nmbrs":
        if isinstance(effect.code, bool) or not isinstance(effect.code, int) or not 1 <= effect.code <= 99999:
            raise ValueError(f'effect "code" must be an Nmbrs error code (an integer), not {effect.code!r}')
        if effect.text is not None and not isinstance(effect.text, str):
            raise ValueError('effect "text" must be a string')
    if effect.type == "http" and effect.status not in HTTP_STATUSES:
        raise ValueError(f'effect "status" must be 500 or 503, not {effect.status!r}')
    if effect.type == "truncated":
        _number(effect.fraction, "fraction", 0.0, 0.99)
    if effect.type == "latency":
        if effect.distribution not in DISTRIBUTIONS:
            raise ValueError(f'latency "distribution" must be one of {", ".join(DISTRIBUTIONS)}')
        for name in _LATENCY_KEYS[effect.distribution]:
            _number(getattr(effect, name), name, 0.0, MAX_LATENCY_SECONDS)
        if effect.distribution == "uniform" and effect.low > effect.high:
            raise ValueError('latency "low" must not be above "high"')
        if effect.distribution == "lognormal" and effect.median <= 0:
            raise ValueError('latency "median" must be above 0')


def outage_page(status: int) -> bytes:
    """The HTML an IIS/ASP.NET front end sends when the application behind it is down."""
    reason = HTTP_STATUSES[status]
    if status == 503:
        return (
            b'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
            b"<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n"
            b'<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n'
            b"<BODY><h2>Service Unavailable</h2>\r\n"
            b"<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n"
            b"</BODY></HTML>\r\n"
        )
    return (
        "<!DOCTYPE html>\r\n<html>\r\n<head>\r\n<title>Runtime Error</title>\r\n</head>\r\n<body>\r\n"
        "<h1>Server Error in '/' Application.<hr width=100% size=1 color=silver></h1>\r\n"
        f"<h2> <i>Runtime Error</i> </h2>\r\n<b> Description: </b>HTTP {status} {reason}. An application "
        "error occurred on the server. The current custom error settings for this application prevent "
        "the details of the application error from being viewed remotely (for security reasons).\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


def damage(effect: Effect, body: bytes) -> bytes:
    """The answer as a `truncated` or `malformed` effect lets it through."""
    if effect.type == "truncated":
        return body[: int(len(body) * effect.fraction)]
    marker = body.find(b"</soap:Body>")
    cut = marker if marker > 0 else len(body) // 2
    return body[:cut] + b"<Unclosed attr='1'><&amp></soap:Envelope>"
