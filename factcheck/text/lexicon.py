"""Word lists kept as data files (`factcheck/data/`), and matching them in token sequences.

Lexicon entries are base forms; a token matches an entry word when its lower-cased text or
its lemma does, accents folded, so "Refused", "refusé" and "refuse" all reach "refuser"/"refuse".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from factcheck.errors import InputError
from factcheck.text.folding import fold

DATA_PACKAGE = "factcheck.data"
# A corpus's own vocabulary, beside its aliases.yaml.
OVERLAY_FILE = "lexicon.yaml"


@functools.cache
def load_data(name: str):
    """A YAML file shipped in factcheck/data (cached: these never change during a run)."""
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


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
        # A set's isdisjoint runs in C: most tokens start no entry, and a check asks of thousands.
        self._firsts = frozenset(self._by_first)

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def may_match(self, keys: Iterable[frozenset[str]]) -> bool:
        """Whether any token could start an entry: a cheap test before `find`."""
        firsts = self._firsts
        return not all(firsts.isdisjoint(token_keys) for token_keys in keys)

    def find(self, keys: Sequence[frozenset[str]], *, skip: frozenset[int] = frozenset()) -> list[Match]:
        """Non-overlapping matches, longest first at each position.

        `keys[i]` are the strings token i can be read as; tokens whose keys are only
        joiners (hyphens, slashes) are stepped over, so "non-profit" matches "non profit".
        """
        positions = [i for i, k in enumerate(keys) if not k <= SKIPPED and i not in skip]
        found: list[Match] = []
        firsts = self._firsts
        p = 0
        while p < len(positions):
            start = positions[p]
            if firsts.isdisjoint(keys[start]):
                p += 1  # no entry starts with this token (most tokens, cheaply)
                continue
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
    # Modals that, negated, say a refusal or a failure - a fact ("I can't approve it").
    refusing_modals: frozenset[str]
    light_verbs: frozenset[str]
    first_person: frozenset[str]
    second_person: frozenset[str]
    qualifiers: PhraseTable
    quantifiers: PhraseTable
    opposites: PhraseTable
    # Phrases that attribute what follows to a named source ("according to X, ..."): the
    # sentence reports X's words, as a reporting verb does.
    attributions: PhraseTable = field(default_factory=lambda: PhraseTable(()))
    # Reporting verbs that make what follows an allegation, even in the writer's own voice
    # ("we allege that ..."): a report of the claim, not the writer's statement of it.
    allegation_verbs: frozenset[str] = frozenset()
    # Every word that appears on a side of an opposition, by (pair name, side): used to widen
    # retrieval. Matches of `opposites` carry the same (pair name, side) as their value.
    opposite_sides: dict[tuple[str, int], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # Implicit negations that put off rather than refuse when a date follows one of
    # `postponed_to` or a duration one of `postponed_by` ("repoussé de deux semaines, au 3 mai"),
    # and the words that name a duration.
    postponing_verbs: frozenset[str] = frozenset()
    postponed_to: frozenset[str] = frozenset()
    postponed_by: frozenset[str] = frozenset()
    durations: frozenset[str] = frozenset()

    def opposite_terms(self, match: Match) -> tuple[tuple[str, ...], ...]:
        group, side = match.value
        return self.opposite_sides.get((group, 1 - side), ())


def _table(words: Iterable[str], lang: str, value=True) -> PhraseTable:
    return PhraseTable((entry_words(w, lang), value) for w in words)


def read_lexicon_file(path: str | Path, *, kind: type = dict):
    """A lexicon file: a file shipped in factcheck/data by name ("lexicon/en.yaml"), or a path;
    a mapping of lists (or, `kind=list`, a list of groups)."""
    candidate = Path(path)
    try:
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
        else:
            text = resources.files(DATA_PACKAGE).joinpath(str(path)).read_text(encoding="utf-8")
        data = yaml.safe_load(text) or kind()
    except FileNotFoundError:
        raise InputError("lexicon file not found", path=str(path),
                         hint="Name a file of factcheck/data (lexicon/en.yaml) or a path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read this lexicon: {exc}", path=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"bad YAML: {getattr(exc, 'problem', exc)}", path=str(path),
                         line=(mark.line + 1) if mark else None) from None
    if not isinstance(data, kind):
        raise InputError("a lexicon maps list names (negations, opposites, ...) to words" if kind is dict
                         else "a synonyms file is a list of groups of words", path=str(path), line=1)
    return data


def merge_lexicon_data(base: dict, extra: dict) -> dict:
    """`extra`'s words added to `base`'s: lists are extended, tables merged key by key, and
    each side of a named opposition extended, so an overlay only says what it adds."""
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(value, list) and isinstance(old, list):
            merged[key] = old + [v for v in value if v not in old]
        elif isinstance(value, dict) and isinstance(old, dict):
            if key == "opposites":
                groups = {group: [list(side) for side in sides] for group, sides in old.items()}
                for group, sides in value.items():
                    current = groups.setdefault(group, [[], []])
                    for side, words in enumerate(sides):
                        current[side] += [w for w in words if w not in current[side]]
                merged[key] = groups
            else:
                merged[key] = merge_lexicon_data(old, value)
        else:
            merged[key] = value
    return merged


class Lexicons:
    """The word lists of a run, by language: the general files named by the settings, each
    extended by the corpus's own overlay (`lexicon.yaml` beside `aliases.yaml`, one section
    per language), and the bilingual glossaries ("fr-en": a file) that let a claim in one
    language meet a sentence in another. Compiled once per language, for this run only."""

    def __init__(self, files: dict[str, str], overlay: dict | None = None, *, fallback: str = "en",
                 glossaries: dict[str, str] | None = None, synonyms: dict[str, str] | None = None,
                 function_words: dict[str, str] | None = None):
        self.files = dict(files)
        self.function_word_files = dict(function_words or {})
        self._function_words: dict[tuple[str, str], dict[str, str]] = {}
        self.overlay = overlay or {}
        self.fallback = fallback
        self.glossaries = dict(glossaries or {})
        self.synonyms = dict(synonyms or {})
        self._compiled: dict[str, Lexicon] = {}
        self._glosses: dict[tuple[str, str], PhraseTable] = {}

    def glossary(self, source: str, target: str) -> PhraseTable:
        """Words of `source` (single or fixed phrases) to their translations in `target` (their
        synonyms when the two are one language), as a phrase table whose matches carry a tuple
        of translations, each a tuple of words. Empty when no glossary joins the two."""
        if (source, target) not in self._glosses:
            self._glosses[(source, target)] = self._compile_glossary(source, target)
        return self._glosses[(source, target)]

    def function_words(self, source: str, target: str) -> dict[str, str]:
        """`source`'s function words in `target` (lemma or form -> words, "" to drop one), from
        the file the settings name for the pair; {} without one."""
        if (source, target) not in self._function_words:
            name = f"{source}-{target}"
            table = {}
            if name in self.function_word_files:
                path = self.function_word_files[name]
                for key, value in read_lexicon_file(path).items():
                    if not isinstance(key, str) or not isinstance(value, str):
                        raise InputError(f"function word {key!r} must map to a string (quote yes/no/on)",
                                         path=path)
                    table[key.lower()] = value
            self._function_words[(source, target)] = table
        return self._function_words[(source, target)]

    def _compile_glossary(self, source: str, target: str) -> PhraseTable:
        if source == target:
            return self._compile_synonyms(source)
        name, reverse = f"{source}-{target}", False
        if name not in self.glossaries:
            name, reverse = f"{target}-{source}", True
        if name not in self.glossaries:
            return PhraseTable(())
        data = read_lexicon_file(self.glossaries[name])
        translations: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for left, rights in data.items():
            if not isinstance(rights, list):
                raise InputError(f"the glossary's entry {left!r} must list its translations",
                                 path=self.glossaries[name])
            for right in rights:
                src, dst = (right, left) if reverse else (left, right)
                words = entry_words(src, source)
                translated = entry_words(dst, target)
                if words and translated and translated not in translations.setdefault(words, []):
                    translations[words].append(translated)
        return PhraseTable((words, tuple(found)) for words, found in sorted(translations.items()))

    def __getitem__(self, lang: str) -> Lexicon:
        if lang not in self._compiled:
            self._compiled[lang] = self._compile(lang)
        return self._compiled[lang]

    def _compile_synonyms(self, lang: str) -> PhraseTable:
        """Each word or phrase of a synonym group to the group's other members."""
        if lang not in self.synonyms:
            return PhraseTable(())
        path = self.synonyms[lang]
        groups = read_lexicon_file(path, kind=list)
        others: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for n, group in enumerate(groups, start=1):
            if not isinstance(group, list):
                raise InputError(f"synonym group {n} must be a list of words", path=path)
            members = list(dict.fromkeys(w for w in (entry_words(g, lang) for g in group) if w))
            for words in members:
                found = others.setdefault(words, [])
                found += [m for m in members if m != words and m not in found]
        return PhraseTable((words, tuple(found)) for words, found in sorted(others.items()) if found)

    def _compile(self, lang: str) -> Lexicon:
        # A language without a file borrows the fallback's words (better than none).
        source = lang if lang in self.files else self.fallback
        if source not in self.files:
            return _empty(lang)
        data = read_lexicon_file(self.files[source])
        extra = self.overlay.get(source) or {}
        if not isinstance(extra, dict):
            raise InputError(f"the overlay's {source!r} section must map list names to words",
                             path=OVERLAY_FILE)
        return compile_lexicon(merge_lexicon_data(data, extra), lang)


def compile_lexicon(data: dict, lang: str) -> Lexicon:
    """One language's word lists, compiled for matching."""
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
        refusing_modals=frozenset(fold(w) for w in data.get("refusing_modals", [])),
        light_verbs=frozenset(fold(w) for w in data.get("light_verbs", [])),
        first_person=frozenset(fold(w) for w in data.get("pronouns", {}).get("first", [])),
        second_person=frozenset(fold(w) for w in data.get("pronouns", {}).get("second", [])),
        qualifiers=PhraseTable(qualifier_entries),
        quantifiers=PhraseTable(quantifier_entries),
        opposites=PhraseTable(opposite_entries),
        attributions=_table(data.get("attributions", []), lang),
        allegation_verbs=frozenset(fold(w) for w in data.get("allegation_verbs", [])),
        opposite_sides=sides,
        postponing_verbs=frozenset(fold(w) for w in data.get("postponing_verbs", [])),
        postponed_to=frozenset(fold(w) for w in data.get("postponed_to", [])),
        postponed_by=frozenset(fold(w) for w in data.get("postponed_by", [])),
        durations=frozenset(fold(w) for w in data.get("durations", [])),
    )


def _empty(lang: str) -> Lexicon:
    empty = PhraseTable(())
    none = frozenset()
    return Lexicon(lang, empty, empty, empty, empty, none, none, none, none, none, none, none, empty,
                   empty, empty)
