"""A word-by-word gloss of a sentence into another language, for a reader that knows only that
one: the entailment model reads English, and a French sentence glossed ("nous ne signerons pas
l'accord" -> "we not sign the agreement") is close enough for it to tell "refuses" from "agrees".

Content words come from the bilingual glossary (its first translation, fixed phrases matched
as such), function words from a small table (`lexicon/function_words.<source>-<target>.yaml`),
and the rest - names, figures, and the many words French and English share - stay as written.
The gloss is not a translation: word order and tense are the source's.
"""

from __future__ import annotations

from factcheck.model import Analysis
from factcheck.text.lexicon import Lexicons


# After "ne", these say what the clause denies, not what they say alone ("ne ... plus": no
# longer, not "more"); the table's "ne_" entries give them.
NEGATED_PREFIX = "ne_"


def gloss(analysis: Analysis, lexicons: Lexicons, target: str) -> str:
    """The analysed text glossed word by word into `target` (the text itself when it is in it)."""
    if analysis.lang == target:
        return analysis.text
    function_words = lexicons.function_words(analysis.lang, target)
    table = lexicons.glossary(analysis.lang, target)
    matches = {m.start: m for m in table.find(analysis.keys)} if table else {}
    words: list[str] = []
    i, tokens = 0, analysis.tokens
    negated = False  # a "ne" seen in this clause
    while i < len(tokens):
        token = tokens[i]
        lemma, text = token.lemma.lower(), token.text.lower()
        if token.punct:
            negated = False
            words.append(token.text)
        elif negated and NEGATED_PREFIX + text in function_words:
            words.append(function_words[NEGATED_PREFIX + text])
            negated = False
        elif text in function_words or lemma in function_words:
            # Function words first: folded, "la" would be read as the glossary's "là".
            mapped = function_words.get(text, function_words.get(lemma, ""))
            negated = negated or mapped == "" and text in ("ne", "n'", "n’")
            if mapped:
                words.append(mapped)
        elif token.pos in ("NUM", "PROPN", "SYM"):
            words.append(token.text)
        elif i in matches:
            words.append(" ".join(matches[i].value[0]))
            i = matches[i].end
            continue
        else:
            words.append(token.text)
        i += 1
    out = " ".join(words)
    for mark in (" ,", " .", " ;", " :", " !", " ?", " )", "( "):
        out = out.replace(mark, mark.strip() if mark != "( " else "(")
    return out
