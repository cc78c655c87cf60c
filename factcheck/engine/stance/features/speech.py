"""Whose words: a claim about what X said or wanted is decided on X's own words (written by X,
or quoting X) and on reports that name X saying or wanting it; a sentence that reports someone
saying the claim is a report, not a fact."""

from __future__ import annotations

import re

from factcheck.engine.stance.features import Finding
from factcheck.engine.stance.pair import Pair
from factcheck.text.folding import fold
from factcheck.text.stopwords import folded_stop_words

NAMES = ("speaker_match", "speaker_reported", "speaker_other", "reported")
QUOTE_MARKS = re.compile(r"[«»“”\"„]")


def speech(pair: Pair) -> Finding:
    values = dict.fromkeys(NAMES, 0.0)
    reasons = []
    holder = pair.reading.attitude_holder
    if holder:
        quoting = bool(QUOTE_MARKS.search(pair.analysis.text)) and pair.same_entity(pair.reporter, holder)
        # The writer's own words, or their organisation's ("Acme warned ..." and an email from
        # acme.com), or a quote of the holder.
        own = pair.author is not None and pair.same_party(holder, pair.author)
        if own or pair.same_entity(pair.reporter, holder) or quoting:
            values["speaker_match"] = 1.0
        elif reports_words_of(pair, holder):
            # Someone else's account of what they said or wanted: it speaks to the claim, as a
            # report (the verdict counts it, and says when nothing in their own words was found).
            values["speaker_reported"] = 1.0
        else:
            values["speaker_other"] = 1.0
            reasons.append(f"about what {holder} said or wanted, but not in {holder}'s own words")
    if pair.reports_claim:
        values["reported"] = 1.0
    return Finding(values, tuple(reasons))


def reports_words_of(pair: Pair, holder: str) -> bool:
    """The sentence names `holder` beside a word of saying or wanting, verb or noun ("Jane Roe's
    suggestion", "a proposal by Roe"): a report of their words, which speaks to what they said."""
    lexicon = pair.lexicon
    words = lexicon.attitude_verbs | lexicon.reporting_verbs
    stems = {w[:6] for w in words if len(w) >= 6}
    analysis = pair.analysis
    # The claim's own verb in other words counts as a verb ("committed to"), never as a noun:
    # a synonym list mixes senses ("want": "lack", "absence").
    synonyms = claim_saying_words(pair)
    saying = [i for i, t in enumerate(analysis.tokens)
              if t.keys & words or any(len(k) >= 6 and k[:6] in stems for k in t.keys)
              or (t.keys & synonyms and (t.pos == "VERB" or not analysis.parsed))]
    if not saying:
        return False
    named = [e for e in analysis.entities if pair.same_entity(e.canonical or e.text, holder)]
    if not analysis.parsed:
        return any(abs(e.end - i) <= 3 or abs(i - e.start) <= 3 for e in named for i in saying)
    return any(analysis.tokens[k].head in saying for e in named for k in range(e.start, e.end))


def claim_saying_words(pair: Pair) -> frozenset[str]:
    """The synonyms of the claim's own verb of saying or wanting in the sentence's language
    (nlp.synonyms, nlp.glossaries): "X s'est engagé à ..." reports what "X a promis" says,
    though "s'engager" is no verb of saying by itself."""
    reading = pair.reading
    lexicon = reading.lexicon
    saying = lexicon.attitude_verbs | lexicon.reporting_verbs
    verbs = [t.keys for t in reading.full.tokens if (fold(t.lemma) in saying or t.keys & saying)
             and (t.pos == "VERB" or not reading.full.parsed)]
    if not verbs:
        return frozenset()
    table = reading.lexicons.glossary(reading.lang, pair.analysis.lang)
    stop = folded_stop_words(pair.analysis.lang)
    found = set()
    for keys in verbs:
        for match in table.find([keys]):
            for phrase in match.value:
                # A phrase counts by its one content word ("s'engager"); one of several
                # ("mettre en garde") would make a verb of saying of "mettre".
                content = [w for w in phrase if w not in stop and len(w) > 2]
                if len(content) == 1:
                    found.add(content[0])
    return frozenset(found)
