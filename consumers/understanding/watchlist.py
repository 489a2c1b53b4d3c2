"""The editable watchlist (config/watchlist.yaml): opposition parties and people.

Matching keys are lower-cased with punctuation squeezed, the same normalisation
``entities`` uses for surface keys.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "config" / "watchlist.yaml"


def key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class Watchlist:
    people: dict = field(default_factory=dict)  # alias key -> canonical name
    person_role: dict = field(default_factory=dict)  # canonical key -> role
    parties: dict = field(default_factory=dict)  # alias key -> canonical party name
    party_role: dict = field(default_factory=dict)  # canonical key -> "opposition" | "government"

    def person(self, name: str) -> str | None:
        return self.people.get(key(name))

    def role_of_person(self, name: str) -> str | None:
        canon = self.person(name)
        return self.person_role.get(key(canon)) if canon else None

    def role_of_party(self, name: str) -> str | None:
        canon = self.parties.get(key(name))
        return self.party_role.get(key(canon)) if canon else None


EMPTY = Watchlist()


def load_watchlist(path: str | Path | None = None) -> Watchlist:
    """Read the YAML watchlist; a missing file gives an empty list."""
    import yaml  # local import: only needed when a watchlist is actually read

    p = Path(path) if path else DEFAULT_PATH
    if not p.exists():
        return EMPTY
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    people, person_role, parties, party_role = {}, {}, {}, {}
    for party in data.get("parties") or []:
        name = party["name"]
        role = party.get("role", "opposition")
        party_role[key(name)] = role
        for alias in [name, *(party.get("aliases") or [])]:
            parties[key(alias)] = name
    for person in data.get("people") or []:
        name = person["name"]
        person_role[key(name)] = person.get("role", "opposition")
        for alias in [name, *(person.get("aliases") or [])]:
            people[key(alias)] = name
    return Watchlist(people, person_role, parties, party_role)
