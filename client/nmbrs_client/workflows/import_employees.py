"""Import employees (seed 000, TimeChimp): personal info plus contracts, by work e-mail.

An employee without a work e-mail is not imported (it is listed in `skipped`); an employee without a
contract is imported as inactive. The personal-info version valid last (latest start period) counts.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from nmbrs_client import NmbrsClient
from nmbrs_client.models import Period, PersonalInfo
from nmbrs_client.workflows.common import company_ids
from nmbrs_client.workflows.progress import Progress, quiet


@dataclass(frozen=True)
class ImportedEmployee:
    company_id: int
    employee_id: int
    number: int
    first_name: str
    last_name: str
    email: str
    active: bool
    contract_start: date | None


@dataclass(frozen=True)
class SkippedEmployee:
    company_id: int
    employee_id: int
    number: int
    name: str
    reason: str


@dataclass
class ImportResult:
    employees: list[ImportedEmployee] = field(default_factory=list)
    skipped: list[SkippedEmployee] = field(default_factory=list)

    @property
    def inactive(self) -> list[ImportedEmployee]:
        return [e for e in self.employees if not e.active]

    def summary(self) -> str:
        return (
            f"{len(self.employees)} employees imported ({len(self.inactive)} inactive: no contract), "
            f"{len(self.skipped)} skipped (no work e-mail)"
        )


def import_employees(
    client: NmbrsClient, companies: list[int] | None = None, progress: Progress = quiet
) -> ImportResult:
    result = ImportResult()
    ids = company_ids(client, companies or [])
    bar = progress("Importing employees", len(ids))
    for company_id in ids:
        _import_company(client, company_id, result)
        bar.advance()
    bar.close()
    return result


def _import_company(client: NmbrsClient, company_id: int, result: ImportResult) -> None:
    people = client.employees.personal_infos(company_id)
    contracts = client.employees.contracts(company_id)
    for employee_id, infos in people.items():
        if not infos:
            continue
        info = _newest(infos)
        email = info.email_work.strip()
        if not email:
            name = info.display_name or f"{info.first_name} {info.last_name}".strip()
            reason = "no work e-mail in Nmbrs"
            result.skipped.append(
                SkippedEmployee(company_id, employee_id, info.employee_number, name, reason)
            )
            continue
        own_contracts = contracts.get(employee_id, [])
        starts = [c.start_date for c in own_contracts if c.start_date is not None]
        result.employees.append(
            ImportedEmployee(
                company_id=company_id,
                employee_id=employee_id,
                number=info.employee_number,
                first_name=info.first_name,
                last_name=" ".join(p for p in (info.prefix, info.last_name) if p),
                email=email,
                active=bool(own_contracts),
                contract_start=min(starts) if starts else None,
            )
        )


def _newest(infos: list[PersonalInfo]) -> PersonalInfo:
    """The version valid last: the latest start period, the later one in the list on a tie."""
    ranked = [(info.start_period or Period(0, 0), index, info) for index, info in enumerate(infos)]
    return max(ranked, key=lambda r: (r[0], r[1]))[2]


def as_json(result: ImportResult) -> str:
    def plain(value: object) -> dict[str, Any]:
        data = asdict(value)  # type: ignore[call-overload]
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}

    document = {
        "employees": [plain(e) for e in result.employees],
        "skipped": [plain(s) for s in result.skipped],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = (
    "company_id",
    "employee_id",
    "number",
    "first_name",
    "last_name",
    "email",
    "active",
    "contract_start",
)


def as_csv(result: ImportResult) -> str:
    """The imported employees, one per row (skipped ones are reported separately)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for employee in result.employees:
        data = asdict(employee)
        data["active"] = "true" if employee.active else "false"
        data["contract_start"] = employee.contract_start.isoformat() if employee.contract_start else ""
        writer.writerow([data[column] for column in CSV_COLUMNS])
    return buffer.getvalue()
