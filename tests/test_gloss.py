"""The word-by-word gloss through which an entailment model fitted on English reads French."""

from __future__ import annotations

import pytest

from factcheck.config import Settings
from factcheck.errors import InputError
from factcheck.text.gloss import gloss
from factcheck.text.lexicon import Lexicons


@pytest.fixture(scope="module")
def lexicons() -> Lexicons:
    s = Settings()
    return Lexicons(s.nlp.lexicons, glossaries=s.nlp.glossaries, synonyms=s.nlp.synonyms,
                    function_words=s.nlp.function_words)


def _gloss(segmenter, lexicons, text: str) -> str:
    return gloss(segmenter.analyze([text], "fr", full=True)[0], lexicons, "en")


def test_gloss_reads_negations_as_english_does(segmenter, lexicons):
    assert "no longer" in _gloss(segmenter, lexicons, "Je ne suis plus favorable au projet.")
    assert "more" in _gloss(segmenter, lexicons, "Il faut plus de moyens.")
    said = _gloss(segmenter, lexicons, "Nous ne signerons pas l'accord.")
    assert said.startswith("we ") and " not " in f" {said} " and "agreement" in said


def test_gloss_keeps_names_and_figures_and_prefers_function_words(segmenter, lexicons):
    said = _gloss(segmenter, lexicons, "La maire de Vaurenne a versé 45 000 euros.")
    assert said.split()[0] == "the"  # "la", not the glossary's "là" (there)
    assert "Vaurenne" in said and "45" in said and "mayor" in said


def test_gloss_leaves_the_target_language_alone(segmenter, lexicons):
    text = "We will not sign the agreement."
    assert gloss(segmenter.analyze([text], "en", full=True)[0], lexicons, "en") == text


def test_function_words_must_be_strings(tmp_path):
    bad = tmp_path / "fw.yaml"
    bad.write_text("aucun: no\n", encoding="utf-8")  # YAML reads an unquoted no as false
    with pytest.raises(InputError, match="quote"):
        Lexicons({}, function_words={"fr-en": str(bad)}).function_words("fr", "en")
