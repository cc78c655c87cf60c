"""factcheck: an offline, evidence-first claim checker.

Point it at a folder of dated primary sources and a file of claims; for every claim it
finds the sentences that support or contradict it, says who wrote each one and when, and
gives a verdict with a confidence and a reason.

The names below are imported on first use, so that importing one stage (say
`factcheck.engine.stance`) does not load every other one.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Checker": "factcheck.pipeline", "check": "factcheck.pipeline", "index_corpus": "factcheck.pipeline",
    "load_claims": "factcheck.corpus.claims", "add_claim": "factcheck.corpus.claims",
    "load_corpus": "factcheck.corpus.load", "Settings": "factcheck.config",
    **{name: "factcheck.model" for name in ("Claim", "CorpusSummary", "Document", "Evidence", "Provenance",
                                            "Report", "Sentence", "Verdict")},
    **{name: "factcheck.errors" for name in ("FactcheckError", "InputError", "StoreError", "StoreBusyError")},
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'factcheck' has no attribute {name!r}")
