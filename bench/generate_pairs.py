"""Claim-evidence pairs with known labels, generated from a corpus of primary sources.

After FactCC (Kryściński et al. 2020, "Evaluating the factual consistency of abstractive text
summarization"): rule-based rewrites of a source sentence give claims whose label follows from
the rewrite. Here the source sentence has an author, a date and recipients, so the rewrites are
those a claim about a primary source makes:

- supports: the author's first person restated in the third person with their name ("I
  recommend the budget" by Jane Roe -> "Jane Roe recommended the budget"), reported speech
  ("Jane Roe said that ..."), "According to Jane Roe, ...";
- refutes: the same negated (or a negation taken away), an antonym swapped in, a number, a year
  or a month changed, another person of the corpus put in place of one named in the sentence;
- neutral: a modal put in ("Jane Roe might recommend ..."), a hedged report ("... may have
  suggested that ..."), and a claim made from another document's sentence;
- text-invisible (label from the metadata only, `text_only: false`): the sentence reported as
  said by someone else, or on another date. They test a checker's attribution, not a pair
  scorer that reads only the two texts; bench.train_pairs leaves them out.

    python -m bench.generate_pairs CORPUS_DIR [...] --out pairs.jsonl
    python -m bench.generate_pairs --make-mail DIR   # a small generated mail corpus to run it on

English and French. Word lists: bench/generate_pairs.yaml.
"""

from __future__ import annotations

import argparse
import collections
import email.utils
import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from factcheck import load_corpus
from factcheck.config import NlpSettings, Settings
from factcheck.engine.stance.entailment import writer_name as _person
from factcheck.text.nlp import Segmenter

WORDS = yaml.safe_load((Path(__file__).with_suffix(".yaml")).read_text(encoding="utf-8"))
MIN_WORDS, MAX_WORDS = 5, 45
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def _pick(key: str, n: int) -> int:
    """A deterministic choice among n, by `key`."""
    return int(hashlib.sha256(key.encode()).hexdigest(), 16) % n


MONTHS = frozenset(m for lang in ("en", "fr") for m in WORDS[lang]["months"])


def _lower_first(text: str, keep: frozenset[str] = frozenset()) -> str:
    """`text` as the rest of a sentence; names (`keep`, months, "I", acronyms) keep their case."""
    first = re.split(r"[\s,:;]", text, maxsplit=1)[0]
    if first in ("I", "I'm") or first in keep or first in MONTHS or any(c.isupper() for c in first[1:]):
        return text
    return text[:1].lower() + text[1:]


def _clause(text: str, keep: frozenset[str] = frozenset()) -> str:
    # An opening quote mark without its closing one reads as an error once reported.
    return _lower_first(text.strip().lstrip("«“\"'‘ ").rstrip(".!?;:").strip(), keep)


def _sub_word(text: str, old: str, new: str) -> str | None:
    """`text` with the first whole word `old` (any case) replaced by `new` (case kept)."""
    match = re.search(rf"(?<![\w'’]){re.escape(old)}(?![\w'’])", text, re.IGNORECASE)
    if not match:
        return None
    found = match.group(0)
    if found[:1].isupper():
        new = new[:1].upper() + new[1:]
    return text[:match.start()] + new + text[match.end():]


# --- English -------------------------------------------------------------------------------------


def _en_past(verb: str) -> str:
    table = WORDS["en"]["past"]
    low = verb.lower()
    if low in table:
        return table[low]
    if low.endswith("e"):
        return verb + "d"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ied"
    return verb + "ed"


ADVERBS = {"also", "just", "still", "really", "only", "even", "already", "certainly", "strongly",
           "fully", "personally", "definitely", "actually", "truly"}


def en_restate(sentence: str, subject: str) -> dict[str, str] | None:
    """Third-person forms of a first-person English sentence: restated, negated, modal."""
    m = re.search(r"(?<![\w'’])I(?:['’](m|ve|ll|d))?\s+", sentence)
    if not m:
        return None
    rest = sentence[m.end():]
    adverb = ""
    word = re.match(r"(\w+?)(n['’]t|)(?![\w'’])(\s+not\b)?", rest)
    if word and word.group(1).lower() in ADVERBS:
        adverb = word.group(1) + " "
        rest = rest[word.end():].lstrip()
        word = re.match(r"(\w+?)(n['’]t|)(?![\w'’])(\s+not\b)?", rest)
    if not word:
        return None
    verb, negated_here = word.group(1), bool(word.group(2) or word.group(3))
    tail = rest[word.end():]
    past = WORDS["en"]["past"]
    forms: dict[str, str] = {}
    if m.group(1):  # "I'm sure", "I've asked": the contraction is the auxiliary
        head = past[{"m": "am", "ve": "have", "ll": "will", "d": "would"}[m.group(1)]]
        body = f"{adverb}{verb}{tail}"
        forms = {"restated": f"{head} {body}", "negated": f"{head} not {body}"}
    elif verb.lower() in WORDS["en"]["auxiliaries"] or verb.lower() == "does":
        head = past.get(verb.lower(), verb.lower())
        if negated_here:
            follow = re.match(r"\s*(\w+)", tail)
            if not follow:
                return None
            forms["restated"] = f"{head} not {adverb}{tail.lstrip()}"
            if head == "did":  # "I don't want X" -> "... wanted X": the negation taken away
                forms["negated"] = f"{adverb}{_en_past(follow.group(1))}{tail[follow.end():]}"
            else:
                forms["negated"] = f"{head} {adverb}{tail.lstrip()}"
        else:
            forms = {"restated": f"{adverb}{head}{tail}", "negated": f"{head} not {adverb}{tail.lstrip()}"}
            if verb.lower() == "am":
                forms["modal"] = f"might {adverb}be{tail}"
    else:
        if negated_here:
            return None
        forms = {"restated": f"{adverb}{_en_past(verb)}{tail}", "negated": f"did not {adverb}{verb}{tail}",
                 "modal": f"might {adverb}{verb}{tail}"}
    before = _lower_first(sentence[:m.start()]) if m.start() else ""
    out = {}
    for kind, text in forms.items():
        for old, new in WORDS["en"]["possessives"].items():
            text = re.sub(rf"(?<![\w'’]){old}(?![\w'’])", new, text)
        text = (before + subject + " " + re.sub(r"\s+", " ", text).strip()).strip()
        out[kind] = text[:1].upper() + text[1:]
    return out


def en_negate(sentence: str) -> str | None:
    """Negate the first auxiliary, or take an existing negation away."""
    m = re.search(r"\b(\w+)n['’]t\b", sentence)
    if m:
        base = {"wo": "will", "ca": "can", "sha": "shall"}.get(m.group(1).lower(), m.group(1))
        return sentence[:m.start()] + base + sentence[m.end():]
    m = re.search(r"\b(not|never)\s+", sentence)
    if m:
        return sentence[:m.start()] + sentence[m.end():]
    m = re.search(r"\b(is|are|was|were|will|can|could|should|would|has|have|had|must)\b", sentence)
    if m:
        return sentence[:m.end()] + " not" + sentence[m.end():]
    return None


# --- French --------------------------------------------------------------------------------------


def _fr_third(verb: str) -> str:
    table = WORDS["fr"]["third"]
    low = verb.lower()
    if low in table:
        return table[low]
    if low.endswith("ds"):
        return verb[:-1]
    if low.endswith(("s", "x")) and not low.endswith("es"):
        return verb[:-1] + "t"
    if low.endswith("es"):
        return verb[:-1]
    return verb


def fr_restate(sentence: str, subject: str) -> dict[str, str] | None:
    """Third-person forms of a first-person French sentence: restated and negated."""
    m = re.search(r"(?<![\w'’])(?:[Jj]e\s+|[Jj]['’])(?:(ne\s+|n['’])?)(\w+)(\s+(?:pas|plus|jamais)\b)?", sentence)
    if not m:
        return None
    ne, verb, pas = m.group(1), m.group(2), m.group(3)
    third = _fr_third(verb)
    head, tail = sentence[:m.start()], sentence[m.end():]
    for old, new in WORDS["fr"]["possessives"].items():
        tail = re.sub(rf"(?<![\w'’]){re.escape(old)}(?![\w'’])", new, tail) if not old.endswith("'") else \
            re.sub(rf"(?<![\w'’]){re.escape(old)}", new, tail)
    if ne and pas:
        restated = f"{subject} {ne.strip() if ne.strip() == 'ne' else ne}{' ' if ne.strip() == 'ne' else ''}{third}{pas}"
        negated = f"{subject} {third}"
    elif ne or pas:
        return None
    else:
        restated = f"{subject} {third}"
        elided = third[:1].lower() in "aeiouéèêàh"
        negation = "n'" if elided else "ne "
        negated = f"{subject} {negation}{third} pas"
    head = _lower_first(head) if head else head
    out = {"restated": head + restated + tail, "negated": head + negated + tail}
    return {k: v.strip()[:1].upper() + v.strip()[1:] for k, v in out.items()}


def fr_negate(sentence: str) -> str | None:
    m = re.search(r"\b(ne\s+|n['’])(\w+)\s+(pas|jamais|plus)\b\s*", sentence)
    if m:
        return sentence[:m.start()] + m.group(2) + " " + sentence[m.end():]
    m = re.search(r"\b(est|sont|était|étaient|sera|seront|a|ont|avait|avaient|peut|peuvent|doit|doivent|va|vont)\b", sentence)
    if m:
        elided = m.group(1)[0] in "aeiouéè"
        return sentence[:m.start()] + ("n'" if elided else "ne ") + m.group(1) + " pas" + sentence[m.end():]
    return None


# --- swaps ---------------------------------------------------------------------------------------


def antonym_swap(sentence: str, lang: str) -> str | None:
    for a, b in WORDS[lang]["antonyms"]:
        for old, new in ((a, b), (b, a)):
            swapped = _sub_word(sentence, str(old), str(new))
            if swapped:
                return swapped
    return None


def number_swap(sentence: str, key: str) -> str | None:
    m = re.search(r"(?<![\w.,])(\d+(?:[.,]\d+)?)(?![\w])", sentence)
    if not m:
        return None
    text = m.group(1)
    if re.fullmatch(r"(19|20)\d\d", text):
        new = str(int(text) + (1 + _pick(key, 3)) * (1 if _pick(key + "s", 2) else -1))
    elif "." in text or "," in text:
        sep = "." if "." in text else ","
        value = float(text.replace(",", "."))
        new = f"{value * (2 + _pick(key, 3)):.{len(text.split(sep)[1])}f}".replace(".", sep)
    else:
        value = int(text)
        new = str(value * (2 + _pick(key, 3)) if value > 1 else value + 2 + _pick(key, 5))
    return sentence[:m.start(1)] + new + sentence[m.end(1):]


def month_swap(sentence: str, lang: str, key: str) -> str | None:
    months = WORDS[lang]["months"]
    for i, month in enumerate(months):
        if re.search(rf"\b{month}\b", sentence, re.IGNORECASE):
            other = months[(i + 1 + _pick(key, 10)) % 12]
            return _sub_word(sentence, month, other)
    return None


def actor_swap(sentence: str, names: list[str], key: str, exclude: tuple[str, ...] = ()) -> str | None:
    present = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", sentence)]
    if not present or len(names) < 2:
        return None
    name = present[0]
    others = [n for n in names if n not in exclude and not any(n.split()[-1] in p for p in present)]
    if not others:
        return None
    return sentence.replace(name, others[_pick(key, len(others))], 1)


# --- pairs ---------------------------------------------------------------------------------------


def variants(sentence: str, lang: str, author: str, names: list[str], key: str) -> list[tuple[str, str, str, bool]]:
    """(kind, claim, label, text_only) derived from one sentence written by `author`."""
    t = WORDS[lang]
    out: list[tuple[str, str, str, bool]] = []
    restate = en_restate if lang == "en" else fr_restate
    negate = en_negate if lang == "en" else fr_negate
    first = restate(sentence, author)
    keep = frozenset(w for n in names for w in n.split())
    clause = _clause(sentence, keep)

    def frame(text: str) -> str:
        """A supported claim made of `text` (already rewritten): restated or reported."""
        again = restate(text, author)
        if again:
            return again["restated"]
        return t["said"].format(author=author, clause=_clause(text, keep))

    if first:
        out.append(("restated", first["restated"], "supports", True))
        out.append(("negated", first["negated"], "refutes", True))
        if first.get("modal"):
            out.append(("modal", first["modal"], "neutral", True))
    else:
        out.append(("reported", t["said"].format(author=author, clause=clause), "supports", True))
        out.append(("according", t["according"].format(author=author, clause=clause), "supports", True))
        out.append(("not_said", t["not_said"].format(author=author, clause=clause), "refutes", True))
        negated = negate(sentence)
        if negated:
            out.append(("negated", frame(negated), "refutes", True))
    if not first:
        # A first-person sentence cannot be reported as is ("X said that I ..."): its neutral
        # variant is the modal one above.
        out.append(("hedged", t["hedged_said"].format(author=author, clause=clause), "neutral", True))
    for kind, changed in (("antonym", antonym_swap(sentence, lang)),
                          ("number", number_swap(sentence, key)),
                          ("month", month_swap(sentence, lang, key)),
                          ("actor", actor_swap(sentence, names, key, (author,)))):
        if changed and changed != sentence:
            out.append((kind, frame(changed), "refutes", True))
    others = [n for n in names if n != author and n.split()[-1] not in author and n not in sentence]
    if others:
        other = others[_pick(key + "author", len(others))]
        swapped = restate(sentence, other)["restated"] if first else t["said"].format(author=other, clause=clause)
        out.append(("author_swap", swapped, "refutes", False))
    return out


def _shift_date(iso: str, key: str) -> str:
    year = int(iso[:4]) + (1 + _pick(key, 3)) * (1 if _pick(key + "d", 2) else -1)
    return str(year) + iso[4:]


def generate(folders: list[Path], segmenter: Segmenter | None = None) -> list[dict]:
    segmenter = segmenter or Segmenter(Settings(nlp=NlpSettings(trained=False)))
    documents = []
    for folder in folders:
        found, errors = load_corpus(Path(folder))
        documents += found
    names = sorted({n for d in documents for n in [_person(d.author)] + [_person(r) for r in d.recipients] if n},
                   key=lambda n: (-len(n), n))
    sentences = []
    for document, found in segmenter.segment(documents):
        for s in found:
            author = _person(s.author)
            words = WORD.findall(s.text)
            if not author or not (MIN_WORDS <= len(words) <= MAX_WORDS) or s.lang not in WORDS:
                continue
            sentences.append((document, s, author))
    rows = []
    for index, (document, s, author) in enumerate(sentences):
        key = f"{document.id}|{s.field}|{s.start}"
        base = {"evidence": s.text.strip(), "lang": s.lang, "source": "generated", "group": s.text.strip(),
                "author": author, "date": s.date.iso if s.date else None,
                "to": [p for p in (_person(r) for r in document.recipients) if p]}
        for n, (kind, claim, label, text_only) in enumerate(variants(s.text.strip(), s.lang, author, names, key)):
            rows.append({"id": f"gen-{hashlib.sha1(key.encode()).hexdigest()[:10]}-{n}", "claim": claim,
                         "label": label, "kind": kind, "text_only": text_only, **base})
        if s.date:
            day = s.date.precision in ("day", "time")
            when = {"en": "On {date}, {claim}" if day else "In {date}, {claim}",
                    "fr": "Le {date}, {claim}" if day else "En {date}, {claim}"}[s.lang]
            reported = {"en": "{author} wrote that {clause}", "fr": "{author} a écrit que {clause}"}[s.lang]
            keep = frozenset(w for n in names for w in n.split())
            first = (en_restate if s.lang == "en" else fr_restate)(s.text.strip(), author)
            claim = (_lower_first(first["restated"], keep) if first
                     else reported.format(author=author, clause=_clause(s.text, keep)))
            rows.append({"id": f"gen-{hashlib.sha1(key.encode()).hexdigest()[:10]}-date", "kind": "date_swap",
                         "claim": when.format(date=_shift_date(s.date.iso, key), claim=claim), "label": "refutes",
                         "text_only": False, **base})
        # Unrelated: another document's sentence, reported with its own author.
        others = [i for i, (d, _, _) in enumerate(sentences) if d.id != document.id and sentences[i][1].lang == s.lang]
        if others:
            o_doc, o_s, o_author = sentences[others[_pick(key + "other", len(others))]]
            claim = WORDS[s.lang]["said"].format(author=o_author, clause=_clause(o_s.text, frozenset(
                w for n in names for w in n.split())))
            rows.append({"id": f"gen-{hashlib.sha1(key.encode()).hexdigest()[:10]}-unrelated", "kind": "unrelated",
                         "claim": claim, "label": "neutral", "text_only": True, **base})
    return rows


# --- a small generated mail corpus ---------------------------------------------------------------

PEOPLE = [("Jane Roe", "jane.roe@example.org", "en"), ("John Doe", "john.doe@example.org", "en"),
          ("Mary Major", "mary.major@example.org", "en"), ("Richard Miles", "richard.miles@example.org", "en"),
          ("Claire Dubois", "claire.dubois@example.fr", "fr"), ("Paul Martin", "paul.martin@example.fr", "fr"),
          ("Sophie Bernard", "sophie.bernard@example.fr", "fr"), ("Luc Moreau", "luc.moreau@example.fr", "fr")]
TEMPLATES = {
    "en": ["I recommend the budget of {n} dollars for next year.",
           "I think we should open the new office in {month}.",
           "We will hire {n} engineers before the end of {year}.",
           "I don't want to sell the company to {other}.",
           "I agree with {other} that the plan is too expensive.",
           "The board approved the merger in {month} {year}.",
           "I am worried that sales will decrease by {n} percent.",
           "I support the proposal to reduce travel costs.",
           "Our revenue was {n} million dollars in {year}.",
           "I have asked {other} to prepare the annual report.",
           "I expect the project to be late by {n} weeks.",
           "The new product will launch in {month}."],
    "fr": ["Je recommande le budget de {n} euros pour l'année prochaine.",
           "Je pense que nous devons ouvrir le nouveau bureau en {month}.",
           "Nous allons embaucher {n} ingénieurs avant la fin de {year}.",
           "Je ne veux pas vendre l'entreprise à {other}.",
           "Je soutiens la proposition de réduire les frais de déplacement.",
           "Le conseil a approuvé la fusion en {month} {year}.",
           "Je crains que les ventes vont diminuer de {n} pour cent.",
           "Notre chiffre d'affaires était de {n} millions d'euros en {year}.",
           "J'ai demandé à {other} de préparer le rapport annuel.",
           "Je suis d'accord avec {other} : le projet est trop cher.",
           "Le nouveau produit sera lancé en {month}."],
}


def make_mail(folder: Path, messages: int = 40) -> Path:
    """Write a small mbox of generated, dated emails between invented people."""
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2021, 1, 4, 9, 0, tzinfo=timezone.utc)
    chunks = []
    for i in range(messages):
        sender = PEOPLE[i % len(PEOPLE)]
        lang = sender[2]
        peers = [p for p in PEOPLE if p[2] == lang and p != sender]
        to = peers[i % len(peers)]
        other = peers[(i + 1) % len(peers)][0]
        when = start + timedelta(days=7 * i + i % 3, hours=i % 5)
        body = []
        for k in range(3):
            template = TEMPLATES[lang][(i * 3 + k) % len(TEMPLATES[lang])]
            body.append(template.format(n=5 + (i * 7 + k * 3) % 90, year=2021 + (i + k) % 3, other=other,
                                        month=WORDS[lang]["months"][(i + 2 * k) % 12]))
        greeting = f"{to[0].split()[0]},\n\n" if lang == "en" else f"Bonjour {to[0].split()[0]},\n\n"
        chunks.append(
            f"From {sender[1]} {when.strftime('%a %b %d %H:%M:%S %Y')}\n"
            f"Message-ID: <gen{i}@example.org>\nDate: {email.utils.format_datetime(when)}\n"
            f"From: {sender[0]} <{sender[1]}>\nTo: {to[0]} <{to[1]}>\nSubject: Note {i}\n"
            "Content-Type: text/plain; charset=utf-8\n\n"
            f"{greeting}{' '.join(body)}\n\n{sender[0].split()[0]}\n\n")
    path = folder / "generated.mbox"
    path.write_text("".join(chunks), encoding="utf-8")
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="*", type=Path, help="corpus folders (read only)")
    parser.add_argument("--out", type=Path, help="JSONL output")
    parser.add_argument("--make-mail", type=Path, help="write a small generated mail corpus here")
    args = parser.parse_args(argv)
    if args.make_mail:
        print(f"wrote {make_mail(args.make_mail)}")
    if args.corpus:
        rows = generate(args.corpus)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            with args.out.open("w", encoding="utf-8") as handle:
                for r in rows:
                    handle.write(json.dumps(r, ensure_ascii=False) + "\n")
        counts = collections.Counter((r["lang"], r["kind"], r["label"]) for r in rows)
        print(f"{len(rows)} pairs from {len({r['group'] for r in rows})} sentences")
        for (lang, kind, label), n in sorted(counts.items()):
            print(f"  {lang} {kind:<12} {label:<9} {n}")


if __name__ == "__main__":
    main()
