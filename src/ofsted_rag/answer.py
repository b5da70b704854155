"""The default answerer: no LLM. It answers with the documents' own sentences, each cited.

Every sentence of the retrieved passages is a candidate; one evidence score (`Evidence`) weighs
the general signals that a sentence answers the question: its similarity to the question's
subject and to the whole question, how much of the question's topic it (with its context) covers,
how many of the question's field terms it carries, whether it offers the kind of answer asked
for (a date for "when", a figure for "how many"), and how its passage ranked in retrieval. The
weights and the threshold are fitted on the eval's calibration split (eval/calibrate.py) and live
in resources/evidence.toml. The answer leads with the best sentence and adds the sentences close
to it; when no sentence reaches the threshold it refuses and lists the closest passages instead.
A question asking several things that no sentence answers whole is answered part by part: the
parts that reach the threshold are answered, and a note names each part the documents do not
answer.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ofsted_rag import places
from ofsted_rag.documents import (Answer, AnswerSentence, Citation, RetrievalStep, StoredPassage, is_lead_in,
                                  notes_paragraph, refers_back, sentences_of, split_sentences, unfinished)
from ofsted_rag.embedding import Embedder, VectorCache
from ofsted_rag.query import Query, form_words, grades_denied, items_head, judgement_scale, judgements_in, passage_words
from ofsted_rag.reading import acronyms, counts_without_detail, describes, housekeeping, mentions, procedural, tone
from ofsted_rag.retrieve import Hit, Vocabulary
from ofsted_rag.support import INSTRUCTION, content_words

REFUSAL = "The documents I have do not answer this."

# Reranking weights: the fused rank keeps its say, sentence similarity breaks its ties and lifts
# one-sentence answers.
RERANK_DEPTH = 20
RERANK_RRF_K = 10
RERANK_SUBJECT = 0.05
RERANK_WHOLE = 0.02

# A passage that is an item of a list: a bullet, a lettered or roman-numbered point.
_LIST_POINT = re.compile(r"^(?:bullet\b|[a-z]{1,2}$|[ivx]+$)")
_LIST_ITEM = re.compile(r"^\s*(?:\([a-z]{1,3}\)|\([ivx]+\)|[•·▪◦●‣∙\-–*])\s*")
_NUMBERED_ITEM = re.compile(r"^\s*\(?\d{1,2}[.)]\s+\S")
# The marks a quotation opens with.
_OPENING_QUOTES = "“\"‘'"
MAX_LIST_ITEMS = 8
MAX_LIST_ITEM_WORDS = 25
MAX_LIST_WORDS = 80
# A lead-in this long says something of its own besides announcing its list ("The review, which came
# out on 2 May, told leaders to draw up a joint plan within seventy days and named two shortfalls:");
# a shorter one only announces it ("The review named two shortfalls:").
MIN_STATEMENT_WORDS = 20
CONFIDENCE_DEPTH = 5

FEATURES = ("subject_similarity", "whole_similarity", "coverage", "context_coverage", "terms",
            "fits", "rank", "passage_similarity", "standing")


@dataclass(frozen=True)
class Evidence:
    """The one evidence decision, two logistic scores over the same `FEATURES` of a sentence:
    `select` ranks the sentences (is this sentence from a passage that answers?), `answer` decides
    on the best one (does the question have an answer here at all?). Answered when the best
    sentence's `answer` score reaches `threshold`; sentences whose `select` score is within
    `relative` of the best join it."""

    select: dict[str, float]
    select_bias: float
    answer: dict[str, float]
    answer_bias: float
    threshold: float
    relative: float = 0.85

    @classmethod
    def load(cls) -> "Evidence":
        data = tomllib.loads(resources.files("ofsted_rag").joinpath("resources/evidence.toml").read_text("utf-8"))
        return cls({k: float(data["select"][k]) for k in FEATURES}, float(data["select"]["bias"]),
                   {k: float(data["answer"][k]) for k in FEATURES}, float(data["answer"]["bias"]),
                   float(data["threshold"]), float(data.get("relative", 0.85)))

    def score(self, features: dict[str, float]) -> float:
        return _logistic(self.select_bias + sum(self.select[k] * features[k] for k in FEATURES))

    def answerable(self, features: dict[str, float]) -> float:
        return _logistic(self.answer_bias + sum(self.answer[k] * features[k] for k in FEATURES))

    def confidence(self, candidates: Sequence["Candidate"]) -> float:
        """That the question has an answer here: the best answer score among the sentences the
        select score ranks first (the best-ranked sentence may lack a field term that the next
        one, from the same point, carries)."""
        return max((self.answerable(c.features) for c in candidates[:CONFIDENCE_DEPTH]), default=0.0)


def _logistic(z: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


@lru_cache(maxsize=1)
def default_evidence() -> Evidence:
    return Evidence.load()


def _standing(query: Query, unit: "_Unit") -> float:
    """How surely a sentence speaks for the council asked about: its document's standing
    (`Scope.standing`), except that a sentence naming the council speaks for it in a document
    recorded as another council's that is about it too (a press release on two councils' ratings),
    and a sentence opening with its name, its subject, does so even in a document naming it only
    in passing ("Wessex County Council was judged to ..." in its neighbour's news)."""
    if unit.hit.standing == 1.0 or not query.councils:
        return unit.hit.standing
    named = [(start, a) for start, _, a in places.spans(unit.text) if a in query.councils]
    if unit.hit.standing == 0.5 and named:
        return 1.0
    if any(start <= len(_LEADING_ARTICLE.match(unit.text).group(0)) for start, _ in named):
        return 1.0
    return unit.hit.standing


_LEADING_ARTICLE = re.compile(r"[\s\W]*(?:the\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class _Unit:
    """A sentence unit of a retrieved passage before it is scored: its text, where it came from,
    the texts whose similarity stands for it (a lead-in and its list items) and its coverage."""

    text: str
    hit: Hit
    rank: int
    extra: tuple[StoredPassage, ...]
    pieces: tuple[str, ...]
    coverage: float
    context_coverage: float
    terms: float


@dataclass(frozen=True)
class Candidate:
    """A sentence (or a lead-in with its list) that may answer; `extra` are the passages its list
    items come from, cited beside its own."""

    sentence: str
    passage: StoredPassage
    hit: Hit
    features: dict[str, float]
    score: float
    extra: tuple[StoredPassage, ...] = ()


# What a sentence offers, for each kind of answer a question can ask for.
_HAS_MONEY = re.compile(r"£|\b(?:million|thousand|pounds|\d+(?:\.\d+)?\s?(?:m|k|bn))\b", re.IGNORECASE)
_HAS_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                         r"forty|fifty|hundred|hundreds|thousands|dozens?|several|half|quarter|third|majority|minority|most|few|all|none|every|weekly|"
                         r"daily|monthly|annual|annually|fortnightly)\b", re.IGNORECASE)
_HAS_DATE = re.compile(r"\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|august|september|"
                       r"october|november|december|spring|summer|autumn|winter|monday|tuesday|wednesday|"
                       r"thursday|friday|saturday|sunday)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", re.IGNORECASE)
# How many of something there were: a figure that is not a share ("11%"), a year or a money sum,
# or a number word ("one of the lowest rates" counts nothing).
_TALLY = re.compile(r"(?<![\d.,£$])(?!(?:19|20)\d\d\b)\d[\d,]*(?:\.\d+)?(?!\.?\d|\s*(?:%|per\s*cent|percent)|\s*(?:m|k|bn|million|billion)\b)"
                    r"|\b(?:one(?!\s+of\b)|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|"
                    r"thousands?|dozens?|several|none|nobody|no one)\b", re.IGNORECASE)
# A sentence saying no judgement was given answers "what was it rated?" too (focused visits and
# joint inspections are not graded).
_NO_JUDGEMENT = re.compile(
    r"\b(?:not|never)\s+(?:\w+\s+){0,2}?(?:make|made|give|given|result in|results in|lead to|leads to|receive|"
    r"received|award|awarded|carry|carries)\s+(?:an?\s+)?(?:overall\s+)?(?:judge?ments?|grades?|gradings?|ratings?)\b"
    r"|\bno\s+(?:overall\s+)?(?:judge?ments?|grades?|ratings?)\s+(?:is|are|was|were|has been|have been)\s+(?:made|given|awarded)\b"
    r"|\bungraded\b|\bnot\s+(?:been\s+)?(?:graded|rated|judged)\b", re.IGNORECASE)
# A grade given as a share ("9% of audits were graded outstanding, 54% good") counts how many
# cases, schools or audits had it: it is nobody's judgement of the council or service asked about.
_SHARED_GRADE = re.compile(r"(?:\d\s*%|\bper\s*cent)\s+(?:of\s+(?:[\w'’-]+\s+){0,4}?)?(?:(?:had\s+been|have\s+been|were|was|are|is)\s+)?"
                           r"(?:(?:graded|rated|judged|assessed)\s+(?:as\s+)?)?(?:outstanding|good|requires?\s+improvement|"
                           r"requiring\s+improvement|inadequate)\b", re.IGNORECASE)
# A person named: a title and a surname, or a first and last name said to be or do something.
# A first name and a surname; a surname may carry a prefix or a second part ("O’Brien",
# "McAllister", "Bower-Brown").
_FULL_NAME = r"[A-Z][a-z]+\s+(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
# What people named in minutes, letters and news are said to do: speak, write, chair, present.
_REPORTS = ("said|says|told|added|introduced|presented|chairs|chaired|leads|led|reported|explained|stated|states|"
            "wrote|writes|commented|confirmed|warned|admitted|announced|acknowledged")
# A title before a name, plural too, as minutes list those present and sending apologies
# ("Councillors Smith and Jones").
_PERSON = re.compile(r"\b(?:Councillors?|Cllrs?|Mr|Mrs|Ms|Miss|Dr|Professor|Sir|Dame)\.?\s+(?:[A-Z]\.?\s+)*[A-Z][a-z]+"
                     # A name beside its role, as letters and reports sign: "Pauline Turner HMI",
                     # "inspector Pauline Turner", "Jane Smith Director of Children's Services".
                     rf"|\b{_FULL_NAME}(?=\s+(?:HMI|Director|Head|Chair|Chairman|Chairwoman|Leader|Chief|Executive|Assistant|Corporate|Interim|Lead)\b)"
                     rf"|(?:(?<=\binspector )|(?<=\bInspector )|(?<=\bchaired by )|(?<=\bled by )){_FULL_NAME}\b"
                     rf"|\b{_FULL_NAME}(?=,|\s+(?:is|was|has|had|will|{_REPORTS})\b)"
                     rf"|\b{_FULL_NAME}\s+and\s+{_FULL_NAME}\b"
                     rf"|(?:(?<=\bis )|(?<=\bwas )|(?<=\bare )|(?<=\bwere )|(?<=\bby )){_FULL_NAME}\b")
# A name after the role it holds, as news and letters write it: "director of children's services
# Jane Smith", "chief executive Ravi Shah", "head of department Ann Cole". Only the name is the
# person (the role's words are generic).
_ROLE_THEN_NAME = re.compile(r"\b(?i:director|head|executive|leader|chair|chairman|chairwoman|manager|officer|inspector|"
                             r"member|minister|secretary|mayor|commissioner)"
                             rf"(?:\s+(?i:of|for)(?:\s+[\w'’&-]+){{1,3}}?)?,?\s+({_FULL_NAME})\b")
# A passive verb's agent, which says who did something though no name is capitalised ("decisions
# were mostly made by duty social workers"): an answer to "who ...?" unless a name is asked for.
_PASSIVE_AGENT = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:[a-z]+ly\s+)?[a-z]+(?:ed|en|wn|ne|t)\s+by\s+"
                            r"(?!(?:the\s+)?(?:[0-9]|(?:end|time|spring|summer|autumn|winter|january|february|march|april|may|june|"
                            r"july|august|september|october|november|december)\b))[a-z]")
# Capitalised words that are roles, bodies or places, not the name a "who" question asks for.
_GENERIC_NAMES = {"the", "council", "councils", "borough", "trust", "hub", "team", "board", "visit",
                  "ofsted", "committee", "members", "officers", "service", "services", "royal", "city", "county",
                  "district", "metropolitan", "children", "children's", "children’s", "department", "government"}


def fits(query: Query, sentence: str) -> bool:
    """Whether a sentence offers the kind of answer the question asks for: a sum of money, a
    figure, a date, a name. A question asking for none of these is fitted by any sentence."""
    kinds = query.kinds
    if "money" in kinds and not _HAS_MONEY.search(sentence):
        return False
    if "number" in kinds and not _HAS_NUMBER.search(sentence):
        return False
    if "tally" in kinds and not _TALLY.search(sentence):
        return False
    if "date" in kinds and not _HAS_DATE.search(sentence):
        return False
    if ("judgement" in kinds and not judgements_in(_SHARED_GRADE.sub(" ", sentence)) and not _NO_JUDGEMENT.search(sentence)
            and not grades_denied(sentence)):
        return False
    if "who" in kinds:
        if "person" in kinds and not any(
            not ({w.lower() for w in re.findall(r"[A-Za-z]+", name)} & _GENERIC_NAMES - {"councillor"})
            for name in [*(m.group(0) for m in _PERSON.finditer(sentence)),
                         *(m.group(1) for m in _ROLE_THEN_NAME.finditer(sentence))]
        ):
            return False
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", sentence)
        if not any(i > 0 and w[0].isupper() and w.lower() not in query.asked_words and w.lower() not in _GENERIC_NAMES
                   for i, w in enumerate(words)) and not (not kinds & {"person", "named"} and _PASSIVE_AGENT.search(sentence)):
            return False
    return True


class SentenceSimilarity:
    """Cosine similarity of a question's forms to single sentences, without the council context
    that the stored passage embeddings carry (which would make any passage of a named council look
    close). Sentence vectors come from the shared cache, which the engine fills from the store
    (ingest embeds every sentence), so at question time normally only the question is embedded."""

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

    def __init__(self, max_sentences: int = 5, evidence: Evidence | None = None,
                 embedder: Embedder | None = None, vocabulary: Vocabulary | None = None,
                 vectors: VectorCache | None = None,
                 following: Callable[[StoredPassage], Sequence[StoredPassage]] | None = None,
                 preceding: Callable[[StoredPassage], Sequence[StoredPassage]] | None = None,
                 heading: Callable[[StoredPassage], str] | None = None,
                 item_text: Callable[[StoredPassage], str] | None = None) -> None:
        """`vectors` (else a cache of its own over `embedder`) gives sentence and question
        vectors; with neither, sentences are scored by their passage's dense similarity.
        `following` gives the passages after one in its document's item (a lead-in's list);
        without it a lead-in whose list is in other passages is never quoted. `preceding` gives
        those before it (a list item's lead-in)."""
        self.following = following
        self.preceding = preceding
        self.heading = heading
        self.item_text = item_text
        self.max_sentences = max_sentences
        self.evidence = evidence or default_evidence()
        if vectors is None and embedder is not None:
            vectors = VectorCache(embedder)
        self.similarity = SentenceSimilarity(vectors) if vectors is not None else None
        self.vocabulary = vocabulary

    def answer(self, query: Query, hits: Sequence[Hit], *, steps: Sequence[RetrievalStep] = ()) -> Answer:
        candidates = self.candidates(query, hits)
        best = candidates[0] if candidates else None
        confidence = self._confidence(query, candidates)
        if best is None or confidence < self.evidence.threshold:
            if query.parts:
                # No sentence answers everything it asks; a part the documents do answer is
                # answered, and the answer says which parts they do not.
                answered = self._answer_parts(query, hits, steps)
                if answered is not None:
                    return answered
            why = (f"the best sentence's evidence is {confidence:.2f}, below {self.evidence.threshold:.2f}"
                   if best else "no sentence to weigh")
            return refuse(query.text, hits, steps=(*steps, RetrievalStep("refused", f"{why} ({query.describe()})")))
        chosen = self.choose(query, candidates)
        note = missing_detail(query, chosen, hits)
        if note:
            # What the documents do record (that there were two of them) is the answer, so far as
            # they give one: it leads, and the note says what they do not.
            counting = next(c for c in chosen if _counts(query, c))
            chosen = [counting, *(c for c in chosen if c is not counting)]
        return compose(query, [(c.sentence, (c.passage, *c.extra)) for c in chosen], notes=(note,) if note else (), steps=(
            *steps,
            RetrievalStep("answer", f"{len(chosen)} sentence(s) from {len({c.passage.id for c in chosen})} passage(s); "
                                    f"evidence {confidence:.2f} (threshold {self.evidence.threshold:.2f}); "
                                    f"{query.describe()}"),
            *((RetrievalStep("not in the documents", note),) if note else ()),
        ))

    def _confidence(self, query: Query, candidates: Sequence[Candidate]) -> float:
        """That the question has an answer here (`Evidence.confidence`). A question asking who
        holds a role ("who is the chair of the fostering panel?") is answered by a sentence of
        the council's own document that names a person beside every word of what it asks, however
        low its passage ranks: the name beside the role is the answer itself."""
        confidence = self.evidence.confidence(candidates)
        if "person" in query.kinds and any(
                c.features["coverage"] == 1.0 and c.features["terms"] == 1.0 and c.features["fits"] == 1.0
                and c.features["standing"] == 1.0 for c in candidates[:CONFIDENCE_DEPTH]):
            return max(confidence, self.evidence.threshold)
        return confidence

    def _answer_parts(self, query: Query, hits: Sequence[Hit], steps: Sequence[RetrievalStep]) -> Answer | None:
        """The answer to a question asking several things, part by part: each part whose evidence
        reaches the threshold gives its sentences, in the order the question asks; each part that
        none answers is named in a note. None when no part is answered."""
        answered: list[tuple[Query, list[Candidate], float]] = []
        unanswered: list[Query] = []
        for part in query.parts:
            candidates = self.candidates(part, hits)
            confidence = self._confidence(part, candidates)
            if candidates and confidence >= self.evidence.threshold:
                answered.append((part, candidates, confidence))
            else:
                unanswered.append(part)
        if not answered:
            return None
        share = max(2, self.max_sentences // len(answered))
        chosen = _dedupe([c for part, candidates, _ in answered for c in self.choose(part, candidates)[:share]])
        notes = tuple(f"The documents do not answer this part of the question: “{p.text.rstrip('?').strip()}?”"
                      for p in unanswered)
        detail = "; ".join(f"“{p.text}” {c:.2f}" for p, _, c in answered)
        return compose(query, [(c.sentence, (c.passage, *c.extra)) for c in chosen], notes=notes, steps=(
            *steps,
            RetrievalStep("answer", f"{len(chosen)} sentence(s) answering {len(answered)} of {len(query.parts)} parts "
                                    f"(evidence {detail}; threshold {self.evidence.threshold:.2f}); {query.describe()}"),
            *(RetrievalStep("not in the documents", n) for n in notes),
        ))

    def candidates(self, query: Query, hits: Sequence[Hit]) -> list[Candidate]:
        """Every sentence of the retrieved passages with its evidence features and score, best
        first."""
        units: list[_Unit] = []
        for rank, hit in enumerate(hits):
            title = hit.passage.item_title or ""
            # What the whole document is (its title, its committee, its opening heading) is context
            # for every sentence in it: a question naming the kind of document it asks about is
            # answered by a sentence of that document, though the sentence never names its kind.
            heading = self.heading(hit.passage) if self.heading else ""
            # A term naming the kind of inspection ("ILACS") holds for every sentence of an item
            # that names it anywhere.
            named_in_item = self._item_terms_named(query, hit.passage)
            # The terms setting the question's scene may be named anywhere in the item.
            item = self.item_text(hit.passage) if self.item_text else ""
            item_words = self._words(item) if query.topic.setting_terms else frozenset()
            # A short form the item defines ("the Kinship Carers Network (KCN)") names what its
            # words do wherever it stands ("KCN paid for 40 short breaks").
            defined = acronyms(item)
            # A list item means what its lead-in says it is ("On the pandemic, the panel heard:-"
            # over "Managers moved every visit online within a week").
            lead_in = self._lead_in_before(hit.passage) or self._quotation_opened_before(hit.passage)
            passage_coverage = query.topic.coverage(self._words(f"{title} {lead_in} {hit.passage.text}"))
            previous = ""
            texts = sentences_of(hit.passage.text)
            for n, text in enumerate(texts):
                extra: tuple[StoredPassage, ...] = ()
                pieces = [text]
                if is_lead_in(text):
                    # A lead-in is quoted with its list or not at all; it is as close to the
                    # question as the closest of its parts. A line that names a speaker ("Jane
                    # Smith, cabinet member for children, said:") is quoted with the opening
                    # sentence of the quotation after it, as news prints them.
                    # What follows the passage in its item, read once (None: not known here).
                    after = self.following(hit.passage) if n == len(texts) - 1 and self.following else None
                    extra = _list_in(after)
                    if extra:
                        pieces += [u for p in extra for u in sentences_of(p.text)]
                        text = f"{text} {_joined(extra)}"
                    elif quote := _quote_in(after, text):
                        extra, opening = quote
                        pieces.append(opening)
                        text = f"{text} {opening}"
                    elif head := _statement_before(text):
                        # "Ofsted made 13 recommendations. These were:" with a list too long to
                        # quote: the statement says something itself, the lead-in only announces.
                        # (Compared with the question as the sentence it was read in, whose vector
                        # is stored.)
                        text = head
                    elif not _stands_alone(after, text):
                        continue
                elif n == len(texts) - 1 and (after := self._referring_list_after(hit.passage)):
                    # A paragraph's closing sentence followed by a lead-in that refers back to it
                    # ("The letter named three things to put right." then "These were:" and bullets) is
                    # quoted with both: it says what the list is, the lead-in alone does not.
                    lead, items = after
                    pieces += [*sentences_of(lead.text), *(u for p in items for u in sentences_of(p.text))]
                    text = f"{text} {lead.text.strip()} {_joined(items)}"
                    extra = (lead, *items)
                if (len(content_words(text)) >= 2 and not INSTRUCTION.search(text) and not _LINK_TO_ANOTHER.match(text)
                        and _may_answer_housekeeping(query, text)):
                    # The sentence before, in the same point, and the item's title may name what
                    # this one goes on about ("Plans are too generic ..." after "CP conferences ...").
                    spelt = " ".join(words for short, words in defined.items() if re.search(rf"\b{short}\b", text))
                    context = self._words(f"{heading} {title} {lead_in} {previous} {text} {spelt}")
                    units.append(_Unit(text, hit, rank, extra, tuple(pieces),
                                       coverage=query.topic.coverage(self._words(f"{text} {spelt}")),
                                       context_coverage=max(query.topic.coverage(context), passage_coverage * 0.5),
                                       terms=query.topic.terms_covered(context, named_in_item, item_words)))
                previous = text
        if not units:
            return []
        if self.similarity is not None:
            pieces = list(dict.fromkeys(p for u in units for p in u.pieces))
            subject_of, whole_of = (dict(zip(pieces, scores)) for scores in self.similarity.scores_many(query.forms, pieces))
            subject = [max(subject_of[p] for p in u.pieces) for u in units]
            whole = [max(whole_of[p] for p in u.pieces) for u in units]
        else:
            subject = whole = [u.hit.similarity for u in units]
        out = []
        for u, s_sim, w_sim in zip(units, subject, whole):
            features = {
                "subject_similarity": s_sim,
                "whole_similarity": w_sim,
                "coverage": u.coverage,
                "context_coverage": u.context_coverage,
                "terms": u.terms,
                # A name or a sum in a sentence sharing nothing with the question is not the one
                # asked for (an address block's "Mr ..." for "which charity runs the advocacy service?",
                # a forecast overspend for "how much will the mentoring contract cost?"); a question with nothing
                # to share ("who were the inspectors?") is fitted by any name.
                "fits": 1.0 if fits(query, u.text) and not (
                    query.kinds & {"who", "money"} and query.topic.concepts and not u.context_coverage) else 0.0,
                "rank": 1.0 / (1 + u.rank),
                "passage_similarity": u.hit.similarity,
                "standing": _standing(query, u),
            }
            out.append(Candidate(u.text, u.hit.passage, u.hit, features, self.evidence.score(features), u.extra))
        out.sort(key=lambda c: -c.score)
        return out

    def rerank(self, query: Query, hits: Sequence[Hit], top_k: int) -> list[Hit]:
        """Hits reordered by their fused rank plus how close their best sentence is to the
        question: a passage whose one sentence answers is not buried by a long passage that
        merely shares the question's words. A passage with nothing but incidental sentences (one
        recording only the running of a meeting, a heading asking a question, a line cut off) goes
        below the others whatever words it shares with the question: it cannot say what was asked,
        and a point saying "the Panel received a report on the findings of the visit" echoes a
        question about those findings better than the point giving them. Sentence vectors are
        cached for answering."""
        if self.similarity is None or not hits:
            return list(hits)[:top_k]
        per_hit = [sentences_of(hit.passage.text) for hit in hits]
        flat = list(dict.fromkeys(s for sentences in per_hit for s in sentences))
        subject_scores, whole_scores = self.similarity.scores_many(query.forms, flat)
        by_subject, by_whole = dict(zip(flat, subject_scores)), dict(zip(flat, whole_scores))
        # Only a sentence of the kind asked for (a date for "when", a figure for "how many", a
        # name for "who") can answer, so only such sentences lift their passage: a passage that
        # talks about the subject without ever giving the date asked for is not the answer.
        scored = []
        for rank, (hit, sentences) in enumerate(zip(hits, per_hit)):
            idle = bool(sentences) and all(_incidental(query, s) for s in sentences)
            sentences = [s for s in sentences if fits(query, s)]
            best_subject = max((by_subject[s] for s in sentences), default=0.0)
            best_whole = max((by_whole[s] for s in sentences), default=0.0)
            score = 1 / (RERANK_RRF_K + rank) + RERANK_SUBJECT * best_subject + RERANK_WHOLE * best_whole
            scored.append((idle, score, rank, hit))
        scored.sort(key=lambda x: (x[0], -x[1], x[2]))
        return [hit for *_, hit in scored[:top_k]]

    def _lead_in_before(self, passage: StoredPassage) -> str:
        """For a list item, the lead-in its list follows in the item ("... as follows:"), past
        the items before it; "" for a passage that is no list item or follows none."""
        if self.preceding is None or not _is_list_item(passage):
            return ""
        for before in reversed(self.preceding(passage)):
            if not _is_list_item(before):
                last = sentences_of(before.text)[-1]
                return last if is_lead_in(last) else ""
        return ""

    def _quotation_opened_before(self, passage: StoredPassage) -> str:
        """For a paragraph going on with a quotation (it opens with a quotation mark, and every
        paragraph back to where the quotation began leaves it open), the paragraph that began it
        and the one before that: news prints a long quotation over several paragraphs and names
        its speaker only where it begins ("Asked about the report, she told the paper: “..." after
        "the director, Jane Smith, said ..."). "" for any other paragraph."""
        if self.preceding is None or not _OPENS_QUOTATION.match(passage.text):
            return ""
        before = self.preceding(passage)
        for i in range(len(before) - 1, -1, -1):
            if not _leaves_quotation_open(before[i].text):
                return ""
            if not _OPENS_QUOTATION.match(before[i].text):
                return " ".join(p.text for p in before[max(0, i - 1):i + 1])
        return ""

    def _referring_list_after(self, passage: StoredPassage) -> tuple[StoredPassage, tuple[StoredPassage, ...]] | None:
        """When the passage after one is a lead-in that refers back to it ("These were:") with a
        short list after it: that lead-in and its list items."""
        if self.following is None or _is_list_item(passage):
            return None
        after = self.following(passage)
        if not after or _is_list_item(after[0]):
            return None
        units = sentences_of(after[0].text)
        if len(units) != 1 or not (refers_back(units[0]) and is_lead_in(units[0])):
            return None
        items = _list_in(self.following(after[0]))
        return (after[0], items) if items else None

    def _item_terms_named(self, query: Query, passage: StoredPassage) -> tuple:
        """The question's whole-item terms that the passage's item names, each as a phrase (its
        words together: an item saying "focus" in one point and "visits" in another names no
        focused visit); or, for the one inspection that gives a grade, that reports it by its grade
        (`query.Grading`)."""
        if not (self.item_text and self.vocabulary and query.topic.item_terms):
            return ()
        text = self.item_text(passage)
        matches = self.vocabulary.matches(text)
        said = {frozenset(form_words(forms[0])) for _, _, forms in matches}
        # An item that names no kind of inspection at all, only Ofsted's (or its inspectors')
        # "visit" or "inspection", leaves the kind to the question: a story on inspectors' "recent
        # visit" answers for the focused visit asked about. An item naming another kind
        # (a monitoring visit) does not, nor does any item for the graded inspection, which has
        # its own rule; and a social worker's "visits" are no inspection.
        words = passage_words(text)
        generic = (not any(self.vocabulary.item_term(forms) for _, _, forms in matches)
                   and words & _INSPECTORS and words & _VISIT_WORDS)
        return tuple(alts for alts in query.topic.item_terms if said & set(alts) or (
            (grading := query.topic.grading(alts)) is not None and grading.reported_by(text, passage.date))
            or (generic and query.topic.grading(alts) is None and any(len(alt) > 1 and alt & generic for alt in alts)))

    def _words(self, text: str) -> set[str]:
        expanded = f"{text} {' '.join(self.vocabulary.expansions(text))}" if self.vocabulary else text
        return passage_words(expanded)

    def choose(self, query: Query, candidates: list[Candidate]) -> list[Candidate]:
        """The answer's sentences, once the question is judged answerable: the best first, then
        the best sentence of each further passage whose select score is within `relative` of the
        best, one sentence a passage so that the answer gathers what several passages say; across
        councils, first the best such sentence of each council.

        What the question asks shapes the order: the first sentence is of the kind asked for (a
        date for "when"), does not speak only against the question's polarity (praise for "what
        was weak") and is not incidental (a question, or procedural unless the question is about
        procedure) and states no judgement other than one the question takes for granted,
        whenever a near sentence is so. Supporting sentences that speak clearly and only against
        the question's polarity, or state only judgements other than the one taken for granted,
        are left out, as is a page's furniture (a bare date line, a byline); incidental ones come
        after the others. The best sentence, when another
        leads, comes second unless it states another judgement or is no statement.
        Polarity, judgements and procedure only ever reorder or thin the answer, never refuse it."""
        floor = candidates[0].score * self.evidence.relative
        near = [c for c in candidates if c.score >= floor]
        lead = self._lead(query, candidates, near)
        best = near[0]
        # The best sentence, when another leads, still comes next: its tone or its being procedural
        # may be misread, and it is the strongest evidence there is. Only a sentence stating another
        # judgement than the one sought, or one that is no statement, gives way.
        keep_best = (best is not lead and not _states_another_judgement(query, best.sentence)
                     and not _not_a_statement(best.sentence) and not _furniture(query, best.sentence))
        # Within each passage a substantive sentence comes before a procedural one, so the one
        # sentence a passage gives is the substantive one when it is near enough.
        first = [best] if keep_best else []
        rest = [c for c in near if c is not lead and not (keep_best and c is best)
                and not tone(c.sentence).opposes(query.polarity, clearly=True)
                and not _states_another_judgement(query, c.sentence) and not _furniture(query, c.sentence)]
        rest.sort(key=lambda c: _incidental(query, c.sentence))
        near = [lead, *first, *rest]
        chosen: list[Candidate] = [lead]
        if query.across_councils and query.sought_judgements:
            # Asked which authorities hold a grade, a further sentence is one saying an
            # authority holds it.
            near = [c for c in near if judgements_in(c.sentence) & query.sought_judgements]
        if query.across_councils:
            councils = {lead.passage.council}
            for c in near:
                if c.features.get("terms", 1.0) < 1.0 or c.features.get("fits", 1.0) < 1.0:
                    # Each further council first by a sentence naming, itself or by its item,
                    # every field term asked about, and giving the kind of answer asked for (a
                    # date for "when"); the others may still follow.
                    continue
                if len(chosen) < self.max_sentences and c.passage.council not in councils:
                    councils.add(c.passage.council)
                    chosen.append(c)
        passages = {c.passage.id for c in chosen}
        for c in near:
            if len(chosen) >= self.max_sentences:
                break
            if c.passage.id not in passages:
                passages.add(c.passage.id)
                chosen.append(c)
        return _dedupe(chosen)

    def _lead(self, query: Query, candidates: list[Candidate], near: list[Candidate]) -> Candidate:
        """The first sentence. Of the kind asked for, when one that is evidence enough itself is
        (a date for "when"); then, among the sentences near the best, the best-ranked one that
        neither speaks only against the question's polarity nor is incidental (a question, or
        procedural when the question is not about procedure), if any is at least as much of the
        kind asked for."""
        lead = near[0]
        if query.kinds and not lead.features["fits"]:
            lead = next((c for c in candidates if c.features["fits"]
                         and self.evidence.answerable(c.features) >= self.evidence.threshold), lead)

        def faults(c: Candidate) -> tuple[bool, bool, bool]:
            return (_states_another_judgement(query, c.sentence), tone(c.sentence).opposes(query.polarity),
                    _incidental(query, c.sentence))

        if any(faults(lead)):
            better = [c for c in near if c.features["fits"] >= lead.features["fits"] and faults(c) < faults(lead)]
            if better:
                lead = min(better, key=faults)  # min keeps the best-ranked of equal faults
        return lead


# The words by which any visit or inspection is called, whatever its kind.
_VISIT_WORDS = frozenset(passage_words("visit inspection revisit"))
_INSPECTORS = frozenset(passage_words("Ofsted inspectors inspector"))


def _list_in(after: Sequence[StoredPassage] | None) -> tuple[StoredPassage, ...]:
    """The list items opening what follows a lead-in in its item (`after`), up to the first
    passage that is not a list item, when they are short enough to complete it."""
    items: list[StoredPassage] = []
    for p in after or ():
        # A numbered line is a list item here, straight after its lead-in ("RESOLVED to:" then
        # "1. Agree ...", "2. Receive ..."), though elsewhere it is a numbered paragraph.
        if not (_is_list_item(p) or _NUMBERED_ITEM.match(p.text)) or len(items) >= MAX_LIST_ITEMS:
            break
        items.append(p)
    # A list of short items completes its lead-in ("... relating to: early help; the MASH").
    # Items that are statements of their own (minute points after "the following points were
    # made:") stand alone: they are candidates themselves, and the lead-in gives way.
    words = [len(p.text.split()) for p in items]
    if not items or max(words) > MAX_LIST_ITEM_WORDS or sum(words) > MAX_LIST_WORDS:
        return ()
    return tuple(items)


# A lead-in saying who speaks ("Jane Smith, cabinet member for children, said of the scheme:"):
# what follows it is what they said, which web pages often print as a paragraph of its own
# without quotation marks.
_SPEAKER_LEAD_IN = re.compile(rf"\b(?:{_REPORTS})\b(?:\s+[\w'’-]+){{0,6}}\s*:\s*$", re.IGNORECASE)


def _quote_in(after: Sequence[StoredPassage] | None, lead_in: str = "") -> tuple[tuple[StoredPassage], str] | None:
    """When what follows a lead-in is a quotation, opening with its mark or announced by a
    lead-in saying who speaks: that passage and the quotation's first sentence."""
    if not after or _is_list_item(after[0]):
        return None
    if after[0].text.lstrip()[:1] not in _OPENING_QUOTES and not _SPEAKER_LEAD_IN.search(lead_in):
        return None
    opening = sentences_of(after[0].text)
    return ((after[0],), opening[0]) if opening else None


# A paragraph opening with a quotation mark: in news, one going on with a quotation begun before.
_OPENS_QUOTATION = re.compile(r"\s*[“\"]")


def _leaves_quotation_open(text: str) -> bool:
    """Whether a paragraph opens more quotations than it closes (curly marks), or has an odd
    number of straight ones: the next paragraph goes on with the quotation."""
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def _statement_before(lead_in: str) -> str:
    """The sentences before a lead-in's own closing sentence, when it carries them ("Ofsted made
    13 recommendations to the council." before "These were:", which refers back to it and was read
    with it); "" when the lead-in is one sentence."""
    parts = _SENTENCE_END.split(lead_in.strip())
    return " ".join(parts[:-1]) if len(parts) > 1 and len(content_words(" ".join(parts[:-1]))) >= 2 else ""


_SENTENCE_END = re.compile(r"(?<=[a-z0-9)’'\"”][.!?])\s+(?=[A-Z])")


def _stands_alone(after: Sequence[StoredPassage] | None, lead_in: str) -> bool:
    """Whether a lead-in whose list it is not quoted with is quoted by itself: when it says
    something of its own (`MIN_STATEMENT_WORDS`) and nothing follows it in its item (`after`: a
    saved page cut off at its colon, a list only in an attached report) or its list's items are
    statements of their own, each a candidate (the lead-in may say what they do not: "The review,
    which came out on 2 May, told leaders to draw up a joint plan and named two shortfalls:").
    Not when plain text follows it, which it introduces, nor when it only announces its list,
    nor where what follows is not known."""
    if after is None or len(lead_in.split()) < MIN_STATEMENT_WORDS:
        return False
    return not after or _is_list_item(after[0])


def _is_list_item(passage: StoredPassage) -> bool:
    """A bullet or lettered point: by the point the parser gave it, or by its own mark."""
    return bool(_LIST_POINT.match(passage.point or "") or _LIST_ITEM.match(passage.text))


def _states_another_judgement(query: Query, sentence: str) -> bool:
    """Whether a sentence states Ofsted judgements, none of them one the question seeks: it is
    no evidence for a question asking which councils hold a judgement, or why one was given."""
    if not query.sought_judgements:
        return False
    scales = {judgement_scale(s) for s in query.sought_judgements}
    stated = {s for s in judgements_in(sentence) if judgement_scale(s) in scales}
    return bool(stated) and not stated & query.sought_judgements


def _may_answer_housekeeping(query: Query, sentence: str) -> bool:
    """False for a sentence recording only a part of a meeting's running the question does not ask
    about ("No declarations of interest were received" for a question about school transport): it
    appears in every council's minutes whatever was discussed, so it is no evidence of anything
    else, however many of the question's words (the committee, the council) it shares."""
    part = housekeeping(sentence)
    return part is None or part in query.housekeeping


def _incidental(query: Query, sentence: str) -> bool:
    """Whether a sentence says nothing of what was asked itself: a question (a letter's heading
    "What needs to improve?" asks, it does not answer), a sentence cut off before its end, or,
    unless the question is about procedure, a procedural sentence (apologies, a paper appended or
    noted)."""
    return (_not_a_statement(sentence) or _furniture(query, sentence)
            or (not query.asks_procedure and procedural(sentence) is not None))


def _furniture(query: Query, sentence: str) -> bool:
    """A page's furniture, never quoted after the first sentence: a field giving only a date
    (unless the question asks when) or a story's byline."""
    return _only_a_date(query, sentence) or bool(_BYLINE.match(sentence))


# A news story's byline: "By Jane Smith", "By Jane Smith, Local Democracy Reporter", "By Jane Smith
# 12th July 2022": who wrote it and when, nothing of what it says.
_BYLINE = re.compile(
    r"\s*(?i:by)\s+(?:[A-Z][\w'’.-]*\s*){1,4}(?:[,|•·–—-]\s*(?:[\w' ]{0,40}?(?i:reporter|correspondent|editor|writer))?)?"
    r"(?:\s*[,|•·–—-]?\s*(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+\d{4}|[A-Z][a-z]+\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}))?(?:\s*,?\s*\d{1,2}[:.]\d{2}\s*(?i:am|pm)?)?\s*\.?\s*$")


# A news page's link to another of its stories, printed in the text ("Read more: Strategy
# unveiled for ..."): the other story's headline, which says nothing of this one's subject; or
# the label alone on its line ("Related stories"), above a list of them.
_LINK_TO_ANOTHER = re.compile(r"\s*(?:read\s+more|related(?:\s+(?:stories|articles?|news|links?|content))?|see\s+also|also\s+read|"
                              r"more\s+on\s+this\s+story|you\s+may\s+also\s+like|recommended)\s*(?:[:\-–—|]|[.]?\s*$)", re.IGNORECASE)


# A field giving only a date ("Date published: 4 February 2019", "Updated: 12/03/2021") or a span
# of dates ("Inspection dates: 11 to 22 September 2023", "Visit: 3 - 4 May 2022").
_DATE_FIELD = re.compile(
    r"^[A-Za-z][\w'’ ]{0,40}:\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?(?:\s+[A-Za-z]+)?(?:\s+\d{4})?\s*(?:to|and|-|–|—)\s*)?(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+,?\s+\d{4}"
    r"|[A-Za-z]+\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\.?$", re.IGNORECASE)


def _only_a_date(query: Query, sentence: str) -> bool:
    """A field giving only a date, for a question not asking when: it says when a page was
    published or updated, nothing of what was asked."""
    return "date" not in query.kinds and bool(_DATE_FIELD.match(sentence.strip()))


def _not_a_statement(sentence: str) -> bool:
    """A question (a letter's heading "What needs to improve?" asks, it does not answer) or a
    sentence cut off before its end."""
    return sentence.rstrip().endswith("?") or unfinished(sentence)


def _list_item(text: str) -> str:
    """A list item as it is joined to its lead-in: its sentences, without the ";", "," or "; and"
    that ended it in the list (the join puts "; " between items)."""
    return re.sub(r"\s*(?:[;,]\s*(?:and|or)?|\band|\bor)\s*$", "", " ".join(split_sentences(text)), flags=re.IGNORECASE)


def _joined(items: Sequence[StoredPassage]) -> str:
    """List items as one run after their lead-in, "; " between them; the full stop that ended an
    item ends only the last."""
    texts = [_list_item(p.text) for p in items]
    stop = "." if texts and texts[-1].endswith(".") else ""
    return "; ".join(t.rstrip(".") for t in texts) + stop


def _dedupe(chosen: list[Candidate]) -> list[Candidate]:
    """The chosen sentences, each said once: a sentence repeated, or one of six words or more
    quoted whole inside another chosen one (a list item also quoted with its lead-in), is left out."""
    keys = [" ".join(c.sentence.lower().rstrip(" .;,").split()) for c in chosen]
    out: list[Candidate] = []
    for i, (c, key) in enumerate(zip(chosen, keys)):
        if key in keys[:i] or (len(key.split()) >= 6 and any(key != other and key in other for other in keys)):
            continue
        out.append(c)
    return out


_COUNT_WORD = re.compile(r"^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                         r"fifteen|twenty|several|various|a)\b", re.IGNORECASE)


def missing_detail(query: Query, chosen: Sequence[Candidate], hits: Sequence[Hit]) -> str | None:
    """The system's own sentence saying the documents record something but not what was asked
    ("The documents do not say what the two ... were."), or None.

    Said only when all of these hold, so that it is never said of something the documents do
    describe: the question asks what the members of a plural subject were; a sentence of the
    answer counts that subject, or says it was issued or made, with nothing after it that starts
    to say what they were; no sentence of the answer brings a list; no sentence of any passage
    found starts to say what they were (`describes`: one of them singled out, "was to ...",
    "related to ..."), and no passage found sits under a heading naming them (a section that
    lists them)."""
    if not query.items or not chosen or any(c.extra for c in chosen):
        return None
    words = query.items.split()
    head = items_head(query.items)
    count = next((n for n in map(lambda c: _counts(query, c), chosen) if n is not None), None)
    if count is None:
        return None
    for hit in hits:
        if mentions(hit.passage.item_title or "", head):
            return None
        if any(describes(sentence, head) for sentence in sentences_of(hit.passage.text)):
            return None
    if count.span:
        span = " ".join(count.span.split())
        first, _, rest = span.partition(" ")
        what = f"{first.lower()} {rest}" if _COUNT_WORD.match(first) else span
        what = re.sub(r"^(?:a number of|a few|a series of|several|various)\s+", "", what, flags=re.IGNORECASE)
    else:
        what = " ".join(w for w in words if not _COUNT_WORD.match(w))
    return f"The documents do not say what the {what} were."


def _counts(query: Query, c: Candidate):
    """`counts_without_detail` of a candidate sentence for the plural subject the question asks
    about (None when the question asks for none)."""
    if not query.items:
        return None
    words = query.items.split()
    head = items_head(query.items)
    return counts_without_detail(c.sentence, head, " ".join(words[words.index(head) + 1:]))


def compose(query: Query | str, sentences: Sequence[tuple[str, Sequence[StoredPassage]]], *,
            notes: Sequence[str] = (), steps: Sequence[RetrievalStep] = ()) -> Answer:
    """An answer from (sentence, passages it quotes) pairs: numbered citations, one per passage,
    and the text grouped by council when more than one council speaks. When the question names a
    council and a cited document's council is not recorded, the answer says so. `notes` are
    sentences of the system's own (what the documents do not say): they follow the quotations as
    their own paragraph, with no citation marker, and are kept apart in `Answer.notes` so the UI
    and exports can show them as not quoted."""
    question = query.text if isinstance(query, Query) else query
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    answer_sentences: list[AnswerSentence] = []
    for sentence, passages in sentences:
        for passage in passages:
            if passage.id not in numbers:
                numbers[passage.id] = len(numbers) + 1
                citations.append(Citation(numbers[passage.id], passage))
        answer_sentences.append(AnswerSentence(sentence, tuple(dict.fromkeys(numbers[p.id] for p in passages))))
    councils = []
    for _, (p, *_rest) in sentences:
        if p.council not in councils:
            councils.append(p.council)
    if len(councils) > 1:
        blocks = []
        for council in councils:
            lines = [f"{s.text} {''.join(f'[{n}]' for n in s.citations)}"
                     for s, (_, (p, *_rest)) in zip(answer_sentences, sentences) if p.council == council]
            blocks.append(f"{council or 'Council not recorded'}: " + " ".join(lines))
        text = "\n\n".join(blocks)
    else:
        text = " ".join(f"{s.text} {''.join(f'[{n}]' for n in s.citations)}" for s in answer_sentences)
    unrecorded = [c.n for c in citations if not c.passage.council]
    if isinstance(query, Query) and query.councils and unrecorded:
        marks = "".join(f"[{n}]" for n in unrecorded)
        text += f"\n\n(The council of {marks} is not recorded; it was found by the name in its text or file name.)"
    notes = tuple(" ".join(n.split()) for n in notes if n.strip())
    if notes:
        text += "\n\n" + notes_paragraph(notes)
    return Answer(question=question, text=text, refused=False, sentences=tuple(answer_sentences),
                  citations=tuple(citations), steps=tuple(steps), notes=notes)


def refuse(question: str, hits: Sequence[Hit], *, reason: str | None = None, closest: int = 3,
           steps: Sequence[RetrievalStep] = ()) -> Answer:
    """A plain refusal with the nearest passages listed separately, never as an answer."""
    text = REFUSAL if not reason else f"{REFUSAL[:-1]}: {reason}."
    return Answer(question=question, text=text, refused=True,
                  closest=tuple(h.passage for h in hits[:closest]), steps=tuple(steps))
