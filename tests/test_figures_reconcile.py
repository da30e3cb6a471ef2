"""Every figure that appears in two payroll documents is the same figure (issue 11, class 1).

For every company and every run of the demo (the previous year and the current one), over SOAP:
  * the journal, the payslip PDF and the salary SEPA file agree per employee: the journal's lines sum
    to the payslip's net, which is the SEPA amount paid to the employee; the journal's wage-tax line
    is the payslip's wage tax;
  * per declaration, `WageTax_GetList` TotalGeneral = the declaration XML's `<TotGen>` (= `<TotTeBet>`,
    nothing else is due) = the amount `SalaryDocuments_GetSEPA_Tax` pays; the XML's collective
    `<TotLnLbPh>` is the sum of its income relationships' `<LnLbPh>`; per employee the declared wage and
    wage tax are the payslips' figures of the runs paid in the declaration period, in whole euros.
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pytest
from lxml import etree
from nmbrs_client import NmbrsCredentials, raw

from mock_server.app import MockApp
from mock_server.documents.sepa import NAMESPACE as PAIN
from mock_server.documents.wagetax import NAMESPACE as LA
from mock_server.domain.demo import DEMO_DOMAIN, DEMO_TOKEN, DEMO_USER, EnvironmentShape
from mock_server.domain.throttle import ThrottleSettings
from mock_server.settings import MockSettings

WAGE_TAX_LINE = "Loonheffing"
PAYMENT_DATE = datetime(2026, 6, 1)
SERVICE = "CompanyService"
NS = raw.namespace(SERVICE)
_TJ = re.compile(rb"\(((?:\\.|[^\\)])*)\) Tj")


def euro(text: str) -> Decimal:
    """`€ -1.602,28` (the PDFs' Dutch notation) as a Decimal."""
    return Decimal(text.replace("\\200", "").replace("€", "").strip().replace(".", "").replace(",", "."))


@dataclass(frozen=True)
class Payslip:
    number: int
    gross: Decimal
    wage_tax: Decimal
    net: Decimal


def payslips(pdf: bytes) -> dict[int, Payslip]:
    """The totals block of every payslip page, by personnel number."""
    texts = [t.decode("latin-1") for t in _TJ.findall(pdf)]
    slips: dict[int, Payslip] = {}
    for start in [i for i, t in enumerate(texts) if t == "Personeelsnummer"]:
        page = texts[start:]
        number = int(page[1])
        totals = {}
        for label in ("Bruto loon", "Netto uit te betalen"):
            at = page.index(label)
            totals[label] = euro(next(t for t in page[at + 1 :] if t))
        tax_at = page.index(WAGE_TAX_LINE, page.index("Bruto loon"))
        wage_tax = -euro(next(t for t in page[tax_at + 1 :] if t))
        slips[number] = Payslip(number, totals["Bruto loon"], wage_tax, totals["Netto uit te betalen"])
    return slips


def journal(xml: str) -> dict[int, list[tuple[str, Decimal]]]:
    root = etree.fromstring(xml.encode())
    return {
        int(e.get("Number")): [(line.get("Description"), Decimal(line.get("Amount"))) for line in e]
        for e in root.iter("Employee")
    }


def sepa_amounts(xml: str) -> list[tuple[str, Decimal]]:
    root = etree.fromstring(xml.encode())
    ns = {"p": PAIN}
    return [
        (
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns) or "",
            Decimal(tx.findtext("p:Amt/p:InstdAmt", namespaces=ns)),
        )
        for tx in root.iterfind(".//p:CdtTrfTxInf", ns)
    ]


def day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


class Soap:
    """CompanyService calls through the whole SOAP pipeline, in process (no TCP, no zeep: fast)."""

    def __init__(self, app: MockApp, credentials: NmbrsCredentials) -> None:
        self.app, self.credentials = app, credentials

    def __call__(self, operation: str, **params: object) -> etree._Element:
        body = "".join(
            f"<{k}>{v.isoformat() if isinstance(v, datetime) else v}</{k}>" for k, v in params.items()
        )
        request = raw.envelope(SERVICE, operation, body, self.credentials)
        headers = raw.http_headers(SERVICE, operation)
        answer = self.app.pipeline.handle(SERVICE, request, headers["Content-Type"], headers["SOAPAction"])
        assert answer.status == 200, answer.body[:500]
        result = etree.fromstring(answer.body).find(f".//{{{NS}}}{operation}Result")
        assert result is not None, answer.body[:500]
        return result

    def text(self, operation: str, **params: object) -> str:
        return self(operation, **params).text or ""

    def rows(self, operation: str, **params: object) -> list[dict[str, str]]:
        return [{etree.QName(f).localname: f.text or "" for f in row} for row in self(operation, **params)]


@dataclass(frozen=True)
class Run:
    id: int
    run_at: date
    slips: dict[int, Payslip]
    journal: dict[int, list[tuple[str, Decimal]]]
    salaries: dict[str, Decimal]  # SEPA EndToEndId -> amount


@dataclass(frozen=True)
class Declaration:
    id: int
    where: str
    total_general: Decimal
    start: date
    end: date
    xml: str
    tax_paid: Decimal | None  # None: no run paid in the declaration period


@dataclass
class CompanyYear:
    company: int
    year: int
    runs: list[Run] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)


def collect(soap: Soap) -> list[CompanyYear]:
    years = []
    for company in soap.rows("List_GetAll"):
        company_id = int(company["ID"])
        current = int(soap.text("Company_GetCurrentPeriod", CompanyId=company_id).split("-")[0])
        for year in (current - 1, current):
            years.append(collect_year(soap, company_id, year))
    return years


def collect_year(soap: Soap, company: int, year: int) -> CompanyYear:
    found = CompanyYear(company, year)
    for run in soap.rows("Run_GetList", CompanyId=company, Year=year):
        run_id = int(run["ID"])
        pdf = base64.b64decode(
            soap("SalaryDocuments_GetAllPayslipsPDFByRunCompany", CompanyId=company, RunID=run_id)[0].text
            or ""
        )
        salaries = soap.text(
            "SalaryDocuments_GetSEPA", CompanyId=company, RunID=run_id, Year=year, paymentDate=PAYMENT_DATE
        )
        lines = journal(soap.text("Journals_GetByRunCompany", CompanyId=company, RunId=run_id))
        run_at = datetime.fromisoformat(run["RunAt"]).date()
        found.runs.append(Run(run_id, run_at, payslips(pdf), lines, dict(sepa_amounts(salaries))))
    for row in soap.rows("WageTax_GetList", CompanyId=company, intYear=year):
        declaration_id = int(row["LoonaangifteID"])
        start = datetime.fromisoformat(row["TijdvakStart"]).date()
        end = datetime.fromisoformat(row["TijdvakEnd"]).date()
        paid_in = [run for run in found.runs if start <= run.run_at <= end]
        tax_paid = None
        if paid_in:
            tax = soap.text(
                "SalaryDocuments_GetSEPA_Tax",
                CompanyId=company,
                RunID=paid_in[-1].id,
                Year=year,
                WageTaxID=declaration_id,
                paymentDate=PAYMENT_DATE,
            )
            tax_paid = sum((amount for _, amount in sepa_amounts(tax)), Decimal(0))
        xml = soap.text("WageTax_GetXML", CompanyId=company, LoonaangifteID=declaration_id)
        where = f"company {company} declaration {declaration_id} ({year}-{row['Period']})"
        found.declarations.append(
            Declaration(declaration_id, where, Decimal(row["TotalGeneral"]), start, end, xml, tax_paid)
        )
    return found


@pytest.fixture(scope="module")
def demo_figures() -> list[CompanyYear]:
    """The demo environment's every company and run, with fewer employees per company (the figures are
    per employee; every run still loads every payslip of its company, which is what takes the time)."""
    app = MockApp(MockSettings(throttle=ThrottleSettings(enabled=False)), EnvironmentShape(employees=12))
    return collect(Soap(app, NmbrsCredentials(DEMO_USER, DEMO_TOKEN, DEMO_DOMAIN)))


def test_the_demo_has_runs_and_declarations_in_both_years(demo_figures):
    assert len(demo_figures) >= 8
    for found in demo_figures:
        assert found.runs and found.declarations, (found.company, found.year)


def test_journal_payslips_and_salary_sepa_agree_for_every_run(demo_figures):
    checked = 0
    for found in demo_figures:
        for run in found.runs:
            assert set(run.journal) == set(run.slips), f"run {run.id}: journal and payslips name others"
            for number, slip in run.slips.items():
                where = f"company {found.company} run {run.id} employee {number}"
                assert sum(amount for _, amount in run.journal[number]) == slip.net, where
                taxes = [amount for text, amount in run.journal[number] if text == WAGE_TAX_LINE]
                assert taxes == [-slip.wage_tax], where
                assert slip.gross - slip.wage_tax == slip.net, where
                transfer = run.salaries.get(f"RUN{run.id}-{number}")
                if slip.net > 0:
                    assert transfer == slip.net, f"{where}: SEPA pays {transfer}, the payslip says {slip.net}"
                checked += 1
    assert checked > 50


def declared(xml: str) -> tuple[dict[str, Decimal], dict[int, dict[str, Decimal]]]:
    """The collective totals and, per personnel number, the income relationship's amounts."""
    root = etree.fromstring(xml.encode())
    totals = {
        etree.QName(e).localname: Decimal(e.text or "0")
        for e in root.iter()
        if etree.QName(e).localname.startswith("Tot") and (e.text or "").strip()
    }
    employees: dict[int, dict[str, Decimal]] = {}
    for relation in root.iter(f"{{{LA}}}InkomstenverhoudingInitieel"):
        number = int(relation.findtext(f"{{{LA}}}PersNr"))
        amounts = employees.setdefault(number, defaultdict(Decimal))
        for name in ("LnLbPh", "IngLbPh"):
            for element in relation.iter(f"{{{LA}}}{name}"):
                amounts[name] += Decimal(element.text or "0")
    return totals, employees


def test_declarations_reconcile_with_the_list_the_tax_payment_and_the_payslips(demo_figures):
    checked = 0
    for found in demo_figures:
        for declaration in found.declarations:
            where = declaration.where
            totals, employees = declared(declaration.xml)
            assert totals["TotGen"] == declaration.total_general, where
            assert totals["TotTeBet"] == totals["TotGen"], where
            assert totals["TotLnLbPh"] == sum((e["LnLbPh"] for e in employees.values()), Decimal(0)), where
            paid_in = [run for run in found.runs if declaration.start <= run.run_at <= declaration.end]
            assert paid_in, f"{where}: no run paid in {declaration.start}..{declaration.end}"
            assert declaration.tax_paid == declaration.total_general, (
                f"{where}: tax SEPA {declaration.tax_paid}"
            )
            for number, amounts in employees.items():
                slips = [run.slips[number] for run in paid_in if number in run.slips]
                gross = sum((s.gross for s in slips), Decimal(0))
                wage_tax = sum((s.wage_tax for s in slips), Decimal(0))
                # whole euros of the period's exact cents, cut off toward zero (never rounded)
                assert amounts["LnLbPh"] == int(gross), f"{where} employee {number}: wage {gross}"
                assert amounts["IngLbPh"] == int(wage_tax), f"{where} employee {number}: tax {wage_tax}"
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("text", ["€ -1.602,28", "\\200 4.334,00", "0,00"])
def test_the_euro_parser(text):
    assert euro(text) in (Decimal("-1602.28"), Decimal("4334.00"), Decimal("0.00"))
