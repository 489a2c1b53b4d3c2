"""The cached attribute ruler and lemmatizer give the model's own annotations."""
from __future__ import annotations

import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from consumers.understanding.analyzer import Analyzer
from consumers.understanding.token_attributes import CachedAttributeRuler, CachedLemmatizer

# Fictional copy that exercises the model's special rules: two-token ones ("gon na",
# "let 's", "there is"), contractions, pronouns, auxiliaries, spaces and newlines.
TEXTS = [
    "NORVALE POLICE DETAIN OPPOSITION LEADER\n\nPolice in Norvale detained opposition leader "
    "Tomas Rendo on Sunday, his lawyer said. He has been held since.",
    "Let's see: they're gonna arrest him, ain't they? I'd say we've got ta wait.",
    "There is no warrant.  There were   two raids\n\n\non the offices of the party, and it was "
    "theirs, not ours.",
    "Ana Vell, who had been jailed, doesn't think she'll be freed; nobody does. Something's "
    "wrong, y'all said.",
    "",
    "   \n ",
]


@pytest.fixture(scope="module")
def nlp():
    return Analyzer().nlp


def _stock_and_cached(nlp, text):
    with nlp.select_pipes(disable=["wirewatch_attributes", "wirewatch_lemmas", "ner", "wirewatch_places"]):
        doc = nlp.make_doc(text)
        for name, proc in nlp.pipeline:
            if name in ("attribute_ruler", "lemmatizer"):
                break
            doc = proc(doc)
    cached = doc.copy()
    nlp.get_pipe("lemmatizer")(nlp.get_pipe("attribute_ruler")(doc))
    CachedLemmatizer(nlp.get_pipe("lemmatizer"))(CachedAttributeRuler(nlp.get_pipe("attribute_ruler"))(cached))
    return doc, cached


@pytest.mark.parametrize("text", TEXTS)
def test_cached_components_annotate_as_the_model_does(nlp, text):
    stock, cached = _stock_and_cached(nlp, text)
    attrs = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
    assert (stock.to_array(attrs) == cached.to_array(attrs)).all()
    assert [(t.lemma_, str(t.morph), t.pos_) for t in stock] == [(t.lemma_, str(t.morph), t.pos_) for t in cached]


def test_the_pipeline_runs_the_cached_forms(nlp):
    assert "wirewatch_attributes" in nlp.pipe_names and "wirewatch_lemmas" in nlp.pipe_names
    assert "attribute_ruler" not in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names
    doc = nlp("Police were gonna detain him, weren't they?")
    assert [t.lemma_ for t in doc][1:5] == ["be", "go", "to", "detain"]


def test_the_caches_stay_bounded(nlp, monkeypatch):
    from consumers.understanding import token_attributes

    monkeypatch.setattr(token_attributes, "MAX_CACHED", 5)
    ruler = CachedAttributeRuler(nlp.get_pipe("attribute_ruler"))
    lemmas = CachedLemmatizer(nlp.get_pipe("lemmatizer"))
    with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        doc = nlp(TEXTS[0] + " " + TEXTS[1])
    lemmas(ruler(doc))
    assert len(ruler._cache) <= 5 and len(lemmas._cache) <= 5
