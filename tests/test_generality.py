"""Nothing of a particular corpus is written into the engine: no names, no claim ids."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def case_words() -> set[str]:
    words: set[str] = set()
    for aliases in (ROOT / "corpus").glob("*/aliases.yaml"):
        for canonical, others in (yaml.safe_load(aliases.read_text()) or {}).items():
            words |= {str(canonical), *map(str, others or [])}
    for claims in (ROOT / "claims").glob("*.yaml"):
        data = yaml.safe_load(claims.read_text())
        items = data.get("claims", []) if isinstance(data, dict) else data
        words |= {str(c["id"]) for c in items}
    return {w for w in words if len(w) >= 4}


# The entailment model's tokenizer holds its encoder's general 30,522-word English vocabulary
# (BERT's), written by others before this project: that "tesla" is one of its words says nothing
# of a case.
VOCABULARIES = {ROOT / "factcheck" / "data" / "entailment" / "tokenizer.json"}


def test_generality_engine_names_no_case():
    words = case_words()
    assert words  # the shipped case exists, so this test has something to look for
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                         + r")(?!\w)", re.IGNORECASE)
    found = []
    for path in (ROOT / "factcheck").rglob("*"):
        if path.is_file() and path.suffix in (".py", ".yaml", ".json", ".j2") and path not in VOCABULARIES:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                match = pattern.search(line)
                if match:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert found == []
