"""The default answerer: no LLM. It answers with the documents' own sentences, each cited.

It picks, from the retrieved passages, the sentences that answer the question (by the passage's
dense similarity and by how many of the question's topic words the sentence carries), keeps at most
`max_sentences`, and ends each with its citation marker. Nothing appears in the answer that is not
in a cited passage. When the evidence is too weak, or the question names a council or a year the
documents do not cover, it refuses and lists the closest passages instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ofsted_rag.documents import Answer, AnswerSentence, Citation, RetrievalStep, StoredPassage, sentences_of, split_sentences
from ofsted_rag.embedding import Embedder, VectorCache
from ofsted_rag.retrieve import Hit, Vocabulary
from ofsted_rag.support import INSTRUCTION, content_words

REFUSAL = "The documents I have do not answer this."

# Words that say what kind of question it is, not what it is about.
QUESTION_WORDS = content_words(
    "what which when where who how many much did does do say said says tell told ofsted council councils "
    "authority authorities local committee scrutiny minutes letter report happen happened anything "
    "there any about find found given give get got know mention mentioned latest last time year "
    "city county borough royal shire metropolitan district children's services service inspectors inspector "
    "actually really anything something"
)


@dataclass(frozen=True)
class Thresholds:
    """When a sentence is evidence enough to answer. Calibrated on the eval set by
    `eval/calibrate.py` (it prints the search); the resulting figures are in eval/report.md.

    The strict parts are categorical: every field term of the question ("care leavers", "SEND")
    must be in the sentence (or its item title), the sentence must be of the kind asked for (a sum
    for "how much ... spend", a figure for "how many", a person for "who is", a date for "when"),
    and a figure must come in a sentence that names a third or more of what the question counts Then the sentence must be
    close to the question's subject (`min_similarity`, the question without council names and
    question words), or share a topic word with the question and be close to all of it
    (`shared_word_similarity`). A council the corpus mentions only in other councils' documents
    needs `indirect_similarity`; a figure in a sentence that does not name what is counted,
    `figure_similarity`. `relative`: how close to the best sentence others must score to join it.
    """

    min_similarity: float = 0.25
    shared_word_similarity: float = 0.30
    indirect_similarity: float = 0.55
    figure_similarity: float = 0.5
    figure_coverage: float = 0.34
    relative: float = 0.60


# Reranking weights (set on the eval set with the retrieval figures; see eval/report.md): the
# fused rank keeps its say, sentence similarity breaks its ties and lifts one-sentence answers.
RERANK_DEPTH = 20
RERANK_RRF_K = 10
RERANK_SUBJECT = 0.05
RERANK_WHOLE = 0.02


@dataclass(frozen=True)
class Topic:
    """What a question is about: each concept is a set of alternative word sets, one of which a
    passage must contain ("care leavers" | "leaving care"; "CP" | "child protection")."""

    concepts: tuple[tuple[frozenset[str], ...], ...]
    terms: tuple[tuple[frozenset[str], ...], ...] = ()
    places: tuple[tuple[frozenset[str], ...], ...] = ()
    def with_places(self, places: Sequence[Sequence[str]]) -> "Topic":
        """Require a sentence to name these places (each a list of alternative names)."""
        extra = tuple(tuple(frozenset(_form_words(f)) for f in forms) for forms in places)
        return Topic(self.concepts, self.terms + extra, self.places + extra)

    def terms_covered(self, words: set[str]) -> bool:
        """Every field term of the question ("care leavers", "SEND") is in the words: a passage
        that lacks one is about something else, however close it looks."""
        return all(any(alt <= words for alt in alternatives) for alternatives in self.terms)

    def coverage(self, words: set[str]) -> float:
        if not self.concepts:
            return 0.0
        hit = sum(1 for alternatives in self.concepts if any(alt <= words for alt in alternatives))
        return hit / len(self.concepts)

    def describe(self) -> str:
        return "; ".join("|".join(" ".join(sorted(a)) for a in alts) for alts in self.concepts) or "(none)"


@dataclass(frozen=True)
class Candidate:
    sentence: str
    passage: StoredPassage
    hit: Hit
    similarity: float
    question_similarity: float
    coverage: float
    sentence_coverage: float
    terms_ok: bool
    fits: bool
    score: float


_NUMBER_CUE = re.compile(r"\b(?:how many|how much|number of|what percentage|what proportion|what fraction|"
                         r"what share|average|total|how long|how often)\b|%", re.IGNORECASE)
_COUNT_CUE = re.compile(r"\b(?:how many|number of|what percentage|what proportion|what fraction|what share|"
                        r"average|total)\b|%", re.IGNORECASE)
_WHO_CUE = re.compile(r"^\s*who\b|\bwho(?:'s| is| are| was| were| chairs| leads)\b", re.IGNORECASE)
_WHEN_CUE = re.compile(r"^\s*when\b|\bwhen(?:'s| is| was| will| did)\b|\bwhat (?:date|year|month)\b|"
                       r"\band when\b|\bwhen\s*\?*\s*$", re.IGNORECASE)
_MONEY_CUE = re.compile(r"\bhow much\b.*\b(?:spen[dt]|cost|budget\w*|fund\w*|money|pa(?:y|id)|invest\w*)\b|"
                        r"\b(?:spen[dt]|cost|budget\w*)\b.*\bhow much\b|£|"
                        r"\b(?:what|what's|what is|what was)\b.*\b(?:budget|spend|spending|cost|costs)\b", re.IGNORECASE)
_HAS_MONEY = re.compile(r"£|\b(?:million|thousand|pounds|\d+(?:\.\d+)?\s?(?:m|k|bn))\b", re.IGNORECASE)
_HAS_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                         r"forty|fifty|hundred|half|quarter|every|weekly|daily|monthly|annual)\b", re.IGNORECASE)
_HAS_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|august|september|"
                       r"october|november|december|spring|summer|autumn|winter|monday|tuesday|wednesday|"
                       r"thursday|friday|saturday|sunday)\b", re.IGNORECASE)
# Capitalised words that are roles, bodies or places, not the name a "who" question asks for.
_WHO_IS_CUE = re.compile(r"^\s*who(?:'s| is| are| was| were)\b", re.IGNORECASE)
# "who is the city's partner authority under ...": what is asked for is the head of the phrase
# after "who is", up to its first preposition; an organisation is named, not a person.
_WHO_IS_WHAT = re.compile(r"^\s*who(?:'s| is| are| was| were)\s+(.*?)(?:\s+(?:under|at|in|for|of|on|with|from|to|by|"
                          r"within|during|behind|that|which|who)\b|[?.!]|$)", re.IGNORECASE)
_ORGANISATIONS = {"authority", "authorities", "council", "councils", "organisation", "organisations",
                  "organization", "organizations", "body", "bodies", "partner", "partners", "agency", "agencies",
                  "provider", "providers", "charity", "charities", "trust", "trusts", "company", "companies",
                  "firm", "firms", "department", "departments"}
# A person named: "Councillor Barnard", "Amanda Collinson is/said/, ...", "inspectors were Nick
# Stacey and Paula Thomson" (first and last name where a name is said to be someone).
_PERSON = re.compile(r"\b(?:Councillor|Cllr|Mr|Mrs|Ms|Miss|Dr|Professor|Sir|Dame)\.?\s+[A-Z][a-z]+"
                     r"|\b[A-Z][a-z]+\s+[A-Z][a-z'’-]+(?=,|\s+(?:is|was|said|says|told|added|introduced|presented|chairs|chaired|leads|led)\b)"
                     r"|\b[A-Z][a-z]+\s+[A-Z][a-z'’-]+\s+and\s+[A-Z][a-z]+\s+[A-Z][a-z'’-]+\b"
                     r"|(?:(?<=\bis )|(?<=\bwas )|(?<=\bare )|(?<=\bwere )|(?<=\bby ))[A-Z][a-z]+\s+[A-Z][a-z'’-]+\b")
_GENERIC_NAMES = {"the", "council", "councils", "borough", "trust", "hub", "team", "board", "visit",
                  "ofsted", "committee", "members", "officers", "service", "services", "royal", "city", "county",
                  "district", "metropolitan", "children", "children's", "children’s", "department", "government"}


def question_topic(question: str, vocabulary: Vocabulary | None = None) -> Topic:
    """The concepts of a question: vocabulary phrases as groups of equivalent forms, then the
    remaining content words; council names and question words ("how many", "ofsted") removed."""
    from ofsted_rag.places import strip_places

    text = strip_places(question)
    concepts: list[tuple[frozenset[str], ...]] = []
    taken: list[tuple[int, int]] = []
    for start, end, forms in sorted((vocabulary.matches(text) if vocabulary else []), key=lambda m: m[0] - m[1]):
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        concepts.append(tuple(frozenset(_form_words(f)) for f in forms if _form_words(f)))
    terms = tuple(c for c in concepts if c)
    rest = "".join(" " if any(s <= i < e for s, e in taken) else ch for i, ch in enumerate(text))
    rest = _YEARS_AND_MONTHS.sub(" ", rest)
    concepts.extend((frozenset([w]),) for w in sorted(content_words(rest) - QUESTION_WORDS))
    return Topic(tuple(c for c in concepts if c), terms)


_YEARS_AND_MONTHS = re.compile(r"\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|august|"
                               r"september|october|november|december)\b", re.IGNORECASE)


def _form_words(form: str) -> set[str]:
    """A form's content words plus its acronyms ("CP plans" -> {"cp", "plan"})."""
    acronyms = {w.lower() for w in re.findall(r"\b[A-Za-z]{2,6}\b", form) if sum(ch.isupper() for ch in w) >= 2}
    return (content_words(form) | acronyms) or {form.lower()}


def passage_words(text: str) -> set[str]:
    """Content words of a text plus its acronyms in lower case ("CP" -> "cp")."""
    return content_words(text) | {w.lower() for w in re.findall(r"\b[A-Za-z]{2,6}\b", text) if sum(ch.isupper() for ch in w) >= 2}


def topic_words(question: str) -> set[str]:
    from ofsted_rag.places import strip_places

    return content_words(strip_places(question)) - QUESTION_WORDS


def fits_question(question: str, sentence: str, asked_words: set[str] | None = None) -> bool:
    """A sentence of the kind the question asks for: a sum of money, a figure, a name, a date.
    `asked_words` are the question's words with their vocabulary expansions (a name must be new)."""
    if _MONEY_CUE.search(question) and not _HAS_MONEY.search(sentence):
        return False
    if _NUMBER_CUE.search(question) and not _HAS_NUMBER.search(sentence):
        return False
    if _WHEN_CUE.search(question) and not _HAS_DATE.search(sentence):
        return False
    if _WHO_IS_CUE.search(question) and not _asks_for_organisation(question) and not any(
        not ({w.lower() for w in re.findall(r"[A-Za-z]+", m.group(0))} & _GENERIC_NAMES - {"councillor"})
        for m in _PERSON.finditer(sentence)
    ):
        return False
    if _WHO_CUE.search(question):
        asked = asked_words or {w.lower() for w in re.findall(r"[A-Za-z]+", question)}
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", sentence)
        names = [w for i, w in enumerate(words) if i > 0 and w[0].isupper()
                 and w.lower() not in asked and w.lower() not in _GENERIC_NAMES]
        if not names:
            return False
    return True


def _asks_for_organisation(question: str) -> bool:
    """"who is the city's mentor authority ...?" asks for a body (a council, an agency), whose
    name is not a person's."""
    m = _WHO_IS_WHAT.search(question)
    words = re.findall(r"[a-z]+", m.group(1).lower()) if m else []
    return bool(words) and words[-1] in _ORGANISATIONS


def is_precedent_question(question: str) -> bool:
    """Asks across councils ("which councils ...", "other authorities", "anywhere else")."""
    return bool(re.search(r"\b(councils|authorities|which council|any council|other council|elsewhere|anywhere|across|compare|both)\b",
                          question, re.IGNORECASE))


class SentenceSimilarity:
    """Cosine similarity of a question to single sentences, without the council context that the
    stored passage embeddings carry (which would make any passage of a named council look close).
    Sentence vectors come from the shared cache, which the engine fills from the store (ingest
    embeds every sentence), so at question time normally only the question is embedded."""

    def __init__(self, cache: VectorCache) -> None:
        self.cache = cache

    def scores_many(self, queries: Sequence[str], sentences: Sequence[str]) -> list[list[float]]:
        """Per query, the cosine similarity to each sentence; anything not yet known is embedded
        in one batch."""
        if not sentences:
            return [[] for _ in queries]
        vectors = self.cache.vectors([*queries, *sentences])
        matrix = np.stack(vectors[len(queries):])
        return [(matrix @ q).tolist() for q in vectors[:len(queries)]]


class ExtractiveAnswerer:
    """Composes a short cited answer from the documents' own sentences."""

    def __init__(self, max_sentences: int = 5, thresholds: Thresholds | None = None,
                 embedder: Embedder | None = None, vocabulary: Vocabulary | None = None,
                 vectors: VectorCache | None = None) -> None:
        """`vectors` (else a cache of its own over `embedder`) gives sentence and question
        vectors; with neither, sentences are scored by their passage's dense similarity."""
        self.max_sentences = max_sentences
        self.thresholds = thresholds or Thresholds()
        if vectors is None and embedder is not None:
            vectors = VectorCache(embedder)
        self.similarity = SentenceSimilarity(vectors) if vectors is not None else None
        self.vocabulary = vocabulary

    def answer(self, question: str, hits: Sequence[Hit], *, topic: Topic | None = None,
               steps: Sequence[RetrievalStep] = ()) -> Answer:
        topic = topic or question_topic(question, self.vocabulary)
        indirect = bool(topic.places)
        candidates = [c for c in self.candidates(question, hits, topic) if self.qualifies(question, c, indirect)]
        if not candidates:
            return refuse(question, hits, steps=(*steps, RetrievalStep(
                "refused", f"no sentence passed the evidence threshold (topics: {topic.describe()})")))
        chosen = self._choose(question, candidates)
        return compose(question, [(c.sentence, c.passage) for c in chosen], steps=(
            *steps,
            RetrievalStep("answer", f"{len(chosen)} sentence(s) from {len({c.passage.id for c in chosen})} passage(s); "
                                    f"topics: {topic.describe()}"),
        ))

    def candidates(self, question: str, hits: Sequence[Hit], topic: Topic) -> list[Candidate]:
        """Every sentence of the retrieved passages with its evidence features, best first."""
        from ofsted_rag.places import strip_places

        rows: list[tuple[str, Hit, float, bool]] = []
        for rank, hit in enumerate(hits):
            coverage = topic.coverage(self._words(" ".join(x for x in (hit.passage.item_title, hit.passage.text) if x)))
            previous = ""
            for sentence in split_sentences(hit.passage.text):
                if len(content_words(sentence)) >= 2 and not INSTRUCTION.search(sentence):
                    # The sentence before, in the same point, may name what this one goes on about
                    # ("Child protection conferences are timely. Plans are too generic ...").
                    terms_ok = topic.terms_covered(self._words(f"{hit.passage.item_title or ''} {previous} {sentence}"))
                    rows.append((sentence, hit, coverage, terms_ok))
                previous = sentence
        if not rows:
            return []
        if self.similarity is not None:
            sims, whole = self.similarity.scores_many(self.query_forms(question), [r[0] for r in rows])
        else:
            sims = whole = [r[1].similarity for r in rows]
        asked = {w.lower() for w in re.findall(r"[A-Za-z]+", self._expand(question))}
        ranks = {h.passage.id: i for i, h in enumerate(hits)}
        out = []
        for (sentence, hit, coverage, terms_ok), sim, whole_sim in zip(rows, sims, whole):
            # The fused retrieval rank is evidence too: a passage both searches put first.
            score = sim + 0.3 * coverage + 0.2 * hit.similarity + 0.15 / (1 + ranks[hit.passage.id])
            out.append(Candidate(sentence, hit.passage, hit, sim, whole_sim, coverage,
                                 topic.coverage(self._words(sentence)), terms_ok,
                                 fits_question(question, sentence, asked), score))
        out.sort(key=lambda c: -c.score)
        return out

    def rerank(self, question: str, hits: Sequence[Hit], top_k: int) -> list[Hit]:
        """Hits reordered by their fused rank plus how close their best sentence is to the
        question: a passage whose one sentence answers is not buried by a long passage that
        merely shares the question's words. Sentence vectors are cached for answering."""
        if self.similarity is None or not hits:
            return list(hits)[:top_k]
        per_hit = [sentences_of(hit.passage.text) for hit in hits]
        flat = list(dict.fromkeys(s for sentences in per_hit for s in sentences))
        subject_scores, whole_scores = self.similarity.scores_many(self.query_forms(question), flat)
        by_subject, by_whole = dict(zip(flat, subject_scores)), dict(zip(flat, whole_scores))
        # Only a sentence of the kind asked for (a date for "when", a figure for "how many", a
        # name for "who") can answer, so only such sentences lift their passage: a passage that
        # talks about the subject without ever giving the date asked for is not the answer.
        asked = {w.lower() for w in re.findall(r"[A-Za-z]+", self._expand(question))}
        scored = []
        for rank, (hit, sentences) in enumerate(zip(hits, per_hit)):
            sentences = [s for s in sentences if fits_question(question, s, asked)]
            best_subject = max((by_subject[s] for s in sentences), default=0.0)
            best_whole = max((by_whole[s] for s in sentences), default=0.0)
            score = 1 / (RERANK_RRF_K + rank) + RERANK_SUBJECT * best_subject + RERANK_WHOLE * best_whole
            scored.append((score, rank, hit))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return [hit for _, _, hit in scored[:top_k]]

    def query_forms(self, question: str) -> list[str]:
        """The two texts sentences are compared with: the question's subject, and the whole
        question without council names (both with acronyms spelt out)."""
        return [self.similarity_query(question), self._whole_query(question)]

    def _whole_query(self, question: str) -> str:
        from ofsted_rag.places import strip_places

        return " ".join(self._expand(strip_places(question)).split())

    def similarity_query(self, question: str) -> str:
        """What a sentence is compared with: the question's subject, without council names and
        question words ("what did ofsted say about ..." would make every sentence about Ofsted
        look relevant), with its acronyms spelt out (the model knows "safeguarding hub", not
        "MASH")."""
        from ofsted_rag.places import strip_places

        from ofsted_rag.support import STOP_WORDS

        words = re.findall(r"[\w'’-]+", strip_places(question))
        kept = [w for w in words if w.lower() not in STOP_WORDS and not (content_words(w) <= QUESTION_WORDS)]
        subject = " ".join(kept) or question
        return " ".join(self._expand(subject).split())

    def _expand(self, text: str) -> str:
        return f"{text} {' '.join(self.vocabulary.expansions(text))}" if self.vocabulary else text

    def _words(self, text: str) -> set[str]:
        return passage_words(self._expand(text))

    def qualifies(self, question: str, c: Candidate, indirect: bool = False) -> bool:
        """Whether a sentence is evidence enough to answer with.

        `indirect`: the question is about a council the corpus mentions only in other councils'
        documents, so the sentence must match more strongly."""
        t = self.thresholds
        if not c.fits or not c.terms_ok:
            return False
        # A figure answers "how many X" only in a sentence that speaks of X.
        if _COUNT_CUE.search(question) and c.sentence_coverage < t.figure_coverage and c.similarity < t.figure_similarity:
            return False
        if indirect:
            return c.similarity >= t.indirect_similarity
        return c.similarity >= t.min_similarity or (
            c.sentence_coverage > 0 and c.question_similarity >= t.shared_word_similarity)

    def _choose(self, question: str, candidates: list[Candidate]) -> list[Candidate]:
        best = candidates[0].score
        chosen: list[Candidate] = []
        if is_precedent_question(question):
            # The best sentence of each council first, so a precedent answer spans councils.
            seen: set[str | None] = set()
            for c in candidates:
                if c.passage.council not in seen and c.score >= best * 0.7:
                    seen.add(c.passage.council)
                    chosen.append(c)
        for c in candidates:
            if len(chosen) >= self.max_sentences or c.score < best * self.thresholds.relative:
                break
            if c not in chosen:
                chosen.append(c)
        return _dedupe(chosen[: self.max_sentences])


def _dedupe(chosen: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[str] = set()
    for c in chosen:
        key = " ".join(c.sentence.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def compose(question: str, sentences: Sequence[tuple[str, StoredPassage]], *, steps: Sequence[RetrievalStep] = ()) -> Answer:
    """An answer from (sentence, passage) pairs: numbered citations, one per passage, and the
    text grouped by council when more than one council speaks."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    answer_sentences: list[AnswerSentence] = []
    for sentence, passage in sentences:
        if passage.id not in numbers:
            numbers[passage.id] = len(numbers) + 1
            citations.append(Citation(numbers[passage.id], passage))
        answer_sentences.append(AnswerSentence(sentence, (numbers[passage.id],)))
    councils = []
    for _, p in sentences:
        if p.council not in councils:
            councils.append(p.council)
    if len(councils) > 1:
        blocks = []
        for council in councils:
            lines = [f"{s.text} [{s.citations[0]}]" for s, (_, p) in zip(answer_sentences, sentences) if p.council == council]
            blocks.append(f"{council or 'Council not recorded'}: " + " ".join(lines))
        text = "\n\n".join(blocks)
    else:
        text = " ".join(f"{s.text} {''.join(f'[{n}]' for n in s.citations)}" for s in answer_sentences)
    return Answer(question=question, text=text, refused=False, sentences=tuple(answer_sentences),
                  citations=tuple(citations), steps=tuple(steps))


def refuse(question: str, hits: Sequence[Hit], *, reason: str | None = None, closest: int = 3,
           steps: Sequence[RetrievalStep] = ()) -> Answer:
    """A plain refusal with the nearest passages listed separately, never as an answer."""
    text = REFUSAL if not reason else f"{REFUSAL[:-1]}: {reason}."
    return Answer(question=question, text=text, refused=True,
                  closest=tuple(h.passage for h in hits[:closest]), steps=tuple(steps))
