"""What the admin API says of an environment's companies, periods and runs (JSON-ready dicts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mock_server.domain.model import Company
from mock_server.domain.periods import Period
from mock_server.domain.records import StoredRecord
from mock_server.domain.tenant import Tenant

RECENT_RUNS = 5  # the runs a company's summary lists, newest first


def company_summary(tenant: Tenant, company: Company) -> dict[str, Any]:
    runs = tenant.records("Run", "company", [company.id])
    return {
        "id": company.id,
        "debtor_id": company.debtor_id,
        "number": company.number,
        "name": company.name,
        "period_type": company.period_type,
        "current_period": period_json(company.current),
        "employees": tenant.store.count(tenant.name, "employee", company.id),
        "runs": [run_json(r) for r in sorted(runs, key=lambda r: r.id)[-RECENT_RUNS:][::-1]],
    }


def period_json(period: Period) -> dict[str, int]:
    return {"period": period.number, "year": period.year}


def run_json(record: StoredRecord) -> dict[str, Any]:
    data = record.data
    run_at: Any = data.get("RunAt")  # a datetime, or the text of an older row
    return {
        "id": record.id,
        "number": data.get("Number"),
        "year": data.get("Year"),
        "period": data.get("PeriodStart"),
        "description": data.get("Description"),
        "run_at": run_at.isoformat() if isinstance(run_at, datetime) else run_at,
    }
