"""Cities from a CSV shipped with the package, searched by name and found back by position.

People type city names the way they say them: without accents, in lower case, in French or in
English ("Londres", "Geneva"), sometimes followed by the country ("Valence, Espagne"). Names
are compared in a folded form (no accents, no case, punctuation as spaces), and a match on a
city's own name ranks before a match on an exonym, so "Valence" finds the French town before
Valencia whose French name it also is. Among equally good matches, bigger cities come first.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

from mobilizon.hookspecs import Place

DATA_FILE = Path(__file__).resolve().parent / "data" / "cities.csv"
DEFAULT_MAX_DISTANCE_KM = 50.0
EARTH_RADIUS_KM = 6371.0088
NAME = "gazetteer"
COLUMNS = (
    "id",
    "name",
    "ascii_name",
    "name_en",
    "name_fr",
    "alt_names",
    "region",
    "country_code",
    "latitude",
    "longitude",
    "timezone",
    "population",
)
# Letters that Unicode decomposition leaves alone but people type as plain ASCII.
_FOLD = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ı": "i", "ð": "d", "þ": "th"}
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# How people shorten French place names: "St Étienne", "Ste Maxime".
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
# Everyday country names that CLDR does not list as the country's name.
_COUNTRY_ALIASES = {
    "US": ("usa", "us", "etats unis", "america", "amerique"),
    "GB": ("uk", "great britain", "grande bretagne", "angleterre", "england"),
    "NL": ("holland", "hollande"),
    "CZ": ("czech republic", "republique tcheque"),
}
# Match tiers: lower is better. A city's own names beat its exonyms within each tier.
EXACT, PREFIX, WORD_PREFIX, SUBSTRING = 0, 1, 2, 3


def fold(text: str) -> str:
    """Text as it is compared: no accents, lower case, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", bare).strip()


@dataclass(frozen=True)
class City:
    """One row of the gazetteer."""

    id: str
    name: str
    ascii_name: str
    name_en: str
    name_fr: str
    alt_names: tuple[str, ...]
    region: str
    country_code: str
    lat: float
    lon: float
    timezone: str
    population: int

    def display_name(self, locale: str) -> str:
        """The name people of that language use: "Londres" in French, "Munich" in English."""
        language = _language(locale)
        if language == "fr" and self.name_fr:
            return self.name_fr
        if language == "en" and self.name_en:
            return self.name_en
        return self.name

    def forms(self) -> list[tuple[str, bool]]:
        """Every folded name with whether it is the city's own (``True``) or an exonym."""
        own = {fold(self.name), fold(self.ascii_name)}
        other = {fold(name) for name in (self.name_en, self.name_fr, *self.alt_names) if name}
        return [(form, True) for form in sorted(own)] + [(form, False) for form in sorted(other - own)]


def read_cities(path: Path = DATA_FILE) -> tuple[City, ...]:
    """Parse the CSV; a malformed row stops with its line number rather than a wrong answer."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: expected columns {', '.join(COLUMNS)}")
        return tuple(_city(row, path, reader.line_num) for row in reader)


def _city(row: dict[str, str], path: Path, line: int) -> City:
    try:
        return City(
            id=row["id"],
            name=row["name"],
            ascii_name=row["ascii_name"],
            name_en=row["name_en"],
            name_fr=row["name_fr"],
            alt_names=tuple(name for name in row["alt_names"].split(";") if name),
            region=row["region"],
            country_code=row["country_code"],
            lat=float(row["latitude"]),
            lon=float(row["longitude"]),
            timezone=row["timezone"],
            population=int(row["population"]),
        )
    except (KeyError, ValueError) as error:
        raise ValueError(f"{path}, line {line}: {error}") from error


@lru_cache(maxsize=1)
def load_default() -> tuple[City, ...]:
    """The shipped cities, read once per process: they never change while it runs."""
    return read_cities(DATA_FILE)


@dataclass(frozen=True)
class _Entry:
    city: City
    forms: tuple[tuple[str, bool], ...]
    qualifiers: frozenset[str]  # folded region and country names the city may be qualified by


class Gazetteer:
    """The offline geocoder: city-level places, no network, same answers every time."""

    name = NAME

    def __init__(self, cities: Iterable[City], *, max_distance_km: float = DEFAULT_MAX_DISTANCE_KM) -> None:
        self.max_distance_km = max_distance_km
        self._entries = tuple(_Entry(city, tuple(city.forms()), _qualifiers(city)) for city in cities)

    def search(self, query: str, *, locale: str = "en", limit: int = 10) -> list[Place]:
        """Cities whose name matches ``query``, best first; "City, Country" narrows them down."""
        if limit <= 0:
            return []
        found: list[tuple[tuple[int, int, str], City]] = []
        for name, qualifiers in _readings(query):
            found = self._matches(name, qualifiers)
            if found:
                break
        found.sort(key=lambda pair: pair[0])
        return [self._place(city, locale) for _, city in found[:limit]]

    def reverse(self, lat: float, lon: float, *, locale: str = "en") -> Place | None:
        """The nearest city within ``max_distance_km``, or ``None`` out at sea or in the wild."""
        best: tuple[float, City] | None = None
        for entry in self._entries:
            distance = haversine_km(lat, lon, entry.city.lat, entry.city.lon)
            if distance <= self.max_distance_km and (best is None or distance < best[0]):
                best = (distance, entry.city)
        return None if best is None else self._place(best[1], locale)

    def _matches(self, name: str, qualifiers: Sequence[str]) -> list[tuple[tuple[int, int, str], City]]:
        variants = _variants(name)
        if not variants:
            return []
        found = []
        for entry in self._entries:
            if not all(_qualifies(qualifier, entry.qualifiers) for qualifier in qualifiers):
                continue
            rank = min(
                (r for variant in variants if (r := _rank(variant, entry.forms)) is not None),
                default=None,
            )
            if rank is not None:
                found.append(((rank, -entry.city.population, entry.city.id), entry.city))
        return found

    def _place(self, city: City, locale: str) -> Place:
        locality = city.display_name(locale)
        country = country_name(city.country_code, locale)
        parts = dict.fromkeys(part for part in (locality, city.region, country) if part)
        return Place(
            description=", ".join(parts),
            locality=locality,
            region=city.region,
            country=country,
            lat=city.lat,
            lon=city.lon,
            origin_id=f"{NAME}:{city.id}",
            timezone=city.timezone,
        )


def _readings(query: str) -> list[tuple[str, list[str]]]:
    """Ways to read the query: "name, qualifier, ..." first, then "name qualifier" splits."""
    parts = [fold(part) for part in query.split(",")]
    parts = [part for part in parts if part]
    if not parts:
        return []
    readings = [(parts[0], parts[1:])]
    words = parts[0].split()
    if len(parts) == 1 and len(words) > 1:
        # "paris france": try the longest name first, the rest as a qualifier
        readings += [(" ".join(words[:cut]), [" ".join(words[cut:])]) for cut in range(len(words) - 1, 0, -1)]
    return readings


def _variants(name: str) -> list[str]:
    if not name:
        return []
    expanded = " ".join(_ABBREVIATIONS.get(word, word) for word in name.split())
    return [name] if expanded == name else [name, expanded]


def _rank(query: str, forms: Sequence[tuple[str, bool]]) -> int | None:
    """Best tier of ``query`` against the city's names, own names ahead of exonyms."""
    best: int | None = None
    compact_query = query.replace(" ", "")
    for form, own in forms:
        tier = _tier(query, form)
        if tier is None:
            tier = _tier(compact_query, form.replace(" ", ""))
        if tier is not None:
            score = tier * 2 + (0 if own else 1)
            best = score if best is None else min(best, score)
    return best


def _tier(query: str, form: str) -> int | None:
    if form == query:
        return EXACT
    if form.startswith(query):
        return PREFIX
    if f" {query}" in f" {form}":
        return WORD_PREFIX
    if len(query) >= 3 and query in form:
        return SUBSTRING
    return None


def _qualifies(qualifier: str, names: frozenset[str]) -> bool:
    """A qualifier matches the start of a word of a region or country name ("réunion")."""
    return any(f" {name}".find(f" {qualifier}") >= 0 for name in names)


def _qualifiers(city: City) -> frozenset[str]:
    names = {city.country_code.lower(), fold(city.region)}
    names.update(_COUNTRY_ALIASES.get(city.country_code, ()))
    for locale in ("en", "fr"):
        names.add(fold(country_name(city.country_code, locale)))
    if city.country_code == "FR":
        names.add(fold("France"))
    return frozenset(name for name in names if name)


@lru_cache(maxsize=32)
def _territories(locale: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(locale.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return dict(Locale.parse("en").territories)


def country_name(code: str, locale: str) -> str:
    """The country's name in the viewer's language, from CLDR through Babel."""
    return _territories(locale or "en").get(code, code)


def _language(locale: str) -> str:
    return (locale or "en").replace("-", "_").split("_")[0].lower()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance: exact enough at city scale, and cheap for a few hundred rows."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
