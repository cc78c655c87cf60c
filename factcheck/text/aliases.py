"""Aliases: the canonical name of an entity and its other names, from a corpus's `aliases.yaml`."""

from __future__ import annotations

import hashlib
import re

from factcheck.text.folding import fold
from factcheck.text.lexicon import PhraseTable, entry_words


class Aliases:
    """Canonical entity names and their other names, from a corpus's `aliases.yaml`.

    Matching ignores case and accents; the canonical name is always one of its own names.
    """

    def __init__(self, table: dict[str, tuple[str, ...]] | None = None):
        self.table = {canonical: tuple(dict.fromkeys((canonical, *others)))
                      for canonical, others in (table or {}).items()}
        self._by_name = {fold(name): canonical for canonical, names in self.table.items()
                         for name in names}
        self._tables: dict[str, PhraseTable] = {}

    def __bool__(self) -> bool:
        return bool(self.table)

    def names(self, canonical: str) -> tuple[str, ...]:
        return self.table.get(canonical, (canonical,))

    def phrases(self, lang: str) -> PhraseTable:
        if lang not in self._tables:
            self._tables[lang] = PhraseTable(
                (entry_words(name, lang), canonical)
                for canonical, names in self.table.items() for name in names)
        return self._tables[lang]

    def canonical(self, name: str | None) -> str | None:
        """The canonical entity a name or an author string ("Name <addr>") refers to.

        Unknown names are their own canonical form, cleaned of the address part.
        """
        if not name:
            return None
        display, _, address = name.partition("<")
        display = display.strip().strip('"').strip()
        address = address.rstrip(">").strip()
        for candidate in (display, address, address.split("@")[0], name.strip()):
            if candidate and fold(candidate) in self._by_name:
                return self._by_name[fold(candidate)]
        return display or address or None

    def same(self, a: str | None, b: str | None) -> bool:
        """Whether two names or author strings refer to the same entity: one canonical name,
        or - where the aliases file says nothing - one name the first or last words of the
        other ("Roe" of "Jane Roe"), as people shorten names."""
        ca, cb = self.canonical(a), self.canonical(b)
        if not (ca and cb):
            return False
        ka, kb = fold(ca), fold(cb)
        if ka == kb:
            return True
        if ca in self.table and cb in self.table:
            return False  # two entities the aliases file tells apart
        short, long = sorted((ka.split(), kb.split()), key=len)
        return 0 < len(short) < len(long) and all(len(w) > 2 for w in short) and (
            long[-len(short):] == short or long[:len(short)] == short)

    def speaks_for(self, name: str | None, organisation: str | None) -> bool:
        """Whether `name` (or one of its other names) is the organisation a mail domain names
        ("Acme" for acme-corp.com, "Harbor Cold Chain" for harborcoldchain.com)."""
        if not (name and organisation):
            return False
        label = _compact(organisation)
        parts = {_compact(p) for p in organisation.split("-")}
        canonical = self.canonical(name) or name
        for other in self.names(canonical) + (name,):
            key = _compact(other)
            if len(key) >= 3 and (key == label or key in parts or (len(key) >= 4 and label.startswith(key))):
                return True
        return False

    def digest(self) -> str:
        return hashlib.sha256(repr(sorted(self.table.items())).encode()).hexdigest()[:16]


def _compact(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name))


def mail_organisation(author: str | None) -> str | None:
    """The organisation an author's mail address names: the domain's own label, before its
    public suffix ("jane@mail.acme-corp.co.uk" -> "acme-corp"), or None without an address."""
    found = re.search(r"@([\w.-]+)", author or "")
    if not found:
        return None
    labels = [label for label in found.group(1).lower().split(".") if label]
    if len(labels) < 2:
        return None
    labels = labels[:-1]
    # Second-level suffixes ("co.uk", "com.au", "gouv.fr") are no one's name.
    if len(labels) >= 2 and len(labels[-1]) <= 4 and labels[-1] in {"co", "com", "org", "net", "ac", "gov", "gouv", "edu"}:
        labels = labels[:-1]
    return labels[-1]
