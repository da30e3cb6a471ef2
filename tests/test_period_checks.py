"""Reads that name a period refuse one outside the range with 2006, also where the record belongs to a
debtor (no period type of its own: the widest range, 1-53, INFERRED) or the read has its own handler;
writes that name a debtor's item check the period before the item (2006 before 2030). All found by the
contract harness's deep profile."""

from __future__ import annotations

import pytest
from nmbrs_client import NmbrsClient, NmbrsFault

DEBTOR, MONTHLY_COMPANY, MONTHLY_EMPLOYEE = 1000, 10000, 100000
UNKNOWN_GUID = "e3e70682-c209-4cac-629f-6fbed82c07cd"


@pytest.mark.parametrize("period", [0, -1, 54])
def test_a_debtor_read_refuses_a_period_outside_every_type(client: NmbrsClient, period: int) -> None:
    with pytest.raises(NmbrsFault) as fault:
        client.debtor.LabourAgreementSettings_GetList(DebtorId=DEBTOR, Year=2026, Period=period)
    assert fault.value.code == 2006


def test_a_debtor_read_answers_a_weekly_period(client: NmbrsClient) -> None:
    assert client.debtor.LabourAgreementSettings_GetList(DebtorId=DEBTOR, Year=2026, Period=53)


def test_leave_type_groups_check_the_company_type(client: NmbrsClient) -> None:
    assert client.company.CompanyLeaveTypeGroups_Get(
        CompanyId=MONTHLY_COMPANY, LabourAgreementSettingsGroupId=0, Year=2026, Period=12
    )
    with pytest.raises(NmbrsFault) as fault:
        client.company.CompanyLeaveTypeGroups_Get(
            CompanyId=MONTHLY_COMPANY, LabourAgreementSettingsGroupId=0, Year=2026, Period=13
        )
    assert fault.value.code == 2006


@pytest.mark.parametrize("item_known", [True, False])
def test_an_assignment_checks_the_period_before_the_item(client: NmbrsClient, item_known: bool) -> None:
    functions = client.debtor.Function_GetList(DebtorId=DEBTOR)
    function_id = functions[0].Id if item_known else 0
    groups = client.debtor.LabourAgreementSettings_GetList(DebtorId=DEBTOR, Year=2026, Period=1)
    guid = groups[0].Guid if item_known else UNKNOWN_GUID
    calls = [
        lambda: client.employee.Function_Update(
            EmployeeId=MONTHLY_EMPLOYEE, FunctionId=function_id, Period=0, Year=2026
        ),
        lambda: client.employee.LabourAgreements_Update(
            labourAgreementSettingsGroupGuid=guid, EmployeeId=MONTHLY_EMPLOYEE, Period=13, Year=2026
        ),
    ]
    for call in calls:
        with pytest.raises(NmbrsFault) as fault:
            call()
        assert fault.value.code == 2006


def test_the_employer_cost_document_checks_its_period(client: NmbrsClient) -> None:
    run = client.company.Run_GetList(CompanyId=MONTHLY_COMPANY, Year=2026)[0]
    pdf = client.company.HrDocuments_EmployerCostPerHour_Year(
        CompanyId=MONTHLY_COMPANY, RunId=run.ID, Year=2026, Period=12
    )
    assert pdf.startswith(b"%PDF")
    for period in (0, 13):
        with pytest.raises(NmbrsFault) as fault:
            client.company.HrDocuments_EmployerCostPerHour_Year(
                CompanyId=MONTHLY_COMPANY, RunId=run.ID, Year=2026, Period=period
            )
        assert fault.value.code == 2006
