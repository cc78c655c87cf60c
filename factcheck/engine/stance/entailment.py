"""An entailment model: a small transformer that reads the claim and the evidence together.

Word features see which words two texts share; a cross-encoder can see that "let go of 300
employees" restates "laid off 300 workers" though the two share hardly a word (this one leans
that way; comparisons such as "below 8 °C" / "above 8 °C" still escape it). The model (`data/entailment/`: an int8 ONNX file, its
tokenizer and a `model.json` that says what it was fitted on) is written by
`bench/train_entailment.py` and run with onnxruntime: nothing is downloaded, no torch at run time.

    model = EntailmentModel.load("entailment")
    model.probabilities_many([(claim, model.evidence(sentence, author, date, recipients))])

Its probabilities are two features of the learned stance model (`features/entailment.py`),
beside the explainable ones: a reader is shown its reading as one reason among the others.
"""

from __future__ import annotations

import email.utils
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from factcheck.errors import InputError

FORMAT = "factcheck-entailment"
VERSION = 1
CLASSES = ("supports", "refutes", "neutral")
FILES = ("model.onnx", "tokenizer.json", "model.json")


def writer_name(author: str | None) -> str | None:
    """A display name from an author field ("Jane Roe <jane@x>" -> "Jane Roe")."""
    if not author:
        return None
    name, _ = email.utils.parseaddr(author)
    name = (name or author).strip().strip('"')
    if "@" in name:
        name = name.split("@")[0].replace(".", " ").title()
    return name or None


# What a model reads of a sentence's record beside its text (model.json's `evidence_fields`):
# the first models read the writer only; later ones the date and the readers too, so that
# "you" has someone to stand for and "in January" something to be checked against.
WRITER_ONLY = ("author",)
CONTEXT_FIELDS = ("author", "date", "to")


def evidence_text(evidence: str, author: str | None, date: str | None = None,
                  recipients: Sequence[str] = (), fields: Sequence[str] = WRITER_ONLY) -> str:
    """The evidence as the model was fitted to read it (bench.train_entailment writes its
    pairs the same way): "Jane Roe (2023-01-12, to Sam Lee): text" with every field, "Jane Roe:
    text" with the writer only, the text alone when nothing is known."""
    name = writer_name(author) if "author" in fields else None
    context = []
    if "date" in fields and date:
        context.append(str(date)[:10])
    if "to" in fields and recipients:
        readers = [n for n in (writer_name(r) for r in recipients[:3]) if n]
        if readers:
            context.append("to " + ", ".join(readers))
    if not name and not context:
        return evidence
    head = name or "Unknown"
    return f"{head} ({', '.join(context)}): {evidence}" if context else f"{head}: {evidence}"


def _folder(name: str) -> Path:
    path = Path(name)
    if path.is_dir():
        return path
    try:
        shipped = resources.files("factcheck.data").joinpath(name)
        with resources.as_file(shipped) as found:
            if Path(found).is_dir():
                return Path(found)
    except (OSError, ModuleNotFoundError):
        pass
    raise InputError("no entailment model here (a folder with model.onnx, tokenizer.json and model.json)",
                     path=name, hint="Name a folder of factcheck/data (e.g. entailment) or a path; "
                                     "bench/train_entailment.py writes one.")


@dataclass(frozen=True)
class EntailmentModel:
    folder: Path
    tokenizer: Any = field(repr=False, compare=False)
    meta: dict = field(default_factory=dict, compare=False)
    threads: int = 1
    _sessions: list = field(default_factory=list, repr=False, compare=False)

    @property
    def session(self):
        """onnxruntime's session, made when first read, not at load: a check indexes first,
        and the index's forked workers would each carry a copy of it."""
        if not self._sessions:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            self._sessions.append(onnxruntime.InferenceSession(
                str(self.folder / "model.onnx"), options, providers=["CPUExecutionProvider"]))
        return self._sessions[0]

    @property
    def evidence_fields(self) -> tuple[str, ...]:
        """What of a sentence's record it was fitted to read beside the text."""
        return tuple(self.meta.get("evidence_fields", WRITER_ONLY))

    def evidence(self, text: str, author: str | None, date: str | None = None,
                 recipients: Sequence[str] = ()) -> str:
        return evidence_text(text, author, date, recipients, self.evidence_fields)

    @property
    def languages(self) -> frozenset[str]:
        """The languages it was fitted to read (model.json's `languages`)."""
        return frozenset(self.meta.get("languages", ("en",)))

    @property
    def glossed(self) -> frozenset[str]:
        """The languages it was fitted to read as word-by-word English glosses (text/gloss.py)."""
        return frozenset(self.meta.get("glossed", ()))

    @classmethod
    def load(cls, name: str, *, threads: int = 1) -> EntailmentModel:
        """The model in a folder (shipped in factcheck/data by name, or a path); `threads` is
        onnxruntime's per-call thread count (one: the engine's workers are the parallelism)."""
        from tokenizers import Tokenizer

        folder = _folder(name)
        missing = [f for f in FILES if not (folder / f).is_file()]
        if missing:
            raise InputError(f"the entailment model lacks {', '.join(missing)}", path=str(folder))
        try:
            meta = json.loads((folder / "model.json").read_text("utf-8"))
        except ValueError as error:
            raise InputError(f"cannot read model.json ({error})", path=str(folder / "model.json")) from None
        if meta.get("format") != FORMAT or meta.get("version") != VERSION or tuple(meta.get("classes", ())) != CLASSES:
            raise InputError(f"not a {FORMAT} model of version {VERSION} with classes {list(CLASSES)}",
                             path=str(folder / "model.json"),
                             hint="Refit it with bench/train_entailment.py for this version.")
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(int(meta.get("max_length", 128)), strategy="longest_first")
        tokenizer.no_padding()
        return cls(folder, tokenizer, meta, threads)

    def probabilities_many(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        """Supports / refutes / neutral for each (claim, evidence) pair, in order. Each pair runs
        alone: the int8 model scales its activations over the whole input, so in a padded batch
        a pair's reading would depend on its neighbours (batches were no faster on a CPU)."""
        temperature = float(self.meta.get("temperature", 1.0))
        out = []
        for encoding in self.tokenizer.encode_batch([(c or " ", e or " ") for c, e in pairs]):
            inputs = {"input_ids": np.array([encoding.ids], dtype=np.int64),
                      "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
                      "token_type_ids": np.array([encoding.type_ids], dtype=np.int64)}
            (logits,) = self.session.run(["logits"], inputs)
            scores = [float(x) / temperature for x in logits[0]]
            top = max(scores)
            exps = [math.exp(x - top) for x in scores]
            total = sum(exps)
            out.append({label: x / total for label, x in zip(CLASSES, exps)})
        return out

    def probabilities(self, claim: str, evidence: str) -> dict[str, float]:
        return self.probabilities_many([(claim, evidence)])[0]
