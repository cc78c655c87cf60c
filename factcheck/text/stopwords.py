"""spaCy's stop words for a language, without importing the language itself."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import spacy

from factcheck.text.folding import fold


@functools.cache
def spacy_stop_words(lang: str) -> frozenset[str]:
    """The stop words spaCy's `lang` defines (none for a code it does not know).

    Read from the language's own `stop_words` module alone: importing the language package
    compiles its tokenizer's exception patterns - 1.7 s for French - which telling languages
    apart by their stop words never needs, nor a corpus without a word of that language."""
    path = Path(spacy.__file__).parent / "lang" / lang / "stop_words.py"
    if lang.isidentifier() and path.is_file():
        spec = importlib.util.spec_from_file_location(f"_factcheck_stop_words_{lang}", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            return frozenset(module.STOP_WORDS)
        except Exception:  # noqa: BLE001 - a module that needs its package: import it whole
            pass
    try:
        return frozenset(spacy.util.get_lang_class(lang).Defaults.stop_words)
    except Exception:  # noqa: BLE001 - an unknown language code: no stop words
        return frozenset()


@functools.cache
def folded_stop_words(lang: str) -> frozenset[str]:
    """The same words folded (lower case, no accents), as index keys are."""
    return frozenset(fold(w) for w in spacy_stop_words(lang))
