"""Verdict: from per-sentence stances to one verdict per claim, with a confidence and a reason;
and what a report shows of the claim's sentences (`placement`)."""

from factcheck.engine.verdict.decide import (CLAIM_FEATURES, Calibration, Outcome, VerdictModel, claim_features,
                                             decide, load_calibration, load_verdict_model)
from factcheck.engine.verdict.placement import appearances, claimant_record, place, shown

__all__ = ["CLAIM_FEATURES", "Calibration", "Outcome", "VerdictModel", "appearances", "claim_features", "claimant_record",
           "decide", "load_calibration", "load_verdict_model", "place", "shown"]
