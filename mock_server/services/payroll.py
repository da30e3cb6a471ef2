"""CompanyService payroll: runs, wage-tax declarations, payslips, SEPA, annual documents, journals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mock_server.documents.journal import journal_xml
from mock_server.documents.pdf import PayslipContent, payslips_pdf
from mock_server.documents.sepa import Payment, sepa_credit_transfer_xml
from mock_server.domain.errors import NotFound, WageTaxAlreadySent
from mock_server.domain.model import Company
from mock_server.domain.payroll import process_run
from mock_server.domain.records import StoredRecord
from mock_server.domain.tax_periods import payment_date
from mock_server.services.call import Call, handles
from mock_server.services.payroll_data import (
    RunView,
    journal_employees,
    payslip_content,
    run_view,
    wage_tax_xml,
)

SERVICE = "CompanyService"
BELASTINGDIENST_IBAN = "NL86INGB0002445588"


def _run_arg(call: Call) -> int:
    return call.args.get("RunID") or call.args.get("RunId") or call.args.get("runId") or 0


def year_arg(call: Call) -> int | None:
    """The year a run operation names (`Year`, `intYear`, `year`); None when omitted (0)."""
    return call.args.get("Year") or call.args.get("intYear") or call.args.get("year") or None


def call_run_view(call: Call) -> RunView:
    """The run the call names; a year that does not match it is refused (2006, see `find_run`)."""
    return run_view(call.tenant, company_arg(call), _run_arg(call), year_arg(call))


def company_arg(call: Call) -> Company:
    return call.tenant.company(call.args.get("CompanyId") or call.args.get("companyId") or 0)


@handles(SERVICE, "RunRequest_Insert")
def request_run(call: Call) -> None:
    """Processes a run for the current period at once: locks it, payslips, a declaration, next period."""
    process_run(call.tenant, company_arg(call), call.tenant.now())


@handles(SERVICE, "Run_GetEmployeesByRunCompany")
def employees_by_run(call: Call) -> list[dict[str, Any]]:
    """Lists the employees (id, number) paid in one of the company's runs."""
    view = call_run_view(call)
    return [{"EmployeeId": slip.employee.id, "EmployeeNumber": slip.employee.number} for slip in view.slips]


# --- wage-tax declarations ------------------------------------------------------------------------


def _declaration_wire(record: StoredRecord) -> dict[str, Any]:
    return {**record.data, "LoonaangifteID": record.id}


def _declaration(call: Call, company: Company) -> StoredRecord:
    wanted = call.args.get("LoonaangifteID") or call.args.get("WageTaxID") or 0
    for record in call.tenant.records("WageTax", "company", [company.id]):
        if record.id == wanted:
            return record
    raise NotFound(context=f"wage-tax declaration {wanted} of company {company.id}")


@handles(SERVICE, "WageTax_GetList")
def wage_tax_list(call: Call) -> list[dict[str, Any]]:
    """Lists the company's wage-tax declarations of a year, with their status (`locked`, `sent`)."""
    company, year = company_arg(call), call.args.get("intYear")
    records = call.tenant.records("WageTax", "company", [company.id])
    return [_declaration_wire(r) for r in records if r.data.get("Year") == year]


@handles(SERVICE, "WageTax_GetXML")
def wage_tax_xml_document(call: Call) -> str:
    """Returns the declaration as Loonaangifte XML (totals reconcile with the run's payslips)."""
    company = company_arg(call)
    declaration = _declaration(call, company)
    return wage_tax_xml(call.tenant, company, declaration)


@handles(SERVICE, "WageTax_SetSentExternal")
def wage_tax_sent(call: Call) -> bool:
    """Marks a declaration sent externally; a second time is 2012."""
    company = company_arg(call)
    declaration = _declaration(call, company)
    if declaration.data.get("Status") == "sent":
        raise WageTaxAlreadySent(context=f"declaration {declaration.id}")
    declaration.data = {**declaration.data, "Status": "sent", "SentAt": call.tenant.now()}
    call.tenant.put_record(declaration)
    return True


# --- payslips and SEPA ----------------------------------------------------------------------------


def _payslip_pdf(view: RunView, slips: list[PayslipContent]) -> dict[str, bytes]:
    return {"PDF": payslips_pdf(view.company.name, slips)}


@handles(
    SERVICE,
    "SalaryDocuments_GetAllPayslipsPDFByRunCompany",
    "SalaryDocuments_GetAllPayslipsPDFByRunCompany_v2",
)
def all_payslips(call: Call) -> dict[str, bytes]:
    """Returns one PDF with the payslip of every employee paid in the run."""
    view = call_run_view(call)
    return _payslip_pdf(view, [payslip_content(view, slip) for slip in view.slips])


def _employee_slips(call: Call) -> tuple[RunView, list[PayslipContent]]:
    employee = call.tenant.employee(call.args.get("EmployeeID") or 0)
    view = call_run_view(call)
    return view, [payslip_content(view, slip) for slip in view.slips if slip.employee.id == employee.id]


@handles(
    SERVICE,
    "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany",
    "SalaryDocuments_GetEmployeePayslipsPDFByRunCompany_v2",
)
def employee_payslips(call: Call) -> list[dict[str, bytes]]:
    """Returns the employee's payslips of the run, one PDF each."""
    view, slips = _employee_slips(call)
    return [_payslip_pdf(view, [slip]) for slip in slips]


@handles(SERVICE, "SalaryDocuments_GetEmployeePayslipsInOnePDFByRunCompany")
def employee_payslips_in_one(call: Call) -> dict[str, bytes] | None:
    """Returns the employee's payslips of the run in one PDF."""
    view, slips = _employee_slips(call)
    return _payslip_pdf(view, slips) if slips else None


def _payment_date(call: Call, view: RunView) -> date:
    """The date asked for, else the run's own payment date."""
    value = call.args.get("paymentDate")
    if isinstance(value, datetime) and value.year > 1:
        return value.date()
    return payment_date(view.company.type, view.period)


def _company_account(call: Call, company: Company) -> dict[str, Any]:
    accounts = call.tenant.records("BankAccount", "company", [company.id])
    return accounts[-1].data if accounts else {}


@handles(SERVICE, "SalaryDocuments_GetSEPA")
def sepa(call: Call) -> str:
    """Returns a SEPA pain.001.001.03 credit transfer of the run's net wages."""
    company = company_arg(call)
    view = call_run_view(call)
    payments = [
        Payment(
            slip.employee.display_name,
            slip.iban,
            slip.net,
            f"RUN{view.run.id}-{slip.employee.number}",
            f"Salaris {view.label} {slip.employee.display_name}",
        )
        for slip in view.slips
        if slip.iban and slip.net > 0
    ]
    return _sepa(call, company, view, payments, "SAL")


@handles(SERVICE, "SalaryDocuments_GetSEPA_Tax")
def sepa_tax(call: Call) -> str:
    """Returns a SEPA pain.001.001.03 transfer of the declaration's wage tax to the Belastingdienst."""
    company = company_arg(call)
    view = call_run_view(call)
    declaration = _declaration(call, company)
    amount = Decimal(declaration.data.get("TotalGeneral") or 0)
    reference = declaration.data.get("PaymentReference") or f"LH{declaration.id}"
    payments = [Payment("Belastingdienst", BELASTINGDIENST_IBAN, amount, f"LH{declaration.id}", reference)]
    return _sepa(call, company, view, payments if amount > 0 else [], "TAX")


def _sepa(call: Call, company: Company, view: RunView, payments: list[Payment], kind: str) -> str:
    account = _company_account(call, company)
    return sepa_credit_transfer_xml(
        company.name,
        account.get("IBAN") or "",
        account.get("BIC") or "",
        payments,
        f"{kind}-{company.id}-{view.run.id}",
        datetime.fromisoformat(view.run.created),  # made with the run: the same file on every read
        _payment_date(call, view),
    )


# --- journals ------------------------------------------------------------------------------------


@handles(
    SERVICE,
    "Journals_GetByRunCompany",
    "Journals_GetByRunCompany_v2",
    "Journals_GetByRunCostCenter",
    "Journals_GetByRunCostCenter_v2",
    "Journals_GetByRunCostCenterCostUnit",
    "Journals_GetByRunCostCenterCostUnitPerYear",
    "Journals_GetByRunDepartment",
    "Journals_GetByRunDepartment_v2",
    "Journals_GetByRunEmployee",
    "Journals_GetByRunEmployee_v2",
    "Reports_GetPayslipByRunCompany",
    "Reports_GetPayslipByRunCompany_v2",
    "Reports_GetWageCodesByRunCompany",
    "Reports_GetWageCodesByRunCompany_v2",
)
def run_journal(call: Call) -> str:
    """Returns the run's journal (wage codes and amounts per employee) as an XML document."""
    view = call_run_view(call)
    return journal_xml(
        call.name, view.company.id, view.run.id, view.period.year, view.period.number, journal_employees(view)
    )
