"""The party knowledge base (config/parties/*.yaml): parties and leading figures, with dated roles.

Each entry says, for date ranges, whether a party or person was in ``opposition`` or in
``government``. The role resolver asks, as of a story's date, which side an entity was on.

Matching: names and aliases are looked up with the same key as ``watchlist.key`` (lower-cased,
punctuation squeezed). Acronym aliases (all capitals, 2-6 letters or digits once punctuation is
dropped, e.g. ``PTI``, ``PML-N``, ``ZANU-PF``) only match as written, in capitals, so the lower-case
word "pti" or the Spanish "mas" does not hit ``PTI`` or ``MAS``.

Dates: ``YYYY-MM-DD`` or a bare year; a year means 1 January for ``from`` and 31 December for ``to``.
A missing ``from`` or ``to`` is an open end. Ranges are inclusive; two roles of one entry may share
their boundary day (the day power changed hands), and on that day the role that starts wins.

Pure: no I/O at import; ``yaml`` is imported only when a file is read.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .watchlist import key

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "config" / "parties"
ROLES = ("opposition", "government")
PARTY_FIELDS = {"name", "country", "aliases", "roles", "note"}
PERSON_FIELDS = {"name", "country", "aliases", "roles", "note", "party"}
ROLE_FIELDS = {"role", "from", "to", "note"}
_YEAR = re.compile(r"^\d{4}$")


def case_key(text: str) -> str:
    """Like ``key`` but keeps the case: the key of the exact-case (acronym) table."""
    return re.sub(r"[^\w]+", " ", text).strip()


# Spellings of one name that transliteration varies: "Mohammed Abdel Aziz" is "Mohamed Ould
# Abdel Aziz", "Róbert Fico" is "Robert Fico".
_SAME_NAME = {v: "mohamed" for v in ("muhammad", "muhammed", "mohammed", "mohammad", "mohamad",
                                      "mohamed", "muhamad", "mohamud", "mohamoud")} | {
    v: "abd" for v in ("abdul", "abdel", "abdal", "abd")}
_PARTICLES = frozenset({"ould", "bin", "ibn", "ben", "bint", "al", "el"})


def spelling_key(text: str) -> str:
    """A person's name with accents, particles and common transliteration variants folded."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = [_SAME_NAME.get(w, w) for w in key(bare).split() if w not in _PARTICLES]
    # doubled letters and a closing "h" vary too: "Gayyoom" / "Gayoom", "Abdullah" / "Abdulla"
    return " ".join(re.sub(r"(?<=[aeiou])h$", "", re.sub(r"(\w)\1+", r"\1", w)) for w in words)


def is_acronym(alias: str) -> bool:
    """All capitals, 2-6 letters/digits once punctuation is dropped, at least one letter."""
    bare = re.sub(r"[^\w]+", "", alias)
    return 2 <= len(bare) <= 6 and bare.upper() == bare and any(c.isalpha() for c in bare)


@dataclass(frozen=True)
class Role:
    role: str  # "opposition" | "government"
    start: dt.date | None  # None: open (since before records)
    end: dt.date | None  # None: open (still so)
    note: str = ""
    start_is_year: bool = False  # given as a bare year: shown as "2014", not "2014-01-01"
    end_is_year: bool = False

    def covers(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)

    def describe(self) -> str:
        start = self.start and (str(self.start.year) if self.start_is_year else self.start.isoformat())
        end = self.end and (str(self.end.year) if self.end_is_year else self.end.isoformat())
        if start and end:
            return f"{start}..{end}"
        if start:
            return f"since {start}"
        if end:
            return f"until {end}"
        return "(undated)"


@dataclass(frozen=True)
class Entry:
    kind: str  # "party" | "person"
    name: str
    country: str
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    party: str | None = None
    note: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        """Short display form: the first acronym alias of a party, else the name."""
        if self.kind == "party":
            for alias in self.aliases:
                if is_acronym(alias):
                    return alias
        return self.name

    def role_on(self, on: dt.date) -> Role | None:
        hits = [r for r in self.roles if r.covers(on)]
        if not hits:
            return None
        return max(hits, key=lambda r: r.start or dt.date.min)  # on a boundary day the new role wins


@dataclass
class PartyKB:
    parties: list[Entry] = field(default_factory=list)
    people: list[Entry] = field(default_factory=list)
    versions: tuple[int, ...] = ()
    _folded: dict[str, dict[str, list[Entry]]] = field(default_factory=dict, repr=False)
    _exact: dict[str, dict[str, list[Entry]]] = field(default_factory=dict, repr=False)
    _spelled: dict[str, list[Entry]] = field(default_factory=dict, repr=False)  # people only
    _by_country: dict[str, list[tuple[str, Entry]]] = field(default_factory=dict, repr=False)  # parties
    _countries: frozenset[str] = field(default=frozenset(), init=False, repr=False)  # read per story: built once

    def __post_init__(self) -> None:
        for entry in self.people:
            for alias in (entry.name, *entry.aliases):
                bucket = self._spelled.setdefault(spelling_key(alias), [])
                if entry not in bucket:
                    bucket.append(entry)
        self._countries = frozenset(e.country for e in (*self.parties, *self.people))
        for entry in self.parties:
            self._by_country.setdefault(key(entry.country), []).extend(
                (key(a), entry) for a in (entry.name, *entry.aliases))
        for kind, entries in (("party", self.parties), ("person", self.people)):
            folded: dict[str, list[Entry]] = {}
            exact: dict[str, list[Entry]] = {}
            for entry in entries:
                for alias in (entry.name, *entry.aliases):
                    table, k = (exact, case_key(alias)) if is_acronym(alias) else (folded, key(alias))
                    bucket = table.setdefault(k, [])
                    if entry not in bucket:
                        bucket.append(entry)
            self._folded[kind], self._exact[kind] = folded, exact

    # -- look-ups -------------------------------------------------------------------------
    def _find(self, kind: str, text: str, country: str | None) -> Entry | None:
        hits = self._exact[kind].get(case_key(text)) or self._folded[kind].get(key(text)) or []
        if not hits and kind == "person":
            hits = self._spelled.get(spelling_key(text), [])
        if country:
            hits = [e for e in hits if key(e.country) == key(country)]
        return hits[0] if len(hits) == 1 else None  # unknown or ambiguous across countries

    def find_party(self, text: str, country: str | None = None) -> Entry | None:
        return self._find("party", text, country)

    def find_person(self, text: str, country: str | None = None) -> Entry | None:
        found = self._find("person", text, country)
        words = text.split()
        if found is None and len(words) >= 3:
            # a second surname the entry leaves out: "Jeanine Áñez Chavez" is "Jeanine Áñez"
            found = self._find("person", " ".join(words[:2]), country)
        return found

    def party(self, text: str, country: str | None = None) -> str | None:
        """Canonical party name for a surface form; None if unknown or ambiguous (give ``country``)."""
        entry = self.find_party(text, country)
        return entry.name if entry else None

    def person(self, text: str, country: str | None = None) -> str | None:
        entry = self.find_person(text, country)
        return entry.name if entry else None

    # -- roles ----------------------------------------------------------------------------
    def role_of_party(self, text: str, on: dt.date | None = None,
                      country: str | None = None) -> tuple[str, str] | None:
        """(role, evidence) of a party as of ``on`` (default today), or None if unknown."""
        entry = self.find_party(text, country)
        return self._role(entry, on or dt.date.today()) if entry else None

    def role_of_person(self, text: str, on: dt.date | None = None,
                       country: str | None = None) -> tuple[str, str] | None:
        """(role, evidence) of a person as of ``on``; a person without roles takes the party's."""
        entry = self.find_person(text, country)
        if entry is None:
            return None
        day = on or dt.date.today()
        if entry.roles:
            return self._role(entry, day)
        party = self.find_party(entry.party, entry.country) if entry.party else None
        found = self._role(party, day) if party else None
        if found is None:
            return None
        role, evidence = found
        return role, f"{evidence} (party of {entry.name})"

    def in_country(self, country: str | None) -> "PartyKB":
        """This knowledge base for one story: a name that is ambiguous across countries
        ("Communist Party", "Labour") is looked up in ``country``, the story's own."""
        # the view answers every look-up the frame rules make, so it stands in for the KB
        return self if not country else cast(PartyKB, _StoryKB(self, country))

    @staticmethod
    def _role(entry: Entry, on: dt.date) -> tuple[str, str] | None:
        role = entry.role_on(on)
        if role is None:
            return None
        span = role.describe()
        where = span if span.startswith(("since", "until", "(")) else f"in {span}"
        return role.role, f"knowledge base: {entry.label} ({entry.country}) in {role.role} {where}"

    # -- views ----------------------------------------------------------------------------
    def aliases(self) -> Iterator[tuple[str, str, str]]:
        """(surface form, 'party' | 'person', canonical name) for every name and alias."""
        seen: set[tuple[str, str, str]] = set()
        for kind, entries in (("party", self.parties), ("person", self.people)):
            for entry in entries:
                for alias in (entry.name, *entry.aliases):
                    row = (alias, kind, entry.name)
                    if row not in seen:
                        seen.add(row)
                        yield row

    def countries(self) -> frozenset[str]:
        return self._countries

    @property
    def version(self) -> str:
        v = "+".join(str(n) for n in sorted(set(self.versions))) or "0"
        return f"parties/{v} ({len(self.parties)} parties, {len(self.people)} people)"


# -- loading --------------------------------------------------------------------------------
class _StoryKB:
    """A PartyKB whose role look-ups fall back to one country when a name is ambiguous."""

    def __init__(self, kb: PartyKB, country: str):
        self._kb, self._country = kb, country

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)

    def role_of_party(self, text: str, on: dt.date | None = None,
                      country: str | None = None) -> tuple[str, str] | None:
        found = self._kb.role_of_party(text, on, country)
        if found or country:
            return found
        found = self._kb.role_of_party(text, on, self._country)
        entry = None if found else self._short_name(text)
        return found or (self._kb._role(entry, on or dt.date.today()) if entry else None)

    def _short_name(self, text: str) -> Entry | None:
        """The one party of the story's country whose name begins with ``text`` (two words
        or more): "Communist Party" in a story on Russia."""
        k = key(text)
        if len(k.split()) < 2:
            return None
        hits = {id(e): e for a, e in self._kb._by_country.get(key(self._country), ()) if a.startswith(k + " ")}
        return next(iter(hits.values())) if len(hits) == 1 else None

    def role_of_person(self, text: str, on: dt.date | None = None,
                       country: str | None = None) -> tuple[str, str] | None:
        return self._kb.role_of_person(text, on, country) or (
            None if country else self._kb.role_of_person(text, on, self._country))


def story_country(mentions, countries: frozenset[str]) -> str | None:
    """The country a story names most often among its places (first named on a tie)."""
    seen: dict[str, int] = {}
    for m in mentions:
        if m.label == "GPE" and m.canonical in countries:
            seen[m.canonical] = seen.get(m.canonical, 0) + 1
    return max(seen, key=lambda c: seen[c]) if seen else None  # dicts keep first-seen order on ties


def _date(value: Any, end: bool, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _YEAR.match(text):
        return dt.date(int(text), 12, 31) if end else dt.date(int(text), 1, 1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{where}: bad date {value!r} (want YYYY-MM-DD or YYYY)") from None


def _roles(raw: Any, where: str) -> tuple[Role, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"{where}: roles must be a list")
    roles = []
    for i, item in enumerate(raw):
        at = f"{where}, role {i + 1}"
        if not isinstance(item, dict):
            raise ValueError(f"{at}: must be a mapping with role/from/to")
        unknown = set(item) - ROLE_FIELDS
        if unknown:
            raise ValueError(f"{at}: unknown field(s) {sorted(unknown)}")
        if item.get("role") not in ROLES:
            raise ValueError(f"{at}: role must be one of {ROLES}, got {item.get('role')!r}")
        start, end = _date(item.get("from"), False, at), _date(item.get("to"), True, at)
        if start and end and start > end:
            raise ValueError(f"{at}: from {start} is after to {end}")
        roles.append(Role(item["role"], start, end, str(item.get("note") or ""),
                          bool(_YEAR.match(str(item.get("from")))), bool(_YEAR.match(str(item.get("to"))))))
    ordered = sorted(roles, key=lambda r: r.start or dt.date.min)
    for prev, nxt in zip(ordered, ordered[1:]):
        prev_end = prev.end or dt.date.max
        nxt_start = nxt.start or dt.date.min
        if nxt_start < prev_end:  # sharing the boundary day is allowed
            raise ValueError(f"{where}: roles overlap ({prev.role} {prev.describe()} / {nxt.role} {nxt.describe()})")
    return tuple(ordered)


def _entry(kind: str, raw: Any, index: int, source: str) -> Entry:
    where = f"{source}: {kind} #{index + 1}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a mapping")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: missing name")
    where = f"{source}: {kind} {name!r}"
    unknown = set(raw) - (PARTY_FIELDS if kind == "party" else PERSON_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {sorted(unknown)}")
    country = raw.get("country")
    if not isinstance(country, str) or not country.strip():
        raise ValueError(f"{where}: missing country")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise ValueError(f"{where}: aliases must be a list of strings")
    party = raw.get("party")
    if party is not None and not isinstance(party, str):
        raise ValueError(f"{where}: party must be a string")
    return Entry(kind, name.strip(), country.strip(), tuple(a.strip() for a in aliases),
                 _roles(raw.get("roles"), where), party, str(raw.get("note") or ""), source)


def _files(p: Path) -> Iterable[Path]:
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.suffix in (".yaml", ".yml"))
    return [p] if p.exists() else []


def load_party_kb(path: str | Path | None = None) -> PartyKB:
    """Read one YAML file or every ``*.yaml`` in a directory (default config/parties/).

    A missing path gives an empty KB; a malformed file raises ValueError naming file and entry.
    """
    import yaml  # local import: only needed when the knowledge base is actually read

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        """SafeLoader that leaves dates as text (a bad date is reported with its entry) and refuses
        a key given twice in one mapping (YAML would silently keep the last)."""

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                k = self.construct_object(key_node, deep=deep)
                if k in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {k!r}", key_node.start_mark)
                seen.add(k)
            return super().construct_mapping(node, deep=deep)

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    parties: list[Entry] = []
    people: list[Entry] = []
    versions: list[int] = []
    for f in _files(Path(path) if path else DEFAULT_DIR):
        try:
            data = yaml.load(f.read_text(encoding="utf-8"), Loader=_Loader) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{f.name}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{f.name}: top level must be a mapping with version/parties/people")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError(f"{f.name}: top-level `version` must be an integer")
        versions.append(version)
        for kind, bucket, field_name in (("party", parties, "parties"), ("person", people, "people")):
            items = data.get(field_name) or []
            if not isinstance(items, list):
                raise ValueError(f"{f.name}: `{field_name}` must be a list")
            bucket.extend(_entry(kind, item, i, f.name) for i, item in enumerate(items))
    return PartyKB(parties, people, tuple(versions))
