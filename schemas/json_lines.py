"""JSON Lines as wirewatch writes them (`--json` output, JSON logs, `extract`, offline
matching): one object per line for every reader, however it splits lines."""
from __future__ import annotations

import json
from typing import Any

# Characters str.splitlines() (and other Unicode-aware readers) break on that JSON leaves raw
# in a string with ensure_ascii=False; json.dumps escapes those below U+0020 itself.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_line(obj: Any, **kwargs: Any) -> str:
    """``obj`` as one line of JSON, non-ASCII text kept readable, without a newline."""
    return json.dumps(obj, ensure_ascii=False, **kwargs).translate(_LINE_BREAKS)
