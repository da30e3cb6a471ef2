"""What the payroll documents are made of: a run with its payslips, read from the stored records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from mock_server.documents.pdf import PayslipContent
from mock_server.documents.wagetax import WageTaxEmployee, WageTaxEmployer, wage_tax_declaration_xml
from mock_server.domain.backend import Tenant
from mock_server.domain.dutch_data import is_valid_bsn
from mock_server.domain.errors import NotFound
from mock_server.domain.model import Company, Employee
from mock_server.domain.payroll import EMPLOYER_PREMIUMS, period_of
from mock_server.domain.periods import Period
from mock_server.storage.sqlite_store import StoredRecord


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


def _latest(records: list[StoredRecord], key: int) -> dict[str, Any]:
    valid = [r for r in records if r.start <= key]
    return valid[-1].data if valid else (records[0].data if records else {})


def run_view(tenant: Tenant, company: Company, run_id: int) -> RunView:
    run = next((r for r in tenant.records("Run", "company", [company.id]) if r.id == run_id), None)
    if run is None:
        raise NotFound(context=f"run {run_id} of company {company.id}")
    employees = {e.id: e for e in tenant.employees(company.id)}
    owners = list(employees)
    payslips = [r for r in tenant.records("Payslip", "employee", owners) if r.data.get("RunId") == run_id]
    personal = _grouped(tenant, "PersonalInfo", owners)
    accounts = _grouped(tenant, "BankAccount", owners)
    employment = _grouped(tenant, "Employment", owners)
    slips = [
        Slip(
            employees[r.owner],
            r,
            _latest(personal.get(r.owner, []), run.start),
            _latest(accounts.get(r.owner, []), run.start).get("IBAN"),
            _day(_latest(employment.get(r.owner, []), run.start).get("StartDate")),
        )
        for r in payslips
    ]
    return RunView(company, run, period_of(run.start), slips)


def _grouped(tenant: Tenant, family: str, owners: list[int]) -> dict[int, list[StoredRecord]]:
    grouped: dict[int, list[StoredRecord]] = {}
    for record in tenant.records(family, "employee", owners):
        grouped.setdefault(record.owner, []).append(record)
    return grouped


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
    key = up_to.year * 100 + up_to.number
    sums: dict[int, list[Decimal]] = {}
    for record in tenant.records("Payslip", "employee", list(employees)):
        if record.start // 100 == year and record.start <= key:
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


def journal_xml(view: RunView, operation: str) -> str:
    root = etree.Element(
        "Journal",
        Operation=operation,
        CompanyId=str(view.company.id),
        RunId=str(view.run.id),
        Year=str(view.period.year),
        Period=str(view.period.number),
    )
    for slip in view.slips:
        employee = etree.SubElement(
            root,
            "Employee",
            Id=str(slip.employee.id),
            Number=str(slip.employee.number),
            Name=slip.employee.display_name,
        )
        for line in slip.lines:
            etree.SubElement(
                employee,
                "Line",
                Code=str(line["Code"]),
                Description=line["Description"],
                Amount=format(Decimal(line["Amount"]), "f"),
            )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8").decode()


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
        created=datetime.combine(end, datetime.min.time()),
        strict=False,
    )


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else (value or date(2000, 1, 1))


def _declared(slip: Slip, number: int) -> WageTaxEmployee | None:
    info = slip.personal
    if not is_valid_bsn(info.get("BSN") or ""):
        return None
    gross = slip.gross
    premiums = {name: (gross * rate).quantize(Decimal("0.01")) for name, rate in EMPLOYER_PREMIUMS.items()}
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
