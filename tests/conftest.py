"""Shared fixtures: the small corpus written for the tests, and pipelines loaded once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factcheck import Checker, load_claims
from factcheck.config import NlpSettings, Settings
from factcheck.text.aliases import Aliases
from factcheck.text.nlp import Segmenter

BLANK = Settings(nlp=NlpSettings(trained=False))

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
CLAIMS = FIXTURES / "claims.yaml"


@pytest.fixture(scope="session")
def segmenter() -> Segmenter:
    """Trained pipelines where installed (they are dependencies of the package)."""
    return Segmenter(Settings(), Aliases({"Alice Martin": ("Alice",), "Acme Rail": ("Acme",)}))


@pytest.fixture(scope="session")
def blank_segmenter() -> Segmenter:
    return Segmenter(BLANK, Aliases({"Alice Martin": ("Alice",)}))


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    """A private copy of the test corpus, free to change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target, ignore=shutil.ignore_patterns(".factcheck"))
    return target


@pytest.fixture(scope="session")
def fixture_report(tmp_path_factory):
    """The test claims checked against the test corpus (once per session)."""
    db = tmp_path_factory.mktemp("index") / "index.db"
    claims, errors = load_claims([CLAIMS])
    assert not errors
    with Checker(CORPUS, db=db) as checker:
        return checker.check(claims)
