"""SEPA credit-transfer batches (ISO 20022 pain.001.001.03), as Dutch banks accept for salary runs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from mock_server.domain.dutch_numbers import BANK_BICS, is_valid_iban

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
_CENT = Decimal("0.01")
_MAX_AMOUNT = Decimal("999999999.99")
# EPC identifier rules: 1..35 characters from the SEPA Latin set, no spaces, no leading/trailing "/" or "//".
_IDENTIFIER = re.compile(r"^(?!/)(?!.*//)[A-Za-z0-9/\-?:().,'+]{1,35}(?<!/)$")
_BIC = re.compile(r"^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$")
_NOT_SEPA_TEXT = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


@dataclass(frozen=True)
class Payment:
    name: str
    iban: str
    amount: Decimal
    end_to_end_id: str
    remittance: str
    bic: str | None = None  # looked up from a Dutch IBAN's bank code when not given


def sepa_text(text: str, max_length: int) -> str:
    """Free text in the SEPA Latin character set: accents dropped, "&" -> "+", others -> space."""
    folded = unicodedata.normalize("NFKD", text.replace("&", "+")).encode("ascii", "ignore").decode("ascii")
    cleaned = " ".join(_NOT_SEPA_TEXT.sub(" ", folded).split())
    return cleaned[:max_length].rstrip()


def _identifier(value: str, what: str) -> str:
    if not _IDENTIFIER.match(value):
        raise ValueError(f"{what} must be 1-35 SEPA characters without spaces: {value!r}")
    return value


def _iban(value: str, what: str) -> str:
    iban = value.replace(" ", "").upper()
    if not is_valid_iban(iban):
        raise ValueError(f"{what} is not a valid IBAN: {value!r}")
    return iban


def _bic(value: str, what: str) -> str:
    bic = value.strip().upper()
    if not _BIC.match(bic):
        raise ValueError(f"{what} is not a valid BIC: {value!r}")
    return bic


def _creditor_bic(payment: Payment, iban: str) -> str | None:
    if payment.bic:
        return _bic(payment.bic, f"BIC of {payment.end_to_end_id}")
    return BANK_BICS.get(iban[4:8]) if iban.startswith("NL") else None


def _amount(value: Decimal, what: str) -> Decimal:
    amount = Decimal(value)
    if amount.quantize(_CENT) != amount:
        raise ValueError(f"{what} has more than two decimals: {value}")
    if not Decimal(0) < amount <= _MAX_AMOUNT:
        raise ValueError(f"{what} must be between 0.01 and {_MAX_AMOUNT}: {value}")
    return amount.quantize(_CENT)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _path(parent: etree._Element, path: str, text: str) -> etree._Element:
    """Create nested elements "A/B/C" under parent and put text in the last one."""
    element = parent
    for tag in path.split("/"):
        element = _sub(element, tag)
    element.text = text
    return element


def _transaction(parent: etree._Element, payment: Payment, amount: Decimal) -> None:
    iban = _iban(payment.iban, f"IBAN of {payment.end_to_end_id}")
    tx = _sub(parent, "CdtTrfTxInf")
    _path(tx, "PmtId/EndToEndId", _identifier(payment.end_to_end_id, "EndToEndId"))
    _sub(_sub(tx, "Amt"), "InstdAmt", f"{amount:.2f}", Ccy="EUR")
    bic = _creditor_bic(payment, iban)
    if bic:
        _path(tx, "CdtrAgt/FinInstnId/BIC", bic)
    _path(tx, "Cdtr/Nm", sepa_text(payment.name, 70) or "Onbekend")
    _path(tx, "CdtrAcct/Id/IBAN", iban)
    if payment.remittance.strip():
        _path(tx, "RmtInf/Ustrd", sepa_text(payment.remittance, 140))


def _debtor(info: etree._Element, name: str, iban: str, bic: str) -> None:
    _path(info, "Dbtr/Nm", sepa_text(name, 70))
    account = _sub(info, "DbtrAcct")
    _path(account, "Id/IBAN", _iban(iban, "debtor IBAN"))
    _sub(account, "Ccy", "EUR")
    _path(info, "DbtrAgt/FinInstnId/BIC", _bic(bic, "debtor BIC"))
    _sub(info, "ChrgBr", "SLEV")


def _counts(parent: etree._Element, count: int, total: Decimal) -> None:
    _sub(parent, "NbOfTxs", str(count))
    _sub(parent, "CtrlSum", f"{total:.2f}")


def sepa_credit_transfer_xml(
    debtor_name: str,
    debtor_iban: str,
    debtor_bic: str,
    payments: Sequence[Payment],
    message_id: str,
    creation: datetime,
    execution_date: date,
    *,
    payment_info_id: str | None = None,
    category_purpose: str | None = "SALA",
) -> str:
    """One batch (PmtInf) paying every `payments` entry from the debtor's account.

    Returns a UTF-8 XML document as `str` (with its declaration: encode it before handing it to lxml).
    `category_purpose="SALA"` marks a salary batch; pass None for an ordinary batch. ValueError on an
    invalid IBAN/BIC/identifier, an amount that is not a positive whole number of cents, or no payments.
    """
    if not payments:
        raise ValueError("a SEPA batch needs at least one payment")
    amounts = [_amount(p.amount, f"amount of {p.end_to_end_id}") for p in payments]
    total = sum(amounts, Decimal("0.00"))
    root = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})
    initiation = _sub(root, "CstmrCdtTrfInitn")

    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", _identifier(message_id, "MsgId"))
    _sub(header, "CreDtTm", creation.replace(microsecond=0).isoformat())
    _counts(header, len(payments), total)
    _path(header, "InitgPty/Nm", sepa_text(debtor_name, 70))

    info = _sub(initiation, "PmtInf")
    _sub(info, "PmtInfId", _identifier(payment_info_id or f"{message_id[:31]}-001", "PmtInfId"))
    _sub(info, "PmtMtd", "TRF")
    _sub(info, "BtchBookg", "true")
    _counts(info, len(payments), total)
    type_info = _sub(info, "PmtTpInf")
    _path(type_info, "SvcLvl/Cd", "SEPA")
    if category_purpose:
        _path(type_info, "CtgyPurp/Cd", category_purpose)
    _sub(info, "ReqdExctnDt", execution_date.isoformat())
    _debtor(info, debtor_name, debtor_iban, debtor_bic)
    for payment, amount in zip(payments, amounts, strict=True):
        _transaction(info, payment, amount)
    body = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body
