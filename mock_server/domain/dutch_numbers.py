"""Dutch identifiers: the 11-proof of BSNs and RSINs, IBAN check digits and validation, the BIC of a
Dutch bank code, and the loonheffingennummer. What `dutch_data` draws passes these checks."""

from __future__ import annotations

import re
import string

# Bank code in a Dutch IBAN -> BIC.
BANK_BICS: dict[str, str] = {
    "ABNA": "ABNANL2A",
    "INGB": "INGBNL2A",
    "RABO": "RABONL2U",
    "SNSB": "SNSBNL2A",
    "TRIO": "TRIONL2U",
    "ASNB": "ASNBNL21",
    "KNAB": "KNABNL2H",
    "BUNQ": "BUNQNL2A",
    "RBRB": "RBRBNL21",
    "FVLB": "FVLBNL22",
    "HAND": "HANDNL2A",
    "NWAB": "NWABNL2G",
}

# ISO 13616 lengths for the countries a Dutch payroll is likely to meet.
IBAN_LENGTHS: dict[str, int] = {
    "NL": 18,
    "BE": 16,
    "DE": 22,
    "FR": 27,
    "GB": 22,
    "LU": 20,
    "AT": 20,
    "CH": 21,
    "ES": 24,
    "IT": 27,
    "IE": 22,
    "PL": 28,
    "PT": 25,
}

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_LOONHEFFINGENNUMMER = re.compile(r"^([0-9]{9})L([0-9]{2})$")


def weighted_sum(digits: str, weights: range) -> int:
    """The digits times their weights, summed (the 11-proofs of BSNs and bank account numbers)."""
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True))


def is_valid_bsn(value: str) -> bool:
    """The 11-proof of a 9-digit BSN (also used for RSIN and the digits of a loonheffingennummer)."""
    if not isinstance(value, str) or len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    return (weighted_sum(value[:8], range(9, 1, -1)) - int(value[8])) % 11 == 0


_LETTER_NUMBERS = str.maketrans(  # ISO 13616: A (or a) is 10, ..., Z is 35
    {letter: str(int(letter, 36)) for letter in string.ascii_letters}
)


def _iban_remainder(iban: str) -> int:
    rearranged = iban[4:] + iban[:4]
    return int(rearranged.translate(_LETTER_NUMBERS)) % 97


def is_valid_iban(value: str) -> bool:
    """ISO 13616 check (mod 97 == 1, country length); spaces are allowed, as in the printed form."""
    if not isinstance(value, str):
        return False
    iban = value.replace(" ", "").upper()
    if not _IBAN_SHAPE.match(iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    if iban.startswith("NL") and not re.match(r"^NL[0-9]{2}[A-Z]{4}[0-9]{10}$", iban):
        return False
    return _iban_remainder(iban) == 1


def iban_check_digits(country: str, bban: str) -> str:
    return f"{98 - _iban_remainder(country + '00' + bban):02d}"


def bic_for(iban: str) -> str:
    """The BIC of a Dutch IBAN's bank; ValueError for an invalid, foreign or unknown-bank IBAN."""
    normalized = iban.replace(" ", "").upper()
    if not is_valid_iban(normalized) or not normalized.startswith("NL"):
        raise ValueError(f"not a valid Dutch IBAN: {iban!r}")
    try:
        return BANK_BICS[normalized[4:8]]
    except KeyError:
        raise ValueError(f"no BIC known for bank code {normalized[4:8]!r}") from None


def is_valid_loonheffingennummer(value: str) -> bool:
    match = _LOONHEFFINGENNUMMER.match(value) if isinstance(value, str) else None
    return match is not None and is_valid_bsn(match.group(1)) and match.group(2) != "00"
