"""Whose records a call touches and in which period: owner checks (2003/2004/2009/1003) and period rules
(2006 outside the company's type, 2011 before the current period without UnprotectedMode)."""

from __future__ import annotations

from typing import Any

from mock_server.domain.errors import ProtectedPeriod, Unknown
from mock_server.domain.model import Company
from mock_server.domain.periods import Period, PeriodType, validate
from mock_server.services.call import Call
from mock_server.services.shape import Shape


def resolve_owner(call: Call, kind: str, owner_id: int) -> Company | None:
    """Check the owner exists and is visible; return the company it belongs to (once per call and owner:
    a batch names the same employees many times)."""
    key = ("owner", kind, owner_id)
    if key not in call.cache:
        call.cache[key] = _company_of(call, kind, owner_id)
    return call.cache[key]


def _company_of(call: Call, kind: str, owner_id: int) -> Company | None:
    tenant = call.tenant
    if kind == "employee":
        return tenant.company_of_employee(owner_id)
    if kind == "company":
        return tenant.company(owner_id)
    if kind == "debtor":
        tenant.debtor(owner_id)
    return None


def target_period(call: Call, shape: Shape, company: Company | None, values: dict[str, Any]) -> Period | None:
    """The period a call names (validated against the company's type), else the current period."""
    period, year = values.get(shape.period_param or ""), values.get(shape.year_param or "")
    if not shape.has_period or period is None or year is None:
        return company.current if company is not None else None
    if company is None:  # a debtor's record: no period type of its own, so the widest range (INFERRED §4)
        validate(PeriodType.W1, year, period)
        return None
    return validate(company.type, year, period)


def check_protected(call: Call, company: Company, period: Period, unprotected: bool) -> None:
    if period < company.current and not unprotected:
        if call.settings.protected_period_code == 9999:
            raise Unknown(context=f"TWK: period {period} is before {company.current}")
        raise ProtectedPeriod(context=f"period {period} is before {company.current}")
