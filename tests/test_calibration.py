"""The rules' confidence as a probability: a per-verdict logistic map fitted on benchmarks'
train claims (bench.calibrate_rules), applied after the rules decide."""

from __future__ import annotations

import json

import pytest

from bench.calibrate_rules import cross_validated_error, fit, fit_map
from factcheck.engine.verdict import Outcome, load_calibration
from factcheck.errors import InputError


def write(tmp_path, weights):
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"features": ["score"], "weights": weights}), encoding="utf-8")
    return str(path)


def test_a_calibration_maps_each_verdict_and_says_so(tmp_path):
    calibration = load_calibration(write(tmp_path, {"supported": {"score": 4.0, "bias": -2.0},
                                                    "not_enough_evidence": {"score": 0.0, "bias": 0.0}}))
    supported = calibration(Outcome("supported", 0.9, "why"))
    assert supported.calibrated and supported.confidence == pytest.approx(1 / (1 + 2.718281828 ** -1.6), abs=1e-3)
    assert calibration(Outcome("not_enough_evidence", 1.0, "why")).confidence == 0.5
    # A verdict the file has no map for keeps the rules' score, said as uncalibrated.
    mixed = calibration(Outcome("mixed", 0.7, "why"))
    assert mixed.confidence == 0.7 and not mixed.calibrated
    # A probability from a learned weighing is left alone.
    learned = Outcome("supported", 0.3, "why", calibrated=True)
    assert calibration(learned) is learned


def test_a_bad_calibration_file_is_refused_naming_it(tmp_path):
    with pytest.raises(InputError, match="unknown verdicts"):
        load_calibration(write(tmp_path, {"true": {"score": 1.0, "bias": 0.0}}))
    with pytest.raises(InputError, match="slope"):
        load_calibration(write(tmp_path, {"supported": {"slope": 1.0}}))


def test_the_shipped_calibration_loads():
    calibration = load_calibration("rules_calibration.json")
    assert set(calibration.maps) <= {"supported", "contradicted", "mixed", "not_enough_evidence"}


def test_fitted_maps_follow_how_often_the_rules_are_right():
    # The rules' "not enough evidence" is right 70 % of the time whatever its score; their
    # "supported" is right more often the higher its score.
    rows = [("not_enough_evidence", 1.0, n % 10 < 7) for n in range(200)]
    rows += [("supported", s / 100, (n * 37) % 100 < s) for n, s in enumerate(range(20, 100)) for _ in range(3)]
    maps = fit(rows)
    slope, intercept = maps["not_enough_evidence"]
    assert abs(1 / (1 + 2.718281828 ** -(slope + intercept)) - 0.7) < 0.05
    assert maps["supported"][0] > 1.0
    raw, calibrated = cross_validated_error(rows)
    assert calibrated < raw
    # Too few examples: the share right, smoothed, whatever the score.
    assert fit_map([0.9, 0.8], [True, False])[0] == 0.0
