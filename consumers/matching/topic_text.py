"""One topic's YAML text inside a topics file: cut it out, check it, put it back.

The console edits one topic at a time, but the daemon reads one file. Replacing only the
topic's own lines keeps the operator's comments and the other topics byte for byte.
Errors are located at the line of the edited text, not of the file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from consumers.matching.topics import Topic, TopicError, TopicFileError, parse_topics

_VERSION_LINE = re.compile(r"^version:[ \t]*([^\n#]*)", re.MULTILINE)
_NAME_LINE = re.compile(r"^name:[^\n]*\n?", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    name: str
    first_line: int  # 0-based line of the "- " that opens the item
    end_line: int    # 0-based line after its last line of content
    column: int      # column of the item's keys
    text: str        # the mapping, dedented: what the editor shows


def _items(text: str):
    """(name, node) of each item of the top-level `topics:` list; [] when there is none."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "topics" and isinstance(value, yaml.SequenceNode):
            out = []
            for node in value.value:
                if isinstance(node, yaml.MappingNode):
                    name = next((v.value for k, v in node.value if k.value == "name" and
                                 isinstance(v, yaml.ScalarNode)), None)
                    if isinstance(name, str):
                        out.append((name, node))
            return out
    return []


def topic_blocks(file_text: str) -> dict[str, Block]:
    """Each topic's block, by name. Raises TopicFileError when the file is not valid YAML."""
    try:
        items = _items(file_text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise TopicFileError([TopicError("<topics file>", mark.line + 1 if mark else 1, f"invalid YAML: {e}")]) \
            from None
    lines = file_text.splitlines()
    blocks = {}
    for name, node in items:
        start, column = node.start_mark.line, node.start_mark.column
        # The end mark sits on the next token (the next item's "-"), or at the end of the text.
        at_eof = node.end_mark.index >= len(file_text)
        end = node.end_mark.line + (1 if at_eof and node.end_mark.column > 0 else 0)
        # The mapping's end mark sits at the next item: trailing comments and blank lines
        # before it introduce that item, so they stay outside this block.
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        body = [lines[start][column:]] + [_dedent(line, column) for line in lines[start + 1:end]]
        blocks[name] = Block(name, start, end, column, "\n".join(body) + "\n")
    return blocks


def _dedent(line: str, column: int) -> str:
    return line[column:] if line[:column].strip() == "" else line.lstrip()


def parse_topic_text(text: str, source: str = "<topic>") -> Topic:
    """The one topic the editor text defines; TopicFileError with lines of ``text``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not text.strip():
        raise TopicFileError([TopicError(source, 1, "the topic is empty: give at least name, title and a condition")])
    wrapped = "topics:\n- " + lines[0] + "".join("\n  " + line for line in lines[1:])
    try:
        topics = parse_topics(wrapped, source)
    except TopicFileError as e:
        raise TopicFileError([TopicError(err.file, max(1, err.line - 1), err.reason) for err in e.errors]) from None
    if len(topics) != 1:
        raise TopicFileError([TopicError(source, 1, "the text must define exactly one topic (one mapping)")])
    return topics[0]


def with_version(text: str, version: int) -> str:
    """``text`` with its top-level ``version:`` set to ``version`` (added after ``name:`` if absent)."""
    if _VERSION_LINE.search(text):
        return _VERSION_LINE.sub(f"version: {version}", text, count=1)
    match = _NAME_LINE.search(text)
    at = match.end() if match else 0
    line = f"version: {version}\n"
    if match and not match.group(0).endswith("\n"):
        line = "\n" + line
    return text[:at] + line + text[at:]


def replace_topic(file_text: str, name: str, new_text: str) -> str:
    """The file with topic ``name``'s block replaced by ``new_text`` (appended when new)."""
    blocks = topic_blocks(file_text)
    body = new_text.rstrip("\n").split("\n")
    lines = file_text.splitlines()
    if name in blocks:
        block = blocks[name]
        lead = lines[block.first_line][:block.column]  # e.g. "  - "
        pad = " " * block.column
        new_lines = [lead + body[0]] + [(pad + line) if line.strip() else "" for line in body[1:]]
        lines[block.first_line:block.end_line] = new_lines
    else:
        column = next(iter(blocks.values())).column if blocks else 2
        lead = " " * (column - 2) + "- "
        if not any(line.startswith("topics:") for line in lines) or not blocks and "topics: []" in file_text:
            lines = [line for line in lines if not line.startswith("topics:")] + ["topics:"]
        lines += [lead + body[0]] + [(" " * column + line) if line.strip() else "" for line in body[1:]]
    return "\n".join(lines) + "\n"
