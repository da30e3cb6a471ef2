"""A Dutch wage-tax return (aangifte loonheffingen) in the Belastingdienst's Loonaangifte XML shape.

It follows the element names and order of the Loonaangifte 2026 schema for the subset a mock needs:
one full return (VolledigeAangifte) for one period, with collective totals and per income relationship
the person, the income period's codes and the amounts. Amounts are whole euros, truncated toward
zero as the return requires (`domain.figures.whole_euros`); the collective totals are the sums of the
reported per-employee amounts, so the file reconciles exactly. It is not validated against the real
XSD (a few mandatory blocks of the real return, such as premium-wage accruals and sector codes, are
left out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from mock_server.domain.dutch_numbers import is_valid_bsn, is_valid_loonheffingennummer
from mock_server.domain.figures import whole_euros  # the one rounding rule (see domain/figures.py)

NAMESPACE = "http://xml.belastingdienst.nl/schemas/Loonaangifte/2026/01"
SCHEMA_VERSION = "2.0"
_ZERO = Decimal(0)

# (element in Werknemersgegevens, WageTaxEmployee field, element in CollectieveAangifte or "")
AMOUNT_ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("LnLbPh", "wage_lb_ph", "TotLnLbPh"),
    ("LnSV", "wage_sv", "TotLnSV"),
    ("IngLbPh", "wage_tax", "IngLbPh"),
    ("PrAofLg", "aof_premium", "TotPrAofLg"),
    ("PrGediffWhk", "whk_premium", "TotPrGediffWhk"),
    ("PrAwfLg", "awf_premium", "TotPrAwfLg"),
    ("WghZvw", "zvw_levy", "TotWghZvw"),
    ("VerrArbKrt", "labour_credit", ""),
)
# The collective amounts that make up TotTeBet (wage tax + employer premiums + Zvw levy).
PAYABLE_TOTALS = ("IngLbPh", "TotPrAofLg", "TotPrGediffWhk", "TotPrAwfLg", "TotWghZvw")


@dataclass(frozen=True)
class WageTaxEmployer:
    loonheffingennummer: str
    name: str
    contact_name: str = "Salarisadministratie"
    contact_phone: str = "0201234567"
    software: str = "nmbrs-mock"


@dataclass(frozen=True)
class WageTaxAddress:
    street: str
    house_number: int
    postal_code: str
    city: str
    house_number_addition: str = ""


@dataclass(frozen=True)
class WageTaxEmployee:
    income_relationship_number: int  # NumIV
    employee_number: str  # PersNr
    bsn: str
    initials: str
    prefix: str
    last_name: str
    birthday: date
    gender: str  # "male" / "female"
    start_date: date
    wage_lb_ph: Decimal  # loon voor de loonbelasting/premie volksverzekeringen
    wage_sv: Decimal  # loon voor de werknemersverzekeringen
    wage_tax: Decimal  # ingehouden loonbelasting/premie volksverzekeringen
    aof_premium: Decimal = _ZERO
    whk_premium: Decimal = _ZERO
    awf_premium: Decimal = _ZERO
    zvw_levy: Decimal = _ZERO  # werkgeversheffing Zvw
    labour_credit: Decimal = _ZERO  # verrekende arbeidskorting
    nationality_code: int = 1
    tax_credit_applied: bool = True  # loonheffingskorting
    income_code: int = 15  # SrtIV: loon uit privaatrechtelijke dienstbetrekking
    tax_table: str = "010"  # LbTab: witte tabel
    address: WageTaxAddress | None = None


def employee_amounts(employee: WageTaxEmployee) -> dict[str, int]:
    """The Werknemersgegevens amounts of one employee, keyed by element name."""
    return {element: whole_euros(getattr(employee, field)) for element, field, _ in AMOUNT_ELEMENTS}


def collective_totals(employees: Sequence[WageTaxEmployee]) -> dict[str, int]:
    """CollectieveAangifte in schema order, including TotTeBet and TotGen."""
    totals = {total: 0 for _, _, total in AMOUNT_ELEMENTS if total}
    for employee in employees:
        amounts = employee_amounts(employee)
        for element, _, total in AMOUNT_ELEMENTS:
            if total:
                totals[total] += amounts[element]
    totals["TotTeBet"] = sum(totals[name] for name in PAYABLE_TOTALS)
    totals["TotGen"] = totals["TotTeBet"]
    return totals


def _sub(parent: etree._Element, tag: str, text: object | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def _fields(parent: etree._Element, pairs: Sequence[tuple[str, object]]) -> None:
    for tag, value in pairs:
        if value not in ("", None):
            _sub(parent, tag, value)


def _person(parent: etree._Element, employee: WageTaxEmployee) -> None:
    person = _sub(parent, "NatuurlijkPersoon")
    initials = "".join(ch for ch in employee.initials.upper() if ch.isalpha())[:6]
    gender = {"male": 1, "female": 2}.get(employee.gender, 0)
    _fields(
        person,
        [
            ("SofiNr", employee.bsn),
            ("Voorl", initials),
            ("Voorv", employee.prefix),
            ("SignNm", employee.last_name),
            ("Gebdat", employee.birthday.isoformat()),
            ("Nat", f"{employee.nationality_code:04d}"),
            ("Gesl", gender),
        ],
    )
    if employee.address:
        _address(person, employee.address)


def _address(parent: etree._Element, address: WageTaxAddress) -> None:
    _fields(
        _sub(parent, "AdresBinnenland"),
        [
            ("Str", address.street),
            ("HuisNr", address.house_number),
            ("HuisNrToev", address.house_number_addition),
            ("Pc", address.postal_code.replace(" ", "").upper()),
            ("Woonpl", address.city.upper()),
        ],
    )


def _income_period(parent: etree._Element, employee: WageTaxEmployee) -> None:
    _fields(
        _sub(parent, "Inkomstenperiode"),
        [
            ("DatAanv", employee.start_date.isoformat()),
            ("SrtIV", employee.income_code),
            ("CdAard", 1),  # arbeidsovereenkomst
            ("CAO", "9999"),  # geen cao
            ("IndArbovOnbepTd", "J"),
            ("IndSchriftArbov", "J"),
            ("IndOprov", "N"),
            ("IndLhKort", "J" if employee.tax_credit_applied else "N"),
            ("LbTab", employee.tax_table),
            ("IndWAO", "J"),
            ("IndWW", "J"),
            ("IndZW", "J"),
            ("CdZvw", "K"),  # werkgeversheffing Zvw
        ],
    )


def _income_relationship(parent: etree._Element, employee: WageTaxEmployee) -> None:
    relationship = _sub(parent, "InkomstenverhoudingInitieel")
    _sub(relationship, "NumIV", employee.income_relationship_number)
    _sub(relationship, "DatAanv", employee.start_date.isoformat())
    _fields(relationship, [("PersNr", employee.employee_number)])
    _person(relationship, employee)
    _income_period(relationship, employee)
    _fields(_sub(relationship, "Werknemersgegevens"), list(employee_amounts(employee).items()))


def _message(parent: etree._Element, employer: WageTaxEmployer, message_id: str, created: datetime) -> None:
    _fields(
        _sub(parent, "Bericht"),
        [
            ("IdBer", message_id),
            ("DatTdAanm", created.replace(microsecond=0).isoformat()),
            ("ContPers", employer.contact_name),
            ("TelNr", employer.contact_phone),
            ("GebrSwPakket", employer.software),
        ],
    )


def _validate(
    employer: WageTaxEmployer, start: date, end: date, employees: Sequence[WageTaxEmployee]
) -> None:
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    if not is_valid_loonheffingennummer(employer.loonheffingennummer):
        raise ValueError(f"invalid loonheffingennummer: {employer.loonheffingennummer!r}")
    for employee in employees:
        if not is_valid_bsn(employee.bsn):
            raise ValueError(f"invalid BSN for employee {employee.employee_number}: {employee.bsn!r}")
    numbers = [employee.income_relationship_number for employee in employees]
    if len(set(numbers)) != len(numbers):
        raise ValueError("income relationship numbers (NumIV) must be unique")


def wage_tax_declaration_xml(
    employer: WageTaxEmployer,
    period_start: date,
    period_end: date,
    employees: Sequence[WageTaxEmployee],
    *,
    message_id: str,
    created: datetime,
    strict: bool = True,
) -> str:
    """The Loonaangifte XML as a `str` with a UTF-8 declaration (encode before parsing with lxml).

    With `strict`, ValueError on an invalid loonheffingennummer or BSN, a reversed period or a
    duplicate NumIV.
    """
    if strict:
        _validate(employer, period_start, period_end, employees)
    root = etree.Element(f"{{{NAMESPACE}}}Loonaangifte", {"version": SCHEMA_VERSION}, nsmap={None: NAMESPACE})
    _message(root, employer, message_id, created)
    unit = _sub(root, "AdministratieveEenheid")
    _sub(unit, "LhNr", employer.loonheffingennummer)
    _sub(unit, "NmIP", employer.name[:200])
    period = _sub(unit, "TijdvakAangifte")
    _sub(period, "DatAanvTv", period_start.isoformat())
    _sub(period, "DatEindTv", period_end.isoformat())
    declaration = _sub(period, "VolledigeAangifte")
    _fields(_sub(declaration, "CollectieveAangifte"), list(collective_totals(employees).items()))
    for employee in employees:
        _income_relationship(declaration, employee)
    body = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body
