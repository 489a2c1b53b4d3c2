"""The real-news dev set: hand labels in TSV files that point at texts kept outside the repo.

Label files (tests/labels/devset/*.tsv for the flagship topic, tests/labels/journalists.tsv
for arrests of journalists) hold one row per item, tab separated, with the header

    id  source  ref  query  form  label  kind  person  country  year  reason  [split]

``source`` says where the text is: ``reuters`` (an article id in the shared
eval-data reuters/articles.jsonl), ``feeds`` (``feeds/real-snapshots/<dir>/<file>#<i>``,
entry i of a stored feed) or ``pages`` (a web page whose text was re-collected into the
git-ignored cache .cache/devset/pages/). docs/evaluation.md describes the format, the label
protocol and how page texts are re-collected.

Items are split into dev and test by hashing a group key (the person, else the id), so
all stories about one person fall on the same side; a ``split`` column overrides.

    python -m bench.devset check [FILE ...]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Mapping
from urllib.parse import urlsplit

from bench.regions import region_of

ROOT = Path(__file__).resolve().parents[1]
EVAL_DATA = ROOT.parent / "shared" / "eval-data"  # as wirewatch/cli/understanding.py finds it
LABELS = ROOT / "tests" / "labels"
DEVSET_DIR = LABELS / "devset"
JOURNALISTS = LABELS / "journalists.tsv"
PAGES_CACHE = ROOT / ".cache" / "devset" / "pages"
# where, in a cached page, the headline and the story of an rss or wire item are (pointers only)
SPANS = LABELS / "page_spans.tsv"

COLUMNS = ("id", "source", "ref", "query", "form", "label", "kind", "person", "country", "year", "reason")
SOURCES = frozenset({"pages", "reuters", "feeds"})
FORMS = ("page", "rss", "wire")
SPLITS = ("dev", "test")
DEV_SHARE = 0.6  # sha1(group)[0] < DEV_SHARE * 256 -> dev


class LabelError(ValueError):
    """A label file that does not follow the format; the message names file and line."""


@dataclass
class Item:
    id: str
    source: str
    ref: str
    query: str
    form: str
    label: int
    kind: str
    person: str
    country: str
    year: int
    reason: str
    file: str = ""
    line: int = 0
    split_column: str = ""  # an explicit `split` value, overriding the hash
    headline: str = ""
    body: str = ""
    published: date | None = None  # filled by load_texts; date(year, 7, 1) if nothing better
    missing: str = ""  # why the text could not be loaded (empty: it was)

    @property
    def split(self) -> str:
        return self.split_column or assign_split(self)

    @property
    def group(self) -> str:
        return group_key(self)

    @property
    def region(self) -> str:
        return region_of(self.country)

    @property
    def outlet(self) -> str:
        if self.source == "pages":
            host = urlsplit(self.ref).hostname or "?"
            return host[4:] if host.startswith("www.") else host
        if self.source == "feeds":
            return self.ref.split("#", 1)[0].rsplit("/", 1)[-1]
        return "reuters"

    @property
    def has_text(self) -> bool:
        return not self.missing and bool(self.headline or self.body)


def group_key(item: Item) -> str:
    """Stories about one person share a group; items without a person are their own group."""
    person = item.person.strip()
    return person.lower() if person and person != "-" else item.id


def assign_split(item: Item) -> str:
    """``dev`` or ``test``, fixed by the group key: stable across runs, files and orderings."""
    first = hashlib.sha1(group_key(item).encode("utf-8")).digest()[0]
    return "dev" if first < DEV_SHARE * 256 else "test"


def page_cache_path(url: str, cache_dir: Path | str = PAGES_CACHE) -> Path:
    return Path(cache_dir) / f"{hashlib.sha1(url.encode('utf-8')).hexdigest()[:16]}.txt"


# ---------------------------------------------------------------- reading the label files

def _parse_row(cells: list[str], where: str, extra: list[str]) -> Item:
    values = dict(zip(COLUMNS, cells))
    if any(not values[c].strip() for c in COLUMNS):
        empty = [c for c in COLUMNS if not values[c].strip()]
        raise LabelError(f"{where}: empty column(s) {', '.join(empty)} (use '-' for none)")
    if values["source"] not in SOURCES:
        raise LabelError(f"{where}: source {values['source']!r} is not one of {', '.join(sorted(SOURCES))}")
    if values["form"] not in FORMS:
        raise LabelError(f"{where}: form {values['form']!r} is not one of {', '.join(FORMS)}")
    if values["label"] not in ("0", "1"):
        raise LabelError(f"{where}: label {values['label']!r} is not 0 or 1")
    year = values["year"]
    if not (len(year) == 4 and year.isdigit()):
        raise LabelError(f"{where}: year {year!r} is not 4 digits")
    split = ""
    if extra:
        split = cells[len(COLUMNS)].strip() if len(cells) > len(COLUMNS) else ""
        if split not in ("", "-") + SPLITS:
            raise LabelError(f"{where}: split {split!r} is not dev or test")
        split = "" if split == "-" else split
    if values["source"] == "feeds" and "#" not in values["ref"]:
        raise LabelError(f"{where}: feeds ref {values['ref']!r} has no '#<entry index>'")
    return Item(id=values["id"], source=values["source"], ref=values["ref"], query=values["query"],
                form=values["form"], label=int(values["label"]), kind=values["kind"],
                person=values["person"], country=values["country"], year=int(year),
                reason=values["reason"], split_column=split, published=date(int(year), 7, 1))


def read_label_file(path: Path | str) -> list[Item]:
    path = Path(path)
    items: list[Item] = []
    header: list[str] | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{path}:{n}"
        if header is None:
            header = cells
            if tuple(cells[:len(COLUMNS)]) != COLUMNS or cells[len(COLUMNS):] not in ([], ["split"]):
                raise LabelError(f"{where}: header must be the tab-separated columns "
                                 f"{' '.join(COLUMNS)} [split], got {' '.join(cells)}")
            continue
        if not (len(COLUMNS) <= len(cells) <= len(header)):
            raise LabelError(f"{where}: {len(cells)} column(s), expected {len(header)} "
                             f"(tab separated; is a tab missing or one too many?)")
        item = _parse_row(cells, where, header[len(COLUMNS):])
        item.file, item.line = str(path), n
        items.append(item)
    if header is None:
        raise LabelError(f"{path}: no header line")
    return items


def load_labels(paths: Iterable[Path | str]) -> list[Item]:
    """Every item of the files, validated: unique ids and refs across all of them."""
    items: list[Item] = []
    seen_id: dict[str, Item] = {}
    seen_ref: dict[str, Item] = {}
    for path in paths:
        for item in read_label_file(path):
            for seen, key, what in ((seen_id, item.id, "id"), (seen_ref, item.ref, "ref")):
                if key in seen:
                    first = seen[key]
                    raise LabelError(f"{item.file}:{item.line}: duplicate {what} {key!r} "
                                     f"(first at {first.file}:{first.line})")
                seen[key] = item
            items.append(item)
    return items


def devset_files(directory: Path | str = DEVSET_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.tsv"))


# ---------------------------------------------------------------- the texts

def _reuters(items: list[Item], eval_data: Path) -> None:
    wanted = {i.ref: i for i in items}
    path = eval_data / "reuters" / "articles.jsonl"
    if not path.exists():
        for i in items:
            i.missing = f"no {path}"
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not wanted:
                break
            rec = json.loads(line)
            item = wanted.pop(rec.get("id"), None)
            if item is None:
                continue
            item.headline, item.body = rec.get("title") or "", rec.get("body") or ""
            iso = rec.get("date_iso")
            if iso:
                try:
                    item.published = date.fromisoformat(iso[:10])
                except ValueError:
                    pass
    for item in wanted.values():
        item.missing = f"article {item.ref} not in {path}"


def _feed_entries(path: Path) -> dict[int, tuple[str, str, date | None]]:
    """Entry index -> (headline, body, published) as the feed producer reads them."""
    from producers.feeds import parse_feed

    # no entry cap: production caps entries per fetch, a stored snapshot is read whole
    result = parse_feed(path.read_bytes(), str(path), max_entries=None)
    skipped = {int(e.ref.rsplit("#", 1)[1]) for e in result.errors if "#" in e.ref}
    indices = [i for i in range(result.entries) if i not in skipped]
    out = {}
    for index, wire in zip(indices, result.items):
        day = None
        if wire.published_at:
            day = datetime.fromisoformat(wire.published_at).date()
        out[index] = (wire.headline, wire.body or "", day)
    return out


def _feeds(items: list[Item], eval_data: Path) -> None:
    parsed: dict[str, dict[int, tuple[str, str, date | None]]] = {}
    for item in items:
        rel, _, index = item.ref.rpartition("#")
        path = eval_data / rel
        if rel not in parsed:
            parsed[rel] = _feed_entries(path) if path.exists() else {}
        entry = parsed[rel].get(int(index)) if index.isdigit() else None
        if entry is None:
            item.missing = f"no entry {index} in {path}" if path.exists() else f"no feed file {path}"
            continue
        item.headline, item.body, day = entry
        item.published = day or item.published


@dataclass(frozen=True)
class Span:
    """Line indices into a page's non-empty stripped lines: the title, and the story's [start, end)."""
    title: int
    start: int
    end: int | None


def read_spans(path: Path | str = SPANS) -> dict[str, Span]:
    """id -> Span from the spans file (header ``id title from to``); {} if there is none."""
    path = Path(path)
    if not path.exists():
        return {}
    spans: dict[str, Span] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        cells = line.rstrip("\n").split("\t")
        if number == 1 or not line.strip() or line.startswith("#"):
            continue
        try:
            spans[cells[0]] = Span(int(cells[1]), int(cells[2]),
                                   int(cells[3]) if len(cells) > 3 and cells[3].strip() else None)
        except (IndexError, ValueError):
            raise LabelError(f"{path}:{number}: expected id, title, from and an optional to") from None
    return spans


def cut_span(text: str, span: Span | None) -> tuple[str, str]:
    """(headline, body) of an rss or wire item carried on a page.

    Without a span, the first line is the headline and the rest the body."""
    if span is None:
        head, _, rest = text.strip().partition("\n")
        return head.strip(), rest.strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = lines[span.title] if 0 <= span.title < len(lines) else ""
    return head, "\n".join(lines[span.start:span.end])


def _pages(items: list[Item], cache_dir: Path, spans: Mapping[str, Span]) -> None:
    from consumers.understanding.page_date import page_date

    for item in items:
        path = page_cache_path(item.ref, cache_dir)
        if not path.exists():
            item.missing = f"page text not re-collected: {path.name}"
            continue
        text = path.read_text(encoding="utf-8")
        if item.form in {"rss", "wire"}:
            # rss: the title and the one- or two-sentence lead; wire (agency copy carried on a
            # page): the headline and the story from its dateline on, as a feed delivers them
            item.headline, item.body = cut_span(text, spans.get(item.id))
        else:  # the analyzer has to find the headline in the page text itself
            item.headline, item.body = "", text
            # the page's own date line dates it better than the label's year (1 July)
            item.published = page_date(text) or item.published


def load_texts(items: list[Item], eval_data: Path | str = EVAL_DATA, cache_dir: Path | str = PAGES_CACHE,
               spans: Path | str | Mapping[str, Span] = SPANS) -> list[Item]:
    """Fill headline, body and published of each item; returns the items without a text.

    ``spans`` is the spans file, or its table as read_spans returned it (so a caller that
    loads several sets reads the file once)."""
    eval_data, cache_dir = Path(eval_data), Path(cache_dir)
    table = spans if isinstance(spans, Mapping) else read_spans(spans)
    for item in items:
        item.missing = ""
    _reuters([i for i in items if i.source == "reuters"], eval_data)
    _feeds([i for i in items if i.source == "feeds"], eval_data)
    _pages([i for i in items if i.source == "pages"], cache_dir, table)
    return [i for i in items if not i.has_text]


# ---------------------------------------------------------------- coverage

def _count_line(title: str, counter: Counter, limit: int | None = None) -> str:
    pairs = counter.most_common(limit)
    more = f", ... ({len(counter) - limit} more)" if limit and len(counter) > limit else ""
    return f"  {title} ({len(counter)}): " + ", ".join(f"{k}={v}" for k, v in pairs) + more


def coverage(items: list[Item]) -> str:
    pos = [i for i in items if i.label == 1]
    lines = [f"  items: {len(items)}, positives: {len(pos)}, negatives: {len(items) - len(pos)}",
             _count_line("source", Counter(i.source for i in items)),
             _count_line("form", Counter(i.form for i in items)),
             _count_line("form of positives", Counter(i.form for i in pos)),
             _count_line("split", Counter(i.split for i in items)),
             _count_line("split of positives", Counter(i.split for i in pos)),
             _count_line("kind", Counter(i.kind for i in items)),
             _count_line("region", Counter(i.region for i in items)),
             _count_line("countries", Counter(i.country for i in items), 25),
             _count_line("years", Counter(str(i.year) for i in items)),
             _count_line("outlets", Counter(i.outlet for i in items), 25),
             f"  distinct people: {len({i.person.lower() for i in items if i.person != '-'})}, "
             f"groups: {len({i.group for i in items})}"]
    unmapped = sorted({i.country for i in items if i.region == "Unknown" and i.country != "-"})
    if unmapped:
        lines.append(f"  countries without a region in bench/regions.py: {', '.join(unmapped)}")
    return "\n".join(lines)


RECOLLECT = """\
Page texts are third-party text and are not in the repository. To re-collect one: run
the search tool with the row's `query` on corpus `pages`, take the result whose url is
the row's `ref`, and save its excerpt exactly as returned (unescaped) into
.cache/devset/pages/<first 16 hex of sha1(url)>.txt. See docs/evaluation.md."""


def missing_report(items: list[Item], show: int = 20) -> str:
    gone = [i for i in items if i.missing]
    if not gone:
        return "  every text is available"
    lines = [f"  {len(gone)} text(s) missing:"]
    for item in gone[:show]:
        extra = f"  query: {item.query}  url: {item.ref}" if item.source == "pages" else ""
        lines.append(f"    {item.id} ({item.file}:{item.line}) {item.missing}{extra}")
    if len(gone) > show:
        lines.append(f"    ... and {len(gone) - show} more")
    if any(i.source == "pages" for i in gone):
        lines.append("\n".join("  " + line for line in RECOLLECT.splitlines()))
    return "\n".join(lines)


def check(sets: dict[str, list[Path]], eval_data: Path | str = EVAL_DATA,
          cache_dir: Path | str = PAGES_CACHE, out=None) -> int:
    """Validate and describe each set of label files; 1 if a file is invalid."""
    out = out or sys.stdout
    status = 0
    spans: dict[str, Span] | None = None  # read once, when the first set with valid labels needs it
    for name, paths in sets.items():
        print(f"{name}: {len(paths)} file(s) {', '.join(p.name for p in paths)}", file=out)
        if not paths:
            continue
        try:
            items = load_labels(paths)
        except LabelError as exc:
            print(f"  INVALID: {exc}", file=out)
            status = 1
            continue
        if spans is None:
            try:
                spans = read_spans()
            except LabelError as exc:
                print(f"  INVALID: {exc}", file=out)
                return 1
        load_texts(items, eval_data, cache_dir, spans)
        print(coverage(items), file=out)
        print(missing_report(items), file=out)
        unspanned = [i.id for i in items
                     if i.source == "pages" and i.form in {"rss", "wire"} and i.id not in spans]
        if unspanned:
            print(f"  {len(unspanned)} rss/wire page item(s) without a span in {SPANS.name} "
                  f"(first line taken as the headline): {', '.join(unspanned[:10])}", file=out)
    return status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.devset", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="validate the label files and print their coverage")
    p.add_argument("files", nargs="*", type=Path,
                   help="label files (default: tests/labels/devset/*.tsv, and journalists.tsv apart)")
    p.add_argument("--eval-data", type=Path, default=EVAL_DATA, help=f"default {EVAL_DATA}")
    p.add_argument("--cache", type=Path, default=PAGES_CACHE, help=f"page texts (default {PAGES_CACHE})")
    args = parser.parse_args(argv)
    if args.files:
        sets = {"label files": list(args.files)}
    else:
        sets = {"flagship dev set": devset_files(),
                "journalists set": [JOURNALISTS] if JOURNALISTS.exists() else []}
    return check(sets, args.eval_data, args.cache)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
