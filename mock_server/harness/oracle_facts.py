"""The facts the stateful oracle rests on, each named after its place in nmbrs-behaviour.md.

Every expectation the oracle makes carries the facts it depends on. When a target disagrees, the
failure names them: against the mock that is a bug in the mock, against a real Nmbrs sandbox an
INFERRED fact that turned out wrong (the harness is how we learn the truth).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    label: str  # "INFERRED §4" or "CONFIRMED §6": status and section of nmbrs-behaviour.md
    name: str  # a short handle, used in reports
    text: str

    @property
    def inferred(self) -> bool:
        return self.label.startswith("INFERRED")

    def __str__(self) -> str:
        return f"{self.label} {self.name}: {self.text}"


PROTECTED_PAST = Fact(
    "INFERRED §4",
    "protected-past",
    "a period-addressed write into a period before the company's current period without "
    "UnprotectedMode faults and changes nothing; with UnprotectedMode=true it is accepted",
)
PROTECTED_CODE = Fact(
    "INFERRED §3",
    "protected-code-2011",
    "the protected-period fault is 2011 'Protected Mode' (v3), not the legacy 9999 'TWK' fault",
)
OPEN_FROM_CURRENT = Fact(
    "INFERRED §4",
    "open-from-current",
    "writes into the current or a later period are accepted whatever UnprotectedMode says "
    "(the SDK's 'past or future' wording for 2011 may mean far-future periods are refused too)",
)
RECORD_PERIOD_PROTECTED = Fact(
    "INFERRED §4",
    "record-period-protected",
    "changing a record (HourComponent_Update, WageComponent_Update, Contract_Update) whose period is "
    "before the current one needs UnprotectedMode like a write into that period",
)
DELETE_BY_ID_UNPROTECTED = Fact(
    "INFERRED §4",
    "delete-by-id-unprotected",
    "HourComponent_Delete, WageComponent_Delete and Contract_Delete take no UnprotectedMode and are "
    "never refused for the record's period",
)
CURRENT_VARIANTS = Fact(
    "CONFIRMED §4",
    "current-variants",
    "_SetCurrent/_InsertCurrent/_ClearCurrent target the current period and take no UnprotectedMode",
)
PERIOD_RANGE = Fact(
    "CONFIRMED §4",
    "period-range",
    "M has 12 periods, W4 13, W1 52 (53 in ISO years with a week 53, e.g. 2026); others fault 2006",
)
CHECK_ORDER = Fact(
    "INFERRED §3",
    "check-order",
    "checks run in the order 1002 (template) → 2006 (period range) → 2011 (protected) → 2001/2002 "
    "(codes), so a call failing several reports the first",
)
BATCH_ATOMIC = Fact(
    "INFERRED §3",
    "batch-atomic",
    "a batch that faults applies none of its items",
)
VAR_ADDITIVE = Fact(
    "INFERRED §4",
    "var-additive",
    "variable hour/wage inserts add a component to that one period (the same code twice is two "
    "components); _Clear removes all of that period",
)
FIXED_PERSIST = Fact(
    "INFERRED §4",
    "fixed-persist",
    "fixed components and days hold from their period on until stopped; _Stop makes the given period "
    "the last one (a component that starts later, or is already stopped, is left alone)",
)
SET_REPLACES = Fact(
    "INFERRED §4",
    "set-replaces",
    "DaysVar_Set/DaysFixed_Set replace the value set for that same period; a fixed value read in a "
    "period is the one set most recently before or in it; nothing set reads as 0",
)
CODES_CHECKED = Fact(
    "CONFIRMED §3",
    "codes-checked",
    "an hour code outside the company's hour models faults 2001, a wage code outside its wage models 2002",
)
UNKNOWN_ID_NOOP = Fact(
    "INFERRED §4",
    "unknown-id-noop",
    "an update, stop or delete naming an id that is not (or no longer) the employee's changes nothing "
    "and answers 0/false (void operations answer empty)",
)
CONTRACT_FROM_CURRENT = Fact(
    "INFERRED §4",
    "contract-from-current",
    "Contract_Insert (no Period parameter) adds a contract holding from the current period on; "
    "Contract_GetCurrentPeriod lists the contracts holding in the current period",
)
RUN_ADVANCES = Fact(
    "INFERRED §4",
    "run-advances",
    "processing the run of the current period moves the current period to the next one, rolling the "
    "year over after the type's last period",
)
RUN_AT_ONCE = Fact(
    "INFERRED §4",
    "run-at-once",
    "RunRequest_Insert is processed before the call answers (real Nmbrs queues it: Pending → Complete); "
    "Run_GetList then lists one more locked run of that single period",
)
PERIOD_FORMAT = Fact(
    "INFERRED §4",
    "period-format",
    "Company_GetCurrentPeriod answers yyyy-p-TYPE unpadded with the suffixes M, W4, W1",
)
TEMPLATE_DENIES = Fact(
    "CONFIRMED §7",
    "template-1002",
    "an operation switched off in the user's API template faults 1002 and changes nothing; the "
    "others behave as for a full user (Keeping's list: seed 002)",
)
THROTTLE_DELAYS = Fact(
    "CONFIRMED §6",
    "throttle-delays",
    "calls beyond the rate are answered late by the configured delay (0.5 s at 150/s on Nmbrs), "
    "never refused: no fault, no HTTP 429",
)
THROTTLE_SCOPE = Fact(
    "INFERRED §6",
    "throttle-scope",
    "the budget is shared by the calls of one environment, so a burst by one login is throttled",
)
