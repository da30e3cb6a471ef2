"""Typed results of payroll runs, declarations, documents and debtors (see models.py for the rest)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nmbrs_client.models import as_text, field


@dataclass(frozen=True)
class Run:
    id: int
    number: int
    year: int
    period_start: int
    period_end: int
    description: str
    run_at: datetime | None
    locked: bool

    @classmethod
    def from_zeep(cls, obj: Any) -> Run:
        return cls(
            id=field(obj, "ID"),
            number=field(obj, "Number", 0),
            year=field(obj, "Year", 0),
            period_start=field(obj, "PeriodStart", 0),
            period_end=field(obj, "PeriodEnd", 0),
            description=as_text(field(obj, "Description")),
            run_at=field(obj, "RunAt"),
            locked=bool(field(obj, "IsLocked", False)),
        )


@dataclass(frozen=True)
class RunEmployee:
    employee_id: int
    employee_number: int

    @classmethod
    def from_zeep(cls, obj: Any) -> RunEmployee:
        return cls(field(obj, "EmployeeId"), field(obj, "EmployeeNumber", 0))


@dataclass(frozen=True)
class RunRequest:
    period: int
    year: int
    status: str  # Undefined, Pending, Handled, Complete, Canceled
    handled: datetime | None

    @classmethod
    def from_zeep(cls, obj: Any) -> RunRequest:
        return cls(
            field(obj, "Period", 0),
            field(obj, "Year", 0),
            as_text(field(obj, "Status")),
            field(obj, "HandledDate"),
        )


@dataclass(frozen=True)
class WageTaxDeclaration:
    id: int  # LoonaangifteID
    serial_number: int
    period: int
    year: int
    status: str  # e.g. "locked", "sent"
    total: int
    payment_reference: str
    sent_at: datetime | None
    start: datetime | None
    end: datetime | None

    @classmethod
    def from_zeep(cls, obj: Any) -> WageTaxDeclaration:
        return cls(
            id=field(obj, "LoonaangifteID"),
            serial_number=field(obj, "SerialNumber", 0),
            period=field(obj, "Period", 0),
            year=field(obj, "Year", 0),
            status=as_text(field(obj, "Status")),
            total=field(obj, "TotalGeneral", 0),
            payment_reference=as_text(field(obj, "PaymentReference")),
            sent_at=field(obj, "SentAt"),
            start=field(obj, "TijdvakStart"),
            end=field(obj, "TijdvakEnd"),
        )


@dataclass(frozen=True)
class Document:
    """A PDF (payslips, annual statement) as bytes; empty when the service returned none."""

    content: bytes

    @classmethod
    def from_zeep(cls, obj: Any) -> Document:
        if isinstance(obj, bytes | bytearray):  # zeep unwraps a `PDF`-only element to its bytes
            return cls(bytes(obj))
        return cls(bytes(field(obj, "PDF", b"")))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def __bool__(self) -> bool:
        return bool(self.content)


@dataclass(frozen=True)
class Environment:
    """What `Environment_Get` tells about a login: the host and the sub-domain to send as Domain."""

    domain: str
    subdomain: str

    @classmethod
    def from_zeep(cls, obj: Any) -> Environment:
        return cls(as_text(field(obj, "Domain")), as_text(field(obj, "SubDomain")))


@dataclass(frozen=True)
class Debtor:
    id: int
    number: str
    name: str

    @classmethod
    def from_zeep(cls, obj: Any) -> Debtor:
        return cls(field(obj, "Id"), as_text(field(obj, "Number")), as_text(field(obj, "Name")))
