"""Load a corpus folder: files of every supported format into Documents.

Each file is read on its own; a bad record becomes an InputError naming file and line and
the rest of the file and of the corpus still loads. Loading never touches the index.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import yaml

from factcheck.text.dates import parse_date
from factcheck.errors import InputError
from factcheck.corpus.email import RawMessage, iter_mbox, parse_message
from factcheck.model import KINDS, Document, Provenance

FORMATS = {".eml": "eml", ".mbox": "mbox", ".jsonl": "jsonl", ".csv": "csv", ".md": "text",
           ".markdown": "text", ".txt": "text"}
ALIASES_FILE = "aliases.yaml"
# The corpus's own vocabulary, added to the general lexicons (factcheck.text.lexicon).
OVERLAY_FILE = "lexicon.yaml"
RECORD_FIELDS = ("id", "text", "date", "author", "to", "kind", "source", "url", "lang", "title",
                 "translations", "note")
FRONT_MATTER_FIELDS = ("id", "title", "date", "author", "kind", "source", "url", "lang", "to",
                       "note")


@dataclass
class CorpusFile:
    path: Path
    relpath: str
    format: str


@dataclass
class Skipped:
    relpath: str
    reason: str


@dataclass
class Discovery:
    files: list[CorpusFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def discover(root: Path) -> Discovery:
    """The corpus files under `root`, sorted, with what was passed over and why.

    Hidden files and folders (the index lives in `.factcheck/`) are not part of the corpus.
    Symlinked folders are not followed, so a link loop cannot trap the walk.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError("corpus folder not found", path=str(root))
    found = Discovery()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            relpath = path.relative_to(root).as_posix()
            if relpath in (ALIASES_FILE, OVERLAY_FILE):
                continue
            fmt = FORMATS.get(path.suffix.lower())
            if fmt is None:
                found.skipped.append(Skipped(relpath, f"unsupported format {path.suffix or '(none)'}"))
                continue
            if not path.is_file():
                found.skipped.append(Skipped(relpath, "not a regular file (broken link?)"))
                continue
            found.files.append(CorpusFile(path, relpath, fmt))
    return found


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_file(item: CorpusFile) -> Iterator[Document | InputError]:
    """Documents of one file, and an InputError in place of each record that failed."""
    for unit in read_units(item):
        yield from parse_unit(unit)


def read_units(item: CorpusFile) -> Iterator[tuple]:
    """The records of one file, read but not parsed yet where parsing can wait (a mailbox's
    messages, JSON lines): `parse_unit` turns each into the documents and errors `read_file`
    gives, and can run in another process (units are small and picklable)."""
    try:
        if item.format == "mbox":
            with open(item.path, "rb") as stream:
                for raw in iter_mbox(stream):
                    yield ("mbox", item.relpath, raw)
        elif item.format == "jsonl":
            with open(item.path, "rb") as stream:
                for line_no, raw in enumerate(stream, start=1):
                    if raw.strip():
                        yield ("jsonl", item.relpath, line_no, raw)
        else:
            reader = {"eml": _read_eml, "csv": _read_csv, "text": _read_text}[item.format]
            for result in reader(item):
                yield ("read", result)
    except OSError as exc:
        yield ("read", InputError(f"cannot read: {exc.strerror or exc}", path=item.relpath))


def parse_unit(unit: tuple) -> list[Document | InputError]:
    """What one unit of `read_units` holds: a document, or errors, or both."""
    kind = unit[0]
    if kind == "read":
        return [unit[1]]
    if kind == "mbox":
        _, relpath, raw = unit
        try:
            return [parse_message(raw, relpath)]
        except ValueError as exc:
            return [InputError(f"message {raw.number}: {exc}", path=relpath, line=raw.line)]
    _, relpath, line_no, raw = unit
    return list(_jsonl_record(raw, relpath, line_no))


def load_corpus(root: Path) -> tuple[list[Document], list[InputError]]:
    """Every document of a corpus folder, in memory: for notebooks and small corpora."""
    documents: list[Document] = []
    errors: list[InputError] = []
    for item in discover(root).files:
        for result in read_file(item):
            (errors if isinstance(result, InputError) else documents).append(result)
    return documents, errors


# --- emails -------------------------------------------------------------------------------


def _read_eml(item: CorpusFile):
    data = item.path.read_bytes()
    try:
        yield parse_message(RawMessage(data, None, 1), item.relpath)
    except ValueError as exc:
        yield InputError(str(exc), path=item.relpath, line=1)


# --- records: JSON lines and CSV --------------------------------------------------------------


def _jsonl_record(raw: bytes, relpath: str, line_no: int):
    try:
        line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        yield InputError(f"not UTF-8 (byte {exc.start}): {exc.reason}", path=relpath, line=line_no)
        return
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield InputError(f"broken JSON: {exc.msg} (column {exc.colno})", path=relpath, line=line_no)
        return
    yield from _record(record, relpath, line_no, allow_translations=True)


def _read_csv(item: CorpusFile):
    data = item.path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        yield InputError(f"not UTF-8: {exc.reason}", path=item.relpath, line=line)
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield InputError(f"broken CSV header: {exc}", path=item.relpath, line=1)
        return
    header = [h.strip() for h in header]
    row_start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield InputError(f"broken CSV: {exc}", path=item.relpath, line=row_start)
            row_start = reader.line_num + 1
            continue
        line_no, row_start = row_start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield InputError(f"row has {len(row)} fields, the header has {len(header)}",
                             path=item.relpath, line=line_no)
            continue
        record = {k: v for k, v in zip(header, row) if v != ""}
        yield from _record(record, item.relpath, line_no, allow_translations=False)


def _record(record, relpath: str, line: int, *, allow_translations: bool):
    """A Document from a JSON/CSV record, plus errors for what was wrong in it.

    A record with a fixable fault (a bad date, an unknown kind) still loads, without
    that field; only a record without text is dropped.
    """
    if not isinstance(record, dict):
        yield InputError("a record must be an object with a `text`", path=relpath, line=line)
        return
    allowed = RECORD_FIELDS if allow_translations else tuple(f for f in RECORD_FIELDS
                                                             if f != "translations")
    unknown = sorted(set(record) - set(allowed))
    if unknown:
        yield InputError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(allowed)}",
                         path=relpath, line=line)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        yield InputError("record has no text", path=relpath, line=line)
        return
    fields, problems = _common_fields(record, relpath, line)
    yield from problems
    translations = ()
    raw_translations = record.get("translations")
    if raw_translations is not None:
        if isinstance(raw_translations, dict) and all(
                isinstance(k, str) and isinstance(v, str) and v.strip()
                for k, v in raw_translations.items()):
            translations = tuple(sorted(raw_translations.items()))
        else:
            yield InputError('`translations` must map a language to a text: {"en": "..."}',
                             path=relpath, line=line)
    doc_id = _text_field(record.get("id")) or f"{relpath}:{line}"
    yield Document(id=doc_id, text=text, provenance=Provenance(relpath, line=line),
                   translations=translations, **fields)


def _text_field(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _common_fields(record: dict, relpath: str, line: int) -> tuple[dict, list[InputError]]:
    problems: list[InputError] = []
    date = None
    if record.get("date") not in (None, ""):
        try:
            date = parse_date(record["date"])
        except ValueError:
            problems.append(InputError(f"unreadable date {record['date']!r}; loaded as undated",
                                       path=relpath, line=line))
    kind = _text_field(record.get("kind")) or "other"
    if kind not in KINDS:
        problems.append(InputError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}",
                                   path=relpath, line=line))
        kind = "other"
    to = record.get("to")
    if isinstance(to, str):
        recipients = tuple(r.strip() for r in to.split(";") if r.strip())
    elif isinstance(to, list):
        recipients = tuple(str(r).strip() for r in to if str(r).strip())
    else:
        recipients = ()
    lang = _text_field(record.get("lang"))
    return dict(
        date=date, author=_text_field(record.get("author")), recipients=recipients, kind=kind,
        source=_text_field(record.get("source")), url=_text_field(record.get("url")),
        lang=lang.lower() if lang else None, title=_text_field(record.get("title")),
        note=_text_field(record.get("note")),
    ), problems


# --- Markdown and plain text ----------------------------------------------------------------


def _read_text(item: CorpusFile):
    data = item.path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        yield InputError(f"not UTF-8: {exc.reason}; read as Latin-1", path=item.relpath, line=line)
        text = data.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict = {}
    body = text
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1 and text[end + 4:end + 5] in ("\n", ""):
            try:
                loaded = yaml.safe_load(text[4:end])
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                yield InputError(f"bad front matter: {getattr(exc, 'problem', exc)}",
                                 path=item.relpath, line=(mark.line + 2) if mark else 1)
                loaded = {}
            if loaded is not None and not isinstance(loaded, dict):
                yield InputError("front matter must be a mapping", path=item.relpath, line=2)
                loaded = {}
            meta = loaded or {}
            body = text[end + 5:]
    unknown = sorted(set(meta) - set(FRONT_MATTER_FIELDS))
    if unknown:
        yield InputError(f"unknown front matter field(s) {', '.join(map(str, unknown))}",
                         path=item.relpath, line=1)
    if not body.strip():
        yield InputError("document has no text", path=item.relpath, line=1)
        return
    fields, problems = _common_fields(meta, item.relpath, 1)
    yield from problems
    doc_id = _text_field(meta.get("id")) or item.relpath
    yield Document(id=doc_id, text=body, provenance=Provenance(item.relpath, line=1), **fields)


# --- aliases ------------------------------------------------------------------------------


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"bad YAML: {getattr(exc, 'problem', exc)}", path=str(path),
                         line=(mark.line + 1) if mark else None) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8: {exc.reason}", path=str(path)) from None


def load_overlay(root: Path) -> dict:
    """`lexicon.yaml`: the corpus's own words, by language (`en: {opposites: ...}`), added to
    the general lexicons. Missing file: none."""
    path = Path(root) / OVERLAY_FILE
    if not path.exists():
        return {}
    data = _read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError("a lexicon overlay maps a language code (en, fr) to word lists",
                         path=str(path), line=1)
    return data


def load_aliases(root: Path) -> dict[str, tuple[str, ...]]:
    """`aliases.yaml`: canonical name -> other names. Missing file: no aliases."""
    path = Path(root) / ALIASES_FILE
    if not path.exists():
        return {}
    data = _read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("aliases must map a canonical name to a list of other names",
                         path=str(path), line=1)
    aliases: dict[str, tuple[str, ...]] = {}
    for canonical, others in data.items():
        if isinstance(others, str):
            others = [others]
        if others is None:
            others = []
        if not isinstance(others, list) or not all(isinstance(o, (str, int)) for o in others):
            raise InputError(f"aliases of {canonical!r} must be a list of names", path=str(path),
                             line=_line_of_key(path, str(canonical)))
        aliases[str(canonical)] = tuple(str(o) for o in others)
    return aliases


def _line_of_key(path: Path, key: str) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(key) or line.startswith(f'"{key}"') or line.startswith(f"'{key}'"):
            return number
    return None
