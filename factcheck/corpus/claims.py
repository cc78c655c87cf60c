"""Claims files: read them (YAML or CSV) with line numbers, and append to them safely.

A claims file is a regression suite that people edit by hand, so appending a claim
keeps every other byte - comments, order, quoting, line endings - as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import yaml

from factcheck.atomic import atomic_write
from factcheck.text.dates import parse_date
from factcheck.errors import InputError
from factcheck.model import VERDICTS, Claim, Provenance

CLAIM_FIELDS = ("id", "text", "speaker", "date", "lang", "expect", "tags", "note")


def load_claims(paths: list[Path] | Path | str) -> tuple[list[Claim], list[InputError]]:
    """Claims of every file (or of one), in order, with an error for each claim or file that
    failed."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    claims: list[Claim] = []
    errors: list[InputError] = []
    seen: dict[str, Provenance] = {}
    for path in paths:
        try:
            records = _records(Path(path))
        except InputError as exc:
            errors.append(exc)
            continue
        for line, record in records:
            try:
                claim = _claim(record, str(path), line)
            except InputError as exc:
                errors.append(exc)
                continue
            if claim.id in seen:
                errors.append(InputError(f"duplicate claim id {claim.id!r} (first at {seen[claim.id]})",
                                         path=str(path), line=line))
                continue
            seen[claim.id] = claim.provenance
            claims.append(claim)
    return claims, errors


def _records(path: Path) -> list[tuple[int, object]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8: {exc.reason}", path=str(path),
                         line=data[:exc.start].count(b"\n") + 1) from None
    if path.suffix.lower() == ".csv":
        return _csv_records(text, path)
    return _yaml_records(text, path)


def _yaml_records(text: str, path: Path) -> list[tuple[int, object]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        raise InputError(f"bad YAML: {getattr(exc, 'problem', None) or exc}", path=str(path),
                         line=(mark.line + 1) if mark else None) from None
    if root is None:
        return []
    sequence = _claims_node(root, data, path)
    if sequence is None:
        return []
    items = data if isinstance(data, list) else data.get("claims") or []
    return [(node.start_mark.line + 1, item) for node, item in zip(sequence.value, items)]


def _claims_node(root, data, path: Path):
    if isinstance(root, yaml.SequenceNode):
        return root
    if isinstance(root, yaml.MappingNode) and isinstance(data, dict) and "claims" in data:
        for key, value in root.value:
            if key.value == "claims":
                if isinstance(value, yaml.ScalarNode) and data["claims"] is None:
                    return None
                if not isinstance(value, yaml.SequenceNode):
                    raise InputError("`claims` must be a list", path=str(path),
                                     line=value.start_mark.line + 1)
                return value
    raise InputError("a claims file is a list of claims, or a mapping with a `claims` list",
                     path=str(path), line=root.start_mark.line + 1)


def _csv_records(text: str, path: Path) -> list[tuple[int, object]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return []
    except csv.Error as exc:
        raise InputError(f"broken CSV header: {exc}", path=str(path), line=1) from None
    records = []
    line = reader.line_num + 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            records.append((start, f"row has {len(row)} fields, the header has {len(header)}"))
            continue
        records.append((start, {k: v for k, v in zip(header, row) if v.strip() != ""}))
    return records


def _claim(record, path: str, line: int) -> Claim:
    if isinstance(record, str) and record.startswith("row has"):
        raise InputError(record, path=path, line=line)
    if not isinstance(record, dict):
        raise InputError("a claim must be a mapping with at least `id` and `text`", path=path,
                         line=line)
    unknown = sorted(str(k) for k in set(record) - set(CLAIM_FIELDS))
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(CLAIM_FIELDS)}",
                         path=path, line=line)
    claim_id = record.get("id")
    if claim_id is None or str(claim_id).strip() == "":
        raise InputError("claim has no `id`", path=path, line=line)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"claim {claim_id!r} has no `text`", path=path, line=line)
    expect = record.get("expect")
    if expect is not None and expect not in VERDICTS:
        raise InputError(f"claim {claim_id!r}: unknown expect {expect!r}; one of {', '.join(VERDICTS)}",
                         path=path, line=line)
    date = None
    if record.get("date") not in (None, ""):
        try:
            date = parse_date(record["date"])
        except ValueError:
            raise InputError(f"claim {claim_id!r}: unreadable date {record['date']!r}", path=path,
                             line=line) from None
    tags = record.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in re.split(r"[,;]", tags) if t.strip()]
    if not isinstance(tags, (list, tuple)):
        raise InputError(f"claim {claim_id!r}: `tags` must be a list", path=path, line=line)
    for name in ("speaker", "lang", "note"):
        if record.get(name) is not None and not isinstance(record[name], str):
            raise InputError(f"claim {claim_id!r}: `{name}` must be text", path=path, line=line)
    return Claim(
        id=str(claim_id).strip(), text=text.strip(), speaker=(record.get("speaker") or "").strip() or None,
        date=date, lang=(record.get("lang") or "").strip().lower() or None, expect=expect,
        tags=tuple(str(t) for t in tags), note=record.get("note"),
        provenance=Provenance(path, line=line))


# --- appending ------------------------------------------------------------------------------


def add_claim(path: Path, text: str, *, speaker: str | None = None, date: str | None = None,
              lang: str | None = None, expect: str | None = None, tags: tuple[str, ...] = (),
              note: str | None = None, claim_id: str | None = None) -> Claim:
    """Append a claim with a fresh id; every other byte of the file stays as it was.

    The file is replaced atomically (written beside it, then renamed), so a reader never
    sees half a file.
    """
    path = Path(path)
    existing, errors = load_claims([path]) if path.exists() else ([], [])
    whole_file = [e for e in errors if e.line is None or "bad YAML" in e.reason
                  or "claims file is" in e.reason or "must be a list" in e.reason]
    if whole_file:
        raise whole_file[0]
    record = {"id": claim_id or fresh_id([c.id for c in existing]), "text": text}
    for name, value in (("speaker", speaker), ("date", date), ("lang", lang), ("expect", expect),
                        ("tags", list(tags) or None), ("note", note)):
        if value is not None:
            record[name] = value
    claim = _claim(record, str(path), 0)
    if claim.id in {c.id for c in existing}:
        raise InputError(f"claim id {claim.id!r} already exists", path=str(path))
    data = path.read_bytes() if path.exists() else b""
    if path.suffix.lower() == ".csv":
        updated = _append_csv(data, record)
    else:
        updated = _append_yaml(data, record)
    if (path.read_bytes() if path.exists() else b"") != data:
        # Someone saved the file while we were adding to it: theirs wins, nothing is lost.
        raise InputError("the file changed while the claim was being added; nothing was written",
                         path=str(path), hint="Run add-claim again.")
    atomic_write(path, updated)
    return _claim(record, str(path), _line_of_new(updated, record["id"], path))


def fresh_id(ids: list[str]) -> str:
    """The next id in the file's own numbering ("c-041" after "c-040")."""
    numbered = [re.fullmatch(r"(.*?)(\d+)", i) for i in ids]
    numbered = [m for m in numbered if m]
    if not numbered:
        return f"claim-{len(ids) + 1}"
    prefix, _ = Counter(m[1] for m in numbered).most_common(1)[0]
    same = [m for m in numbered if m[1] == prefix]
    width = max(len(m[2]) for m in same)
    number = max(int(m[2]) for m in same) + 1
    taken = set(ids)
    while f"{prefix}{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}{number:0{width}d}"


def _append_yaml(data: bytes, record: dict) -> bytes:
    text = data.decode("utf-8-sig") if data else ""
    bom = data.startswith(b"\xef\xbb\xbf")
    newline = "\r\n" if "\r\n" in text else "\n"
    unix = text.replace("\r\n", "\n")
    root = yaml.compose(unix, Loader=yaml.SafeLoader) if unix.strip() else None
    if root is None:
        body = unix + ("" if unix.endswith("\n") or not unix else "\n")
        updated = body + "claims:\n" + _item_text(record, 2)
    elif isinstance(root, yaml.SequenceNode):
        updated = _insert_into_sequence(unix, root, record)
    else:
        sequence = next(v for k, v in root.value if k.value == "claims")
        if isinstance(sequence, yaml.ScalarNode) or not sequence.value:
            # `claims:` with nothing (or `[]`) after it: write the list in block style.
            start, end = sequence.start_mark.index, sequence.end_mark.index
            indent = root.value[0][0].start_mark.column + 2
            head = unix[:start].rstrip(" ")
            tail = unix[end:]
            updated = head + ("" if head.endswith("\n") else "\n") + _item_text(record, indent) + \
                (tail[1:] if tail.startswith("\n") else tail)
        else:
            updated = _insert_into_sequence(unix, sequence, record)
    if newline == "\r\n":
        updated = updated.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + updated.encode("utf-8")


def _insert_into_sequence(text: str, sequence, record: dict) -> str:
    if sequence.flow_style:
        raise InputError("cannot append to a claims list written in [flow, style]; "
                         "write it as a block list (one `- ` item per claim)")
    indent = sequence.start_mark.column
    # After the line holding the last item's last value: comments that follow the list
    # (and the node's own end mark, which runs past them) stay after the new claim.
    position = _last_scalar_end(sequence.value[-1])
    if not (position > 0 and text[position - 1] == "\n"):  # block scalars end on a new line
        newline_at = text.find("\n", position)
        position = len(text) if newline_at == -1 else newline_at + 1
    prefix = text[:position]
    if not prefix.endswith("\n"):
        prefix += "\n"
    return prefix + _item_text(record, indent) + text[position:]


def _last_scalar_end(node) -> int:
    if isinstance(node, yaml.ScalarNode):
        return node.end_mark.index
    children = node.value if isinstance(node, yaml.SequenceNode) else [
        part for pair in node.value for part in pair]
    return max((_last_scalar_end(child) for child in children), default=node.start_mark.index)


def _item_text(record: dict, indent: int) -> str:
    dumped = yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=10_000,
                            default_flow_style=False)
    lines = dumped.splitlines()
    pad = " " * indent
    out = [pad + "- " + lines[0]] + [pad + "  " + line for line in lines[1:]]
    return "\n".join(out) + "\n"


def _append_csv(data: bytes, record: dict) -> bytes:
    text = data.decode("utf-8-sig") if data else ""
    newline = "\r\n" if "\r\n" in text or not text else "\n"
    header = next(csv.reader(io.StringIO(text))) if text.strip() else list(CLAIM_FIELDS)
    header = [h.strip() for h in header]
    missing = [k for k in record if k not in header]
    if missing:
        raise InputError(f"the CSV has no column for {', '.join(missing)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    if not text.strip():
        writer.writerow(header)
    values = {k: ";".join(v) if isinstance(v, list) else str(v) for k, v in record.items()}
    writer.writerow([values.get(h, "") for h in header])
    prefix = text if not text or text.endswith(("\n", "\r")) else text + newline
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    return bom + (prefix + out.getvalue()).encode("utf-8")


def _line_of_new(data: bytes, claim_id: str, path: Path) -> int:
    for line, raw in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if claim_id in raw:
            return line
    return 0
