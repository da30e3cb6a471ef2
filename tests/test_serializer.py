"""The out-protocol's formatting rules, and what a client sees when a response cannot be written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from lxml import etree
from nmbrs_client import NmbrsCredentials, raw

from mock_server.contract import load_contract
from mock_server.domain.records import StoredRecord
from mock_server.soap.serializer import (
    ResponseWriter,
    SerializationError,
    fmt_datetime,
    fmt_decimal,
    fmt_string,
)


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (Decimal("100").normalize(), "100"),  # Decimal("1E+2"): never an exponent on the wire
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("12144.00"), "12144.00"),  # the scale is kept
        (Decimal("-8.5"), "-8.5"),
        (7, "7"),
        (0.1, "0.1"),
    ],
)
def test_decimals_are_invariant_with_their_scale(value, wire):
    assert fmt_decimal(value) == wire


def test_infinite_decimals_are_refused():
    with pytest.raises(SerializationError):
        fmt_decimal(Decimal("Infinity"))


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (datetime(2017, 8, 11), "2017-08-11T00:00:00"),
        (datetime(2017, 8, 11, 9, 30, 5, 123456), "2017-08-11T09:30:05"),  # no fraction
        (datetime(2017, 8, 11, 9, 30, tzinfo=timezone(timedelta(hours=2))), "2017-08-11T09:30:00"),  # no zone
        (date(2026, 1, 5), "2026-01-05T00:00:00"),  # dates are midnight timestamps
    ],
)
def test_datetimes_have_no_zone_and_no_fraction(value, wire):
    assert fmt_datetime(value) == wire


def test_strings_are_escaped_and_characters_xml_cannot_carry_replaced():
    assert fmt_string("a < b & c > d\r") == "a &lt; b &amp; c &gt; d&#xD;"
    assert fmt_string("Ünïcødé €") == "Ünïcødé €"
    assert fmt_string("bell\x07 & tab\x0b\ufffe") == "bell\ufffd &amp; tab\ufffd\ufffd"


def test_nil_omitted_and_defaulted_values():
    writer = ResponseWriter(load_contract("EmployeeService"))
    body = writer.response(
        "1.1",
        "Contract_GetCurrentPeriod",
        {
            "EmployeeId": 5,
            "EmployeeContracts": [{"ContractID": 1, "StartDate": datetime(2026, 1, 1)}],
        },
    )
    xml = body.decode()
    assert '<EndDate xsi:nil="true" />' in xml  # nillable value type: nil
    assert "<EmployementType>0</EmployementType>" in xml  # required value type: its .NET default
    assert "<WrittenContract>false</WrittenContract>" in xml
    assert "<HoursPerWeek>0</HoursPerWeek>" in xml
    etree.fromstring(body)


class _Text(str):
    """A str subclass: written through `fmt_string`, not the inlined plain-str case."""


@pytest.mark.parametrize(
    ("field", "value", "formatter"),
    [
        ("HoursPerWeek", Decimal("38.50"), fmt_decimal),
        ("HoursPerWeek", Decimal("1E+2"), fmt_decimal),  # never an exponent, inlined or not
        ("HoursPerWeek", 7, fmt_decimal),  # not a Decimal: the formatter's own case
        ("StartDate", datetime(2026, 1, 1, 9, 30), fmt_datetime),
        ("StartDate", datetime(2026, 1, 1, 9, 30, 5, 120), fmt_datetime),  # a fraction: dropped
        ("StartDate", datetime(2026, 1, 1, tzinfo=UTC), fmt_datetime),  # a zone: dropped
        ("StartDate", date(2026, 1, 5), fmt_datetime),
    ],
)
def test_written_values_are_the_formatters_text(field, value, formatter):
    """Generated writers inline the common case of each formatter: the text is the formatter's."""
    body = ResponseWriter(load_contract("EmployeeService")).response(
        "1.1", "Contract_GetCurrentPeriod", {"EmployeeId": 5, "EmployeeContracts": [{field: value}]}
    )
    assert f"<{field}>{formatter(value)}</{field}>" in body.decode()


@pytest.mark.parametrize("text", ["plain", "a < b & c\r", _Text("sub & class"), "bell\x07"])
def test_written_strings_are_fmt_strings_text(text):
    body = ResponseWriter(load_contract("CompanyService")).response(
        "1.1", "List_GetAll", [{"ID": 12, "Number": 1, "Name": text}]
    )
    assert f"<Name>{fmt_string(text)}</Name>" in body.decode()


def test_infinite_decimals_are_refused_by_generated_writers():
    writer = ResponseWriter(load_contract("EmployeeService"))
    with pytest.raises(SerializationError):
        writer.response(
            "1.1",
            "Contract_GetCurrentPeriod",
            {"EmployeeId": 5, "EmployeeContracts": [{"HoursPerWeek": Decimal("NaN")}]},
        )


def test_void_operations_answer_an_empty_response_element():
    body = ResponseWriter(load_contract("EmployeeService")).response(
        "1.2", "HourComponentVar_ClearCurrent", None
    )
    assert body.endswith(
        b'<HourComponentVar_ClearCurrentResponse xmlns="https://api.nmbrs.nl/soap/v3/EmployeeService" />'
        b"</soap:Body></soap:Envelope>"
    )
    assert b'xmlns:soap="http://www.w3.org/2003/05/soap-envelope"' in body


def test_wrong_types_and_enum_values_are_refused():
    writer = ResponseWriter(load_contract("CompanyService"))
    with pytest.raises(SerializationError):
        writer.response("1.1", "List_GetAll", [{"ID": "12", "Number": 1}])
    with pytest.raises(SerializationError):
        writer.response("1.1", "List_GetAll", [{"ID": 12, "Number": 1, "LoonaangifteTijdvak": "Fortnight"}])


def test_a_response_that_cannot_be_written_is_a_500_fault_without_traceback(mock_app, environment):
    tenant = mock_app.backend.tenant(environment.name)
    company = tenant.companies()[0]
    employee = tenant.employees(company.id)[0]
    now = company.current.year * 100 + company.current.number  # newer than every seeded record
    with mock_app.backend.store.transaction():
        tenant.put_record(
            StoredRecord(
                "PersonalInfo",
                "employee",
                employee.id,
                tenant.next_id("record"),
                now,
                None,
                "2026-01-01T00:00:00",
                {"FirstName": "bell", "NationalityCode": {"not": "a number"}},
            )
        )
    user = environment.users[0]
    envelope = raw.envelope(
        "EmployeeService",
        "PersonalInfo_GetCurrent",
        f"<EmployeeId>{employee.id}</EmployeeId>",
        NmbrsCredentials(user.username, user.token),
    )
    response = mock_app.pipeline.handle("EmployeeService", envelope, raw.CONTENT_TYPES["1.1"], None)
    assert response.status == 500
    assert (
        b"<faultstring>Server was unable to process request. ---&gt; 9999: Unkown</faultstring>"
        in response.body
    )
    assert b"Traceback" not in response.body and b"bell" not in response.body
