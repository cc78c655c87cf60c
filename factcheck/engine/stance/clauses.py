"""Reading a sentence's clauses for the stance stage: what is negated, who does what, what
is only wished, and who is reported as saying it.

With a dependency parse (trained pipelines) these follow the tree; without one they fall
back to word windows, which are rougher but never fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from factcheck.model import Analysis
from factcheck.text.folding import fold
from factcheck.text.lexicon import Lexicon, Match
from factcheck.text.nlp import ACTOR_LABELS

SUBJECT_DEPS = ("nsubj", "nsubjpass", "nsubj:pass", "csubj", "csubj:pass")
AGENT_DEPS = ("agent", "obl:agent")
PASSIVE_DEPS = ("nsubjpass", "nsubj:pass", "auxpass", "aux:pass")
# Clauses whose subject is their governor's ("Ann asked to be excluded"): climb to find it.
RELATIVE_DEPS = ("relcl", "acl:relcl")
CONTROLLED_DEPS = ("xcomp", "conj", "advcl", "acl", "ccomp")
COMPLEMENT_DEPS = ("xcomp", "ccomp", "csubj")
OBJECT_DEPS = ("dobj", "obj")
BREAKS = frozenset({",", ";", ".", ":", "!", "?"})
PREDICATE_POS = frozenset({"VERB", "ADJ", "AUX"})
# An adjective that modifies a noun ("the new vessel") describes a thing; it is not what the
# clause asserts, so a negation elsewhere in the clause does not deny it.
ATTRIBUTIVE_DEPS = frozenset({"amod"})


def is_predicate(token) -> bool:
    return token.pos in PREDICATE_POS and not (token.pos == "ADJ" and token.dep in ATTRIBUTIVE_DEPS)


@dataclass(frozen=True)
class Negation:
    scope: frozenset[int]  # every token a negation reaches
    heads: frozenset[int]  # the words it negates directly (a polar word there flips sides)


def _children(analysis: Analysis) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for i, t in enumerate(analysis.tokens):
        if t.head != i and t.head >= 0:
            children.setdefault(t.head, []).append(i)
    return children


def subtree(analysis: Analysis, root: int, *, skip_deps: tuple[str, ...] = (),
            children: dict[int, list[int]] | None = None) -> set[int]:
    """`root` and everything under it, leaving out branches attached by `skip_deps`."""
    children = children if children is not None else _children(analysis)
    found, todo = set(), [root]
    while todo:
        node = todo.pop()
        found.add(node)
        for child in children.get(node, ()):
            dep = analysis.tokens[child].dep
            if dep in skip_deps or (dep in ("conj", "parataxis") and child > root and node == root):
                continue
            todo.append(child)
    return found


def negation(analysis: Analysis, lex: Lexicon, *, skip: frozenset[int] = frozenset()) -> Negation:
    """What the sentence negates. "not"/"ne ... pas" negate their head and its clause (not
    its subject, not a clause coordinated after it); verbs like "refuse" or "exclude" negate
    what they govern. `skip` leaves out negation words inside other lexicon phrases
    ("not-for-profit")."""
    tokens = analysis.tokens
    contrast = {i for m in lex.contrast.find(analysis.keys) for i in range(m.start, m.end)}
    children = _children(analysis) if analysis.parsed else {}
    scope: set[int] = set()
    heads: set[int] = set()
    for m in lex.negations.find(analysis.keys, skip=skip):
        if analysis.parsed:
            # A phrase ("no longer", "rather than") hangs on its head by the word that leaves it.
            inside = range(m.start, m.end)
            anchor = next((k for k in inside if tokens[k].head not in inside), m.start)
            head = tokens[anchor].head
            if head < 0 or head == anchor:
                head = anchor
            scope |= subtree(analysis, head, skip_deps=SUBJECT_DEPS, children=children)
            scope.add(m.start)
            heads.add(head)
        else:
            window = _window(analysis, m.start, contrast)
            scope |= window
            heads |= {i for i in window if abs(i - m.start) <= 2}
    # Implicit negators are often polar words themselves ("reject", "exclude"): not skipped.
    for m in lex.implicit_negations.find(analysis.keys):
        verb = m.start
        if analysis.parsed:
            governed = subtree(analysis, verb, skip_deps=SUBJECT_DEPS, children=children) - set(range(m.start, m.end))
            if tokens[verb].keys & lex.postponing_verbs and _put_off(analysis, verb, governed, lex):
                continue  # "le vote a été repoussé de deux semaines": put off, not refused
            head = tokens[verb].head
            if tokens[verb].dep in RELATIVE_DEPS and 0 <= head != verb:
                # "a merger, which the company refuses": what is refused is the antecedent.
                governed |= subtree(analysis, head, skip_deps=RELATIVE_DEPS + SUBJECT_DEPS,
                                    children=children)
        else:
            governed = _window(analysis, m.end - 1, contrast) - set(range(m.start, m.end))
        scope |= governed
        heads |= governed
    return Negation(frozenset(scope - contrast), frozenset(heads - contrast))


def _put_off(analysis: Analysis, verb: int, governed: set[int], lex: Lexicon) -> bool:
    """What the verb governs moves something in time: a date after "au"/"to", a duration after
    "de"/"by" ("repoussé de deux semaines, au 3 mai") - not a date that says when ("lors de la
    séance du 3 mai")."""
    tokens = analysis.tokens
    starts = {k for k in governed for d in analysis.dates if tokens[k].start == d.start}
    if any(k > 0 and tokens[k - 1].keys & lex.postponed_to for k in starts):
        return True
    for k in governed:
        if tokens[k].keys & lex.durations:
            # "de deux semaines", "by two weeks": the preposition a few words before the unit.
            if any(tokens[i].keys & lex.postponed_by for i in range(max(0, k - 3), k)):
                return True
    return False


def _window(analysis: Analysis, at: int, contrast: set[int]) -> set[int]:
    tokens = analysis.tokens
    found = {at}
    for i in range(at + 1, min(len(tokens), at + 7)):
        if i in contrast or tokens[i].text in BREAKS:
            break
        found.add(i)
    # French "ne ... pas" and English "do not" put the verb just before "pas"/after "not".
    for i in range(max(0, at - 2), at):
        if tokens[i].pos in PREDICATE_POS or not tokens[i].stop:
            found.add(i)
    return found


def polar_sides(analysis: Analysis, lex: Lexicon, negated_heads: frozenset[int]) -> list[tuple[Match, int]]:
    """Opposites-lexicon matches with their effective side: flipped when the term itself is
    what a negation negates ("not a non-profit"), not when it merely sits in a negated clause.
    The words that bound a figure ("at least ten days", "more than 40") are no polar terms:
    the figures are compared as quantities, and "at least" says nothing of "less"."""
    found = []
    bounding = bound_tokens(analysis)
    for m in lex.opposites.find(analysis.keys):
        if bounding and any(i in bounding for i in range(m.start, m.end)):
            continue
        group, side = m.value
        flipped = any(i in negated_heads for i in range(m.start, m.end))
        found.append((m, side ^ int(flipped)))
    return found


def bound_tokens(analysis: Analysis) -> frozenset[int]:
    """The tokens of the words that bound or round a figure ("at least", "plus de", "about")."""
    spans = [(q.bound_start, q.start) for q in analysis.quantities if q.bound_words and q.bound_start >= 0]
    return frozenset(i for i, t in enumerate(analysis.tokens) if any(s <= t.start < e for s, e in spans))


def first_positions(analysis: Analysis) -> dict[str, int]:
    """Each key of the content words to the first token that has it."""
    index: dict[str, int] = {}
    for j, t in enumerate(analysis.tokens):
        if t.content:
            for key in t.keys:
                index.setdefault(key, j)
    return index


def aligned(claim: Analysis, evidence: Analysis) -> list[tuple[int, int]]:
    """Pairs (claim token, sentence token) that are the same content word."""
    index = first_positions(evidence)
    pairs = []
    for i, t in enumerate(claim.tokens):
        if t.content:
            j = min((index[k] for k in t.keys if k in index), default=None)  # the first, whatever the set's order
            if j is not None:
                pairs.append((i, j))
    return pairs


# --- who does what -----------------------------------------------------------------------------


def actor(analysis: Analysis, index: int, lex: Lexicon, *, writer: str | None = None,
          readers: frozenset[str] = frozenset()) -> frozenset[str] | None:
    """Who does what token `index` says (canonical names), or None when the sentence does
    not tell. "I"/"we" are the writer, "you" the people written to; a passive's agent is
    its actor; a controlled clause ("asked to be excluded") takes its governor's subject."""
    if not analysis.parsed:
        return None
    tokens = analysis.tokens
    children = _children(analysis)
    node = index
    for _ in range(4):
        kids = children.get(node, [])
        passive = any(tokens[k].dep in PASSIVE_DEPS for k in kids)
        agents = [k for k in kids if tokens[k].dep in AGENT_DEPS]
        subjects = [k for k in kids if tokens[k].dep in SUBJECT_DEPS]
        if passive and agents:
            found = _who(analysis, agents[0], lex, writer, readers, children)
            if found is not None:
                return found
        elif subjects and not passive:
            return _who(analysis, subjects[0], lex, writer, readers, children)
        head = tokens[node].head
        if head < 0 or head == node or tokens[node].dep not in CONTROLLED_DEPS:
            return None
        node = head
    return None


def _who(analysis: Analysis, token: int, lex: Lexicon, writer, readers, children) -> frozenset[str] | None:
    tokens = analysis.tokens
    verb = tokens[token].head
    if tokens[token].pos == "PRON" and 0 <= verb != token and tokens[verb].dep in RELATIVE_DEPS \
            and 0 <= tokens[verb].head != verb:
        # A relative pronoun stands for what its clause hangs on ("the board, which said ..., ").
        token = tokens[verb].head
    word = fold(analysis.tokens[token].text)
    if word in lex.first_person:
        return frozenset({fold(writer)}) if writer else None
    if word in lex.second_person:
        return frozenset(fold(r) for r in readers) or None
    span = subtree(analysis, token, children=children)
    for entity in analysis.entities:
        if entity.label not in ACTOR_LABELS:
            continue
        if entity.canonical and any(i in span for i in range(entity.start, entity.end)):
            return frozenset({fold(entity.canonical)})
    return None


# --- what is only wished ----------------------------------------------------------------------


def modal_word(claim: Analysis, evidence: Analysis, pairs: list[tuple[int, int]], claim_lex: Lexicon,
               lex: Lexicon) -> str | None:
    """The word that makes the sentence's matching predicate a wish or a possibility
    ("I want the board to accept") when the claim states a fact. A verb of wanting whose
    object is what matches ("the union demanded a pay rise") counts unless the sentence also
    states a matching predicate as a fact, outside what is wanted or in a relative clause of
    its own ("he proposes a merger, which the company refuses")."""
    if any(t.keys & claim_lex.modals for t in claim.tokens):
        return None
    tokens = evidence.tokens
    wanted: list[tuple[str, int]] = []  # (the verb of wanting, the object it governs)
    plain: list[int] = []  # matched predicates under no verb of wanting
    for _, j in pairs:
        objects: list[int] = []
        if evidence.parsed:
            # Climb through complement clauses only ("want [the board to accept]"); a relative
            # clause ("a merger, which the company refuses") is a fact of its own.
            governors, controlled = [], {j}
            node = j
            for _ in range(3):
                head = tokens[node].head
                dep = tokens[node].dep
                if head < 0 or head == node or dep not in COMPLEMENT_DEPS:
                    break
                governors.append(head)
                if dep == "xcomp" and node in controlled:
                    controlled.add(head)  # one verb group: "would like to hire", "could try to sell"
                node = head
            # The auxiliaries of the predicate and of the verbs it is the infinitive of - not of a
            # verb it is the clause of ("I can confirm that they hired" states the hiring).
            governors += [k for k, t in enumerate(tokens)
                          if t.head in controlled and t.dep in ("aux", "mark") and k not in controlled]
            objects = _object_governors(evidence, node)
        else:
            governors = list(range(max(0, j - 4), j))
        word = _modal_among(evidence, governors, lex)
        if word:
            return word
        word = _modal_among(evidence, objects, lex)
        if word:
            wanted.append((word, node))
        elif is_predicate(tokens[j]):
            plain.append(j)
    if not wanted:
        return None
    inside = set().union(*(subtree(evidence, obj) for _, obj in wanted))
    if any(j not in inside or tokens[j].dep in RELATIVE_DEPS for j in plain):
        return None
    return wanted[0][0]


def _modal_among(evidence: Analysis, governors: list[int], lex: Lexicon) -> str | None:
    negations = None
    for g in governors:
        if evidence.tokens[g].keys & lex.modals:
            if evidence.tokens[g].keys & lex.refusing_modals:
                if negations is None:
                    negations = {m.start for m in lex.negations.find(evidence.keys)}
                if negations & set(range(g - 1, g + 3)):
                    continue  # "I can't approve it", "je ne peux pas": a refusal, a fact
            return evidence.tokens[g].text
    return None


def _object_governors(analysis: Analysis, j: int) -> list[int]:
    """The verb whose object token `j` is - directly ("demand an increase", "demander une
    hausse") or through a preposition ("ask for an increase") - which, if it is a verb of
    wanting, makes the thing wanted no fact."""
    token = analysis.tokens[j]
    head = token.head
    if head < 0 or head == j:
        return []
    if token.dep in OBJECT_DEPS:
        return [head]
    if token.dep == "pobj" and analysis.tokens[head].dep == "prep":
        verb = analysis.tokens[head].head
        return [verb] if 0 <= verb != head else []
    return []


# --- reported speech ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """A reporting verb in a sentence: who speaks, and the tokens of what they say."""

    speaker: str  # canonical name, or the subject's own words ("they")
    said: frozenset[int]
    verb: int | None = None  # the reporting verb's token (None: "according to X")


def reporter(analysis: Analysis, lex: Lexicon, negated: frozenset[int]) -> Speech | None:
    """Who the sentence reports as saying something ("X accuses Y of ..."), if it does."""
    entity_at = {i: e for e in analysis.entities for i in range(e.start, e.end)}
    for m in lex.attributions.find(analysis.keys):
        # "According to X, ...": X speaks, and what they say is the rest of the sentence.
        # Only someone who can speak: "according to the 2010 census" names no speaker.
        source = next((entity_at[i] for i in range(m.end, min(len(analysis.tokens), m.end + 3))
                       if i in entity_at and entity_at[i].label in ACTOR_LABELS), None)
        if source is not None and source.canonical:
            return Speech(source.canonical, frozenset(range(len(analysis.tokens)))
                          - set(range(m.start, source.end)))
    children = _children(analysis) if analysis.parsed else {}
    for v, token in enumerate(analysis.tokens):
        if not token.keys & lex.reporting_verbs or v in negated:
            continue
        if analysis.parsed:
            said = frozenset(subtree(analysis, v, skip_deps=SUBJECT_DEPS + AGENT_DEPS, children=children) - {v})
            for i, t in enumerate(analysis.tokens):
                if t.head == v and (t.dep in SUBJECT_DEPS or t.dep in AGENT_DEPS):
                    return Speech(entity_at[i].canonical if i in entity_at else t.text, said, v)
        said = frozenset(range(v + 1, len(analysis.tokens)))
        before = [entity_at[i] for i in range(max(0, v - 6), v) if i in entity_at]
        if before:
            return Speech(before[-1].canonical, said, v)
        after = [entity_at[i] for i in range(v + 1, min(len(analysis.tokens), v + 4)) if i in entity_at]
        if after:
            return Speech(after[0].canonical, frozenset(range(after[0].end, len(analysis.tokens))), v)
    return None
