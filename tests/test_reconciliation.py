"""Every payroll document agrees to the cent, for every company and every run of both seeded years.

The documents are the exact values the operations answer (their handlers, called in process, so all
~170 runs fit in a few seconds; one run per year is also fetched over SOAP and must be identical).
Per run: journal = payslip PDF = salary SEPA, per employee. Per declaration: `WageTax_GetList`
TotalGeneral = the XML's TotGen = the tax SEPA payment; per employee the XML's amounts are the whole
euros of the exact-cent sums of the payslips paid in the declaration period (wage, wage tax and each
employer premium). Per year: the annual documents' totals are the sums of the same payslips and
declarations, and the jaaropgaaf of each employee matches its payslips.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from lxml import etree
from pdf_text import after, euro, pdf_strings

from mock_server.app import MockApp
from mock_server.contract import load_contract
from mock_server.documents.sepa import NAMESPACE as PAIN
from mock_server.documents.wagetax import NAMESPACE as LA
from mock_server.domain.model import EnvironmentSpec
from mock_server.domain.payroll import EMPLOYER_PREMIUMS, UNTAXED_WAGE_CODES, WAGE_TAX_CODE
from mock_server.services import Call, handler_for

CENT = Decimal("0.01")
SALARY_CODE = 1  # the line of the salary itself (`Salaris`, or `Uurloon` for hourly wages)
PREMIUM_ELEMENTS = {
    "aof_premium": "PrAofLg",
    "awf_premium": "PrAwfLg",
    "whk_premium": "PrGediffWhk",
    "zvw_levy": "WghZvw",
}


def whole(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_DOWN))


class Operations:
    """Calls operations the way the SOAP pipeline does, and hands back what they answer."""

    def __init__(self, mock_app: MockApp, environment: EnvironmentSpec) -> None:
        self.tenant = mock_app.backend.tenant(environment.name)
        self.settings = mock_app.settings
        self.calls: Counter[str] = Counter()

    def __call__(self, operation: str, service: str = "CompanyService", **args: Any) -> Any:
        contract = load_contract(service)
        self.calls[operation] += 1
        call = Call(contract, contract.operations[operation], args, self.tenant, self.settings)
        return handler_for(service, operation)(call)


@dataclass(frozen=True)
class Slip:
    gross: Decimal
    wage_tax: Decimal
    net: Decimal
    paid_on: date


def journal(xml: str) -> dict[int, list[tuple[int, Decimal]]]:
    root = etree.fromstring(xml.encode())
    return {int(e.get("Number")): [(int(x.get("Code")), Decimal(x.get("Amount"))) for x in e] for e in root}


def sepa(xml: str) -> tuple[dict[str, Decimal], Decimal, list[str]]:
    """Amount per EndToEndId, the CtrlSum, and the remittance texts."""
    root = etree.fromstring(xml.encode())
    ns = {"p": PAIN}
    amounts = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns): Decimal(
            tx.findtext("p:Amt/p:InstdAmt", namespaces=ns)
        )
        for tx in root.iterfind(".//p:CdtTrfTxInf", ns)
    }
    control = Decimal(root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=ns))
    return amounts, control, [e.text for e in root.iterfind(".//p:Ustrd", ns)]


def payslip_pages(pdf: bytes) -> dict[int, tuple[Decimal, Decimal, date]]:
    """Per personnel number: the payslip's gross and net totals and its payment date."""
    texts = pdf_strings(pdf)
    numbers = [int(n) for n in after(texts, "Personeelsnummer")]
    gross, net = after(texts, "Bruto loon"), after(texts, "Netto uit te betalen")
    paid = [date.fromisoformat(d) for d in after(texts, "Betaaldatum")]
    assert len(numbers) == len(gross) == len(net) == len(paid)
    return {n: (euro(g), euro(x), p) for n, g, x, p in zip(numbers, gross, net, paid, strict=True)}


def check_run(ops: Operations, company: int, run: Any, year: int) -> dict[int, Slip]:
    lines = journal(ops("Journals_GetByRunCompany", CompanyId=company, RunId=run["ID"]))
    pdf = ops(
        "SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2", CompanyId=company, RunID=run["ID"], intYear=year
    )
    pages = payslip_pages(pdf["PDF"])
    assert set(pages) == set(lines), f"run {run['ID']}: payslips and journal name other employees"
    slips = {}
    for number, own in lines.items():
        tax = -sum((a for code, a in own if code == WAGE_TAX_CODE), Decimal(0))
        gross = sum(
            (a for code, a in own if a > 0 and code not in (*UNTAXED_WAGE_CODES, WAGE_TAX_CODE)), Decimal(0)
        )
        net = sum((a for _, a in own), Decimal(0))
        assert pages[number][:2] == (gross, net), f"run {run['ID']} employee {number}: payslip vs journal"
        slips[number] = Slip(gross, tax, net, pages[number][2])
    if any(s.net > 0 for s in slips.values()):
        paid, control, _ = sepa(
            ops(
                "SalaryDocuments_GetSEPA",
                CompanyId=company,
                RunID=run["ID"],
                Year=year,
                paymentDate=datetime(1, 1, 1),
            )
        )
        assert paid == {f"RUN{run['ID']}-{n}": s.net for n, s in slips.items() if s.net > 0}
        assert control == sum(paid.values())
    return slips


def declared_by_employee(xml: str) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    root = etree.fromstring(xml.encode())
    collective = root.find(f".//{{{LA}}}CollectieveAangifte")
    totals = {etree.QName(e).localname: int(e.text) for e in collective}
    employees = {}
    for relation in root.iter(f"{{{LA}}}InkomstenverhoudingInitieel"):
        amounts = relation.find(f"{{{LA}}}Werknemersgegevens")
        employees[int(relation.findtext(f"{{{LA}}}PersNr"))] = {
            etree.QName(e).localname: int(e.text) for e in amounts
        }
    return totals, employees


def expected_declared(slips: list[Slip]) -> dict[str, int]:
    """The whole euros of the exact-cent sums (premiums: each rounded to the cent per payslip)."""
    out = {
        "LnLbPh": whole(sum((s.gross for s in slips), Decimal(0))),
        "IngLbPh": whole(sum((s.wage_tax for s in slips), Decimal(0))),
    }
    for name, element in PREMIUM_ELEMENTS.items():
        rate = EMPLOYER_PREMIUMS[name]
        out[element] = whole(sum(((s.gross * rate).quantize(CENT, ROUND_HALF_UP) for s in slips), Decimal(0)))
    return out


def check_declarations(
    ops: Operations, company: int, year: int, runs: dict[int, dict[int, Slip]], declarations: list[Any]
) -> None:
    periods = sorted((d["TijdvakStart"].date(), d["TijdvakEnd"].date()) for d in declarations)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(periods)), "declaration periods overlap"
    assert all(start.year == end.year == year for start, end in periods), (
        "a declaration period leaves its year"
    )
    placed: Counter[int] = Counter()
    for d in declarations:
        where = f"company {company} declaration {d['LoonaangifteID']} ({year}-{d['Period']})"
        start, end = d["TijdvakStart"].date(), d["TijdvakEnd"].date()
        paid_in = {
            rid: slips
            for rid, slips in runs.items()
            if slips and start <= next(iter(slips.values())).paid_on <= end
        }
        placed.update(list(paid_in))
        totals, employees = declared_by_employee(
            ops("WageTax_GetXML", CompanyId=company, LoonaangifteID=d["LoonaangifteID"])
        )
        assert totals["TotGen"] == totals["TotTeBet"] == d["TotalGeneral"], where
        assert totals["IngLbPh"] == sum(e["IngLbPh"] for e in employees.values()), where
        numbers = {n for slips in paid_in.values() for n in slips}
        assert set(employees) == numbers, f"{where}: declares other employees than were paid in its period"
        for number in numbers:
            own = [slips[number] for slips in paid_in.values() if number in slips]
            got = {k: employees[number][k] for k in ("LnLbPh", "IngLbPh", *PREMIUM_ELEMENTS.values())}
            assert got == expected_declared(own), f"{where} employee {number}"
        if paid_in:
            amounts, control, references = sepa(
                ops(
                    "SalaryDocuments_GetSEPA_Tax",
                    CompanyId=company,
                    RunID=max(paid_in),
                    Year=year,
                    WageTaxID=d["LoonaangifteID"],
                    paymentDate=datetime(1, 1, 1),
                )
            )
            assert control == Decimal(d["TotalGeneral"]) == sum(amounts.values()), f"{where}: tax payment"
            assert references == [d["PaymentReference"]] and len(d["PaymentReference"]) == 16
    paid_runs = {rid for rid, slips in runs.items() if slips}
    assert set(placed) == paid_runs and set(placed.values()) == {1}, "each run is in exactly one declaration"


def annual_texts(ops: Operations, document: str, company: int, run: int, year: int) -> list[str]:
    return pdf_strings(
        ops(f"SalaryDocuments_AnnualDocument_{document}", CompanyId=company, RunId=run, Year=year)["PDF"]
    )


def check_annual(
    ops: Operations,
    company: int,
    year: int,
    last_run: int,
    runs: dict[int, dict[int, Slip]],
    declarations: list[Any],
) -> None:
    slips = [s for own in runs.values() for s in own.values()]
    nets = sum((s.net for s in slips if s.net > 0), Decimal(0))
    assert [
        euro(t) for t in after(annual_texts(ops, "PaymentListCumulative", company, last_run, year), "Totaal")
    ] == [nets]
    cumulative = annual_texts(ops, "WageTaxDeclarationOverviewCumulative", company, last_run, year)
    assert euro(after(cumulative, "Totaal te betalen")[0]) == sum(d["TotalGeneral"] for d in declarations)
    sent = annual_texts(ops, "SentWageTaxDeclarations", company, last_run, year)
    assert euro(after(sent, "Totaal")[0]) == sum(
        d["TotalGeneral"] for d in declarations if d["Status"] == "sent"
    )
    entries = annual_texts(ops, "JournalEntriesCompanyrCumulative", company, last_run, year)
    assert euro(after(entries, "Totaal debet")[0]) == euro(after(entries, "Totaal credit")[0]) > 0
    assert euro(after(entries, "1620 Te betalen nettolonen", skip=0)[0]) == sum(
        (s.net for s in slips), Decimal(0)
    )
    everyone = annual_texts(ops, "PayrollRegisterAllEmployees", company, last_run, year)
    assert euro(after(everyone, "Netto")[-1]) == sum((s.net for s in slips), Decimal(0))
    per_employee: dict[int, Decimal] = {}
    for own in runs.values():
        for number, slip in own.items():
            per_employee[number] = per_employee.get(number, Decimal(0)) + slip.net
    statements = annual_texts(ops, "AnualStatement", company, last_run, year)
    assert [euro(t) for t in after(statements, "Netto uitbetaald")] == [
        per_employee[n] for n in sorted(per_employee)
    ]


@pytest.fixture
def ops(mock_app: MockApp, environment: EnvironmentSpec) -> Operations:
    return Operations(mock_app, environment)


def test_every_document_of_every_run_of_both_years_agrees_to_the_cent(ops: Operations) -> None:
    checked: Counter[str] = Counter()
    for company in ops("List_GetAll"):
        current = int(ops("Company_GetCurrentPeriod", CompanyId=company["ID"]).split("-")[0])
        for year in (current - 1, current):
            run_list = ops("Run_GetList", CompanyId=company["ID"], Year=year)
            declarations = ops("WageTax_GetList", CompanyId=company["ID"], intYear=year)
            assert run_list and declarations, f"company {company['ID']} has runs and declarations in {year}"
            assert sum(d["TotalGeneral"] for d in declarations) > 0
            runs = {r["ID"]: check_run(ops, company["ID"], r, year) for r in run_list}
            check_declarations(ops, company["ID"], year, runs, declarations)
            check_annual(ops, company["ID"], year, run_list[-1]["ID"], runs, declarations)
            checked["company-years"] += 1
            checked["runs"] += len(runs)
            checked["payslips"] += sum(len(s) for s in runs.values())
            checked["declarations"] += len(declarations)
    print(f"\nreconciled {dict(checked)}; documents fetched: {dict(ops.calls)}")
    assert checked["company-years"] == 8 and checked["runs"] > 150


def test_the_wire_answers_the_same_documents(client, ops: Operations) -> None:
    company = client.company.List_GetAll()[0].ID
    for year in (2025, 2026):
        run = client.company.Run_GetList(CompanyId=company, Year=year)[-1].ID
        declaration = client.company.WageTax_GetList(CompanyId=company, intYear=year)[-1].LoonaangifteID
        assert client.company.Journals_GetByRunCompany(CompanyId=company, RunId=run) == ops(
            "Journals_GetByRunCompany", CompanyId=company, RunId=run
        )
        assert client.company.WageTax_GetXML(CompanyId=company, LoonaangifteID=declaration) == ops(
            "WageTax_GetXML", CompanyId=company, LoonaangifteID=declaration
        )
        wire = client.company.SalaryDocuments_AnnualDocument_PayrollRegisterAllEmployees(
            CompanyId=company, RunId=run, Year=year
        )
        local = ops(
            "SalaryDocuments_AnnualDocument_PayrollRegisterAllEmployees",
            CompanyId=company,
            RunId=run,
            Year=year,
        )
        assert wire == local["PDF"]


@pytest.mark.parametrize(("value", "paid"), [("10.125", "10.13"), ("10.135", "10.14"), ("-0.005", "-0.01")])
def test_a_half_cent_on_a_pay_line_is_rounded_half_up(client, value: str, paid: str) -> None:
    """Each line is rounded once, to the cent, half up: 10.125 is paid as 10.13, never banker's 10.12."""
    company = client.company.List_GetAll()[0].ID
    employee = client.employee.List_GetByCompany(CompanyId=company, EmployeeType=0)[0].Id
    codes = [int(c.Code) for c in client.company.WageModel_GetWageCodes(CompanyId=company)]
    code = next(c for c in codes if c not in (*UNTAXED_WAGE_CODES, WAGE_TAX_CODE))
    component = {"Id": 0, "Code": code, "Value": Decimal(value)}
    client.employee.WageComponentVar_InsertCurrent(EmployeeId=employee, WageComponent=component)
    year = int(client.company.Company_GetCurrentPeriod(CompanyId=company).split("-")[0])
    client.company.RunRequest_Insert(CompanyId=company)
    run = client.company.Run_GetList(CompanyId=company, Year=year)[-1].ID
    lines = etree.fromstring(client.company.Journals_GetByRunCompany(CompanyId=company, RunId=run).encode())
    amounts = [Decimal(line.get("Amount")) for line in lines.iterfind(f"Employee[@Id='{employee}']/Line")]
    assert Decimal(paid) in amounts, f"code {code} {value}: the journal shows {amounts}"


def test_an_untaxed_allowance_is_paid_but_is_no_gross_wage(client, ops: Operations) -> None:
    """A travel allowance (code 121) is paid out net, but counts in neither the gross wage nor its tax."""
    company = next(
        c.ID
        for c in client.company.List_GetAll()
        if 121 in {int(w.Code) for w in client.company.WageModel_GetWageCodes(CompanyId=c.ID)}
    )
    employee = client.employee.List_GetByCompany(CompanyId=company, EmployeeType=0)[0].Id
    allowance = {"Id": 0, "Code": 121, "Value": Decimal("75.00")}
    client.employee.WageComponentVar_InsertCurrent(EmployeeId=employee, WageComponent=allowance)
    year = int(client.company.Company_GetCurrentPeriod(CompanyId=company).split("-")[0])
    client.company.RunRequest_Insert(CompanyId=company)
    run = ops("Run_GetList", CompanyId=company, Year=year)[-1]
    lines = journal(ops("Journals_GetByRunCompany", CompanyId=company, RunId=run["ID"]))
    paid = [number for number, own in lines.items() if (121, Decimal("75.00")) in own]
    assert len(paid) == 1, f"run {run['ID']}: the allowance is on one journal: {lines}"
    # the payslip PDF's gross is the journal's taxable lines (without the allowance), its net all of them,
    # and the salary SEPA pays that net
    check_run(ops, company, run, year)


def test_a_negative_taxable_wage_pays_no_wage_tax_back(client) -> None:
    """A correction larger than the wage leaves a negative taxable wage: the tax is 0, not a refund."""
    company = client.company.List_GetAll()[0].ID
    employee = client.employee.List_GetByCompany(CompanyId=company, EmployeeType=0)[0].Id
    codes = [int(c.Code) for c in client.company.WageModel_GetWageCodes(CompanyId=company)]
    code = next(c for c in codes if c not in (SALARY_CODE, *UNTAXED_WAGE_CODES, WAGE_TAX_CODE))
    correction = {"Id": 0, "Code": code, "Value": Decimal("-100000.00")}
    client.employee.WageComponentVar_InsertCurrent(EmployeeId=employee, WageComponent=correction)
    year = int(client.company.Company_GetCurrentPeriod(CompanyId=company).split("-")[0])
    client.company.RunRequest_Insert(CompanyId=company)
    run = client.company.Run_GetList(CompanyId=company, Year=year)[-1].ID
    lines = etree.fromstring(client.company.Journals_GetByRunCompany(CompanyId=company, RunId=run).encode())
    own = lines.find(f"Employee[@Id='{employee}']")
    assert own is not None, f"run {run}: employee {employee} is not paid"
    amounts = {int(line.get("Code")): Decimal(line.get("Amount")) for line in own}
    assert amounts[code] == Decimal("-100000.00") and amounts.get(WAGE_TAX_CODE, Decimal(0)) == 0, amounts
