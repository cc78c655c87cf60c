"""Segmentation: sentences by offsets, languages, lemmas, entities; the two pipeline paths."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
import spacy

from factcheck.config import IndexSettings, NlpSettings, Settings
from factcheck.text.aliases import Aliases
from factcheck.corpus.email import split_quotes
from factcheck.model import Document, Provenance
from factcheck.text.nlp import Segmenter, detect_language
from factcheck.text.stopwords import spacy_stop_words


@pytest.mark.parametrize("text, lang", [
    ("OpenAI rejected a merger with Tesla", "en"),
    ("OpenAI a rejeté une fusion avec Tesla", "fr"),
    ("Musk exige 50 % d'OpenAI", "fr"),
    ("The board said no.", "en"),
    ("Le conseil a dit non.", "fr"),
    ("Tesla", "en"),  # nothing to go on: the default
])
def test_segment_detects_language(text, lang):
    assert detect_language(text, ("en", "fr"), "en") == lang


def doc(text, **kw):
    return Document(id="d", text=text, provenance=Provenance("f"), **kw)


def test_segment_sentences_are_verbatim_offsets(blank_segmenter):
    text = "First point here.  Second one follows!\n\n• A bullet item\n• Another item\n"
    [(_, sentences)] = list(blank_segmenter.segment([doc(text, lang="en")]))
    assert [s.text for s in sentences] == ["First point here.", "Second one follows!", "A bullet item",
                                           "Another item"]
    for s in sentences:
        assert text[s.start:s.end] == s.text


def test_segment_lemmas_and_alias_entities(blank_segmenter):
    [(_, [s])] = list(blank_segmenter.segment([doc("Alice rejected the proposals.", lang="en")]))
    assert "reject" in s.lemmas and "proposal" in s.lemmas
    assert "the" not in s.lemmas  # stop words are not indexed
    assert s.entities == (("Alice Martin", "Alice"),)


def test_segment_quoted_parts_keep_their_author_and_flag(blank_segmenter):
    body = "I agree.\n\nOn Mon, Sep 18, 2017 at 9:00 AM, Ann <ann@x> wrote:\n> We refuse the deal.\n"
    text, parts = split_quotes(body, "Bo <bo@x>", None, "m0@x")
    [(_, sentences)] = list(blank_segmenter.segment([doc(text, parts=parts, author="Bo <bo@x>", lang="en")]))
    by_text = {s.text: s for s in sentences}
    assert set(by_text) == {"I agree.", "We refuse the deal."}  # the header line is not a sentence
    quoted = by_text["We refuse the deal."]
    assert quoted.author == "Ann <ann@x>" and quoted.quoted and quoted.quote_ref == "m0@x"
    assert quoted.date.iso.startswith("2017-09-18")
    assert not by_text["I agree."].quoted and by_text["I agree."].author == "Bo <bo@x>"


def test_segment_translations_are_sentences_of_their_own_field(blank_segmenter):
    d = doc("Nous ne vendrons jamais.", lang="fr", translations=(("en", "We will never sell."),))
    [(_, sentences)] = list(blank_segmenter.segment([d]))
    assert [(s.field, s.lang, s.text) for s in sentences] == [
        ("text", "fr", "Nous ne vendrons jamais."), ("translations.en", "en", "We will never sell.")]
    assert "vendre" in sentences[0].lemmas


def test_segment_cuts_sentences_without_punctuation(blank_segmenter):
    text = " ".join(f"word{i}" for i in range(300))
    [(_, sentences)] = list(blank_segmenter.segment([doc(text, lang="en")]))
    assert len(sentences) == 6 and all(len(s.text.split()) <= 50 for s in sentences)
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_segment_full_analysis_parses_and_caches(segmenter):
    class Cache(dict):
        def get_analyses(self, keys):
            return {k: self[k] for k in keys if k in self}

        def put_analyses(self, items):
            self.update(items)

    cache = Cache()
    [a] = segmenter.analyze(["Alice did not sell Acme for $80 billion in March 2019."], "en", cache=cache)
    assert a.parsed
    assert [t.dep for t in a.tokens if t.text == "not"] == ["neg"]
    assert {e.canonical for e in a.entities} >= {"Alice Martin", "Acme Rail"}
    assert [q.value for q in a.quantities] == [80e9]
    assert [d.date.iso for d in a.dates] == ["2019-03"]
    assert len(cache) == 1
    fresh = Segmenter(Settings(), segmenter.aliases)
    [again] = fresh.analyze([a.text], "en", cache=cache)  # read back from the cache, not spaCy
    assert again == a


def test_segment_missing_trained_pipeline_warns_once():
    settings = Settings(nlp=NlpSettings(pipelines={"en": ("no_such_pipeline_xx",)}))
    seg = Segmenter(settings, Aliases())
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("factcheck")
    logger.addHandler(handler)
    try:
        seg.analyze(["One."], "en")
        seg.analyze(["Two."], "en")
    finally:
        logger.removeHandler(handler)
    warnings = [r for r in records if "no trained spaCy pipeline" in r.getMessage()]
    assert len(warnings) == 1
    [a] = seg.analyze(["Three."], "en")
    assert not a.parsed


def test_segment_in_worker_processes_gives_what_one_process_gives():
    texts = ["Ann signed the lease in March 2019. Bo did not.", "Le conseil a refusé l'offre le 3 mars 2021.",
             "• First item\n• Second item", "Rates rose 5 % after the vote!", "Short.", "One more line of text."]
    documents = [Document(id=f"d{i}", text=t, provenance=Provenance("f", i + 1)) for i, t in enumerate(texts * 3)]
    aliases = Aliases({"Ann Lee": ["Ann"]})

    def run(processes):
        segmenter = Segmenter(Settings(nlp=NlpSettings(trained=False), index=IndexSettings(batch_size=2, processes=processes)), aliases)
        return [(d.id, sentences) for d, sentences in segmenter.segment(iter(documents))]

    alone, spread = run(1), run(2)
    assert [d for d, _ in spread] == [d.id for d in documents]
    assert spread == alone
    assert any(s.entities for _, sentences in alone for s in sentences)


NEIGHBOURHOODS = [
    "Alice Martin approved 40 % of the harbor budget. She signed it on 3 May 2019.",
    "We sold 12 ferries with Alice and the team.\n\nThe board refused the non-profit plan.",
    "", "Élan: l'offre de 10 millions d'euros, refusée le 2 mars.",
]


@pytest.mark.parametrize("text", NEIGHBOURHOODS)
def test_segment_neighbourhood_reads_what_the_light_analysis_reads(blank_segmenter, text):
    lang = "fr" if "offre" in text else "en"
    analysis = blank_segmenter.analyze([text], lang, full=False)[0]
    near, without = (blank_segmenter.neighbourhoods([text], lang, quantities=q)[0] for q in (True, False))
    assert (near.text, near.lang, near.keys, near.entities, near.quantities) == \
        (analysis.text, analysis.lang, analysis.keys, analysis.entities, analysis.quantities)
    assert without.keys == analysis.keys and without.quantities == ()


def test_segment_light_tokens_are_the_tokens_the_constructor_makes(blank_segmenter):
    from factcheck.model import Token
    blank_segmenter._memo.clear()
    for token in blank_segmenter.analyze([NEIGHBOURHOODS[0]], "en", full=False)[0].tokens:
        made = Token(token.text, token.lemma, token.start, stop=token.stop, punct=token.punct)
        assert token == made and token.__dict__ == {**made.__dict__, "keys": made.keys}


def test_stop_words_are_spacys_and_telling_languages_apart_imports_neither():
    for lang in ("en", "fr"):
        assert spacy_stop_words(lang) == frozenset(spacy.util.get_lang_class(lang).Defaults.stop_words)
    assert spacy_stop_words("zz") == frozenset()
    # Importing spaCy's French compiles its tokenizer's exceptions (over a second): an English
    # text is told from French by stop words without it.
    probe = ("import sys\nfrom factcheck.text.nlp import detect_language\n"
             "assert detect_language('The board said it would sign.', ('en', 'fr'), 'en') == 'en'\n"
             "assert detect_language('Le conseil a dit qu’il signerait.', ('en', 'fr'), 'en') == 'fr'\n"
             "print('spacy.lang.fr' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
