import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from mock_server.documents.pdf import (
    annual_document_pdf,
    format_euro,
    payslip_pdf,
    pdf_escape,
    render_pdf,
    text_width,
)
from mock_server.documents.sepa import NAMESPACE as PAIN
from mock_server.documents.sepa import Payment, sepa_credit_transfer_xml
from mock_server.documents.wagetax import (
    AMOUNT_ELEMENTS,
    PAYABLE_TOTALS,
    WageTaxAddress,
    WageTaxEmployee,
    WageTaxEmployer,
    wage_tax_declaration_xml,
)
from mock_server.documents.wagetax import NAMESPACE as LA
from mock_server.domain.dutch_data import DutchDataGenerator
from mock_server.domain.dutch_numbers import bic_for

CREATED = datetime(2026, 1, 24, 9, 30, 15)


# --- PDF -----------------------------------------------------------------------------------------
def check_pdf_structure(data: bytes) -> int:
    """Check header, xref offsets, trailer and stream lengths; return the number of pages."""
    assert data.startswith(b"%PDF-1.4\n")
    assert data.rstrip().endswith(b"%%EOF")
    xref_at = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    assert xref_at is not None, "no startxref before %%EOF"
    startxref = int(xref_at.group(1))
    assert data[startxref:].startswith(b"xref\n")
    header = re.match(rb"xref\n0 (\d+)\n", data[startxref:])
    assert header is not None, "no xref header"
    size = int(header.group(1))
    entries = data[startxref + header.end() :].split(b"trailer")[0]
    rows = [entries[i : i + 20] for i in range(0, size * 20, 20)]
    assert rows[0] == b"0000000000 65535 f \n"
    for number, row in enumerate(rows[1:], start=1):
        assert re.fullmatch(rb"\d{10} 00000 n \n", row)
        assert data[int(row[:10]) :].startswith(f"{number} 0 obj\n".encode())
    trailer = data[data.rindex(b"trailer") :]
    assert f"/Size {size}".encode() in trailer and b"/Root 1 0 R" in trailer
    for match in re.finditer(rb"<< /Length (\d+) >>\nstream\n", data):
        end = match.end() + int(match.group(1))
        assert data[end:].startswith(b"\nendstream\nendobj")
    pages = len(re.findall(rb"/Type /Page ", data))
    assert f"/Count {pages}".encode() in data
    return pages


def test_render_pdf_structure_and_pages() -> None:
    data = render_pdf("Loonjournaal 2026", [["Eerste pagina"], [f"Regel {i}" for i in range(120)]])
    assert check_pdf_structure(data) >= 3  # the second page overflows
    assert b"(Regel 119) Tj" in data
    assert b"Pagina 1 van " in data


def test_render_pdf_empty_document_still_has_a_page() -> None:
    assert check_pdf_structure(render_pdf("Leeg", [])) == 1


def test_pdf_text_escaping() -> None:
    assert pdf_escape("a(b)c\\d") == "a\\(b\\)c\\\\d"
    assert pdf_escape("Café €5") == "Caf\\351 \\2005"
    assert pdf_escape("Ωmega\nnext") == "?mega next"
    data = render_pdf("Test", [["Loon (bruto) \\ netto", "Ωmega"]])
    check_pdf_structure(data)
    assert b"(Loon \\(bruto\\) \\\\ netto) Tj" in data
    assert b"(?mega) Tj" in data
    assert data[15:].isascii()


def test_pdf_is_deterministic_and_dated_only_on_request() -> None:
    pages = [["Jan van der Meer", "Bruto 3.500,00"]]
    assert render_pdf("Jaaropgaaf 2026", pages) == render_pdf("Jaaropgaaf 2026", pages)
    assert b"CreationDate" not in render_pdf("Jaaropgaaf 2026", pages)
    assert b"(D:20260124093015)" in render_pdf("Jaaropgaaf 2026", pages, created=CREATED)


def test_format_euro() -> None:
    assert format_euro(Decimal("-1234.5")) == "-1.234,50"
    assert format_euro(Decimal("1000000")) == "1.000.000,00"
    assert format_euro(Decimal("0.005")) == "0,01"
    assert format_euro(Decimal("12.344")) == "12,34"


def test_text_width_uses_helvetica_metrics() -> None:
    assert text_width("0123456789", 10) == pytest.approx(55.6)
    assert text_width("W", 10, bold=True) == pytest.approx(9.44)
    assert text_width("é", 10) == text_width("e", 10)


PAYSLIP_LINES = [
    ("Salaris", Decimal("3500.00")),
    ("Vakantietoeslag (8%)", Decimal("280.00")),
    ("Loonheffing", Decimal("-812.34")),
    ("Pensioenpremie werknemer", Decimal("-145.20")),
]


def test_payslip_pdf() -> None:
    data = payslip_pdf(
        "Bakkerij De Vries B.V.",
        "Jan van der Meer",
        "Januari 2026",
        PAYSLIP_LINES,
        [("Bruto loon", Decimal("3780.00")), ("Netto loon", Decimal("2822.46"))],
        details=[("BSN", "123456782")],
    )
    assert check_pdf_structure(data) == 1
    for text in (
        b"(Loonstrook) Tj",
        b"(3.500,00) Tj",
        b"(812,34) Tj",
        b"(\\200 2.822,46) Tj",
        b"(123456782) Tj",
    ):
        assert text in data
    assert b"(Vakantietoeslag \\(8%\\)) Tj" in data


def test_long_annual_document_spans_pages() -> None:
    lines = [(f"Werknemer {i}", Decimal(i) * Decimal("101.25")) for i in range(150)]
    total = sum((amount for _, amount in lines), Decimal(0))
    data = annual_document_pdf("Loonjournaal", "Acme B.V.", "Jaar 2026", lines, [("Totaal", total)])
    assert check_pdf_structure(data) >= 3
    assert f"(\\200 {format_euro(total)}) Tj".encode() in data
    assert data.count(b"(Omschrijving) Tj") >= 3  # the table header repeats on every page


def test_jaaropgaaf_for_an_employee() -> None:
    data = annual_document_pdf(
        "Jaaropgaaf 2026",
        "Acme B.V.",
        "1 januari 2026 t/m 31 december 2026",
        [("Loon voor de loonheffing", Decimal("46200")), ("Ingehouden loonheffing", Decimal("9875.12"))],
        [],
        employee_name="Fatma Öztürk",
    )
    assert check_pdf_structure(data) == 1
    assert b"(Fatma \\326zt\\374rk) Tj" in data
    assert b"/Title <FEFF" in data


# --- SEPA ----------------------------------------------------------------------------------------
def q(tag: str) -> str:
    return f"{{{PAIN}}}{tag}"


@pytest.fixture
def payments() -> list[Payment]:
    generator = DutchDataGenerator(4)
    return [
        Payment(
            person.full_name, person.iban, Decimal("1500.10") + index, f"SAL-2026-01-{index:03d}", "Salaris"
        )
        for index, person in enumerate(generator.people(25))
    ]


def sepa(payments: list[Payment], **overrides: object) -> str:
    arguments: dict[str, object] = {
        "debtor_name": "Bakkerij De Vries B.V.",
        "debtor_iban": "NL91ABNA0417164300",
        "debtor_bic": "ABNANL2A",
        "payments": payments,
        "message_id": "MSG-2026-01",
        "creation": CREATED,
        "execution_date": date(2026, 1, 25),
    }
    return sepa_credit_transfer_xml(**{**arguments, **overrides})  # type: ignore[arg-type]


def test_sepa_counts_and_control_sums(payments: list[Payment]) -> None:
    xml = sepa(payments)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(xml.encode("utf-8"))
    assert root.tag == q("Document")
    header = root.find(f"{q('CstmrCdtTrfInitn')}/{q('GrpHdr')}")
    info = root.find(f"{q('CstmrCdtTrfInitn')}/{q('PmtInf')}")
    amounts = [Decimal(a.text) for a in info.iter(q("InstdAmt"))]
    assert sum(amounts) == sum(payment.amount for payment in payments)
    for block in (header, info):
        assert block.findtext(q("NbOfTxs")) == str(len(payments)) == str(len(amounts))
        assert Decimal(block.findtext(q("CtrlSum"))) == sum(amounts)
        assert re.fullmatch(r"\d+\.\d{2}", block.findtext(q("CtrlSum")))
    assert header.findtext(q("CreDtTm")) == "2026-01-24T09:30:15"
    assert info.findtext(f"{q('PmtTpInf')}/{q('SvcLvl')}/{q('Cd')}") == "SEPA"
    assert info.findtext(q("ReqdExctnDt")) == "2026-01-25"
    assert info.findtext(q("ChrgBr")) == "SLEV"
    expected_order = (
        "PmtInfId PmtMtd BtchBookg NbOfTxs CtrlSum PmtTpInf ReqdExctnDt Dbtr DbtrAcct DbtrAgt ChrgBr"
    )
    assert [child.tag for child in info][:11] == [q(tag) for tag in expected_order.split()]


def test_sepa_transactions(payments: list[Payment]) -> None:
    root = etree.fromstring(sepa(payments).encode("utf-8"))
    transactions = list(root.iter(q("CdtTrfTxInf")))
    assert len(transactions) == len(payments)
    for tx, payment in zip(transactions, payments, strict=True):
        assert [child.tag for child in tx] == [
            q(t) for t in ("PmtId", "Amt", "CdtrAgt", "Cdtr", "CdtrAcct", "RmtInf")
        ]
        amount = tx.find(f"{q('Amt')}/{q('InstdAmt')}")
        assert amount.get("Ccy") == "EUR" and Decimal(amount.text) == payment.amount
        assert tx.findtext(f"{q('CdtrAcct')}/{q('Id')}/{q('IBAN')}") == payment.iban
        assert tx.findtext(f"{q('CdtrAgt')}/{q('FinInstnId')}/{q('BIC')}") == bic_for(payment.iban)
        assert tx.findtext(f"{q('PmtId')}/{q('EndToEndId')}") == payment.end_to_end_id


def test_sepa_text_is_restricted_to_the_sepa_character_set(payments: list[Payment]) -> None:
    special = replace(payments[0], name="Zoë & Søren — Ölçer", remittance="Salaris januari 2026 " + "x" * 200)
    root = etree.fromstring(sepa([special]).encode("utf-8"))
    assert root.findtext(f".//{q('Cdtr')}/{q('Nm')}") == "Zoe + Sren Olcer"
    assert len(root.findtext(f".//{q('Ustrd')}")) == 140


def test_sepa_is_deterministic(payments: list[Payment]) -> None:
    assert sepa(payments) == sepa(list(payments))


@pytest.mark.parametrize(
    "change",
    [
        {"iban": "NL92ABNA0417164300"},
        {"amount": Decimal("10.001")},
        {"amount": Decimal("0")},
        {"amount": Decimal("-5.00")},
        {"end_to_end_id": "X" * 36},
        {"end_to_end_id": "with space"},
    ],
)
def test_sepa_rejects_invalid_payments(payments: list[Payment], change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        sepa([replace(payments[0], **change)])  # type: ignore[arg-type]


def test_sepa_rejects_an_empty_batch_and_a_bad_debtor(payments: list[Payment]) -> None:
    with pytest.raises(ValueError):
        sepa([])
    with pytest.raises(ValueError):
        sepa(payments, debtor_bic="NOTABIC")


# --- wage tax ------------------------------------------------------------------------------------
def w(tag: str) -> str:
    return f"{{{LA}}}{tag}"


@pytest.fixture
def employees() -> list[WageTaxEmployee]:
    generator = DutchDataGenerator(21)
    result = []
    for number, person in enumerate(generator.people(12), start=1):
        wage = Decimal("2800.55") + number * Decimal("123.45")
        result.append(
            WageTaxEmployee(
                income_relationship_number=number,
                employee_number=str(1000 + number),
                bsn=person.bsn,
                initials=person.initials,
                prefix=person.prefix,
                last_name=person.last_name,
                birthday=person.birthday,
                gender=person.gender,
                start_date=date(2024, 3, 1),
                wage_lb_ph=wage,
                wage_sv=wage - Decimal("45.50"),
                wage_tax=wage * Decimal("0.1921"),
                aof_premium=wage * Decimal("0.0628"),
                awf_premium=wage * Decimal("0.0264"),
                whk_premium=wage * Decimal("0.0052"),
                zvw_levy=wage * Decimal("0.0610"),
                labour_credit=Decimal("450.99"),
                nationality_code=person.nationality_code,
                address=WageTaxAddress(person.street, person.house_number, person.postal_code, person.city),
            )
        )
    return result


def declaration(employees: list[WageTaxEmployee], **overrides: object) -> str:
    arguments: dict[str, object] = {
        "employer": WageTaxEmployer("123456782L01", "Bakkerij De Vries B.V."),
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 1, 31),
        "employees": employees,
        "message_id": "LA-2026-01",
        "created": CREATED,
    }
    return wage_tax_declaration_xml(**{**arguments, **overrides})  # type: ignore[arg-type]


def test_wage_tax_totals_equal_the_sum_of_the_lines(employees: list[WageTaxEmployee]) -> None:
    root = etree.fromstring(declaration(employees).encode("utf-8"))
    assert root.tag == w("Loonaangifte")
    collective = root.find(f".//{w('VolledigeAangifte')}/{w('CollectieveAangifte')}")
    lines = root.findall(f".//{w('Werknemersgegevens')}")
    assert len(lines) == len(employees)
    for element, _, total in AMOUNT_ELEMENTS:
        values = [int(line.findtext(w(element))) for line in lines]
        if total:
            assert int(collective.findtext(w(total))) == sum(values)
    payable = sum(int(collective.findtext(w(name))) for name in PAYABLE_TOTALS)
    assert int(collective.findtext(w("TotTeBet"))) == payable > 0
    assert collective.findtext(w("TotGen")) == collective.findtext(w("TotTeBet"))


def test_wage_tax_amounts_are_whole_euros_truncated(employees: list[WageTaxEmployee]) -> None:
    root = etree.fromstring(declaration(employees).encode("utf-8"))
    first = root.find(f".//{w('Werknemersgegevens')}")
    assert first.findtext(w("LnLbPh")) == str(int(employees[0].wage_lb_ph))
    assert first.findtext(w("VerrArbKrt")) == "450"
    assert all(re.fullmatch(r"-?\d+", line.text) for line in first)


def test_wage_tax_structure(employees: list[WageTaxEmployee]) -> None:
    root = etree.fromstring(declaration(employees).encode("utf-8"))
    assert [child.tag for child in root] == [w("Bericht"), w("AdministratieveEenheid")]
    unit = root.find(w("AdministratieveEenheid"))
    assert unit.findtext(w("LhNr")) == "123456782L01"
    assert unit.findtext(w("NmIP")) == "Bakkerij De Vries B.V."
    period = unit.find(w("TijdvakAangifte"))
    assert (period.findtext(w("DatAanvTv")), period.findtext(w("DatEindTv"))) == ("2026-01-01", "2026-01-31")
    relationships = period.findall(f"{w('VolledigeAangifte')}/{w('InkomstenverhoudingInitieel')}")
    assert len(relationships) == len(employees)
    for relationship, employee in zip(relationships, employees, strict=True):
        person = relationship.find(w("NatuurlijkPersoon"))
        assert person.findtext(w("SofiNr")) == employee.bsn
        assert person.findtext(w("SignNm")) == employee.last_name
        assert person.findtext(w("Voorv")) == (employee.prefix or None)
        assert person.findtext(w("Gebdat")) == employee.birthday.isoformat()
        assert re.fullmatch(r"[A-Z]{1,6}", person.findtext(w("Voorl")))
        assert re.fullmatch(r"\d{4}[A-Z]{2}", person.findtext(f"{w('AdresBinnenland')}/{w('Pc')}"))
        assert [child.tag for child in relationship] == [
            w(t)
            for t in (
                "NumIV",
                "DatAanv",
                "PersNr",
                "NatuurlijkPersoon",
                "Inkomstenperiode",
                "Werknemersgegevens",
            )
        ]


def test_wage_tax_is_deterministic(employees: list[WageTaxEmployee]) -> None:
    assert declaration(employees) == declaration(list(employees))


def test_wage_tax_validation(employees: list[WageTaxEmployee]) -> None:
    with pytest.raises(ValueError):
        declaration([replace(employees[0], bsn="123456789")])
    with pytest.raises(ValueError):
        declaration(employees, employer=WageTaxEmployer("123456789L01", "X"))
    with pytest.raises(ValueError):
        declaration(employees, period_end=date(2025, 12, 31))
    with pytest.raises(ValueError):
        declaration([employees[0], employees[0]])
    lenient = declaration([replace(employees[0], bsn="123456789")], strict=False)
    assert "<SofiNr>123456789</SofiNr>" in lenient
