"""Folding: the form words are compared on - lower case, accents removed."""

from __future__ import annotations

import functools
import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: the key words are compared on."""
    # Words are cached (corpora repeat them, and this runs for every token); whole
    # sentences are not: they would push the words out of the cache.
    return _fold_word(text) if len(text) <= 32 else _fold(text)


@functools.lru_cache(maxsize=200_000)
def _fold_word(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
