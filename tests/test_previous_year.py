"""The previous year is seeded in full, each annual document shows what its name says, and a year that
does not match the run is refused (issue 11 classes 2 and 3)."""

from __future__ import annotations

import itertools
import re
from datetime import datetime

import pytest
from nmbrs_faults import fault_code
from pdf_text import after, euro, pdf_strings

AMOUNT = re.compile(r"(€ )?-?\d{1,3}(\.\d{3})*,\d\d")
ANNUAL = {  # operation suffix -> strings only that document shows (its own content, not a generic table)
    "AnualStatement": ["Loon voor de loonheffingen", "Ingehouden loonheffing", "Netto uitbetaald"],
    "WageTaxDeclarationOverviewCumulative": ["Rubriek", "Totaal te betalen", "Premie Aof"],
    "WageTaxDeclarationOverviewByPeriod": ["Loonaangiften per tijdvak", "Te betalen"],
    "SentWageTaxDeclarations": ["Verzonden loonaangiften"],
    "PaymentListCumulative": ["Netto betaald", "IBAN"],
    "PayrollRegisterSummaryCumulative": ["Werkgeverskosten", "Premie Awf", "Netto loon"],
    "JournalEntriesEmployeeCumulative": ["Looncode", "9000 Loonheffing"],
    "JournalEntriesDepartmentCumulative": ["Afdeling"],
    "JournalEntriesCostCenterCumulative": ["Kostenplaats"],
    "JournalEntriesCompanyrCumulative": ["Grootboekrekening", "4000 Lonen en salarissen", "Totaal credit"],
    "CompanyWageComponentsCumulative": ["Looncomponent", "Aantal"],
    "PayrollRegister": ["Periode"],
    "PayrollRegisterAllEmployees": ["Alle werknemers"],
    "ReservationSaldos": ["Reservering vakantiegeld", "Opbouw"],
    "LeaveSaldos": ["Recht", "Opgenomen", "Saldo"],
}


def companies(client) -> list[tuple[int, str, int]]:
    out = []
    for company in client.company.List_GetAll():
        year, _, kind = client.company.Company_GetCurrentPeriod(CompanyId=company.ID).split("-")
        out.append((company.ID, kind, int(year)))
    return out


def test_every_company_has_a_full_previous_year_of_runs_and_sent_declarations(client):
    for company, kind, year in companies(client):
        runs = client.company.Run_GetList(CompanyId=company, Year=year - 1)
        periods = {"M": 12, "W4": 13, "W1": 52}[kind]  # 2025 has 52 ISO weeks
        assert [r.PeriodStart for r in runs] == list(range(1, periods + 1)), (company, kind)
        declarations = client.company.WageTax_GetList(CompanyId=company, intYear=year - 1)
        assert len(declarations) == (12 if kind == "M" else 13)  # a weekly company declares per 4 weeks
        assert all(d.Status == "sent" and d.TotalGeneral > 0 for d in declarations)
        assert all(d.TijdvakStart.year == d.TijdvakEnd.year == year - 1 for d in declarations)
        current = client.company.WageTax_GetList(CompanyId=company, intYear=year)
        assert [d.Status for d in current][-2:] == ["locked", "locked"] and current[0].Status == "sent"
        serials = [d.SerialNumber for d in current]
        assert serials == list(range(1, len(current) + 1))
        employee = client.company.Run_GetEmployeesByRunCompany(
            CompanyId=company, RunId=runs[0].ID, Year=year - 1
        )
        assert employee, "employees were paid in the previous year"
        statement = pdf_strings(
            client.employee.SalaryDocuments_GetAnnualStatementPDF(
                EmployeeID=employee[0].EmployeeId, intYear=year - 1
            )
        )
        assert euro(after(statement, "Loon voor de loonheffingen")[0]) > 0


def test_the_company_list_names_the_real_declaration_period(client):
    kinds = {c.ID: c.LoonaangifteTijdvak for c in client.company.List_GetAll()}
    for company, kind, _ in companies(client):
        assert kinds[company] == ("Month" if kind == "M" else "Week4")


@pytest.mark.parametrize("year_offset", [-1, 0])
def test_each_annual_document_shows_what_its_name_says(client, year_offset):
    company, _, year = companies(client)[0]
    year += year_offset
    run = client.company.Run_GetList(CompanyId=company, Year=year)[-1].ID
    bodies = {}
    for suffix, markers in ANNUAL.items():
        pdf = client.company.call(
            f"SalaryDocuments_AnnualDocument_{suffix}", CompanyId=company, RunId=run, Year=year
        )
        texts = pdf_strings(pdf)
        for marker in markers:
            assert marker in texts, f"{suffix} ({year}) does not show {marker!r}"
        amounts = [euro(t) for t in texts if AMOUNT.fullmatch(t)]
        assert any(amounts), f"{suffix} ({year}) shows no non-zero amount"
        bodies[suffix] = [t for t in texts[3:] if not t.startswith("Pagina ")]  # without heading and footer
    for (a, text_a), (b, text_b) in itertools.combinations(bodies.items(), 2):
        assert text_a != text_b, f"{a} and {b} show the same content"


def test_sent_declarations_lists_only_sent_ones(client):
    company, _, year = companies(client)[0]
    run = client.company.Run_GetList(CompanyId=company, Year=year)[-1].ID
    texts = pdf_strings(
        client.company.SalaryDocuments_AnnualDocument_SentWageTaxDeclarations(
            CompanyId=company, RunId=run, Year=year
        )
    )
    rows = [t for t in texts if t.startswith("Tijdvak ")]
    sent = [d for d in client.company.WageTax_GetList(CompanyId=company, intYear=year) if d.Status == "sent"]
    assert len(rows) == len(sent) and all(" sent " in r for r in rows)


def test_a_year_that_does_not_match_the_run_is_refused(client):
    company, _, year = companies(client)[0]
    run = client.company.Run_GetList(CompanyId=company, Year=year)[-1].ID
    calls = [
        lambda: client.company.SalaryDocuments_AnnualDocument_LeaveSaldos(
            CompanyId=company, RunId=run, Year=year - 1
        ),
        lambda: client.company.SalaryDocuments_AnnualDocument_AnualStatement(
            CompanyId=company, RunId=run, Year=1999
        ),
        lambda: client.company.Run_GetEmployeesByRunCompany(CompanyId=company, RunId=run, Year=year - 1),
        lambda: client.company.SalaryDocuments_GetSEPA(
            CompanyId=company, RunID=run, Year=year + 1, paymentDate=datetime(year, 1, 1)
        ),
        lambda: client.company.SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2(
            CompanyId=company, RunID=run, intYear=year - 1
        ),
    ]
    assert [fault_code(call) for call in calls] == [2006] * len(calls)
    assert client.company.SalaryDocuments_AnnualDocument_LeaveSaldos(CompanyId=company, RunId=run, Year=year)
