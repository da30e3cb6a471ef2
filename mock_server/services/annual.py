"""CompanyService annual documents (jaarwerk): 15 `SalaryDocuments_AnnualDocument_*` PDFs, each showing
what its name says, cumulative for the year up to the run named, from the payroll ledger."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from mock_server.documents.report import Section, euro_cell, report_pdf
from mock_server.domain.figures import ZERO, SlipFigures
from mock_server.domain.leave import TYPE_NAMES
from mock_server.domain.periods import validate
from mock_server.services.annual_data import HOLIDAY_ALLOWANCE, YearLedger, year_ledger
from mock_server.services.call import Call, handles
from mock_server.services.payroll import SERVICE, company_arg, year_arg

Builder = Callable[[YearLedger], list[Section]]
PREMIUM_NAMES = {
    "aof_premium": "Premie Aof",
    "awf_premium": "Premie Awf",
    "whk_premium": "Premie Whk",
    "zvw_levy": "Werkgeversheffing Zvw",
}
DECLARED_ROWS = (
    ("TotLnLbPh", "Loon voor de loonheffingen"),
    ("TotLnSV", "Loon voor de werknemersverzekeringen"),
    ("IngLbPh", "Ingehouden loonheffing"),
    ("TotPrAofLg", "Premie Aof"),
    ("TotPrGediffWhk", "Premie Whk"),
    ("TotPrAwfLg", "Premie Awf"),
    ("TotWghZvw", "Werkgeversheffing Zvw"),
    ("TotGen", "Totaal te betalen"),
)
MONEY = ("Bruto", "Loonheffing", "Werkgeverslasten", "Netto")


def _money_row(label: str, slips: list[SlipFigures]) -> list[str]:
    values = (
        sum((s.gross for s in slips), ZERO),
        sum((s.wage_tax for s in slips), ZERO),
        sum((s.employer_premiums for s in slips), ZERO),
        sum((s.net for s in slips), ZERO),
    )
    return [label, *(euro_cell(v) for v in values)]


def annual_statement(ledger: YearLedger) -> list[Section]:
    return [
        Section(
            f"Jaaropgaaf {ledger.year} - {ledger.name(owner)}",
            ("Omschrijving", "Bedrag"),
            statement_rows(slips),
        )
        for owner, slips in ledger.by_employee().items()
    ]


def statement_rows(slips: list[SlipFigures]) -> list[list[str]]:
    """The jaaropgaaf of one employee (also `SalaryDocuments_GetAnnualStatementPDF`)."""
    total = lambda of: euro_cell(sum((of(s) for s in slips), ZERO))  # noqa: E731
    return [
        ["Loon voor de loonheffingen", total(lambda s: s.gross)],
        ["Ingehouden loonheffing", total(lambda s: s.wage_tax)],
        ["Werkgeversheffing Zvw", total(lambda s: s.premiums.get("zvw_levy", ZERO))],
        ["Onbelaste vergoedingen", total(lambda s: s.untaxed)],
        ["Netto uitbetaald", total(lambda s: s.net)],
    ]


def declarations_cumulative(ledger: YearLedger) -> list[Section]:
    rows = [
        [label, euro_cell(Decimal(sum(d.totals[e] for d in ledger.declarations)))]
        for e, label in DECLARED_ROWS
    ]
    return [Section(f"{len(ledger.declarations)} loonaangiften {ledger.year}", ("Rubriek", "Bedrag"), rows)]


def declarations_by_period(ledger: YearLedger, *, sent_only: bool = False) -> list[Section]:
    chosen = [d for d in ledger.declarations if not sent_only or d.record.data.get("Status") == "sent"]
    rows = [
        [
            f"{d.label} {d.record.data.get('Status')}"
            + (f" {d.record.data['SentAt']:%d-%m-%Y}" if sent_only and d.record.data.get("SentAt") else ""),
            euro_cell(Decimal(d.totals["TotLnLbPh"])),
            euro_cell(Decimal(d.totals["IngLbPh"])),
            euro_cell(Decimal(d.totals["TotGen"])),
        ]
        for d in chosen
    ]
    total = Decimal(sum(d.totals["TotGen"] for d in chosen))
    heading = "Verzonden loonaangiften" if sent_only else "Loonaangiften per tijdvak"
    return [
        Section(heading, ("Tijdvak", "Loon LB/PH", "Loonheffing", "Te betalen"), rows, [("Totaal", total)])
    ]


def payment_list(ledger: YearLedger) -> list[Section]:
    rows = [
        [ledger.name(owner), ledger.ibans.get(owner, ""), euro_cell(sum((s.net for s in slips), ZERO))]
        for owner, slips in ledger.by_employee().items()
    ]
    return [
        Section(
            "Netto betaald", ("Werknemer", "IBAN", "Netto"), rows, [("Totaal", ledger.total(lambda s: s.net))]
        )
    ]


def register_summary(ledger: YearLedger) -> list[Section]:
    rows = [
        ["Bruto loon", euro_cell(ledger.total(lambda s: s.gross))],
        ["Onbelaste vergoedingen", euro_cell(ledger.total(lambda s: s.untaxed))],
        ["Ingehouden loonheffing", euro_cell(ledger.total(lambda s: s.wage_tax))],
        *(
            [label, euro_cell(ledger.total(lambda s, n=name: s.premiums.get(n, ZERO)))]  # type: ignore[misc]
            for name, label in PREMIUM_NAMES.items()
        ),
        ["Netto loon", euro_cell(ledger.total(lambda s: s.net))],
    ]
    cost = ledger.total(lambda s: s.employer_cost)
    return [
        Section(
            f"{len(ledger.slips)} loonstroken", ("Omschrijving", "Bedrag"), rows, [("Werkgeverskosten", cost)]
        )
    ]


def _code_sums(slips: list[SlipFigures]) -> dict[tuple[int, str], Decimal]:
    sums: dict[tuple[int, str], Decimal] = {}
    for slip in slips:
        for line in slip.lines:
            key = (line.code, line.description.split(" ")[0] if line.code == 1 else line.description)
            sums[key] = sums.get(key, ZERO) + line.amount
    return dict(sorted(sums.items()))


def journal_per_employee(ledger: YearLedger) -> list[Section]:
    return [
        Section(
            ledger.name(owner),
            ("Looncode", "Bedrag"),
            [[f"{code} {text}", euro_cell(amount)] for (code, text), amount in _code_sums(slips).items()],
            [("Netto", sum((s.net for s in slips), ZERO))],
        )
        for owner, slips in ledger.by_employee().items()
    ]


def _grouped(ledger: YearLedger, groups: dict[int, str], heading: str) -> list[Section]:
    by_group: dict[str, list[SlipFigures]] = {}
    for slip in ledger.slips:
        by_group.setdefault(groups.get(slip.employee_id, "Geen"), []).append(slip)
    rows = [_money_row(name, slips) for name, slips in sorted(by_group.items())]
    return [Section(heading, (heading, *MONEY), rows, [("Netto", ledger.total(lambda s: s.net))])]


def journal_company(ledger: YearLedger) -> list[Section]:
    """Journal entries (debit / credit) of the company's payroll of the year."""
    positive = ledger.total(lambda s: sum((x.amount for x in s.lines if x.amount > 0), ZERO))
    deductions = ledger.total(
        lambda s: -sum((x.amount for x in s.lines if x.amount < 0 and x.code != 9000), ZERO)
    )
    premiums = ledger.total(lambda s: s.employer_premiums)
    tax = ledger.total(lambda s: s.wage_tax)
    net = ledger.total(lambda s: s.net)
    rows = [
        ["4000 Lonen en salarissen", euro_cell(positive), ""],
        ["4100 Sociale lasten werkgever", euro_cell(premiums), ""],
        ["1600 Af te dragen loonheffingen", "", euro_cell(tax + premiums)],
        ["1610 Inhoudingen", "", euro_cell(deductions)],
        ["1620 Te betalen nettolonen", "", euro_cell(net)],
    ]
    totals = [("Totaal debet", positive + premiums), ("Totaal credit", tax + premiums + deductions + net)]
    return [Section("Journaalposten", ("Grootboekrekening", "Debet", "Credit"), rows, totals)]


def wage_components(ledger: YearLedger) -> list[Section]:
    counts: dict[int, int] = {}
    for slip in ledger.slips:
        for line in slip.lines:
            counts[line.code] = counts.get(line.code, 0) + 1
    rows = [
        [f"{code} {text}", str(counts.get(code, 0)), euro_cell(amount)]
        for (code, text), amount in _code_sums(ledger.slips).items()
    ]
    return [Section("Looncomponenten", ("Looncomponent", "Aantal", "Bedrag"), rows)]


def payroll_register(ledger: YearLedger) -> list[Section]:
    return [
        Section(
            ledger.name(owner),
            ("Periode", *MONEY),
            [_money_row(f"{s.year}-{s.period} ({s.payment_date:%d-%m})", [s]) for s in slips],
            [("Netto", sum((s.net for s in slips), ZERO))],
        )
        for owner, slips in ledger.by_employee().items()
    ]


def register_all(ledger: YearLedger) -> list[Section]:
    rows = [_money_row(ledger.name(owner), slips) for owner, slips in ledger.by_employee().items()]
    return [
        Section("Alle werknemers", ("Werknemer", *MONEY), rows, [("Netto", ledger.total(lambda s: s.net))])
    ]


def reservations(ledger: YearLedger) -> list[Section]:
    rows = []
    for owner, slips in ledger.by_employee().items():
        reserved = sum((s.gross for s in slips), ZERO) * HOLIDAY_ALLOWANCE
        rows.append([ledger.name(owner), euro_cell(reserved), euro_cell(ZERO), euro_cell(reserved)])
    total = ledger.total(lambda s: s.gross) * HOLIDAY_ALLOWANCE
    columns = ("Vakantiegeld 8%", "Opbouw", "Uitbetaald", "Saldo")
    return [Section("Reservering vakantiegeld", columns, rows, [("Saldo", total)])]


def leave_balances(ledger: YearLedger) -> list[Section]:
    rows = [
        [ledger.name(owner), _hours(b.opening()), _hours(b.taken()), _hours(b.current())]
        for owner, b in sorted(ledger.leave.items(), key=lambda item: ledger.employees[item[0]].number)
        if b.opening() or b.entries
    ]
    note = ", ".join(TYPE_NAMES[t] for t in ("Type1", "Type2"))
    return [Section(f"Verlofsaldi in uren ({note})", ("Werknemer", "Recht", "Opgenomen", "Saldo"), rows)]


def _hours(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


DOCUMENTS: dict[str, tuple[str, Builder]] = {
    "AnualStatement": ("Jaaropgaven", annual_statement),
    "WageTaxDeclarationOverviewCumulative": ("Overzicht loonaangiften cumulatief", declarations_cumulative),
    "WageTaxDeclarationOverviewByPeriod": ("Overzicht loonaangiften per periode", declarations_by_period),
    "SentWageTaxDeclarations": (
        "Verzonden loonaangiften",
        lambda ledger: declarations_by_period(ledger, sent_only=True),
    ),
    "PaymentListCumulative": ("Betaallijst cumulatief", payment_list),
    "PayrollRegisterSummaryCumulative": ("Loonjournaal samenvatting cumulatief", register_summary),
    "JournalEntriesEmployeeCumulative": ("Journaalposten per werknemer cumulatief", journal_per_employee),
    "JournalEntriesDepartmentCumulative": (
        "Journaalposten per afdeling cumulatief",
        lambda ledger: _grouped(ledger, ledger.departments, "Afdeling"),
    ),
    "JournalEntriesCostCenterCumulative": (
        "Journaalposten per kostenplaats cumulatief",
        lambda ledger: _grouped(ledger, ledger.cost_centers, "Kostenplaats"),
    ),
    "JournalEntriesCompanyrCumulative": ("Journaalposten bedrijf cumulatief", journal_company),
    "CompanyWageComponentsCumulative": ("Looncomponenten bedrijf cumulatief", wage_components),
    "PayrollRegister": ("Loonstaat", payroll_register),
    "PayrollRegisterAllEmployees": ("Loonstaat alle werknemers", register_all),
    "ReservationSaldos": ("Saldi reserveringen", reservations),
    "LeaveSaldos": ("Verlofsaldi", leave_balances),
}


def annual_pdf(call: Call, title: str, build: Builder) -> bytes:
    company = company_arg(call)
    run_id = call.args.get("RunId") or call.args.get("RunID") or 0
    ledger = year_ledger(call.tenant, company, run_id, year_arg(call))
    subtitle = f"{ledger.year} t/m periode {ledger.up_to.number}"
    return report_pdf(f"{title} {ledger.year}", company.name, subtitle, build(ledger))


def _register(suffix: str, title: str, build: Builder) -> None:
    def handler(call: Call) -> dict[str, bytes]:
        return {"PDF": annual_pdf(call, title, build)}

    handler.__doc__ = f"Returns the annual document '{title}' of the year up to the run, as PDF."
    handles(SERVICE, f"SalaryDocuments_AnnualDocument_{suffix}")(handler)


for _suffix, (_title, _build) in DOCUMENTS.items():
    _register(_suffix, _title, _build)


@handles(SERVICE, "HrDocuments_EmployerCostPerHour_Year")
def employer_cost_per_hour(call: Call) -> bytes:
    """Returns the employer cost of the year up to the run per employee as PDF (the period named must be
    one of the company's type: 2006 otherwise, as every read that names a period)."""
    company = company_arg(call)
    validate(company.type, year_arg(call) or company.current_year, call.args.get("Period") or 0)

    def build(ledger: YearLedger) -> list[Section]:
        rows = [
            [ledger.name(owner), euro_cell(sum((s.employer_cost for s in slips), ZERO))]
            for owner, slips in ledger.by_employee().items()
        ]
        return [Section("Werkgeverskosten", ("Werknemer", "Kosten"), rows)]

    return annual_pdf(call, "Werkgeverskosten", build)
