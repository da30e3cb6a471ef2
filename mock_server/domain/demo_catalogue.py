"""What the demo's reference data is made of: catalogues (departments, functions, titles, managers),
salary-table scales and steps, the labour agreement, and deterministic GUIDs for entities."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from mock_server.domain.model import Company
from mock_server.domain.periods import Period

ALWAYS = Period(2000, 1)
GUIDS = uuid.UUID("6f1c7a52-2d7e-4c1b-9a55-0e6a4c3b2d10")  # namespace of the demo's GUIDs
DEPARTMENTS = ((1, "Bediening"), (2, "Keuken"), (3, "Administratie"))  # the codes employees are given
FUNCTIONS = ((11, "Medewerker bediening"), (12, "Medewerker keuken"), (13, "Medewerker administratie"))
TITLES = ("dhr.", "mevr.", "mr.", "dr.", "ing.", "drs.")
MANAGERS = (("Sandra", "Visser", "Bedrijfsleider"), ("Mark", "de Boer", "Chef-kok"))
SCALES = (("A", "Schaal A", "2200.00"), ("B", "Schaal B", "2600.00"), ("C", "Schaal C", "3100.00"))
STEPS = (("0", "Trede 0", "0.00"), ("1", "Trede 1", "75.00"), ("2", "Trede 2", "150.00"))
COST_TYPE = {"Code": "4000", "Description": "Lonen en salarissen"}
LEASE_CARS = (
    ("Volkswagen", "ID.3", "16", "GJ-412-X", "39990.00"),
    ("Kia", "Niro EV", "16", "HX-907-T", "44790.00"),
)

Add = Callable[[str, str, int, Period, dict[str, Any]], int]


@lru_cache(maxsize=1024)  # most are asked for once per employee of a company
def guid(*parts: object) -> str:
    """A deterministic GUID for an entity (the same ids give the same GUID in every run)."""
    return str(uuid.uuid5(GUIDS, ":".join(map(str, parts))))


def manager(number: int, first: str, last: str, function: str) -> dict[str, Any]:
    return {
        "Number": number,
        "FirstName": first,
        "Name": last,
        "Department": "Bediening",
        "Function": function,
        "PhoneNumber": "020-5550199",
        "Mobile": f"06-1234567{number}",
        "Email": f"{first.lower()}.{last.lower().replace(' ', '')}@demo-horeca.nl",
    }


def labour_agreement(company: Company) -> dict[str, Any]:
    model = {"Code": 1, "Description": "Standaard"}
    return {
        "Guid": guid("cao", company.id),
        "Number": 1,
        "Description": "CAO Horeca",
        "Default": True,
        "ScheduleModel": model,
        "WageModel": model,
        "WageModel2": {"Code": 2, "Description": "Vergoedingen"},
        "HoursModel": model,
        "HoursModel2": {"Code": 2, "Description": "Oproepkrachten"},
        "Industry": {"Code": 33, "Description": "Horeca algemeen"},
        "LeaveModel": model,
        "HoursReservationModel": model,
        "ReservationModel": model,
        "SalaryTable": {"Code": 1, "Description": "Loontabel CAO Horeca"},
        "CAO": {"Code": 2012, "Description": "Horeca- en aanverwante bedrijf"},
        "BlnUseProvisional": False,
    }


def salary_scales(company: Company) -> list[dict[str, Any]]:
    return [
        {
            "Scale": s,
            "SchaalDescription": d,
            "ScaleValue": Decimal(v),
            "ScalePercentageMax": Decimal("100.00"),
            "ScalePercentageMin": Decimal("80.00"),
            "GuidSalaryTableScale": guid("scale", company.id, s),
        }
        for s, d, v in SCALES
    ]


def salary_steps(company: Company, scale: str) -> list[dict[str, Any]]:
    return [
        {
            "Step": s,
            "StepDescription": d,
            "StepValue": Decimal(v),
            "GuidSalaryTableStep": guid("step", company.id, scale, s),
        }
        for s, d, v in STEPS
    ]
