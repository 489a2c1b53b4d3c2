"""Topic edits: save one topic into the topics file (which the daemon hot-reloads), keep
every saved text in `topic_versions`, and restore an earlier one.

`wirewatch topics` and the console's editor both write through here.
"""
from __future__ import annotations

import fcntl
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from consumers.matching.topic_text import parse_topic_text, replace_topic, topic_blocks, with_version
from consumers.matching.topics import TopicError, TopicFileError, decode_topics, parse_topics


@dataclass(frozen=True)
class Saved:
    name: str
    version: int
    version_id: int
    changed: bool  # False: the text was the stored one, nothing written


def read_file(path: Path) -> str:
    return decode_topics(Path(path).read_bytes(), str(path)) if Path(path).exists() else "topics: []\n"


def topic_texts(path: Path) -> dict[str, str]:
    """Each topic's editable text, by name, as the file has it now."""
    return {name: block.text for name, block in topic_blocks(read_file(path)).items()}


@contextmanager
def _locked(path: Path):
    """One writer at a time: two analysts saving at once must not lose an edit."""
    lock = Path(str(path) + ".lock")
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_atomic(path: Path, text: str) -> None:
    """Replace the file in one rename: the daemon's watcher never reads half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_topic(engine, path: Path, name: str, text: str, saved_by: str, note: str | None = None) -> Saved:
    """Check ``text`` (TopicFileError at its own lines), bump its version when its meaning
    changed without one, write it into the file and record the version."""
    from sqlalchemy import insert

    from schemas.tables import TopicVersion

    path = Path(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"
    topic = parse_topic_text(text)
    if topic.name != name:
        raise TopicFileError([TopicError("<topic>", 1, f"the name must stay {name!r}; to make a new topic, "
                                                       "copy this one under a new name")])
    with _locked(path):
        file_text = read_file(path)
        current = {t.name: t for t in parse_topics(file_text, str(path))}
        old = current.get(name)
        if old is not None:
            old_text = topic_blocks(file_text)[name].text
            baseline = _record_baseline(engine, name, old.version, old_text)
            if old_text == text:
                return Saved(name, old.version, baseline, False)
            if topic.version <= old.version and _meaning(topic) != _meaning(old):
                text = with_version(text, old.version + 1)  # alerts name the version that fired
                topic = parse_topic_text(text)
        new_file = replace_topic(file_text, name, text)
        parse_topics(new_file, str(path))  # the whole file must still load (e.g. no duplicate names)
        _write_atomic(path, new_file)
        with engine.begin() as conn:
            vid = conn.execute(insert(TopicVersion).values(topic_name=name, version=topic.version, text=text,
                                                           saved_by=saved_by, note=note)
                               .returning(TopicVersion.id)).scalar_one()
    return Saved(name, topic.version, vid, True)


def _meaning(topic) -> dict:
    """What the topic matches: its definition without the version number."""
    return {k: v for k, v in topic.definition().items() if k != "version"}


def _record_baseline(engine, name: str, version: int, text: str) -> int:
    """Store the file's text as the first version, once, so that the first edit can be undone."""
    from sqlalchemy import insert, select

    from schemas.tables import TopicVersion

    with engine.begin() as conn:
        last = conn.execute(select(TopicVersion.id).where(TopicVersion.topic_name == name)
                            .order_by(TopicVersion.id.desc()).limit(1)).scalar()
        if last is not None:
            return last
        return conn.execute(insert(TopicVersion).values(topic_name=name, version=version, text=text,
                                                        saved_by="topics file", note="as found in the file")
                            .returning(TopicVersion.id)).scalar_one()


def versions(engine, name: str) -> list[dict]:
    """Saved versions of one topic, newest first."""
    from sqlalchemy import select

    from schemas.tables import TopicVersion

    stmt = (select(TopicVersion.id, TopicVersion.version, TopicVersion.saved_by, TopicVersion.saved_at,
                   TopicVersion.note, TopicVersion.text)
            .where(TopicVersion.topic_name == name).order_by(TopicVersion.id.desc()))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def restore(engine, path: Path, name: str, version_id: int, saved_by: str) -> Saved | None:
    """Save an earlier text again, as a new version; None when there is no such version."""
    from sqlalchemy import select

    from schemas.tables import TopicVersion

    with engine.connect() as conn:
        row = conn.execute(select(TopicVersion.version, TopicVersion.text)
                           .where(TopicVersion.id == version_id, TopicVersion.topic_name == name)).first()
    if row is None:
        return None
    return save_topic(engine, path, name, row.text, saved_by, note=f"restored from v{row.version} (#{version_id})")
