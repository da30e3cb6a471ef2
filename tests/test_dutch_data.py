import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from mock_server.domain.dutch_data import (
    NAME_PREFIXES,
    DutchDataGenerator,
    Person,
    domain_for_company,
    work_email,
)
from mock_server.domain.dutch_numbers import (
    BANK_BICS,
    bic_for,
    is_valid_bsn,
    is_valid_iban,
    is_valid_loonheffingennummer,
)

REFERENCE = date(2026, 1, 1)


@pytest.fixture(scope="module")
def people() -> list[Person]:
    return DutchDataGenerator(2026).people(10_000)


def _age(birthday: date, on: date) -> int:
    return on.year - birthday.year - ((on.month, on.day) < (birthday.month, birthday.day))


def test_known_bsns() -> None:
    assert is_valid_bsn("111222333")
    assert is_valid_bsn("123456782")
    assert not is_valid_bsn("123456789")
    assert not is_valid_bsn("12345678")
    assert not is_valid_bsn("1234567820")
    assert not is_valid_bsn("12345678a")
    assert not is_valid_bsn("000000000")


def test_bsns_pass_eleven_proof_and_are_unique(people: list[Person]) -> None:
    bsns = [person.bsn for person in people]
    assert all(is_valid_bsn(bsn) for bsn in bsns)
    assert all(bsn[0] != "0" for bsn in bsns)
    assert len(set(bsns)) == len(bsns) == 10_000
    for bsn in bsns[:200]:
        weighted = sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1), strict=True)) - int(bsn[8])
        assert weighted % 11 == 0


def test_known_ibans() -> None:
    assert is_valid_iban("NL91ABNA0417164300")
    assert is_valid_iban("NL91 ABNA 0417 1643 00")
    assert is_valid_iban("DE89370400440532013000")
    assert is_valid_iban("GB82WEST12345698765432")
    assert not is_valid_iban("NL92ABNA0417164300")
    assert not is_valid_iban("NL91ABNA041716430")
    assert not is_valid_iban("NL91ABNA04171643001")
    assert not is_valid_iban("")


def test_generated_ibans_are_dutch_and_pass_mod_97(people: list[Person]) -> None:
    for person in people:
        iban = person.iban
        assert re.fullmatch(r"NL[0-9]{2}[A-Z]{4}[0-9]{10}", iban)
        rearranged = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
        assert int(rearranged) % 97 == 1
        assert bic_for(iban) == BANK_BICS[iban[4:8]]
    assert len({person.iban for person in people}) == len(people)
    assert len({person.iban[4:8] for person in people}) >= 6


def test_bic_for() -> None:
    assert bic_for("NL91ABNA0417164300") == "ABNANL2A"
    assert bic_for("nl91 abna 0417 1643 00") == "ABNANL2A"
    generator = DutchDataGenerator(1)
    for _ in range(200):
        iban = generator.iban()
        assert bic_for(iban).startswith(iban[4:8])
    with pytest.raises(ValueError):
        bic_for("NL92ABNA0417164300")
    with pytest.raises(ValueError):
        bic_for("DE89370400440532013000")


def test_same_seed_same_data_other_seed_different() -> None:
    first, second, other = DutchDataGenerator(7), DutchDataGenerator(7), DutchDataGenerator(8)
    assert first.people(300) == second.people(300)
    assert first.company_name() == second.company_name()
    assert first.loonheffingennummer() == second.loonheffingennummer()
    assert first.kvk_number() == second.kvk_number()
    assert DutchDataGenerator(7).people(50) != other.people(50)


def test_deterministic_across_processes() -> None:
    script = (
        "from mock_server.domain.dutch_data import DutchDataGenerator\n"
        "g = DutchDataGenerator(99)\n"
        "print(repr(g.people(20)), g.company_name(), g.loonheffingennummer())\n"
    )
    root = Path(__file__).resolve().parent.parent
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for hash_seed in ("1", "2")
    ]
    generator = DutchDataGenerator(99)
    expected = f"{generator.people(20)!r} {generator.company_name()} {generator.loonheffingennummer()}\n"
    assert runs[0] == runs[1] == expected


def test_about_thirty_percent_have_a_name_prefix(people: list[Person]) -> None:
    prefixes = [person.prefix for person in people if person.prefix]
    assert 0.25 < len(prefixes) / len(people) < 0.35
    assert set(prefixes) <= set(NAME_PREFIXES)
    assert {"van", "de", "van der", "van den"} <= set(prefixes)
    assert all(person.last_name[0].isupper() for person in people)


def test_person_fields_look_dutch(people: list[Person]) -> None:
    for person in people:
        assert person.gender in ("male", "female")
        assert 18 <= _age(person.birthday, REFERENCE) <= 67
        assert re.fullmatch(r"[1-9][0-9]{3} [A-Z]{2}", person.postal_code)
        assert person.postal_code[-2:] not in ("SA", "SD", "SS")
        assert re.fullmatch(r"06-[1-9][0-9]{7}", person.phone_private)
        assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.[a-z]+", person.email_private)
        assert re.fullmatch(r"([A-Z]\.){1,3}", person.initials)
        assert person.initials[0] == person.first_name[0].upper()
        assert person.house_number >= 1
        assert person.house_number_addition in ("", "A", "B", "C", "1", "2", "3")
        assert person.street and person.city and person.place_of_birth
    dutch = sum(person.nationality_code == 1 for person in people)
    assert 0.8 < dutch / len(people) < 0.95
    assert sum(bool(person.house_number_addition) for person in people) > 500
    assert {person.gender for person in people} == {"male", "female"}
    ages = {_age(person.birthday, REFERENCE) for person in people}
    assert min(ages) == 18 and max(ages) == 67


def test_ages_follow_the_reference_date_not_today() -> None:
    reference = date(2000, 2, 29)
    for person in DutchDataGenerator(3, reference_date=reference).people(2000):
        assert 18 <= _age(person.birthday, reference) <= 67


def test_work_email() -> None:
    person = DutchDataGenerator(1).person()
    jan = replace(person, first_name="Jan", prefix="van der", last_name="Meer")
    assert work_email(jan, "acme.nl") == "j.vandermeer@acme.nl"
    emile = replace(person, first_name="Émile", prefix="van 't", last_name="Öztürk-Hoff")
    assert work_email(emile, " ACME.nl ") == "e.vantozturkhoff@acme.nl"
    assert jan.surname == "van der Meer" and jan.full_name == "Jan van der Meer"


def test_work_emails_are_ascii_lowercase(people: list[Person]) -> None:
    for person in people[:2000]:
        address = work_email(person, "bakkerij.nl")
        assert re.fullmatch(r"[a-z0-9]\.[a-z0-9]+@bakkerij\.nl", address), address


def test_companies_and_tax_numbers() -> None:
    generator = DutchDataGenerator(11)
    names = [generator.company_name() for _ in range(300)]
    assert all(name.endswith(("B.V.", "N.V.", "V.O.F.")) for name in names)
    assert len(set(names)) > 250
    assert any(name.startswith(("Van ", "De ")) or " Van " in name or " De " in name for name in names)
    kvks = [generator.kvk_number() for _ in range(1000)]
    assert all(re.fullmatch(r"[0-9]{8}", kvk) for kvk in kvks) and len(set(kvks)) == 1000
    for _ in range(1000):
        number = generator.loonheffingennummer()
        assert re.fullmatch(r"[0-9]{9}L[0-9]{2}", number)
        assert is_valid_bsn(number[:9])
        assert is_valid_loonheffingennummer(number)
    assert not is_valid_loonheffingennummer("123456789L01")
    assert not is_valid_loonheffingennummer("123456782L00")
    assert domain_for_company("Bakkerij De Vries B.V.") == "bakkerijdevries.nl"
