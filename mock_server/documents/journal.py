"""A payroll journal (wage codes and amounts per employee of a run) as an XML document."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree


@dataclass(frozen=True)
class JournalLine:
    code: int
    description: str
    amount: Decimal


@dataclass(frozen=True)
class JournalEmployee:
    employee_id: int
    number: int
    name: str
    lines: tuple[JournalLine, ...]


def journal_xml(
    title: str, company_id: int, run_id: int, year: int, period: int, employees: list[JournalEmployee]
) -> str:
    root = etree.Element(
        "Journal",
        Operation=title,
        CompanyId=str(company_id),
        RunId=str(run_id),
        Year=str(year),
        Period=str(period),
    )
    for employee in employees:
        node = etree.SubElement(
            root, "Employee", Id=str(employee.employee_id), Number=str(employee.number), Name=employee.name
        )
        for line in employee.lines:
            etree.SubElement(
                node,
                "Line",
                Code=str(line.code),
                Description=line.description,
                Amount=format(line.amount, "f"),
            )
    return etree.tostring(root, xml_declaration=True, encoding="utf-8").decode()
