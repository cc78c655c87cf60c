"""A pair: one claim and one candidate sentence, with the readings of them that several
stance features share (what each side negates, which words line up, who acts), each worked
out once, when a feature first asks for it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from factcheck.config import StanceSettings
from factcheck.engine.stance import clauses
from factcheck.engine.stance.pairmodel import PairModel
from factcheck.model import Analysis, ClaimReading, Scored
from factcheck.text.aliases import Aliases, mail_organisation
from factcheck.text.folding import fold
from factcheck.text.lexicon import Lexicon, Match


@dataclass(frozen=True)
class Opposition:
    """How the claim's polar terms ("non-profit") fare in the sentence."""

    opposed_groups: frozenset[str]
    agreeing_groups: frozenset[str]
    missing_groups: frozenset[str]
    # The claim's terms the sentence takes the other side of, and a reason for each pair of
    # different words (the same word negated is a negation, said elsewhere).
    terms: tuple[str, ...]
    reasons: tuple[str, ...]
    # (claim token, sentence token) of every pair of terms of the same opposition.
    pairs: tuple[tuple[int, int], ...]


def ramp(value: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (value - low) / (high - low)))


@dataclass(frozen=True, eq=False)
class Pair:
    reading: ClaimReading
    scored: Scored
    analysis: Analysis  # the sentence, read with the full pipeline
    settings: StanceSettings
    # The corpus's names for its entities: "Roe" and "Jane Roe" are one actor.
    aliases: Aliases = field(default_factory=Aliases)
    # The sentence read with the light pipeline, and the learned pair model that reads it.
    light: Analysis | None = None
    pair_model: PairModel | None = None
    # The entailment model's probabilities for the pair (worked out by the caller for all the
    # pairs at hand: `judge.entailments`), or None without one.
    entailment: dict[str, float] | None = None

    def canonical(self, name: str | None) -> str | None:
        return self.aliases.canonical(name)

    @property
    def claim(self) -> Analysis:
        return self.reading.full

    @property
    def candidate(self):
        return self.scored.candidate

    @property
    def features(self) -> dict[str, float]:
        """What the score stage measured of the pair (coverage, topic, similarity...)."""
        return self.scored.features

    @functools.cached_property
    def lexicon(self) -> Lexicon:
        return self.reading.lexicons[self.analysis.lang]

    @functools.cached_property
    def author(self) -> str | None:
        return self.canonical(self.candidate.author) if self.candidate.author else None

    @functools.cached_property
    def readers(self) -> frozenset[str]:
        return frozenset(filter(None, (self.canonical(r) for r in self.candidate.recipients)))

    def same_entity(self, a: str | None, b: str | None) -> bool:
        return self.aliases.same(a, b)

    @functools.cached_property
    def organisation(self) -> str | None:
        """The organisation the author writes from, as their mail domain names it."""
        return mail_organisation(self.candidate.author)

    def same_party(self, claimed: str, found: str) -> bool:
        """The same entity, or the author and the organisation they write for: Jane Roe of
        acme.com writing "Acme will pay" speaks for what Roe offered, and her "I" for Acme."""
        if self.same_entity(claimed, found):
            return True
        org, author = self.organisation, self.author
        return bool(org and author) and (
            (self.same_entity(found, author) and self.aliases.speaks_for(claimed, org))
            or (self.same_entity(claimed, author) and self.aliases.speaks_for(found, org)))

    # --- how sure we are that the sentence speaks of the claim's matter ---------------------

    @functools.cached_property
    def about(self) -> float:
        """Disagreement counts only in proportion to this."""
        s = self.settings
        about = ramp(self.features.get("topic", 0.0), s.about_low, s.about_high) * (
            s.about_predicate_floor + (1 - s.about_predicate_floor) * self.features.get("predicate_coverage", 0.0))
        if self.features.get("missing_entity"):
            about *= s.missing_entity_factor
        if not self.features.get("main_predicate", 1.0):
            # Nothing of what the claim mainly says ("betrayed") is there: an opposite word on
            # the side ("for-profit" against a "non-profit charter") is not a denial.
            about *= s.missing_main_predicate_factor
        return about

    @functools.cached_property
    def same_event(self) -> float:
        """How sure we are the sentence tells of the claim's very event (dates and figures need
        more than a topic: other events have other dates)."""
        s = self.settings
        topic = self.features.get("topic", 0.0)
        same = ramp(topic, s.same_event_low, s.same_event_high)
        if self.actors_agree is True and self.features.get("predicate_coverage", 0.0) >= \
                s.same_actor_predicate_coverage and not self.features.get("missing_entity"):
            # The same actor doing the same thing: a different date or figure is a disagreement
            # about this very event, even if the sentence words the rest differently.
            same = max(same, ramp(topic, s.same_actor_event_low, s.same_actor_event_high))
        return same

    @functools.cached_property
    def actorless_factor(self) -> float:
        """The claim says who acts and the sentence does not: its disagreement is weaker."""
        if self.actors_agree is None and any(
                clauses.actor(self.claim, i, self.reading.lexicon) for i, _ in self.verb_pairs):
            return self.settings.actorless_factor
        return 1.0

    # --- words that line up ----------------------------------------------------------------

    @functools.cached_property
    def claim_polar(self) -> frozenset[int]:
        return frozenset(i for m in self.reading.lexicon.opposites.find(self.claim.keys)
                         for i in range(m.start, m.end))

    @functools.cached_property
    def evidence_polar(self) -> frozenset[int]:
        return frozenset(i for m in self.lexicon.opposites.find(self.analysis.keys)
                         for i in range(m.start, m.end))

    @functools.cached_property
    def claim_negation(self) -> clauses.Negation:
        return clauses.negation(self.claim, self.reading.lexicon, skip=self.claim_polar)

    @functools.cached_property
    def evidence_negation(self) -> clauses.Negation:
        return clauses.negation(self.analysis, self.lexicon, skip=self.evidence_polar)

    @functools.cached_property
    def aligned(self) -> list[tuple[int, int]]:
        """(claim token, sentence token) of the same content word, outside the claim's polar
        terms (the "profit" of "non-profit" is compared as a term)."""
        found = clauses.aligned(self.claim, self.analysis)
        glosses = self.reading.glosses.get(self.analysis.lang, {}) if self.analysis.lang != self.reading.lang else {}
        if glosses and len(self.claim.tokens) == len(self.reading.light.tokens):
            # A predicate of the claim in the sentence's language lines up with its translation
            # there, for negations and actors too. Not nouns: a glossary's senses of a noun are
            # too loose to deny by; not synonyms: "suggested" and "proposed" alike make two
            # different proposals look like one event.
            done = {i for i, _ in found}
            first = clauses.first_positions(self.analysis)
            for i, options in sorted(glosses.items()):
                j = next((first[words[0]] for words in options if all(w in first for w in words)), None)
                if i not in done and j is not None and self.claim.tokens[i].pos in ("VERB", "ADJ"):
                    found.append((i, j))
        return [(i, j) for i, j in found if i not in self.claim_polar]

    @functools.cached_property
    def predicates(self) -> list[tuple[int, int]]:
        """The aligned words a negation could deny: predicates, by word or by lexicon side
        ("rejected"/"refuses"); names are not what a negation denies ("I will no longer fund
        Acme" says nothing about Acme)."""
        claim, evidence = self.claim, self.analysis
        if self.reading.attitude_holder:
            # "Ann never asked for the CEO role": what is negated is the wish, so compare what
            # was wished for - every shared word but the name of who wished it.
            holder = {i for e in claim.entities if e.canonical == self.reading.attitude_holder
                      for i in range(e.start, e.end)}
            # Not an attributive adjective ("because of the new plant"): what is wished or said
            # is not denied by its modifiers.
            return [(i, j) for i, j in self.aligned if i not in holder
                    and not (claim.tokens[i].pos == "ADJ" and claim.tokens[i].dep in clauses.ATTRIBUTIVE_DEPS)]
        found = self.lexicon.opposites.find(evidence.keys)
        synonyms = [(cm.start, em.start) for cm in self.reading.lexicon.opposites.find(claim.keys)
                    for em in found if em.value == cm.value]
        predicates = [(i, j) for i, j in self.aligned if clauses.is_predicate(claim.tokens[i])
                      or clauses.is_predicate(evidence.tokens[j])] + synonyms
        return predicates or [(i, j) for i, j in self.aligned if claim.tokens[i].pos == "NOUN"]

    @functools.cached_property
    def opposition(self) -> Opposition:
        claim_sides = clauses.polar_sides(self.claim, self.reading.lexicon, self.claim_negation.heads)
        evidence_sides = clauses.polar_sides(self.analysis, self.lexicon, self.evidence_negation.heads)
        terms, reasons, pairs = [], [], []
        opposed, agreeing, missing = set(), set(), set()
        # An opposition the claim itself holds both sides of ("will step down as CTO and stay on
        # as an adviser") is one the claim takes no side in: a sentence cannot take the other.
        sides_of: dict[str, set[int]] = {}
        for cm, c_side in claim_sides:
            sides_of.setdefault(cm.value[0], set()).add(c_side)
        for cm, c_side in claim_sides:
            group = cm.value[0]
            others = [(em, e_side) for em, e_side in evidence_sides if em.value[0] == group]
            pairs += [(cm.start, em.start) for em, _ in others]
            if not others:
                if self._negator_restated(cm):
                    agreeing.add(group)
                elif not any(self.claim.tokens[i].keys & self.reading.lexicon.light_verbs
                             for i in range(cm.start, cm.end)):
                    missing.add(group)
                continue
            if any(e_side == c_side for _, e_side in others):
                agreeing.add(group)
            against = [em for em, e_side in others if e_side != c_side]
            if against and len(sides_of[group]) == 1:
                opposed.add(group)
                terms.append(" ".join(cm.entry))
                if against[0].entry != cm.entry:
                    reasons.append(f"opposed terms: “{span_text(self.claim, cm)}” vs "
                                   f"“{span_text(self.analysis, against[0])}”")
        return Opposition(frozenset(opposed), frozenset(agreeing), frozenset(missing), tuple(terms),
                          tuple(reasons), tuple(pairs))

    @functools.cached_property
    def claim_negators(self) -> frozenset[int]:
        """The claim's tokens inside verbs that negate ("refused", "excluded")."""
        return frozenset(i for m in self.reading.lexicon.implicit_negations.find(self.claim.keys)
                         for i in range(m.start, m.end))

    def _negator_restated(self, term: Match) -> bool:
        """The claim's polar term is a verb that negates ("refused to sign") and the sentence
        negates the same word outright ("we will not sign"): the term is there in other words."""
        negators = self.claim_negators
        if not negators & set(range(term.start, term.end)):
            return False
        claim_scope, evidence_scope = self.claim_negation.scope, self.evidence_negation.scope
        return any(i in claim_scope and j in evidence_scope and i not in negators
                   and self.claim.tokens[i].pos in ("VERB", "AUX", "ADJ") for i, j in self.aligned)

    @functools.cached_property
    def verb_pairs(self) -> list[tuple[int, int]]:
        """Aligned verbs and polar terms: where to ask who acts."""
        return [(i, j) for i, j in self.aligned
                if self.claim.tokens[i].pos in ("VERB", "AUX", "ADJ")] + list(self.opposition.pairs)

    @functools.cached_property
    def actors_agree(self) -> bool | None:
        """True if a predicate's actor is the claim's, False if known and different, else None.
        "I" is the sentence's author (and the claim's speaker in the claim), "you" its readers."""
        speaker = self.canonical(self.reading.claim.speaker) if self.reading.claim.speaker else None
        verdicts = set()
        for i, j in self.verb_pairs:
            claimed = clauses.actor(self.claim, i, self.reading.lexicon, writer=speaker)
            found = clauses.actor(self.analysis, j, self.lexicon, writer=self.author, readers=self.readers)
            if claimed and found:
                verdicts.add(any(self.same_party(a, b) for a in claimed for b in found))
        if True in verdicts:
            return True
        return False if verdicts else None

    # --- reported speech ---------------------------------------------------------------------

    @functools.cached_property
    def speech(self) -> clauses.Speech | None:
        return clauses.reporter(self.analysis, self.lexicon, self.evidence_negation.scope)

    @functools.cached_property
    def writer_speaks(self) -> bool:
        """The reporting verb's speaker is "I"/"we": the writer saying it in their own voice
        ("we estimate that ..."), which is their statement as much as the bare clause is -
        unless the verb makes it an allegation ("we allege that ...")."""
        speech = self.speech
        if not speech or fold(speech.speaker or "") not in self.lexicon.first_person:
            return False
        return speech.verb is None or not self.analysis.tokens[speech.verb].keys & self.lexicon.allegation_verbs

    @functools.cached_property
    def reporter(self) -> str | None:
        """Who the sentence reports as saying something, canonical ("I"/"we": the writer)."""
        if not self.speech:
            return None
        if self.writer_speaks and self.author:
            return self.canonical(self.author)
        return self.canonical(self.speech.speaker)

    @functools.cached_property
    def reports_claim(self) -> bool:
        """Whether what matches the claim is what the reported speaker says ("X accuses Y of
        <the claim>") rather than the sentence's own statement ("X sued Y, accusing it of ...");
        never when the speaker is the writer."""
        matched = {j for _, j in self.aligned + list(self.opposition.pairs)}
        return bool(self.speech and not self.writer_speaks and matched
                    and len(matched & self.speech.said) * 2 >= len(matched))


def span_text(analysis: Analysis, m: Match) -> str:
    return analysis.text[analysis.tokens[m.start].start:analysis.tokens[m.end - 1].end]
