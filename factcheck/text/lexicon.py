"""Word lists kept as data files (`factcheck/data/`), and matching them in token sequences.

Lexicon entries are base forms; a token matches an entry word when its lower-cased text or
its lemma does, accents folded, so "Refused", "refusé" and "refuse" all reach "refuser"/"refuse".
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Iterable, Sequence

import yaml

DATA_PACKAGE = "factcheck.data"


@functools.cache
def load_data(name: str):
    """A YAML file shipped in factcheck/data (cached: these never change during a run)."""
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


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


SKIPPED = frozenset({"-", "‑", "–", "_", "/"})


@dataclass(frozen=True)
class Match:
    """A lexicon entry found in a token sequence: tokens [start, end) and the entry's value."""

    start: int
    end: int
    entry: tuple[str, ...]
    value: object


class PhraseTable:
    """Longest-match lookup of multi-word entries over token keys."""

    def __init__(self, entries: Iterable[tuple[Sequence[str], object]]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        for words, value in entries:
            words = tuple(words)
            if words:
                self._by_first.setdefault(words[0], []).append((words, value))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def may_match(self, keys: Iterable[frozenset[str]]) -> bool:
        """Whether any token could start an entry: a cheap test before `find`."""
        firsts = self._by_first
        return any(key in firsts for token_keys in keys for key in token_keys)

    def find(self, keys: Sequence[frozenset[str]], *, skip: frozenset[int] = frozenset()) -> list[Match]:
        """Non-overlapping matches, longest first at each position.

        `keys[i]` are the strings token i can be read as; tokens whose keys are only
        joiners (hyphens, slashes) are stepped over, so "non-profit" matches "non profit".
        """
        positions = [i for i, k in enumerate(keys) if not k <= SKIPPED and i not in skip]
        found: list[Match] = []
        p = 0
        while p < len(positions):
            start = positions[p]
            best: Match | None = None
            # Sorted: a set's order changes from run to run with Python's string hashing, and
            # between two matches of the same length the first one found wins.
            for first in sorted(keys[start]):
                for words, value in self._by_first.get(first, ()):
                    if p + len(words) > len(positions):
                        continue
                    span = positions[p:p + len(words)]
                    if all(words[j] in keys[span[j]] for j in range(len(words))):
                        if best is None or len(words) > len(best.entry):
                            best = Match(start, span[-1] + 1, words, value)
                        break
            if best is None:
                p += 1
            else:
                found.append(best)
                p += len(best.entry)
        return found


def entry_words(entry: str, lang: str) -> tuple[str, ...]:
    """Split a lexicon entry the way the tokenizer splits text, so both sides line up."""
    if not isinstance(entry, str):
        # YAML reads bare yes/no/true/on as booleans: quote such words in the data file.
        raise TypeError(f"lexicon entry {entry!r} is not text (quote it in the YAML file)")
    tokens = _tokenizer(lang)(entry)
    return tuple(fold(t.text) for t in tokens if fold(t.text) not in SKIPPED)


@functools.cache
def _tokenizer(lang: str):
    import spacy

    return spacy.blank(lang).tokenizer


@dataclass(frozen=True)
class Lexicon:
    """One language's word lists, compiled for matching."""

    lang: str
    negations: PhraseTable
    implicit_negations: PhraseTable
    contrast: PhraseTable
    hedges: PhraseTable
    reporting_verbs: frozenset[str]
    attitude_verbs: frozenset[str]
    modals: frozenset[str]
    light_verbs: frozenset[str]
    first_person: frozenset[str]
    second_person: frozenset[str]
    qualifiers: PhraseTable
    quantifiers: PhraseTable
    opposites: PhraseTable
    # Every word that appears on a side of an opposition, by (pair name, side): used to widen
    # retrieval. Matches of `opposites` carry the same (pair name, side) as their value.
    opposite_sides: dict[tuple[str, int], tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    def opposite_terms(self, match: Match) -> tuple[tuple[str, ...], ...]:
        group, side = match.value
        return self.opposite_sides.get((group, 1 - side), ())


def _table(words: Iterable[str], lang: str, value=True) -> PhraseTable:
    return PhraseTable((entry_words(w, lang), value) for w in words)


@functools.cache
def lexicon(lang: str) -> Lexicon:
    """The lexicon for `lang`; languages without a file borrow English's (better than none)."""
    try:
        data = load_data(f"lexicon/{lang}.yaml")
    except FileNotFoundError:
        return lexicon("en") if lang != "en" else _empty("en")
    qualifier_entries = [(entry_words(w, lang), kind)
                         for kind, words in data.get("qualifiers", {}).items() for w in words]
    quantifier_entries = [(entry_words(w, lang), kind)
                          for kind, words in data.get("quantifiers", {}).items() for w in words]
    opposite_entries = []
    sides: dict[tuple[str, int], tuple[tuple[str, ...], ...]] = {}
    for group, pair in (data.get("opposites") or {}).items():
        for side, words in enumerate(pair):
            compiled = tuple(entry_words(w, lang) for w in words)
            sides[(group, side)] = compiled
            opposite_entries.extend((c, (group, side)) for c in compiled)
    return Lexicon(
        lang=lang,
        negations=_table(data.get("negations", []), lang),
        implicit_negations=_table(data.get("implicit_negations", []), lang),
        contrast=_table(data.get("contrast", []), lang),
        hedges=_table(data.get("hedges", []), lang),
        reporting_verbs=frozenset(fold(w) for w in data.get("reporting_verbs", [])),
        attitude_verbs=frozenset(fold(w) for w in data.get("attitude_verbs", [])),
        modals=frozenset(fold(w) for w in data.get("modals", [])),
        light_verbs=frozenset(fold(w) for w in data.get("light_verbs", [])),
        first_person=frozenset(fold(w) for w in data.get("pronouns", {}).get("first", [])),
        second_person=frozenset(fold(w) for w in data.get("pronouns", {}).get("second", [])),
        qualifiers=PhraseTable(qualifier_entries),
        quantifiers=PhraseTable(quantifier_entries),
        opposites=PhraseTable(opposite_entries),
        opposite_sides=sides,
    )


def _empty(lang: str) -> Lexicon:
    empty = PhraseTable(())
    none = frozenset()
    return Lexicon(lang, empty, empty, empty, empty, none, none, none, none, none, none, empty, empty,
                   empty)


class Aliases:
    """Canonical entity names and their other names, from a corpus's `aliases.yaml`.

    Matching ignores case and accents; the canonical name is always one of its own names.
    """

    def __init__(self, table: dict[str, tuple[str, ...]] | None = None):
        self.table = {canonical: tuple(dict.fromkeys((canonical, *others)))
                      for canonical, others in (table or {}).items()}
        self._by_name = {fold(name): canonical for canonical, names in self.table.items()
                         for name in names}
        self._tables: dict[str, PhraseTable] = {}

    def __bool__(self) -> bool:
        return bool(self.table)

    def names(self, canonical: str) -> tuple[str, ...]:
        return self.table.get(canonical, (canonical,))

    def phrases(self, lang: str) -> PhraseTable:
        if lang not in self._tables:
            self._tables[lang] = PhraseTable(
                (entry_words(name, lang), canonical)
                for canonical, names in self.table.items() for name in names)
        return self._tables[lang]

    def canonical(self, name: str | None) -> str | None:
        """The canonical entity a name or an author string ("Name <addr>") refers to.

        Unknown names are their own canonical form, cleaned of the address part.
        """
        if not name:
            return None
        display, _, address = name.partition("<")
        display = display.strip().strip('"').strip()
        address = address.rstrip(">").strip()
        for candidate in (display, address, address.split("@")[0], name.strip()):
            if candidate and fold(candidate) in self._by_name:
                return self._by_name[fold(candidate)]
        return display or address or None

    def same(self, a: str | None, b: str | None) -> bool:
        """Whether two names or author strings refer to the same entity."""
        ca, cb = self.canonical(a), self.canonical(b)
        return bool(ca and cb and fold(ca) == fold(cb))

    def digest(self) -> str:
        import hashlib

        return hashlib.sha256(repr(sorted(self.table.items())).encode()).hexdigest()[:16]
