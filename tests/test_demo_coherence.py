"""The demo data agrees with itself: schedules and contract hours, birthplace and country, nationality
codes, history CreationDates, postcodes and towns, street names (issue 11, class 8)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from mock_server.app import MockApp
from mock_server.domain.demo import DEMO_DOMAIN
from mock_server.domain.dutch_data import NATIONALITIES, declaration_nationality
from mock_server.domain.dutch_places import STREETS, postcode_matches
from mock_server.domain.records import latest_at
from mock_server.domain.schedules import FULLTIME_WEEK, weekly_hours


def test_schedules_agree_with_the_contract_hours(mock_app: MockApp) -> None:
    tenant = mock_app.backend.tenant(DEMO_DOMAIN)
    checked = 0
    for company in tenant.companies():
        for employee in tenant.employees(company.id):
            contract = latest_at(tenant.records("Contract", "employee", [employee.id]), company.current.key)
            schedule = latest_at(tenant.records("Schedule", "employee", [employee.id]), company.current.key)
            assert schedule is not None
            if contract is None:
                continue
            hours = Decimal(contract.data["HoursPerWeek"])
            assert weekly_hours(schedule.data) == hours, employee
            assert Decimal(schedule.data["ParttimePercentage"]) == (hours / FULLTIME_WEEK * 100).quantize(
                Decimal("0.1")
            )
            checked += 1
    assert checked > 20


def test_people_are_born_where_their_country_says_and_live_in_real_towns(mock_app: MockApp) -> None:
    tenant = mock_app.backend.tenant(DEMO_DOMAIN)
    people = [
        r.data
        for c in tenant.companies()
        for r in tenant.records("PersonalInfo", "employee", [e.id for e in tenant.employees(c.id)])
    ]
    assert {p["NationalityCode"] for p in people} - {1}, "some foreign nationals"
    for person in people:
        nationality = NATIONALITIES[person["NationalityCode"]]
        assert person["CountryOfBirthISOCode"] == nationality.country_iso, person
        if nationality.code != 1:
            assert person["PlaceOfBirth"] == nationality.place_of_birth
        assert postcode_matches(person["PostalCode"], person["City"]), person
        assert person["Street"] in STREETS
    assert declaration_nationality(77) == "0077"


def test_history_versions_have_distinct_creation_dates_in_order(mock_app: MockApp) -> None:
    tenant = mock_app.backend.tenant(DEMO_DOMAIN)
    histories = 0
    for company in tenant.companies():
        grouped = tenant.records_by_owner(
            "PersonalInfo", "employee", [e.id for e in tenant.employees(company.id)]
        )
        for versions in grouped.values():
            dates = [v.data["CreationDate"] for v in sorted(versions, key=lambda v: v.start)]
            created = [datetime.fromisoformat(v.created) for v in sorted(versions, key=lambda v: v.start)]
            assert dates == sorted(set(dates)) and created == dates
            histories += len(versions) > 1
    assert histories >= 4
