"""Segment: spaCy reads the texts. Sentences, lemmas, entities, numbers and dates.

Two paths, because a trained pipeline is 10-30x slower than the tokenizer:
- the light path reads every document at index time: the blank tokenizer alone, with the
  lookup lemmatizer's table read once per distinct word and the sentencizer's rule applied to
  the token array (spaCy's components would build a Python object per token);
- the full path (the trained pipeline: parser, entities) reads only what the check needs
  closely - the claim and its best candidate sentences - and its results are cached.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import re
from dataclasses import asdict
from typing import Callable, Iterable, Iterator, NamedTuple, Protocol

import spacy
from spacy.attrs import IDX, ORTH
from spacy.language import Language

from factcheck.config import Settings
from factcheck.text.dates import DateMention, PartialDate, dates_in, find_dates
from factcheck.text.aliases import Aliases
from factcheck.text.folding import fold
from factcheck.text.stopwords import folded_stop_words as _stop_words
from factcheck.model import Analysis, Document, EntitySpan, Neighbourhood, Sentence, Token
from factcheck.text.quantities import Quantity, find_quantities

log = logging.getLogger("factcheck")

# Paragraph breaks and list bullets end a sentence whatever the punctuation says.
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n\s*|\n(?=[ \t]*(?:[•·▪◦*–—-]|\d{1,2}[.)])\s)")
_BULLET = re.compile(r"^[\s•·▪◦*–—-]+")
_DIGIT = re.compile(r"\d")
# A "sentence" longer than this (a table, a log, text without punctuation) is cut up so
# that one evidence item stays quotable.
# Entities that can act or speak (not dates, numbers, amounts).
ACTOR_LABELS = frozenset({"ALIAS", "PERSON", "PER", "ORG", "NORP", "GPE", "LOC", "FAC", "MISC"})
# Bump when what an analysis holds changes: analyses cached in an index are then read anew.
ANALYSIS_VERSION = "3"
POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
MAX_SENTENCE_TOKENS = 80
CHUNK_TOKENS = 50
# Analyses kept in memory by a segmenter (the index's cache holds the parsed ones for good).
MEMO_SIZE = 20_000


class AnalysisCache(Protocol):
    def get_analyses(self, keys: list[str]) -> dict[str, str]: ...
    def put_analyses(self, items: dict[str, str]) -> None: ...


@functools.cache
def _own_stop_words(languages: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Per language, the stop words no other candidate language shares."""
    stops = {lang: _stop_words(lang) for lang in languages}
    return {lang: stops[lang] - frozenset().union(*(stops[o] for o in languages if o != lang))
            for lang in languages}


class _Membership(dict):
    """Word form -> indexes of the languages whose own stop words hold it (as it is or folded)."""

    def __init__(self, languages: tuple[str, ...]):
        super().__init__()
        self.own = [_own_stop_words(languages)[lang] for lang in languages]

    def of(self, word: str) -> tuple[int, ...]:
        folded = fold(word)
        found = tuple(i for i, own in enumerate(self.own) if word in own or folded in own)
        if len(self) > 200_000:  # bounded: a corpus of odd words must not fill memory
            self.clear()
        self[word] = found
        return found


@functools.cache
def _stop_word_membership(languages: tuple[str, ...]) -> _Membership:
    return _Membership(languages)


def _inflected(table, word: str) -> bool:
    if table is None:
        return False
    found = table.get(word)
    return bool(found) and found != word


def detect_language(text: str, languages: Iterable[str], default: str, *, vocabularies=None) -> str:
    """The language whose own stop words (those no other candidate shares) occur most.

    Good enough to route a text to a pipeline; ties go to accents for French-like
    languages, then to the default.
    """
    languages = tuple(languages)
    if len(languages) < 2:
        return languages[0] if languages else default
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text[:2000].lower())
    words += [w.split("'")[0] + "'" for w in words if "'" in w]
    # Which languages count each word as their own stop word, worked out once per word form.
    membership = _stop_word_membership(languages)
    counts = [0] * len(languages)
    for w in words:
        found = membership.get(w)
        if found is None:
            found = membership.of(w)
        for i in found:
            counts[i] += 1
    scores = dict(zip(languages, counts))
    best = max(scores.values())
    leaders = [lang for lang, score in scores.items() if score == best]
    if len(leaders) == 1 and best > 0:
        return leaders[0]
    if vocabularies:
        # Too short to tell by stop words ("Ann voulait vendre Acme."): count the words each
        # language's lemma table knows as inflected forms of its own.
        known = {lang: sum(1 for w in words if _inflected(vocabularies.get(lang), w)) for lang in leaders}
        top = max(known.values())
        if top > 0 and list(known.values()).count(top) == 1:
            return max(known, key=known.get)
    if "fr" in leaders and re.search(r"[éèêàçùôî]", text):
        return "fr"
    return default if default in leaders else leaders[0]


class Segmenter:
    """Holds the spaCy pipelines of a run (loaded once, on first use) and the aliases."""

    def __init__(self, settings: Settings | None = None, aliases: Aliases | None = None):
        self.settings = settings or Settings()
        self.aliases = aliases or Aliases()
        self._light: dict[str, Language] = {}
        self._full: dict[str, tuple[Language, bool]] = {}
        self._memo: dict[str, Analysis] = {}
        self._word_tables: dict[str, _WordTable] = {}
        self._pipeline_ids: dict[str, str] = {}

    # --- pipelines -----------------------------------------------------------------------

    def language(self, text: str, declared: str | None = None) -> str:
        if declared:
            return declared.lower().split("-")[0]
        return detect_language(text, self.settings.nlp.languages, self.settings.nlp.default_language,
                               vocabularies=self._vocabularies())

    def _vocabularies(self) -> _LemmaTables:
        if not hasattr(self, "_lookups"):
            self._lookups = _LemmaTables(self)
        return self._lookups

    def light(self, lang: str) -> Language:
        if lang not in self._light:
            self._light[lang] = _light_pipeline(lang)
        return self._light[lang]

    def full(self, lang: str) -> tuple[Language, bool]:
        """The trained pipeline for `lang` and whether it is one (else a blank stand-in)."""
        if lang not in self._full:
            self._full[lang] = self._load_full(lang)
        return self._full[lang]

    def _load_full(self, lang: str) -> tuple[Language, bool]:
        names = self.settings.nlp.pipelines.get(lang, ()) if self.settings.nlp.trained else ()
        for name in names:
            try:
                return _trained_pipeline(name), True
            except (OSError, ImportError):
                continue
        if self.settings.nlp.trained:
            log.warning("no trained spaCy pipeline for %r (tried: %s); using a blank one: "
                        "negation scope and entity names will be approximate",
                        lang, ", ".join(names) or "none configured")
        return self.light(lang), False

    def _lookup(self, lang: str):
        """The lookup lemmatizer's table for `lang`, if it has one."""
        nlp = self.light(lang)
        if "lemmatizer" not in nlp.pipe_names:
            return None
        lookups = nlp.get_pipe("lemmatizer").lookups
        return lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None

    def pipeline_id(self, lang: str) -> str:
        # Kept: spaCy builds `nlp.meta` afresh at every reading (some 2 ms), twice per claim.
        if lang not in self._pipeline_ids:
            nlp, trained = self.full(lang)
            self._pipeline_ids[lang] = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}" \
                if trained else f"blank-{lang}"
        return self._pipeline_ids[lang]

    # --- documents into sentences (light path) ------------------------------------------------

    def segment(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Sentence]]]:
        """Each document with its sentences, in order; documents are batched for spaCy, and
        the batches spread over worker processes when there are more than one."""
        for batch, found in self.map_batches(batched(documents, self.settings.index.batch_size),
                                             _segment_list):
            yield from zip(batch, found)

    def map_batches(self, batches: Iterable[list], work: Callable[[Segmenter, list], list]
                    ) -> Iterator[tuple[list, list]]:
        """(batch, work(self, batch)) for each batch, in order: in forked worker processes
        (each with a copy of this segmenter) when there are two batches or more and the
        settings allow more than one process. `work` is a module-level function."""
        batches = iter(batches)
        first = next(batches, None)
        second = next(batches, None) if first is not None else None
        workers = _worker_count(self.settings.index.processes)
        if second is None or workers < 2:
            # One batch (most files) is not worth starting processes for.
            for batch in itertools.chain(filter(None, [first, second]), batches):
                yield batch, work(self, batch)
            return
        yield from self._map_in_workers(itertools.chain([first, second], batches), work, workers)

    def _map_in_workers(self, batches: Iterator[list], work, workers: int):
        # Forked workers start with this segmenter's pipeline and word table for the default
        # language already loaded; others load where a text needs them.
        self._words(self.settings.nlp.default_language)
        global _WORKER_SEGMENTER
        _WORKER_SEGMENTER = self
        pending: collections.deque = collections.deque()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for batch in batches:
                pending.append((batch, pool.apply_async(_work_in_worker, (work, batch))))
                # A bounded window: the corpus streams through, it is never all in memory.
                if len(pending) >= 2 * workers:
                    done, result = pending.popleft()
                    yield done, result.get()
            while pending:
                done, result = pending.popleft()
                yield done, result.get()

    def segment_batch(self, documents: list[Document]):
        """Each document of one batch with its sentences, in this process (see `segment`)."""
        jobs: dict[str, list[tuple[str, tuple]]] = {}
        for d_index, document in enumerate(documents):
            lang = self.language(document.text, document.lang)
            for part in document.body_parts():
                if part.role == "header":
                    continue
                for offset, block in _blocks(document.text, part.start, part.end):
                    jobs.setdefault(lang, []).append((block, (d_index, "text", lang, part, offset, block)))
            for t_lang, t_text in document.translations:
                t_lang = t_lang.lower()
                for offset, block in _blocks(t_text, 0, len(t_text)):
                    jobs.setdefault(t_lang, []).append(
                        (block, (d_index, f"translations.{t_lang}", t_lang, None, offset, block)))
        found: list[list[Sentence]] = [[] for _ in documents]
        for lang, items in jobs.items():
            nlp = self.light(lang)
            words = self._words(lang)
            # Only the tokenizer runs: lemmas are read from the table once per distinct word and
            # sentences are cut over the token array (see _words, _sentence_spans), which is
            # what keeps indexing near the tokenizer's own speed.
            for doc, (d_index, field, s_lang, part, offset, block) in nlp.pipe(
                    items, as_tuples=True, batch_size=256, disable=["sentencizer", "lemmatizer"]):
                document = documents[d_index]
                for start, end, tokens in _sentence_spans(doc, words):
                    text = block[start:end]
                    found[d_index].append(self._sentence(document, field, s_lang, part,
                                                         offset + start, offset + end, text, tokens))
        for document, sentences in zip(documents, found):
            sentences.sort(key=lambda s: (s.field != "text", s.field, s.start))
            yield document, sentences

    def _words(self, lang: str) -> _WordTable:
        if lang not in self._word_tables:
            self._word_tables[lang] = _WordTable(self.light(lang), self._lookup(lang))
        return self._word_tables[lang]

    def _sentence(self, document: Document, field: str, lang: str, part, start: int, end: int,
                  text: str, tokens: list[_Word]) -> Sentence:
        lemmas = tuple(dict.fromkeys(key for w in tokens if w.indexed for key in w.terms))
        entities: tuple = ()
        if self.aliases:
            table = self.aliases.phrases(lang)
            if table.may_match(w.keys for w in tokens):
                keys = [w.keys for w in tokens]
                entities = tuple(dict.fromkeys(
                    (m.value, " ".join(w.text for w in tokens[m.start:m.end])) for m in table.find(keys)))
        dates = tuple(dict.fromkeys(d.iso for d in dates_in(text))) if _DIGIT.search(text) else ()
        author = part.author if part is not None else document.author
        date = (part.date or (document.date if part.role == "body" else None)) if part else document.date
        return Sentence(
            doc_id=document.id, start=start, end=end, text=text, lang=lang, field=field,
            author=author, date=date, quoted=bool(part and part.role == "quoted"),
            quote_ref=part.quote_ref if part else None, lemmas=lemmas, entities=entities,
            dates=dates)

    # --- close reading (full path) -----------------------------------------------------------

    def analyze(self, texts: list[str], lang: str, *, full: bool = True,
                cache: AnalysisCache | None = None) -> list[Analysis]:
        """Analyses of `texts` in `lang`, from the memo, the cache, or spaCy - in that order."""
        nlp, trained = self.full(lang) if full else (self.light(lang), False)
        pipeline = self.pipeline_id(lang) if full else f"light-{lang}"
        pipeline += f":{self.aliases.digest()}:{ANALYSIS_VERSION}"
        keys = [hashlib.sha1(f"{pipeline}\0{t}".encode()).hexdigest() for t in texts]
        missing = [k for k in dict.fromkeys(keys) if k not in self._memo]
        if missing and cache is not None:
            for key, data in cache.get_analyses(missing).items():
                self._memo[key] = analysis_from_json(data)
        todo = [(t, k) for t, k in dict.fromkeys(zip(texts, keys)) if k not in self._memo]
        fresh: dict[str, str] = {}
        # The light path needs the tokenizer only (see _light_tokens).
        skipped = [] if full else ["sentencizer", "lemmatizer"]
        for doc, (key, text) in nlp.pipe(((t, (k, t)) for t, k in todo), as_tuples=True,
                                         batch_size=64, disable=skipped):
            analysis = self._analysis(doc, text, lang, trained, light=not full)
            self._memo[key] = analysis
            if cache is not None:
                fresh[key] = analysis_to_json(analysis)
        if fresh:
            cache.put_analyses(fresh)
        found = [self._memo[k] for k in keys]
        if len(self._memo) > MEMO_SIZE:
            # Oldest first: a long batch of claims must not hold every sentence it ever read.
            for key in list(itertools.islice(self._memo, len(self._memo) - MEMO_SIZE // 2)):
                del self._memo[key]
        return found

    def neighbourhoods(self, texts: list[str], lang: str, *, quantities: bool = True) -> list[Neighbourhood]:
        """What the light reading of each text gives relevance - the same keys, alias
        entities and (with `quantities`) quantities as `analyze(..., full=False)` - at a
        fraction of its cost. Not memoised: a sentence with its neighbours seldom recurs."""
        nlp = self.light(lang)
        words = self._words(lang)
        table = self.aliases.phrases(lang) if self.aliases else None
        found = []
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=64, disable=["sentencizer", "lemmatizer"])):
            array = doc.to_array([ORTH, IDX]).tolist()
            read = [words[orth] for orth, _ in array]
            keys = tuple(w.keys for w in read)
            entities = ()
            if table is not None:
                entities = tuple(EntitySpan(m.start, m.end, "ALIAS",
                                            text[array[m.start][1]:array[m.end - 1][1] + len(read[m.end - 1].text)],
                                            m.value)
                                 for m in table.find(keys))
            amounts: tuple = ()
            if quantities:
                dates = find_dates(text)
                amounts = tuple(find_quantities(text, skip=[(d.start, d.end) for d in dates]))
            found.append(Neighbourhood(text, lang, keys, entities, amounts))
        return found

    def _analysis(self, doc, text: str, lang: str, parsed: bool, *, light: bool = False) -> Analysis:
        """`text` is doc.text, which spaCy rebuilds from the tokens at every reading."""
        if light:
            tokens = _light_tokens(doc, self._words(lang))
        else:
            lookup = self._lookup(lang) if parsed else None
            tokens = tuple(
                Token(text=t.text, lemma=t.lemma_ or t.text, start=t.idx, pos=t.pos_, dep=t.dep_,
                      head=t.head.i if parsed else -1, ent=t.ent_type_,
                      stop=t.is_stop or fold(t.text) in _stop_words(lang), punct=t.is_punct or t.is_space,
                      base=_looked_up(lookup, t.text))
                for t in doc)
        keys = tuple(t.keys for t in tokens)
        entities: list[EntitySpan] = []
        covered: set[int] = set()
        if self.aliases:
            for m in self.aliases.phrases(lang).find(keys):
                entities.append(EntitySpan(m.start, m.end, "ALIAS",
                                           text[tokens[m.start].start:tokens[m.end - 1].end], m.value))
                covered.update(range(m.start, m.end))
        for ent in doc.ents:
            end = ent.end
            # "Jane Roe's": the possessive is no part of the name.
            while end - 1 > ent.start and doc[end - 1].text in POSSESSIVES:
                end -= 1
            if covered.isdisjoint(range(ent.start, end)):
                name = doc[ent.start:end].text
                entities.append(EntitySpan(ent.start, end, ent.label_, name,
                                           self.aliases.canonical(name) if self.aliases else name))
        dates = find_dates(text)
        quantities = find_quantities(text, skip=[(d.start, d.end) for d in dates])
        return Analysis(text, lang, tokens, tuple(sorted(entities, key=lambda e: e.start)),
                        tuple(dates), tuple(quantities), parsed)


def _light_tokens(doc, words: _WordTable) -> tuple[Token, ...]:
    """Tokens as the light pipeline reads them, from the token array and the word table."""
    tokens = []
    new = Token.__new__
    # The instance dictionary written at once (keys: the cached property, known already): a
    # third of the cost of Token(...), for the same tokens; a check reads thousands.
    for orth, idx in doc.to_array([ORTH, IDX]).tolist():
        word = words[orth]
        token = new(Token)
        token.__dict__.update(text=word.text, lemma=word.lemma, start=idx, pos="", dep="", head=-1,
                              ent="", stop=word.stop, punct=word.punct or word.space, base="",
                              keys=word.keys)
        tokens.append(token)
    return tuple(tokens)


class _LemmaTables:
    """Each language's lemma table, loaded when language detection first needs it (only
    texts too short to tell by stop words do): loading a pipeline takes seconds."""

    def __init__(self, segmenter: Segmenter):
        self.segmenter = segmenter
        self.tables: dict = {}

    def __bool__(self) -> bool:
        return True

    def get(self, lang: str):
        if lang not in self.tables:
            self.tables[lang] = self.segmenter._lookup(lang)
        return self.tables[lang]


_WORKER_SEGMENTER: Segmenter | None = None


def _work_in_worker(work, batch: list) -> list:
    return work(_WORKER_SEGMENTER, batch)


def _segment_list(segmenter: Segmenter, documents: list[Document]) -> list[list[Sentence]]:
    return [sentences for _, sentences in segmenter.segment_batch(documents)]


def batched(items: Iterable, size: int) -> Iterator[list]:
    """`items` in lists of `size` (the last one shorter), read lazily."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _worker_count(processes: int) -> int:
    """Worker processes for segmenting: `processes`, or one per core when it is 0. Only where
    processes can be forked (not on Windows)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return processes if processes > 0 else (os.cpu_count() or 1)


def _looked_up(table, text: str) -> str:
    if table is None:
        return ""
    found = table.get(text) or table.get(text.lower())
    if isinstance(found, (list, tuple)):  # some tables list several lemmas: take the first
        found = found[0] if found else None
    return found if isinstance(found, str) and found != text else ""


@functools.cache
def _trained_pipeline(name: str) -> Language:
    """A trained pipeline, loaded once per process: it reads, it is never changed, and loading
    it takes longer than most checks."""
    return spacy.load(name)


@functools.cache
def _light_pipeline(lang: str) -> Language:
    try:
        nlp = spacy.blank(lang)
    except Exception:  # noqa: BLE001 - spaCy has no such language
        log.warning("spaCy has no tokenizer for language %r; reading it as multilingual", lang)
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    except Exception:  # noqa: BLE001 - no lookup tables for this language
        if "lemmatizer" in nlp.pipe_names:
            nlp.remove_pipe("lemmatizer")
        _warn_no_lemmas(lang)
    return nlp


@functools.cache
def _warn_no_lemmas(lang: str) -> None:
    log.warning("no lemma tables for %r (install spacy-lookups-data); matching on word forms", lang)


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """Paragraphs and list items of text[start:end], with their offsets."""
    position = start
    for match in _BLOCK_BREAK.finditer(text, start, end):
        if match.start() > position:
            yield position, text[position:match.start()]
        position = match.end()
    if end > position:
        yield position, text[position:end]


class _Word(NamedTuple):
    """What indexing needs of a distinct word form, computed once per form."""

    text: str
    lemma: str
    stop: bool  # a stop word of the language, accents or not
    space: bool
    punct: bool
    ends_sentence: bool  # one of the sentencizer's sentence-final characters
    alnum: bool
    bullet: bool
    indexed: bool  # neither a stop word nor punctuation: its terms go into the index
    terms: tuple[str, ...]  # folded lemma and folded form, once each
    keys: frozenset[str]  # what alias phrases are matched on


class _WordTable(dict):
    """Word forms by spaCy orth id, filled on first sight."""

    def __init__(self, nlp: Language, lemmas):
        super().__init__()
        self.vocab = nlp.vocab
        self.lang = nlp.lang
        self.lemmas = lemmas
        self.final_chars = nlp.get_pipe("sentencizer").punct_chars

    def __missing__(self, orth: int) -> _Word:
        lexeme = self.vocab[orth]
        text = lexeme.orth_
        lemma = self.lemmas.get(text, text) if self.lemmas is not None else text
        if isinstance(lemma, (list, tuple)):  # some tables list several lemmas: take the first
            lemma = lemma[0] if lemma else text
        lemma = lemma or text
        terms = tuple(dict.fromkeys(k for k in (fold(lemma), fold(text)) if k))
        stop = lexeme.is_stop or fold(text) in _stop_words(self.lang)
        word = _Word(text, lemma, stop, lexeme.is_space, lexeme.is_punct, text in self.final_chars,
                     any(c.isalnum() for c in text), bool(_BULLET.fullmatch(text)),
                     not (lexeme.is_stop or lexeme.is_punct or lexeme.is_space), terms,
                     frozenset((fold(text), fold(lemma))))
        self[orth] = word
        return word


def _sentence_spans(doc, words: _WordTable) -> Iterator[tuple[int, int, list[_Word]]]:
    """(start, end, words) per sentence, trimmed of bullets and blanks, long ones cut.

    Sentences end as spaCy's sentencizer ends them (after a sentence-final character, at the
    next token that is not punctuation), computed here over the token array: the component
    itself would build a Python object per token."""
    sentence: list[tuple[int, _Word]] = []
    after_final = False
    for orth, idx in doc.to_array([ORTH, IDX]).tolist():
        word = words[orth]
        if after_final and not word.punct and not word.ends_sentence:
            if sentence:
                yield from _chunks(sentence)
            sentence = []
            after_final = False
        elif word.ends_sentence:
            after_final = True
        if not word.space:
            sentence.append((idx, word))
    if sentence:
        yield from _chunks(sentence)


def _chunks(sentence: list[tuple[int, _Word]]) -> Iterator[tuple[int, int, list[_Word]]]:
    size = CHUNK_TOKENS if len(sentence) > MAX_SENTENCE_TOKENS else len(sentence)
    for i in range(0, len(sentence), size):
        chunk = sentence[i:i + size]
        while chunk and chunk[0][1].bullet:
            chunk = chunk[1:]
        if not any(word.alnum for _, word in chunk):
            continue
        last_idx, last = chunk[-1]
        yield chunk[0][0], last_idx + len(last.text), [word for _, word in chunk]


# --- cache encoding ---------------------------------------------------------------------------


def analysis_to_json(analysis: Analysis) -> str:
    return json.dumps({
        "text": analysis.text, "lang": analysis.lang, "parsed": analysis.parsed,
        "tokens": [[t.text, t.lemma, t.start, t.pos, t.dep, t.head, t.ent, t.stop, t.punct, t.base]
                   for t in analysis.tokens],
        "entities": [[e.start, e.end, e.label, e.text, e.canonical] for e in analysis.entities],
        "dates": [[d.start, d.end, d.text, d.date.iso, d.date.precision, d.relation]
                  for d in analysis.dates],
        "quantities": [asdict(q) for q in analysis.quantities],
    }, ensure_ascii=False)


def analysis_from_json(data: str) -> Analysis:
    raw = json.loads(data)
    return Analysis(
        text=raw["text"], lang=raw["lang"], parsed=raw["parsed"],
        tokens=tuple(Token(*t) for t in raw["tokens"]),
        entities=tuple(EntitySpan(*e) for e in raw["entities"]),
        dates=tuple(DateMention(s, e, t, PartialDate(iso, p), r) for s, e, t, iso, p, r in raw["dates"]),
        quantities=tuple(Quantity(**q) for q in raw["quantities"]),
    )
