"""Near-duplicate stories: MinHash over word shingles, banded for LSH lookups.

Pure: no Kafka, SQLAlchemy or HTTP. The poller persists each item's signature and
band keys in PostgreSQL (`feed_story_bands`), so clusters survive restarts.

What is compared is the *normalised* headline plus the lead (the first words of the
body, dateline already split off), never the exact title:

- wire re-issue prefixes ("UPDATE 2-", "REFILE-", "WRAPUP 1-", "CORRECTED-", ...) and
  agency/dateline boilerplate are removed;
- text is NFKC-folded, lower-cased, stripped of punctuation and stop words, and words
  are crudely stemmed ("detained" ~ "detain", "protests" ~ "protest");
- the shingles are the words and the overlapping 2-word shingles: single words make
  a rewritten headline still overlap, word pairs keep two stories that merely share
  names and places apart.

Estimated Jaccard similarity (fraction of equal MinHash values) >= SIMILARITY joins a
story. With BANDS x ROWS = 32 x 4 the chance that two texts at Jaccard s share at
least one band is 1 - (1 - s^4)^32: 0.99 at s = 0.6, 0.74 at s = 0.45, 0.05 at s = 0.2.
Measured on the fictional items of the tests: the same arrest reported by two wires
with different headlines ~0.6; a follow-up (release on bail) ~0.3; another story with
the same dateline ~0.02.
"""
from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
LEAD_WORDS = 60
MIN_TOKENS = 4          # fewer content words than this: too little text to cluster on
SIMILARITY = 0.45       # estimated Jaccard needed to join an existing story

_MERSENNE = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1

# Prefixes wire services put on re-issued or updated copy. They say nothing about the story.
_REISSUE = re.compile(
    r"^\s*(?:(?:update|wrapup|refile|rpt|repeat|corrected|correction|corrected-update|"
    r"urgent|flash|exclusive|breakingviews|instant view|rpt-update|refile-update)"
    r"(?:\s*\d+)?\s*[-:\u2013\u2014]\s*)+",
    re.I,
)
_AGENCY = re.compile(r"\((?:reuters|ap|afp|dpa|upi)\)", re.I)
_WORD = re.compile(r"[^\W_]+", re.U)
_STOP = frozenset(
    "a an the of in on at to for from by with and or but as is are was were be been has have had "
    "it its this that these those he she they his her their we our you your i said says say will "
    "would could after before over into than then there here who whom which what when where".split()
)


def strip_reissue(headline: str) -> str:
    """'UPDATE 2-Court jails X' -> 'Court jails X' (repeatedly: 'REFILE-UPDATE 1-...')."""
    return _REISSUE.sub("", headline or "")


def _words(text: str) -> list[str]:
    text = _AGENCY.sub(" ", unicodedata.normalize("NFKC", text)).lower()
    return [_stem(w) for w in _WORD.findall(text) if w not in _STOP]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokens(headline: str, body: str, lead_words: int = LEAD_WORDS) -> list[str]:
    """Content words of the normalised headline, then of the lead (first `lead_words` of the body)."""
    return _words(strip_reissue(headline)) + _words(body or "")[:lead_words]


def shingles(words: list[str]) -> set[str]:
    """Words and overlapping word pairs."""
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


def _base_hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")


def _permutations(n: int) -> list[tuple[int, int]]:
    """Fixed (a, b) pairs: signatures must be comparable across processes and releases."""
    out: list[tuple[int, int]] = []
    counter = 0
    while len(out) < n:
        digest = hashlib.sha256(f"wirewatch-minhash-{counter}".encode()).digest()
        a = int.from_bytes(digest[:8], "big") % _MERSENNE
        b = int.from_bytes(digest[8:16], "big") % _MERSENNE
        counter += 1
        if a:
            out.append((a, b))
    return out


_PERMS = _permutations(NUM_PERM)


def minhash(shingle_set: Iterable[str]) -> tuple[int, ...]:
    hashes = [_base_hash(s) for s in shingle_set]
    if not hashes:
        return tuple([_MAX_HASH] * NUM_PERM)
    return tuple(min(((a * h + b) % _MERSENNE) & _MAX_HASH for h in hashes) for a, b in _PERMS)


def similarity(sig_a: tuple[int, ...], sig_b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    if len(sig_a) != len(sig_b) or not sig_a:
        return 0.0
    return sum(x == y for x, y in zip(sig_a, sig_b)) / len(sig_a)


def band_keys(signature: tuple[int, ...]) -> list[int]:
    """One signed 63-bit key per band (fits a PostgreSQL BIGINT)."""
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f">I{ROWS}I", band, *chunk), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys


def pack(signature: tuple[int, ...]) -> bytes:
    return struct.pack(f">{len(signature)}I", *signature)


def unpack(raw: bytes) -> tuple[int, ...]:
    return struct.unpack(f">{len(raw) // 4}I", raw)


@dataclass(frozen=True)
class Fingerprint:
    signature: tuple[int, ...]
    bands: list[int]
    token_count: int

    @property
    def clusterable(self) -> bool:
        return self.token_count >= MIN_TOKENS


def fingerprint(headline: str, body: str) -> Fingerprint:
    words = tokens(headline, body)
    sig = minhash(shingles(words))
    return Fingerprint(sig, band_keys(sig), len(words))


@dataclass(frozen=True)
class Candidate:
    """An earlier item that shares at least one band with the new one."""

    item_id: str
    story_id: str
    signature: tuple[int, ...]


def choose_story(fp: Fingerprint, candidates: Iterable[Candidate], threshold: float = SIMILARITY
                 ) -> tuple[str | None, float]:
    """The story of the most similar candidate at or above `threshold`, else (None, best score)."""
    if not fp.clusterable:
        return None, 0.0
    best: tuple[float, str] | None = None
    for c in candidates:
        score = similarity(fp.signature, c.signature)
        if score >= threshold and (best is None or (score, c.story_id) > best):
            best = (score, c.story_id)
    if best is None:
        return None, 0.0
    return best[1], best[0]


def new_story_id(item_id: str) -> str:
    """A new cluster is named after its first item."""
    return f"story-{item_id}"[:200]
