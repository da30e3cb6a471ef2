"""Dutch towns with the postcode numbers they really use, and street names as Dutch towns have them.

A seeded address draws a town, a postcode number from that town's range (the four digits of a Dutch
postcode are assigned by region, so 1011-1109 is Amsterdam and 9711-9747 Groningen) and a common street
name. Street names here are the generic ones nearly every Dutch town has (Kerkstraat, Molenweg, ...),
never a street built from a person's first name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Town:
    name: str
    postcodes: tuple[int, int]  # first and last four-digit postcode number of the town (inclusive)
    weight: int  # roughly the town's population share, for drawing


TOWNS: tuple[Town, ...] = (
    Town("Amsterdam", (1011, 1109), 18),
    Town("Rotterdam", (3011, 3089), 13),
    Town("Den Haag", (2491, 2597), 11),
    Town("Utrecht", (3511, 3585), 7),
    Town("Eindhoven", (5611, 5658), 5),
    Town("Groningen", (9711, 9747), 5),
    Town("Tilburg", (5011, 5049), 4),
    Town("Almere", (1311, 1364), 4),
    Town("Breda", (4811, 4839), 4),
    Town("Nijmegen", (6511, 6546), 4),
    Town("Apeldoorn", (7311, 7339), 3),
    Town("Haarlem", (2011, 2037), 3),
    Town("Arnhem", (6811, 6846), 3),
    Town("Enschede", (7511, 7548), 3),
    Town("Amersfoort", (3811, 3829), 3),
    Town("Zwolle", (8011, 8047), 2),
    Town("Leiden", (2311, 2334), 2),
    Town("Maastricht", (6211, 6229), 2),
    Town("Dordrecht", (3311, 3329), 2),
    Town("Leeuwarden", (8911, 8939), 2),
    Town("Alkmaar", (1811, 1827), 2),
    Town("Delft", (2611, 2629), 2),
    Town("Deventer", (7411, 7429), 2),
    Town("Hilversum", (1211, 1223), 1),
    Town("Venlo", (5911, 5928), 1),
    Town("Gouda", (2801, 2809), 1),
    Town("Helmond", (5701, 5709), 1),
    Town("Assen", (9401, 9409), 1),
    Town("Middelburg", (4331, 4339), 1),
    Town("Lelystad", (8211, 8245), 1),
)

STREETS: tuple[str, ...] = (
    "Kerkstraat",
    "Dorpsstraat",
    "Molenstraat",
    "Molenweg",
    "Schoolstraat",
    "Stationsweg",
    "Stationsstraat",
    "Marktstraat",
    "Nieuwstraat",
    "Hoofdstraat",
    "Havenstraat",
    "Kanaalweg",
    "Dijkstraat",
    "Brugstraat",
    "Torenstraat",
    "Raadhuisstraat",
    "Poststraat",
    "Tuinstraat",
    "Parkweg",
    "Parklaan",
    "Sportlaan",
    "Industrieweg",
    "Parallelweg",
    "Beukenlaan",
    "Eikenlaan",
    "Lindelaan",
    "Kastanjelaan",
    "Berkenlaan",
    "Wilgenlaan",
    "Populierenlaan",
    "Esdoornlaan",
    "Rozenstraat",
    "Tulpstraat",
    "Lijsterbeslaan",
    "Merelstraat",
    "Vinkenstraat",
    "Zandweg",
    "Veldweg",
    "Bosweg",
    "Heideweg",
    "Korte Kerkstraat",
    "Lange Nieuwstraat",
    "Oude Haven",
    "Nieuwe Markt",
    "Singel",
    "Achterweg",
    "Burgemeester van Damstraat",
    "Prins Hendrikstraat",
    "Spoorstraat",
    "Zuiderstraat",
)


def towns_by_name() -> dict[str, Town]:
    return {town.name: town for town in TOWNS}


def postcode_matches(postal_code: str, town: str) -> bool:
    """Whether a postcode's four digits lie in the town's range ("1017 AB" for Amsterdam)."""
    place = towns_by_name().get(town)
    digits = postal_code[:4]
    return place is not None and digits.isdigit() and place.postcodes[0] <= int(digits) <= place.postcodes[1]
