"""Deterministic, realistic Dutch test data: people, BSNs, IBANs, companies and wage-tax numbers.

Everything is drawn from a `random.Random(seed)` plus name pools taken once from a seeded
`Faker("nl_NL")`, so the same seed gives the same data in every run and process (for a given Faker
version) and no value depends on today's date.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from faker import Faker

from mock_server.domain.dutch_numbers import iban_check_digits, weighted_sum
from mock_server.domain.dutch_places import STREETS, TOWNS, Town

DEFAULT_REFERENCE_DATE = date(2026, 1, 1)

# The banks of `dutch_numbers.BANK_BICS` that IBANs are drawn from, by rough market share.
_BANK_WEIGHTS = {
    "INGB": 34,
    "RABO": 25,
    "ABNA": 20,
    "SNSB": 6,
    "BUNQ": 4,
    "ASNB": 3,
    "KNAB": 3,
    "TRIO": 2,
    "RBRB": 3,
}

NAME_PREFIXES = ("van der", "van den", "van de", "van 't", "van het", "van", "de", "den", "ter", "ten")


@dataclass(frozen=True)
class Nationality:
    """A nationality of the Dutch nationality table (BRP tabel 32): PersonalInfo's `NationalityCode` and,
    as four digits, the declaration's `<Nat>`; with the country it belongs to and a typical birthplace."""

    code: int
    name: str
    country_iso: str
    place_of_birth: str  # a birthplace in that country (Dutch nationals draw a Dutch town instead)
    weight: int  # share among the foreign nationals drawn


NATIONALITIES: dict[int, Nationality] = {
    n.code: n
    for n in (
        Nationality(1, "Nederlandse", "NL", "", 0),
        Nationality(55, "Duitse", "DE", "Düsseldorf", 5),
        Nationality(52, "Belgische", "BE", "Antwerpen", 4),
        Nationality(72, "Poolse", "PL", "Kraków", 5),
        Nationality(339, "Turkse", "TR", "Istanbul", 3),
        Nationality(131, "Marokkaanse", "MA", "Casablanca", 3),
        Nationality(263, "Surinaamse", "SR", "Paramaribo", 2),
        Nationality(74, "Roemeense", "RO", "Boekarest", 2),
        Nationality(64, "Italiaanse", "IT", "Milaan", 2),
        Nationality(77, "Spaanse", "ES", "Madrid", 2),
        Nationality(53, "Bulgaarse", "BG", "Sofia", 1),
        Nationality(60, "Britse", "GB", "Manchester", 1),
    )
}
_FOREIGN_NATIONALITIES = tuple(n for n in NATIONALITIES.values() if n.code != 1)
# cumulative weights, as `random.choices` makes of weights on every draw (the same draws, made once)
_BANKS = list(_BANK_WEIGHTS)
_BANK_CUMULATIVE = list(accumulate(_BANK_WEIGHTS.values()))
_FOREIGN_CUMULATIVE = list(accumulate(n.weight for n in _FOREIGN_NATIONALITIES))
_TOWN_CUMULATIVE = list(accumulate(town.weight for town in TOWNS))
_EXTRA_INITIALS_CUMULATIVE = list(accumulate((55, 35, 10)))


def declaration_nationality(code: int) -> str:
    """The loonaangifte's `<Nat>`: the nationality code in four digits ("0001" Dutch, "0055" German)."""
    return f"{code:04d}"


_DUTCH_SHARE = 0.88
_PREFIX_SHARE = 0.30
_EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "live.nl", "xs4all.nl")
_HOUSE_NUMBER_ADDITIONS = ("A", "B", "C", "1", "2", "3")
_COMPANY_TRADES = (
    "Bakkerij",
    "Slagerij",
    "Installatiebedrijf",
    "Schildersbedrijf",
    "Transportbedrijf",
    "Hoveniersbedrijf",
    "Autobedrijf",
    "Drukkerij",
    "Adviesbureau",
    "Accountantskantoor",
    "Timmerbedrijf",
    "Loodgietersbedrijf",
    "Tandartspraktijk",
    "Kinderopvang",
)
_COMPANY_SECTORS = ("Bouw", "Techniek", "Logistiek", "Installatietechniek", "ICT", "Groep", "Holding", "Zorg")
_BASE_NAME = re.compile(r"^[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?$")


@dataclass(frozen=True)
class Person:
    first_name: str
    initials: str
    prefix: str
    last_name: str
    gender: str
    birthday: date
    bsn: str
    iban: str
    street: str
    house_number: int
    house_number_addition: str
    postal_code: str
    city: str
    phone_private: str
    email_private: str
    nationality_code: int
    place_of_birth: str
    country_of_birth: str  # ISO code of the country of `place_of_birth`

    @property
    def surname(self) -> str:
        """The last name with its prefix, as written after a first name: "van der Meer"."""
        return f"{self.prefix} {self.last_name}" if self.prefix else self.last_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.surname}"


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Van 't Hoff-Ölçer" -> "vanthoffolcer"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def domain_for_company(company_name: str) -> str:
    """A plausible web domain for a company name: "Bakkerij De Vries B.V." -> "bakkerijdevries.nl"."""
    base = re.sub(r"\b(B\.V\.|N\.V\.|V\.O\.F\.|Holding)\s*$", "", company_name.strip()).strip()
    return f"{ascii_slug(base) or 'bedrijf'}.nl"


def work_email(person: Person, company_domain: str) -> str:
    """Initial and full surname at the company's domain, e.g. "j.vandermeer@acme.nl"."""
    initial = ascii_slug(person.first_name)[:1] or ascii_slug(person.initials)[:1] or "x"
    domain = company_domain.strip().lower().lstrip("@")
    return f"{initial}.{ascii_slug(person.surname) or 'medewerker'}@{domain}"


def _capitalize_prefix(prefix: str, last_name: str) -> str:
    """Surname standing alone (no first name before it): the prefix gets a capital, "De Vries"."""
    if not prefix:
        return last_name
    return f"{prefix[0].upper()}{prefix[1:]} {last_name}"


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


class _NamePools:
    """Names drawn once from a seeded Faker; all later draws use plain Random (places: dutch_places)."""

    def __init__(self, seed: int) -> None:
        fake = Faker("nl_NL")
        fake.seed_instance(seed)
        self.male = _unique(fake.first_name_male() for _ in range(400))
        self.female = _unique(fake.first_name_female() for _ in range(400))
        self.plain_surnames: list[str] = []
        self.prefixed_surnames: list[tuple[str, str]] = []
        for name in _unique(fake.last_name() for _ in range(2500)):
            self._add_surname(name)

    def _add_surname(self, name: str) -> None:
        for prefix in NAME_PREFIXES:
            if name.startswith(prefix + " "):
                base = name[len(prefix) + 1 :]
                if _BASE_NAME.match(base):
                    self.prefixed_surnames.append((prefix, base))
                return
        if _BASE_NAME.match(name):
            self.plain_surnames.append(name)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


class DutchDataGenerator:
    """Deterministic generator: the same seed yields the same sequence of values."""

    def __init__(self, seed: int, reference_date: date = DEFAULT_REFERENCE_DATE) -> None:
        self.seed = seed
        self.reference_date = reference_date
        self._rng = random.Random(seed)
        self._pools = _NamePools(seed)
        self._used_numbers: set[str] = set()
        self._used_ibans: set[str] = set()
        self._used_kvk: set[str] = set()
        self._oldest = _years_before(reference_date, 68) + timedelta(days=1)
        self._youngest = _years_before(reference_date, 18)

    # --- identifiers -------------------------------------------------------------------------------
    def _eleven_proof_number(self) -> str:
        while True:
            head = str(self._rng.randrange(10_000_000, 100_000_000))
            check = weighted_sum(head, range(9, 1, -1)) % 11
            number = f"{head}{check}"
            if check < 10 and number not in self._used_numbers:
                self._used_numbers.add(number)
                return number

    def bsn(self) -> str:
        """A 9-digit BSN passing the 11-proof, unique within this generator (shared with RSINs)."""
        return self._eleven_proof_number()

    def iban(self) -> str:
        while True:
            bank = self._rng.choices(_BANKS, cum_weights=_BANK_CUMULATIVE)[0]
            account = self._account_number()
            bban = f"{bank}{account}"
            iban = f"NL{iban_check_digits('NL', bban)}{bban}"
            if iban not in self._used_ibans:
                self._used_ibans.add(iban)
                return iban

    def _account_number(self) -> str:
        """Ten digits passing the old Dutch bank-account 11-proof (weights 10..1)."""
        while True:
            head = f"{self._rng.randrange(10_000_000, 1_000_000_000):09d}"
            check = -weighted_sum(head, range(10, 1, -1)) % 11
            if check < 10:
                return f"{head}{check}"

    def kvk_number(self) -> str:
        while True:
            number = str(self._rng.randrange(10_000_000, 100_000_000))
            if number not in self._used_kvk:
                self._used_kvk.add(number)
                return number

    def loonheffingennummer(self) -> str:
        """RSIN (11-proof) + "L" + a two-digit subnumber, e.g. "123456782L01"."""
        subnumber = 1 if self._rng.random() < 0.9 else self._rng.randint(2, 3)
        return f"{self._eleven_proof_number()}L{subnumber:02d}"

    # --- companies ---------------------------------------------------------------------------------
    def company_name(self) -> str:
        rng = self._rng
        prefix, last_name = self._surname()
        owner = _capitalize_prefix(prefix, last_name)
        style = rng.random()
        if style < 0.45:
            return f"{rng.choice(_COMPANY_TRADES)} {owner} {'V.O.F.' if rng.random() < 0.2 else 'B.V.'}"
        if style < 0.6:
            return f"{owner} & Zonen B.V."
        if style < 0.85:
            return f"{owner} {rng.choice(_COMPANY_SECTORS)} {'N.V.' if rng.random() < 0.05 else 'B.V.'}"
        return f"{rng.choice(TOWNS).name} {rng.choice(_COMPANY_SECTORS)} B.V."

    # --- people ------------------------------------------------------------------------------------
    def _surname(self) -> tuple[str, str]:
        pools = self._pools
        if pools.prefixed_surnames and (self._rng.random() < _PREFIX_SHARE or not pools.plain_surnames):
            return self._rng.choice(pools.prefixed_surnames)
        return "", self._rng.choice(pools.plain_surnames)

    def _initials(self, first_name: str, names: list[str]) -> str:
        extra = self._rng.choices((0, 1, 2), cum_weights=_EXTRA_INITIALS_CUMULATIVE)[0]
        letters = [first_name[0]] + [self._rng.choice(names)[0] for _ in range(extra)]
        return "".join(f"{letter.upper()}." for letter in letters)

    def _birthday(self) -> date:
        span = (self._youngest - self._oldest).days
        return self._oldest + timedelta(days=self._rng.randint(0, span))

    def _town(self) -> Town:
        return self._rng.choices(TOWNS, cum_weights=_TOWN_CUMULATIVE)[0]

    def _postal_code(self, town: Town) -> str:
        """A postcode of the town: its four digits from the town's range, two letters (never SA, SD, SS)."""
        letters = "SA"
        while letters in ("SA", "SD", "SS"):
            letters = "".join(self._rng.choices("ABCDEGHJKLMNPRSTVWXZ", k=2))
        return f"{self._rng.randint(*town.postcodes)} {letters}"

    def _house_number(self) -> tuple[int, str]:
        number = min(1 + int(self._rng.expovariate(1 / 45)), 999)
        addition = self._rng.choice(_HOUSE_NUMBER_ADDITIONS) if self._rng.random() < 0.12 else ""
        return number, addition

    def _nationality(self) -> tuple[int, str, str]:
        """Nationality code, place and country of birth (a Dutch national is born in a Dutch town)."""
        if self._rng.random() < _DUTCH_SHARE:
            return 1, self._town().name, "NL"
        choices = _FOREIGN_NATIONALITIES
        chosen = self._rng.choices(choices, cum_weights=_FOREIGN_CUMULATIVE)[0]
        return chosen.code, chosen.place_of_birth, chosen.country_iso

    def _private_email(self, first_name: str, prefix: str, last_name: str, birthday: date) -> str:
        first, last = ascii_slug(first_name), ascii_slug(f"{prefix}{last_name}")
        style = self._rng.randrange(4)
        local = (
            f"{first}.{last}",
            f"{first[:1]}{last}",
            f"{first}{birthday.year % 100:02d}",
            f"{first}.{last}{self._rng.randint(1, 99)}",
        )[style]
        return f"{local}@{self._rng.choice(_EMAIL_DOMAINS)}"

    def person(self) -> Person:
        rng, pools = self._rng, self._pools
        gender = "male" if rng.random() < 0.5 else "female"
        names = pools.male if gender == "male" else pools.female
        first_name = rng.choice(names)
        prefix, last_name = self._surname()
        birthday = self._birthday()
        house_number, addition = self._house_number()
        nationality, place_of_birth, country_of_birth = self._nationality()
        town = self._town()
        return Person(
            first_name=first_name,
            initials=self._initials(first_name, names),
            prefix=prefix,
            last_name=last_name,
            gender=gender,
            birthday=birthday,
            bsn=self.bsn(),
            iban=self.iban(),
            street=rng.choice(STREETS),
            house_number=house_number,
            house_number_addition=addition,
            postal_code=self._postal_code(town),
            city=town.name,
            phone_private=f"06-{rng.randint(10_000_000, 58_999_999)}",
            email_private=self._private_email(first_name, prefix, last_name, birthday),
            nationality_code=nationality,
            place_of_birth=place_of_birth,
            country_of_birth=country_of_birth,
        )

    def people(self, count: int) -> list[Person]:
        return [self.person() for _ in range(count)]
