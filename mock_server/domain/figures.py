"""The payroll ledger: every amount a payroll document shows, computed once per run and employee.

A run stores one `Payslip` record per paid employee holding its `SlipFigures` (lines, gross, wage
tax, employer premiums, net, payment date). Payslips, journals, both SEPA files, the declarations
(`WageTax_GetList` and `WageTax_GetXML`) and the annual documents all render from these records, so
a figure that appears in two documents is the same number.

The one rounding rule:

- amounts are exact cents: each pay line, the wage tax and each employer premium is rounded once, to
  the cent, half up (`cents`), and every other cent amount is a sum of those;
- a declaration reports whole euros (the Belastingdienst's rule): per employee and declaration period,
  each amount is the sum of that employee's exact cents in the period, cut to whole euros toward zero
  (`whole_euros`), once; every collective total (TotLnLbPh, IngLbPh, ..., TotGen) is the sum of those
  whole-euro amounts, and `TotalGeneral` and the wage-tax SEPA payment are TotGen.

Nothing is ever rounded from a sum that was rounded differently elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)
PREMIUMS = ("aof_premium", "awf_premium", "whk_premium", "zvw_levy")  # `WageTaxEmployee` field names
# What a declaration reports per employee, by `WageTaxEmployee` field name, in Loonaangifte order.
DECLARED = ("wage_lb_ph", "wage_sv", "wage_tax", "aof_premium", "whk_premium", "awf_premium", "zvw_levy")
# Collective totals (CollectieveAangifte element) of the declared amounts, and what TotTeBet adds up.
TOTAL_ELEMENTS = {
    "wage_lb_ph": "TotLnLbPh",
    "wage_sv": "TotLnSV",
    "wage_tax": "IngLbPh",
    "aof_premium": "TotPrAofLg",
    "whk_premium": "TotPrGediffWhk",
    "awf_premium": "TotPrAwfLg",
    "zvw_levy": "TotWghZvw",
}
PAYABLE = ("wage_tax", *PREMIUMS)


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, half up: how each line, tax and premium is rounded, once."""
    return Decimal(amount).quantize(CENT, ROUND_HALF_UP)


def whole_euros(amount: Decimal) -> int:
    """Whole euros as a declaration reports them: cents cut off, toward zero."""
    # int() of a Decimal truncates toward zero (ROUND_DOWN)
    return int(amount) if type(amount) is Decimal else int(Decimal(amount))


@dataclass(frozen=True)
class SlipLine:
    code: int
    description: str
    amount: Decimal  # positive: paid; negative: withheld
    taxable: bool = True


@dataclass(frozen=True)
class SlipFigures:
    """One employee in one run: what the payslip, journal, SEPA and declaration all show."""

    employee_id: int
    run_id: int
    year: int
    period: int
    payment_date: date
    lines: tuple[SlipLine, ...]
    gross: Decimal  # loon voor de loonheffingen = loon voor de werknemersverzekeringen (illustrative)
    wage_tax: Decimal
    premiums: Mapping[str, Decimal] = field(default_factory=dict)  # by `PREMIUMS` name
    net: Decimal = ZERO

    @property
    def untaxed(self) -> Decimal:
        """Allowances paid on top of the taxable wage (travel, meals, working from home)."""
        return sum((line.amount for line in self.lines if not line.taxable and line.amount > 0), ZERO)

    @property
    def employer_premiums(self) -> Decimal:
        return sum(self.premiums.values(), ZERO)

    @property
    def employer_cost(self) -> Decimal:
        """Gross wage, untaxed allowances and employer premiums: what the employee costs the company."""
        return self.gross + self.untaxed + self.employer_premiums

    def for_run(self, run_id: int, year: int, period: int, payment_date: date) -> SlipFigures:
        """The same figures in another run (what `dataclasses.replace` gives, without its cost: seeding
        pays most employees the same in every period)."""
        copy = object.__new__(SlipFigures)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(run_id=run_id, year=year, period=period, payment_date=payment_date)
        return copy

    def amount(self, name: str) -> Decimal:
        """A declared amount in exact cents, by `DECLARED` name."""
        if name in ("wage_lb_ph", "wage_sv"):
            return self.gross
        if name == "wage_tax":
            return self.wage_tax
        return self.premiums.get(name, ZERO)

    def to_record(self) -> dict[str, Any]:
        """The `Payslip` record's data. Amounts are stored as decimal strings (exact, and far cheaper
        to store than tagged Decimals: seeding writes a payslip per employee and period)."""
        return {
            "RunId": self.run_id,
            "Year": self.year,
            "Period": self.period,
            "PaymentDate": self.payment_date.isoformat(),
            "Gross": str(self.gross),
            "WageTax": str(self.wage_tax),
            "Net": str(self.net),
            "Premiums": {name: str(value) for name, value in self.premiums.items()},
            "Lines": [[x.code, x.description, str(x.amount), x.taxable] for x in self.lines],
        }

    @classmethod
    def from_record(cls, employee_id: int, data: Mapping[str, Any]) -> SlipFigures:
        paid = data.get("PaymentDate")
        return cls(
            employee_id=employee_id,
            run_id=data.get("RunId") or 0,
            year=data.get("Year") or 0,
            period=data.get("Period") or 0,
            payment_date=date.fromisoformat(paid)
            if isinstance(paid, str)
            else date(data.get("Year") or 2000, 1, 1),
            lines=tuple(_line(x) for x in data.get("Lines") or []),
            gross=Decimal(data.get("Gross") or 0),
            wage_tax=Decimal(data.get("WageTax") or 0),
            premiums={k: Decimal(v) for k, v in (data.get("Premiums") or {}).items()},
            net=Decimal(data.get("Net") or 0),
        )


def _line(stored: Any) -> SlipLine:
    if isinstance(stored, dict):  # the older, keyed form
        stored = [stored["Code"], stored["Description"], stored["Amount"], stored.get("Taxable", True)]
    code, description, amount, taxable = stored
    return SlipLine(code, description, Decimal(amount), bool(taxable))


def exact_sums(slips: Iterable[SlipFigures]) -> dict[int, dict[str, Decimal]]:
    """Per employee, each declared amount summed in exact cents."""
    sums: dict[int, dict[str, Decimal]] = {}
    for slip in slips:
        own = sums.setdefault(slip.employee_id, dict.fromkeys(DECLARED, ZERO))
        for name in DECLARED:
            own[name] += slip.amount(name)
    return sums


def add_sums(into: dict[int, dict[str, Decimal]], more: Mapping[int, Mapping[str, Decimal]]) -> None:
    """Add per-employee exact sums into `into`, in place (a weekly run adding to its declaration)."""
    for owner, values in more.items():
        own = into.setdefault(owner, dict.fromkeys(DECLARED, ZERO))
        for name in DECLARED:
            own[name] = own.get(name, ZERO) + values.get(name, ZERO)


def declared_amounts(sums: Mapping[str, Decimal]) -> dict[str, int]:
    """One employee's whole-euro amounts in a declaration, from its exact sums in the period."""
    return {name: whole_euros(sums.get(name, ZERO)) for name in DECLARED}


def payable(sums: Mapping[str, Decimal]) -> int:
    """What one employee adds to a declaration's TotGen: its declared wage tax and premiums."""
    declared = declared_amounts(sums)
    return sum(declared[name] for name in PAYABLE)


def declaration_totals(sums: Mapping[int, Mapping[str, Decimal]]) -> dict[str, int]:
    """The collective totals of a declaration, by element name, with TotTeBet and TotGen."""
    totals = dict.fromkeys(TOTAL_ELEMENTS.values(), 0)
    for values in sums.values():
        declared = declared_amounts(values)
        for name, element in TOTAL_ELEMENTS.items():
            totals[element] += declared[name]
    totals["TotTeBet"] = totals["TotGen"] = sum(totals[TOTAL_ELEMENTS[name]] for name in PAYABLE)
    return totals


def sums_to_record(sums: Mapping[int, Mapping[str, Decimal]]) -> dict[str, dict[str, Decimal]]:
    """Per-employee sums as stored in a declaration record (JSON object keys are strings)."""
    return {str(owner): dict(values) for owner, values in sums.items()}


def sums_from_record(data: Mapping[str, Any]) -> dict[int, dict[str, Decimal]]:
    stored = data.get("Declared") or {}
    return {int(owner): {k: Decimal(v) for k, v in values.items()} for owner, values in stored.items()}
