"""Nmbrs errors as domain exceptions; the SOAP face turns them into ASMX faults.

Each exception carries the Nmbrs error code and the literal text Nmbrs puts after it, so the fault
string becomes ``Server was unable to process request. ---> <code>: <text>``.
"""

from __future__ import annotations


class NmbrsError(Exception):
    """An error Nmbrs reports to the caller as ``<code>: <text>``."""

    code: int = 9999
    text: str = "Unkown"  # sic: the real service spells it this way

    def __init__(self, text: str | None = None, *, code: int | None = None, context: str = "") -> None:
        self.code = code if code is not None else type(self).code
        self.text = text if text is not None else type(self).text
        self.context = context  # where it happened, for the journal; never sent to the client
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.code}: {self.text}"


class InvalidAuthentication(NmbrsError):
    code, text = 1001, "Invalid Authentication"


class UnauthorizedOperation(NmbrsError):
    """The operation is switched off in the user's API template."""

    code, text = 1002, "Unauthorized access"


class UnauthorizedData(NmbrsError):
    """No access to the debtor or company through the user's tags and filters."""

    code, text = 1003, "Unauthorized access"


class UnknownEmployee(NmbrsError):
    code, text = 2003, "Unauthorized access"


class UnknownCompany(NmbrsError):
    code, text = 2004, "Unauthorized access"


class UnknownDebtor(NmbrsError):
    code, text = 2009, "Unauthorized access"


class InvalidHourComponent(NmbrsError):
    code, text = 2001, "Invalid Hour component"


class InvalidWageComponent(NmbrsError):
    code, text = 2002, "Invalid Wage component"


class InvalidPeriod(NmbrsError):
    code, text = 2006, "Invalid Period"


class ProtectedPeriod(NmbrsError):
    code, text = 2011, "Protected Mode: Cannot Change in the Past"


class WageTaxAlreadySent(NmbrsError):
    code, text = 2012, "Wage Tax Declaration Already Sent"


class InvalidIban(NmbrsError):
    code, text = 2014, "Invalid BankAccount IBAN"


class InvalidSetOfValues(NmbrsError):
    code, text = 2030, "Invalid Set of Values"


class NotFound(NmbrsError):
    code, text = 2046, "Not Found"


class Unknown(NmbrsError):
    """Nmbrs's catch-all, also the legacy "TWK" fault for protected periods."""

    code, text = 9999, "Unkown"


def text_for(code: int) -> str:
    """The text Nmbrs puts after a code (the catch-all's for codes the mock does not know)."""
    known = {cls.code: cls.text for cls in _subclasses(NmbrsError)}
    return known.get(code, Unknown.text)


def _subclasses(cls: type[NmbrsError]) -> list[type[NmbrsError]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]
