"""factcheck: an offline, evidence-first claim checker.

Point it at a folder of dated primary sources and a file of claims; for every claim it
finds the sentences that support or contradict it, says who wrote each one and when, and
gives a verdict with a confidence and a reason.
"""

__version__ = "0.1.0"

from factcheck.corpus.claims import add_claim, load_claims  # noqa: E402
from factcheck.config import Settings  # noqa: E402
from factcheck.errors import FactcheckError, InputError, StoreBusyError, StoreError  # noqa: E402
from factcheck.corpus.load import load_corpus  # noqa: E402
from factcheck.model import (Claim, CorpusSummary, Document, Evidence, Provenance, Sentence,  # noqa: E402
                     Verdict)
from factcheck.pipeline import Checker, Report, check, index_corpus  # noqa: E402

__all__ = [
    "__version__", "Checker", "Report", "check", "index_corpus", "load_claims", "add_claim",
    "load_corpus", "Settings", "Claim", "CorpusSummary", "Document", "Evidence", "Provenance",
    "Sentence", "Verdict", "FactcheckError", "InputError", "StoreError", "StoreBusyError",
]
