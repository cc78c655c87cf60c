"""The shape of the package: stages import only what comes before them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from factcheck.config import Settings
from factcheck.engine.stance import FEATURES, load_stance_model
from factcheck.engine.stance.registry import FEATURE_GROUPS
from factcheck.engine.verdict import load_verdict_model
from factcheck.errors import InputError


def imported_by(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_layout_stance_imports_no_storage_or_email():
    modules = imported_by("factcheck.engine.stance")
    # factcheck.corpus holds the email loader; sqlite3 is the store's.
    assert not {m for m in modules if m.startswith(("factcheck.store", "factcheck.corpus", "sqlite3",
                                                     "factcheck.pipeline", "factcheck.render"))}


def test_layout_values_import_no_stage():
    modules = imported_by("factcheck.model")
    assert not {m for m in modules if m.startswith(("factcheck.engine", "factcheck.store", "factcheck.corpus",
                                                     "factcheck.pipeline", "factcheck.render"))}


def test_layout_registry_lists_each_feature_once():
    names = [n for _, group in FEATURE_GROUPS.values() for n in group]
    assert len(names) == len(set(names)) == len(FEATURES)


def test_layout_shipped_weights_name_their_features():
    assert set(load_stance_model("stance_model.json").order) == set(FEATURES)
    assert load_stance_model("stance_model_learned.json").order
    assert load_verdict_model("verdict_model_learned.json").order


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("features"), "does not name its features"),
    (lambda d: d["features"].append("made_up"), "unknown made_up"),
    (lambda d: d["features"].remove("hedged"), "missing hedged"),
    (lambda d: d["weights"].pop("neutral"), "classes"),
])
def test_layout_weights_for_other_features_are_refused(tmp_path, change, message):
    from importlib import resources
    data = json.loads(resources.files("factcheck.data").joinpath("stance_model.json").read_text())
    change(data)
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=message) as caught:
        load_stance_model(str(path))
    assert str(path) in str(caught.value)


def test_layout_settings_round_trip_through_toml(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text('[retrieve]\nlimit = 120\n[stance]\nmodel = "stance_model_learned.json"\nabout_low = 0.25\n'
                    '[score]\nweights = [0.5, 0.3, 0.1, 0.1]\n')
    settings = Settings.from_toml(path)
    assert settings.retrieve.limit == 120 and settings.stance.about_low == 0.25
    assert settings.score.weights == (0.5, 0.3, 0.1, 0.1)
    assert settings.verdict.decisive == Settings().verdict.decisive
    # What a report records is what reads back into the same settings.
    assert Settings.from_dict(settings.describe()) == settings


@pytest.mark.parametrize("text, message", [
    ("[retrieve]\nlimt = 3\n", "unknown setting retrieve.limt"),
    ("[stancee]\n", r"unknown settings table \[stancee\]"),
    ("[retrieve]\nlimit = 'many'\n", "retrieve.limit must be int"),
    ("[retrieve\n", "bad TOML"),
])
def test_layout_bad_settings_file_names_file_and_key(tmp_path, text, message):
    path = tmp_path / "run.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        Settings.from_toml(path)
    assert str(path) in str(caught.value)
