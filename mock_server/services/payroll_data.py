"""What the payroll documents are made of: a run with its payslips, read from the stored records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.documents.journal import JournalEmployee, JournalLine
from mock_server.documents.pdf import PayslipContent
from mock_server.documents.wagetax import WageTaxEmployee, WageTaxEmployer, wage_tax_declaration_xml
from mock_server.domain.backend import Tenant
from mock_server.domain.dutch_data import is_valid_bsn
from mock_server.domain.errors import NotFound
from mock_server.domain.model import Company, Employee
from mock_server.domain.payroll import employer_premiums
from mock_server.domain.periods import Period, midnight
from mock_server.domain.records import StoredRecord, latest_at, of_year


@dataclass(frozen=True)
class Slip:
    employee: Employee
    record: StoredRecord
    personal: dict[str, Any]
    iban: str | None
    start_date: date

    @property
    def lines(self) -> list[dict[str, Any]]:
        return self.record.data.get("Lines") or []

    @property
    def gross(self) -> Decimal:
        return Decimal(self.record.data.get("Gross") or 0)

    @property
    def net(self) -> Decimal:
        return Decimal(self.record.data.get("Net") or 0)

    @property
    def wage_tax(self) -> Decimal:
        return Decimal(self.record.data.get("WageTax") or 0)


@dataclass(frozen=True)
class RunView:
    company: Company
    run: StoredRecord
    period: Period
    slips: list[Slip]

    @property
    def label(self) -> str:
        return f"{self.period.year}-{self.period.number}-{self.company.period_type}"


def _data_at(records: list[StoredRecord], key: int) -> dict[str, Any]:
    record = latest_at(records, key)
    return record.data if record is not None else {}


def run_view(tenant: Tenant, company: Company, run_id: int) -> RunView:
    run = next((r for r in tenant.records("Run", "company", [company.id]) if r.id == run_id), None)
    if run is None:
        raise NotFound(context=f"run {run_id} of company {company.id}")
    employees = {e.id: e for e in tenant.employees(company.id)}
    owners = list(employees)
    payslips = [r for r in tenant.records("Payslip", "employee", owners) if r.data.get("RunId") == run_id]
    personal = tenant.records_by_owner("PersonalInfo", "employee", owners)
    accounts = tenant.records_by_owner("BankAccount", "employee", owners)
    employment = tenant.records_by_owner("Employment", "employee", owners)
    slips = [
        Slip(
            employees[r.owner],
            r,
            _data_at(personal.get(r.owner, []), run.start),
            _data_at(accounts.get(r.owner, []), run.start).get("IBAN"),
            _day(_data_at(employment.get(r.owner, []), run.start).get("StartDate")),
        )
        for r in payslips
    ]
    return RunView(company, run, run.period, slips)


def journal_employees(view: RunView) -> list[JournalEmployee]:
    return [
        JournalEmployee(
            slip.employee.id,
            slip.employee.number,
            slip.employee.display_name,
            tuple(
                JournalLine(line["Code"], line["Description"], Decimal(line["Amount"])) for line in slip.lines
            ),
        )
        for slip in view.slips
    ]


def payslip_content(view: RunView, slip: Slip) -> PayslipContent:
    lines = [(line["Description"], Decimal(line["Amount"])) for line in slip.lines]
    totals = [("Bruto loon", slip.gross), ("Loonheffing", -slip.wage_tax), ("Netto uit te betalen", slip.net)]
    details = [("Personeelsnummer", str(slip.employee.number)), ("Periode", view.label)]
    if slip.iban:
        details.append(("IBAN", slip.iban))
    return PayslipContent(slip.employee.display_name, view.label, lines, totals, details)


def annual_lines(
    tenant: Tenant, company: Company, year: int, up_to: Period
) -> tuple[list[tuple[str, Decimal]], list[tuple[str, Decimal]]]:
    """Per employee the year's gross, wage tax and net up to a period; and the totals."""
    employees = {e.id: e for e in tenant.employees(company.id)}
    sums: dict[int, list[Decimal]] = {}
    for record in of_year(tenant.records("Payslip", "employee", list(employees)), year):
        if record.start <= up_to.key:
            total = sums.setdefault(record.owner, [Decimal(0)] * 3)
            for index, field in enumerate(("Gross", "WageTax", "Net")):
                total[index] += Decimal(record.data.get(field) or 0)
    lines = [
        (f"{employees[owner].number} {employees[owner].display_name} (bruto)", values[0])
        for owner, values in sorted(sums.items())
    ]
    totals = [
        (name, sum((v[index] for v in sums.values()), Decimal(0)))
        for index, name in enumerate(("Totaal bruto", "Totaal loonheffing", "Totaal netto"))
    ]
    return lines, totals


def wage_tax_xml(tenant: Tenant, company: Company, declaration: StoredRecord) -> str:
    run_id = declaration.data.get("RunId")
    view = run_view(tenant, company, run_id) if run_id else None
    employees = [_declared(slip, index) for index, slip in enumerate(view.slips if view else [], start=1)]
    employer = WageTaxEmployer(company.wage_tax_number or "000000000L01", company.name)
    start, end = _day(declaration.data.get("TijdvakStart")), _day(declaration.data.get("TijdvakEnd"))
    return wage_tax_declaration_xml(
        employer,
        start,
        end,
        [e for e in employees if e is not None],
        message_id=f"LA{declaration.id}",
        created=midnight(end),
        strict=False,
    )


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else (value or date(2000, 1, 1))


def _declared(slip: Slip, number: int) -> WageTaxEmployee | None:
    info = slip.personal
    if not is_valid_bsn(info.get("BSN") or ""):
        return None
    gross = slip.gross
    premiums = employer_premiums(gross)
    return WageTaxEmployee(
        income_relationship_number=number,
        employee_number=str(slip.employee.number),
        bsn=info["BSN"],
        initials=info.get("Initials") or "",
        prefix=info.get("Prefix") or "",
        last_name=info.get("LastName") or "",
        birthday=_day(info.get("Birthday")),
        gender=info.get("Gender") or "male",
        start_date=slip.start_date,
        wage_lb_ph=gross,
        wage_sv=gross,
        wage_tax=slip.wage_tax,
        **premiums,
    )
