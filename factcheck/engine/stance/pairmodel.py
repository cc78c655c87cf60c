"""A learned claim-evidence pair scorer: supports / refutes / neutral, from features.

No inference model can be installed offline here, so stance is learned from features of the
pair that a person can read back: how much of the claim the evidence covers and the reverse,
which words sit on one side only, words swapped at the same place ("Minogue" where the claim
has "Madonna"), negations, hedges, opposite words and comparison directions present on one side
only, and numbers and dates aligned by their neighbouring words that agree or not. Beside those
dense, named features, hashed sparse ones (claim-only words, swapped word pairs, negated words,
binned dense features crossed with each other) let the model learn from data what no list says.

The weights (`data/pair_model.npz`, written by `bench/train_pairs.py`) name their features, hash
size, version, word-list digest and training data; a file that does not match this code is an
`InputError`. Inference is numpy only.

    model = PairModel.load()
    claim, evidence = segmenter.analyze([claim_text, evidence_text], lang, full=False)
    model.probabilities(claim, evidence)  # {"supports": p, "refutes": p, "neutral": p}
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import yaml

from factcheck.errors import InputError
from factcheck.text.folding import fold
from factcheck.text.lexicon import DATA_PACKAGE
from factcheck.model import Analysis

CLASSES = ("supports", "refutes", "neutral")
FORMAT = "factcheck-pairmodel"
VERSION = 1
DEFAULT_WEIGHTS = "pair_model.npz"
DEFAULT_WORDS = "pair_words.yaml"

DENSE = (
    "claim_coverage", "evidence_coverage", "bigram_coverage", "longest_run", "exact_copy",
    "claim_only", "evidence_only", "claim_length", "evidence_length", "length_ratio",
    "capital_missing", "capital_extra", "sentence_coverage", "sentence_negation_mismatch",
    "swaps", "swap_capital", "swap_number", "swap_opposite",
    "negation_claim", "negation_evidence", "negation_mismatch",
    "hedge_claim", "hedge_evidence", "hedge_mismatch",
    "opposite", "direction_conflict", "quantifier_conflict", "reporting_evidence",
    "contrast_evidence", "falsity_claim", "falsity_evidence",
    "number_claim", "number_match", "number_mismatch", "number_missing", "number_higher",
    "number_lower", "number_evidence_only", "number_satisfied", "number_violated",
    "number_evidence_bound", "number_approximate",
    "date_claim", "date_match", "date_mismatch", "date_missing", "date_later", "date_earlier",
    "date_satisfied", "date_violated",
    "lang_fr",
)
# A number's bound: what the comparator before it says of the true value.
BOUNDS = ("above", "at_least", "below", "at_most", "about")


@dataclass(frozen=True)
class PairWords:
    """The word lists of `data/pair_words.yaml`, folded, with the file's digest."""

    single: dict[str, frozenset[str]]  # list name -> single-word entries
    multi: dict[str, tuple[tuple[str, ...], ...]]  # list name -> multi-word entries
    opposite_sides: dict[str, tuple[tuple[int, int], ...]]  # word -> ((pair index, side), ...)
    # Comparator phrases (folded words) by bound, longest first.
    comparators: tuple[tuple[tuple[str, ...], str], ...]
    digest: str

    LISTS = ("negations", "hedges", "more", "less", "universal", "partial", "reporting", "contrast", "falsity")

    @classmethod
    def load(cls, name: str | Path = DEFAULT_WORDS) -> PairWords:
        raw = _read_bytes(name)
        try:
            data = yaml.safe_load(raw.decode("utf-8"))
            single, multi = {}, {}
            for key in cls.LISTS:
                words = [fold(str(w)) for lang_words in data[key].values() for w in lang_words]
                single[key] = frozenset(w for w in words if " " not in w)
                multi[key] = tuple(tuple(w.split()) for w in words if " " in w)
            sides: dict[str, list[tuple[int, int]]] = {}
            for index, pair in enumerate(data["opposites"]):
                for side, words in enumerate(pair):
                    for w in words:
                        sides.setdefault(fold(str(w)), []).append((index, side))
            comparators = sorted(((tuple(fold(str(w)).split()), bound) for bound in BOUNDS
                                  for lang_words in data["comparators"][bound].values() for w in lang_words),
                                 key=lambda item: -len(item[0]))
        except (KeyError, TypeError, AttributeError, ValueError, yaml.YAMLError) as error:
            raise InputError(f"not a pair word-list file ({error})", path=str(name)) from error
        return cls(single, multi, {w: tuple(v) for w, v in sides.items()}, tuple(comparators),
                   hashlib.sha256(raw).hexdigest()[:16])


def _read_bytes(name: str | Path) -> bytes:
    path = Path(name)
    try:
        if path.is_absolute() or path.exists():
            return path.read_bytes()
        return resources.files(DATA_PACKAGE).joinpath(str(name)).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read ({error.strerror or error})", path=str(name)) from error


@dataclass(frozen=True)
class _Side:
    """One text of the pair as the features need it: words without punctuation."""

    texts: tuple[str, ...]  # folded surface forms
    keys: tuple[frozenset[str], ...]
    content: tuple[bool, ...]
    capital: tuple[bool, ...]
    numeric: tuple[bool, ...]
    starts: tuple[int, ...]
    sentence: tuple[int, ...]  # the sentence each word is in, counted from 0
    all_keys: frozenset[str]
    analysis: Analysis

    @classmethod
    def of(cls, analysis: Analysis) -> _Side:
        words, sentence, number = [], [], 0
        for t in analysis.tokens:
            if t.punct:
                number += t.text in (".", "!", "?", ";")
                continue
            words.append(t)
            sentence.append(number)
        texts = tuple(fold(t.text) for t in words)
        keys = tuple(t.keys for t in words)
        capital = []
        for i, t in enumerate(words):
            # A capital after a sentence start says a name; at the start it says nothing.
            after_stop = i == 0 or analysis.text[max(0, t.start - 2):t.start].strip() in {".", "!", "?", "\"", "«"}
            capital.append(t.text[:1].isupper() and not after_stop and t.content)
        return cls(texts, keys, tuple(t.content for t in words), tuple(capital),
                   tuple(any(c.isdigit() for c in t.text) for t in words),
                   tuple(t.start for t in words), tuple(sentence),
                   frozenset().union(*keys) if keys else frozenset(), analysis)

    def hits(self, words: PairWords, name: str) -> list[int]:
        """Positions of the words of list `name`."""
        table = words.single[name]
        found = [i for i, k in enumerate(self.keys) if not table.isdisjoint(k)]
        for entry in words.multi[name]:
            n = len(entry)
            found += [i for i in range(len(self.texts) - n + 1) if self.texts[i:i + n] == entry]
        if found and self.analysis.dates:
            # Words of a date are not function words: "in May" is no hedge.
            spans = [(d.start, d.end) for d in self.analysis.dates]
            found = [i for i in found if not any(s <= self.starts[i] < e for s, e in spans)]
        return found

    def bound(self, words: PairWords, start: int) -> str | None:
        """The comparator right before the character `start` ("more than" 17), if any."""
        before = [i for i, s in enumerate(self.starts) if s < start][-4:]
        texts = tuple(self.texts[i] for i in before)
        for phrase, bound in words.comparators:
            if len(phrase) <= len(texts) and texts[len(texts) - len(phrase):] == phrase:
                return bound
        return None

    def context(self, start: int, end: int, window: int) -> frozenset[str]:
        """Content words within `window` words of the characters [start, end)."""
        inside = [i for i, s in enumerate(self.starts) if start <= s < end]
        if not inside:
            return frozenset()
        lo, hi = max(0, inside[0] - window), min(len(self.texts), inside[-1] + window + 1)
        # The counted noun inside the span ("24 million sales") places the number best of all.
        return frozenset(self.texts[i] for i in range(lo, hi) if self.content[i] and not self.numeric[i])


def _bin(value: float, edges: Sequence[float]) -> int:
    return sum(value > e for e in edges)


@dataclass(frozen=True)
class PairFeaturizer:
    """Turns a pair of analyses into named dense features and named sparse features.

    Its settings are saved with the weights (a model is only valid with the features it was
    fitted on)."""

    words: PairWords
    # Neighbouring words either side that place a number in its sentence.
    window: int = 3
    # Evidence-only words kept as sparse features: those this close to a word the claim shares
    # (a long passage's other words say nothing about the claim).
    near: int = 2
    # Bins of the coverage features for the crossed sparse features.
    coverage_edges: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 0.95)
    # Languages whose pairs get word-identity sparse features (LEXICAL); None: all. A language
    # with few training pairs gets its words memorised rather than learned: leave it out.
    lexical_languages: tuple[str, ...] | None = None

    def settings(self) -> dict:
        return {"window": self.window, "near": self.near, "coverage_edges": list(self.coverage_edges),
                "lexical_languages": list(self.lexical_languages) if self.lexical_languages is not None else None}

    def both(self, claim: Analysis, evidence: Analysis) -> tuple[dict[str, float], dict[str, float]]:
        c, e = _Side.of(claim), _Side.of(evidence)
        dense = dict.fromkeys(DENSE, 0.0)
        sparse: dict[str, float] = {}
        c_content = [i for i, f in enumerate(c.content) if f]
        e_content = [i for i, f in enumerate(e.content) if f]
        c_shared = [i for i in c_content if not c.keys[i].isdisjoint(e.all_keys)]
        e_shared = [i for i in e_content if not e.keys[i].isdisjoint(c.all_keys)]
        c_only = [i for i in c_content if i not in set(c_shared)]
        e_only_set = set(e_content) - set(e_shared)
        dense["claim_coverage"] = len(c_shared) / len(c_content) if c_content else 0.0
        dense["evidence_coverage"] = len(e_shared) / len(e_content) if e_content else 0.0
        dense["claim_only"] = math.log1p(len(c_only))
        dense["evidence_only"] = math.log1p(len(e_only_set))
        dense["claim_length"] = math.log1p(len(c_content))
        dense["evidence_length"] = math.log1p(len(e_content))
        dense["length_ratio"] = math.log((len(e_content) + 1) / (len(c_content) + 1))
        e_bigrams = set(zip(e.texts, e.texts[1:]))
        c_bigrams = list(zip(c.texts, c.texts[1:]))
        dense["bigram_coverage"] = (sum(b in e_bigrams for b in c_bigrams) / len(c_bigrams)) if c_bigrams else 0.0
        dense["longest_run"] = _longest_run(c.texts, e.texts) / max(1, len(c.texts))
        dense["exact_copy"] = float(c.texts == e.texts)
        dense["capital_missing"] = float(sum(c.capital[i] for i in c_only))
        dense["capital_extra"] = float(sum(e.capital[i] for i in e_only_set))
        dense["lang_fr"] = float(claim.lang == "fr")
        # A long passage: what counts is its sentence closest to the claim, not the whole.
        by_sentence: dict[int, set[str]] = {}
        for j in e_content:
            by_sentence.setdefault(e.sentence[j], set()).update(e.keys[j])
        best, best_cover = None, 0.0
        for number, keys in by_sentence.items():
            cover = sum(1 for i in c_content if not c.keys[i].isdisjoint(keys)) / len(c_content) if c_content else 0.0
            if cover > best_cover:
                best, best_cover = number, cover
        dense["sentence_coverage"] = best_cover

        lexical = self.lexical_languages is None or claim.lang in self.lexical_languages
        self._words(c, e, c_only, e_only_set, e_shared, dense, sparse)
        if not lexical:
            sparse = {n: v for n, v in sparse.items() if n.split(":", 1)[0] not in LEXICAL}
        return self._rest(claim, c, e, dense, sparse, lexical, best)

    def _words(self, c, e, c_only, e_only_set, e_shared, dense, sparse) -> None:
        """Words on one side only, and words swapped at the same place."""
        for i in c_only:
            sparse["co:" + c.texts[i]] = 1.0
            if i > 0:
                sparse[f"cob:{c.texts[i - 1]}_{c.texts[i]}"] = 1.0
        near = {j for i in e_shared for j in range(i - self.near, i + self.near + 1)}
        for j in sorted(e_only_set & near):
            sparse["eo:" + e.texts[j]] = 1.0

        # Swaps: a claim-only word whose neighbour matches the neighbour of an evidence-only word.
        e_left: dict[str, list[int]] = {}
        e_right: dict[str, list[int]] = {}
        for j in e_only_set:
            if j > 0:
                e_left.setdefault(e.texts[j - 1], []).append(j)
            if j + 1 < len(e.texts):
                e_right.setdefault(e.texts[j + 1], []).append(j)
        swaps = 0
        for i in c_only:
            found = set()
            if i > 0:
                found.update(e_left.get(c.texts[i - 1], ()))
            if i + 1 < len(c.texts):
                found.update(e_right.get(c.texts[i + 1], ()))
            for j in sorted(found)[:2]:
                swaps += 1
                a, b = c.texts[i], e.texts[j]
                sparse[f"sw:{a}|{b}"] = 1.0
                dense["swap_capital"] += float(c.capital[i] and e.capital[j])
                dense["swap_number"] += float(c.numeric[i] and e.numeric[j])
                if _opposed(self.words, c.keys[i], e.keys[j]):
                    dense["swap_opposite"] += 1.0
        dense["swaps"] = float(swaps)

    def _rest(self, claim, c, e, dense, sparse, lexical, best) -> tuple[dict[str, float], dict[str, float]]:
        """Function words, numbers and dates, and the crossed bins."""

        # Lists of function words: what matters is one side having them and the other not.
        for name, key in (("negations", "negation"), ("hedges", "hedge")):
            ch, eh = c.hits(self.words, name), e.hits(self.words, name)
            dense[f"{key}_claim"] = float(len(ch))
            dense[f"{key}_evidence"] = float(len(eh))
            dense[f"{key}_mismatch"] = float(bool(ch) != bool(eh))
            if name == "negations" and best is not None:
                in_best = any(e.sentence[h] == best for h in eh)
                dense["sentence_negation_mismatch"] = float(bool(ch) != in_best)
            if name == "negations":
                for side, s, hits in (("c", c, ch), ("e", e, eh)):
                    other = e if side == "c" else c
                    for h in hits:
                        for k in range(h + 1, min(len(s.texts), h + 4)):
                            if s.content[k] and not s.keys[k].isdisjoint(other.all_keys):
                                if lexical:
                                    sparse[f"neg{side}:{s.texts[k]}"] = 1.0
                                break
        c_more, c_less = bool(c.hits(self.words, "more")), bool(c.hits(self.words, "less"))
        e_more, e_less = bool(e.hits(self.words, "more")), bool(e.hits(self.words, "less"))
        dense["direction_conflict"] = float((c_more and e_less and not e_more) or (c_less and e_more and not e_less))
        c_all, c_some = bool(c.hits(self.words, "universal")), bool(c.hits(self.words, "partial"))
        e_all, e_some = bool(e.hits(self.words, "universal")), bool(e.hits(self.words, "partial"))
        dense["quantifier_conflict"] = float((c_all and e_some and not e_all) or (c_some and e_all and not c_all))
        dense["reporting_evidence"] = float(bool(e.hits(self.words, "reporting")))
        dense["contrast_evidence"] = float(bool(e.hits(self.words, "contrast")))
        dense["falsity_claim"] = float(bool(c.hits(self.words, "falsity")))
        dense["falsity_evidence"] = float(bool(e.hits(self.words, "falsity")))
        dense["opposite"] = float(_opposite_count(self.words, c, e))

        self._numbers(c, e, dense)
        self._dates(c, e, dense)

        # Binned copies crossed with the signs of disagreement: a linear model cannot otherwise
        # learn that a negation matters on a sentence about the claim and not on another.
        cov = _bin(dense["claim_coverage"], self.coverage_edges)
        sparse[f"bin:cov{cov}"] = 1.0
        sparse[f"bin:ecov{_bin(dense['evidence_coverage'], self.coverage_edges)}"] = 1.0
        sparse[f"bin:big{_bin(dense['bigram_coverage'], self.coverage_edges)}"] = 1.0
        sparse[f"bin:run{_bin(dense['longest_run'], self.coverage_edges)}"] = 1.0
        sparse[f"bin:sent{_bin(dense['sentence_coverage'], self.coverage_edges)}"] = 1.0
        sparse[f"bin:len{_bin(dense['length_ratio'], (-0.5, 0.0, 0.5, 1.0, 2.0))}"] = 1.0
        for name in ("negation_mismatch", "hedge_mismatch", "opposite", "direction_conflict",
                     "quantifier_conflict", "number_mismatch", "number_missing", "number_match",
                     "number_satisfied", "number_violated", "date_satisfied", "date_violated",
                     "date_mismatch", "date_match", "date_missing", "swaps", "swap_capital",
                     "swap_number", "capital_missing", "sentence_negation_mismatch", "contrast_evidence",
                     "falsity_evidence", "lang_fr"):
            if dense[name]:
                level = min(2, int(dense[name]))
                sparse[f"x:{name}{level}|cov{cov}"] = 1.0
                if claim.lang == "fr":
                    sparse[f"fr:{name}{level}|cov{cov}"] = 1.0
        return dense, sparse

    def _numbers(self, c: _Side, e: _Side, dense: dict[str, float]) -> None:
        cq, eq = c.analysis.quantities, e.analysis.quantities
        dense["number_claim"] = float(len(cq))
        used = set()
        for q in cq:
            q_context = c.context(q.start, q.end, self.window)
            # The evidence number about the same thing: same unit or counted noun, the same
            # neighbouring words, and (between equals) the one that agrees.
            best, best_score = None, 0
            for k, r in enumerate(eq):
                score = 2 * q.comparable(r) + len(q_context & e.context(r.start, r.end, self.window))
                if score == 0 and not (q.unit or r.unit) and len(cq) == len(eq) == 1:
                    score = 0.5  # one bare number each side: most likely the same slot
                score += 0.5 * q.agrees(r)
                if score > best_score:
                    best, best_score = k, score
            if best is None:
                dense["number_missing"] += 1
                continue
            used.add(best)
            r = eq[best]
            bound = c.bound(self.words, q.start)
            if e.bound(self.words, r.start) not in (None, "about"):
                dense["number_evidence_bound"] += 1
            if bound in ("above", "at_least", "below", "at_most"):
                ok = {"above": r.value > q.high, "at_least": r.value >= q.value * 0.999,
                      "below": r.high < q.value, "at_most": r.high <= q.high * 1.001}[bound]
                dense["number_satisfied" if ok else "number_violated"] += 1
                continue
            if bound == "about" or e.bound(self.words, r.start) == "about":
                dense["number_approximate"] += 1
            if q.agrees(r, tolerance=0.1 if bound == "about" else 0.02):
                dense["number_match"] += 1
                continue
            dense["number_mismatch"] += 1
            if r.value > q.high:
                dense["number_higher"] += 1
            else:
                dense["number_lower"] += 1
        dense["number_evidence_only"] = float(len(set(range(len(eq))) - used))

    def _dates(self, c: _Side, e: _Side, dense: dict[str, float]) -> None:
        cd, ed = c.analysis.dates, e.analysis.dates
        dense["date_claim"] = float(len(cd))
        for d in cd:
            if d.relation in ("before", "after", "since", "by", "until") and ed:
                # "Before 2016" is a bound: any evidence date on the wrong side breaks it.
                ok = all((x.date.before(d.date) if d.relation in ("before", "by", "until")
                          else not x.date.before(d.date)) for x in ed)
                dense["date_satisfied" if ok else "date_violated"] += 1
                continue
            if any(d.date.overlaps(x.date) for x in ed):
                dense["date_match"] += 1
                continue
            if not ed:
                dense["date_missing"] += 1
                continue
            context = c.context(d.start, d.end, self.window)
            best = max(ed, key=lambda x: (len(context & e.context(x.start, x.end, self.window)), x.date.precision == d.date.precision))
            dense["date_mismatch"] += 1
            if best.date.after(d.date):
                dense["date_later"] += 1
            elif best.date.before(d.date):
                dense["date_earlier"] += 1


def _longest_run(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest run of words `a` and `b` share, in order."""
    if not a or not b:
        return 0
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best = current[j]
        previous = current
    return best


def _opposed(words: PairWords, a: frozenset[str], b: frozenset[str]) -> bool:
    sides_a = {s for k in a for s in words.opposite_sides.get(k, ())}
    sides_b = {s for k in b for s in words.opposite_sides.get(k, ())}
    return any((pair, 1 - side) in sides_b for pair, side in sides_a)


def _opposite_count(words: PairWords, c: _Side, e: _Side) -> int:
    """Opposite pairs with one side in the claim only and the other in the evidence only."""
    def sides(s: _Side) -> set[tuple[int, int]]:
        return {x for k in s.keys for w in k for x in words.opposite_sides.get(w, ())}
    cs, es = sides(c), sides(e)
    return sum(1 for pair, side in cs if (pair, 1 - side) in es and (pair, side) not in es
               and (pair, 1 - side) not in cs)


# Sparse features that name words (the rest name feature levels and bins).
LEXICAL = frozenset({"co", "cob", "eo", "sw", "negc", "nege"})


def hash_index(name: str, size: int) -> int:
    # crc32, not hash(): Python salts str hashes per process, and the weights outlive it.
    return zlib.crc32(name.encode("utf-8")) % size


@dataclass(frozen=True)
class PairModel:
    """A fitted linear pair scorer over DENSE (standardised) and hashed sparse features."""

    featurizer: PairFeaturizer
    mean: np.ndarray  # (len(DENSE),)
    scale: np.ndarray
    # (3, 2 * len(DENSE)): weights of the standardised dense features, then of the same
    # features again on French pairs only (a French pair's evidence is worded differently).
    dense_weights: np.ndarray
    hashed_weights: np.ndarray  # (3, hash_size)
    bias: np.ndarray  # (3,)
    temperature: float = 1.0
    meta: dict = field(default_factory=dict)
    # Optional boosted trees over the raw dense features, added to the linear logits with
    # weight `tree_weight` (see TREE_ARRAYS); None: linear only.
    trees: dict[str, np.ndarray] | None = None
    tree_weight: float = 0.0

    @property
    def hash_size(self) -> int:
        return self.hashed_weights.shape[1]

    # --- loading and saving -------------------------------------------------------------------

    @classmethod
    def load(cls, name: str | Path = DEFAULT_WEIGHTS, words: str | Path = DEFAULT_WORDS) -> PairModel:
        """The weights file `name` (in factcheck/data, or a path) with the word lists it was
        fitted with; anything that does not match this code raises InputError."""
        raw = _read_bytes(name)
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            meta = json.loads(str(arrays.pop("meta")))
        except (ValueError, OSError, KeyError, EOFError, json.JSONDecodeError) as error:
            raise InputError(f"not a pair model weights file ({error})", path=str(name)) from error
        pair_words = PairWords.load(words)
        problems = []
        if meta.get("format") != FORMAT or meta.get("version") != VERSION:
            problems.append(f"format {meta.get('format')!r} version {meta.get('version')!r}, "
                            f"expected {FORMAT!r} version {VERSION}")
        if tuple(meta.get("dense", ())) != DENSE:
            problems.append("its dense features are not this code's")
        if tuple(meta.get("classes", ())) != CLASSES:
            problems.append(f"classes {meta.get('classes')!r}")
        if meta.get("words_digest") != pair_words.digest:
            problems.append(f"fitted with word lists {meta.get('words_digest')!r}, "
                            f"{words} is {pair_words.digest!r}: refit")
        shapes = {"mean": (len(DENSE),), "scale": (len(DENSE),), "dense_weights": (3, 2 * len(DENSE)),
                  "hashed_weights": (3, meta.get("hash_size", -1)), "bias": (3,)}
        for key, shape in shapes.items():
            if key not in arrays or arrays[key].shape != shape:
                problems.append(f"array {key!r} missing or not of shape {shape}")
        trees = None
        if meta.get("tree_weight"):
            trees = {k: arrays.get("tree_" + k) for k in TREE_ARRAYS}
            missing = [k for k, v in trees.items() if v is None]
            if missing:
                problems.append(f"tree arrays missing: {', '.join(missing)}")
            elif (trees["feature"].max(initial=0) >= len(DENSE) or trees["baseline"].shape != (3,)
                  or trees["klass"].shape[0] != trees["feature"].shape[0]):
                problems.append("tree arrays inconsistent with the dense features")
        if problems:
            raise InputError("pair model weights do not match this code: " + "; ".join(problems),
                             path=str(name))
        settings = meta.get("featurizer") or {}
        lexical = settings.get("lexical_languages")
        featurizer = PairFeaturizer(pair_words, int(settings.get("window", 3)), int(settings.get("near", 2)),
                                    tuple(settings.get("coverage_edges", (0.2, 0.4, 0.6, 0.8, 0.95))),
                                    tuple(lexical) if lexical is not None else None)
        return cls(featurizer, arrays["mean"].astype(float), arrays["scale"].astype(float),
                   arrays["dense_weights"].astype(float), arrays["hashed_weights"].astype(np.float32),
                   arrays["bias"].astype(float), float(meta.get("temperature", 1.0)), meta,
                   trees, float(meta.get("tree_weight") or 0.0))

    def save(self, path: str | Path) -> None:
        meta = dict(self.meta) | {"format": FORMAT, "version": VERSION, "dense": list(DENSE),
                                  "classes": list(CLASSES), "hash_size": self.hash_size,
                                  "words_digest": self.featurizer.words.digest,
                                  "featurizer": self.featurizer.settings(),
                                  "temperature": self.temperature,
                                  "tree_weight": self.tree_weight if self.trees else 0.0}
        trees = {"tree_" + k: v for k, v in (self.trees or {}).items()}
        with open(path, "wb") as handle:
            np.savez_compressed(handle, meta=np.array(json.dumps(meta)), mean=self.mean, scale=self.scale,
                                dense_weights=self.dense_weights,
                                hashed_weights=self.hashed_weights.astype(np.float16), bias=self.bias, **trees)

    # --- scoring ------------------------------------------------------------------------------

    def features(self, claim: Analysis, evidence: Analysis) -> dict[str, float]:
        """The named dense features of the pair."""
        return self.featurizer.both(claim, evidence)[0]

    def sparse_features(self, claim: Analysis, evidence: Analysis) -> dict[str, float]:
        """The named sparse features (hashed into the model's `hash_size` slots when scored)."""
        return self.featurizer.both(claim, evidence)[1]

    def dense_vector(self, dense: dict[str, float]) -> np.ndarray:
        x = (np.array([dense[n] for n in DENSE]) - self.mean) / self.scale
        return np.concatenate([x, x * dense["lang_fr"]])

    def logits(self, dense: dict[str, float], sparse: dict[str, float]) -> np.ndarray:
        z = self.dense_weights @ self.dense_vector(dense) + self.bias
        if self.trees is not None and self.tree_weight:
            z = z + self.tree_weight * tree_scores(self.trees, np.array([dense[n] for n in DENSE]))
        if sparse:
            index = np.fromiter((hash_index(n, self.hash_size) for n in sparse), dtype=np.int64)
            values = np.fromiter(sparse.values(), dtype=float)
            z = z + self.hashed_weights[:, index] @ values
        return z

    def probabilities(self, claim: Analysis, evidence: Analysis) -> dict[str, float]:
        """P(supports), P(refutes), P(neutral) of the evidence towards the claim (calibrated)."""
        dense, sparse = self.featurizer.both(claim, evidence)
        return dict(zip(CLASSES, _softmax(self.logits(dense, sparse) / self.temperature).tolist()))

    def score_texts(self, segmenter, claim: str, evidence: str, lang: str) -> dict[str, float]:
        """`probabilities` of two texts, read by `segmenter` (a factcheck.segment.Segmenter) on its
        light path, as the model was fitted."""
        a, b = segmenter.analyze([claim, evidence], lang, full=False)
        return self.probabilities(a, b)

    def explain(self, claim: Analysis, evidence: Analysis, top: int = 5) -> list[tuple[str, float]]:
        """The features that pushed the predicted class most, with their contributions
        (dense features by name; sparse ones by their readable names too)."""
        dense, sparse = self.featurizer.both(claim, evidence)
        k = int(np.argmax(self.logits(dense, sparse)))
        others = [i for i in range(3) if i != k]
        x = self.dense_vector(dense)
        margin = self.dense_weights[k] - self.dense_weights[others].mean(axis=0)
        names = DENSE + tuple("fr*" + n for n in DENSE)
        items = [(n, float(margin[i] * x[i])) for i, n in enumerate(names) if x[i] and dense[n.removeprefix("fr*")]]
        for n, v in sparse.items():
            h = hash_index(n, self.hash_size)
            w = self.hashed_weights[k, h] - self.hashed_weights[others, h].mean()
            items.append((n, float(w * v)))
        return sorted(items, key=lambda t: -abs(t[1]))[:top]


# Boosted trees as padded arrays, one row per tree (n trees, m nodes): the split feature and
# threshold of each node (x <= threshold goes left), its children, whether it is a leaf and its
# value; the class each tree scores; and the per-class starting score.
TREE_ARRAYS = ("feature", "threshold", "left", "right", "leaf", "value", "klass", "baseline")


def tree_scores(trees: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Per-class raw scores of the trees for one dense vector: all trees walked at once."""
    rows = np.arange(trees["feature"].shape[0])
    node = np.zeros(len(rows), dtype=np.int64)
    for _ in range(trees["feature"].shape[1]):
        leaf = trees["leaf"][rows, node]
        if leaf.all():
            break
        go_left = x[trees["feature"][rows, node]] <= trees["threshold"][rows, node]
        node = np.where(leaf, node, np.where(go_left, trees["left"][rows, node], trees["right"][rows, node]))
    scores = trees["baseline"].astype(float).copy()
    np.add.at(scores, trees["klass"], trees["value"][rows, node])
    return scores


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def featurize_many(featurizer: PairFeaturizer, pairs: Iterable[tuple[Analysis, Analysis]],
                   hash_size: int) -> tuple[np.ndarray, list[int], list[int], list[float], list[bool]]:
    """Dense matrix and COO parts of the hashed matrix, for fitting (bench/train_pairs.py),
    with whether each sparse entry is LEXICAL."""
    dense_rows, rows, cols, vals, lexical = [], [], [], [], []
    for r, (claim, evidence) in enumerate(pairs):
        dense, sparse = featurizer.both(claim, evidence)
        dense_rows.append([dense[n] for n in DENSE])
        for n, v in sparse.items():
            rows.append(r)
            cols.append(hash_index(n, hash_size))
            vals.append(v)
            lexical.append(n.split(":", 1)[0] in LEXICAL)
    return np.array(dense_rows, dtype=float).reshape(-1, len(DENSE)), rows, cols, vals, lexical
