"""Reads that name a period refuse one outside the range with 2006, also where the record belongs to a
debtor (no period type of its own: the widest range, 1-53, INFERRED) or the read has its own handler
(found by the contract harness's deep profile)."""

from __future__ import annotations

import pytest
from nmbrs_client import NmbrsClient, NmbrsFault

DEBTOR, MONTHLY_COMPANY = 1000, 10000


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
