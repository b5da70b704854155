"""Does a passage support a sentence? A documented proxy for an NLI model, none being available
offline.

A sentence is supported by evidence text when:
1. every number in it (digits or number words, years and percentages included) is in the evidence;
2. every month name and every name (a capitalised word not opening the sentence) is in the evidence;
3. it adds no negation ("not", "no", "never", "n't") that the evidence lacks;
4. at least `threshold` of its content words (stop words dropped, crude stems) are in the evidence.

Rules 1-3 catch the failures that matter most in a scrutiny meeting (a wrong figure, date, council
or person, or a flipped finding); rule 4 catches sentences about something else. Its agreement with
the hand-labelled pairs in eval/support_labels.jsonl is reported by `ofsted-rag eval`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "fifteen": "15", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "first": "1", "second": "2", "third": "3", "half": "50",
}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"}
NEGATIONS = {"not", "no", "never", "none", "nor", "without", "cannot"}
STOP_WORDS = set("""
a an the and or but if of to in on at by for with from into onto over under about as is are was were be been
being has have had do does did this that these those it its it's they them their there here which who whom
whose what when where why how all any both each few more most other some such than then so too very can will
would should could may might must shall also just only own same s t now said says say says told also
i we you he she his her our your my me us him also which while however although because whether
out up down off again further once
""".split())
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


# Text in a document addressed to its reader or an AI assistant as an instruction ("ignore previous
# instructions", "reply only with ...", "you must answer ...", "say that ..."). Documents are data:
# such a sentence is never evidence and is never quoted as an answer.
#
# Each form is one that minutes and letters, written in the third person and the past tense, do
# not use: they report that someone *said* or *answered*, and never tell the reader what to reply.
# Imperatives are matched only where a sentence begins (after an optional "please" or "now"), so
# "officers would respond with a plan" or "members asked the Director to say whether" pass.
_OPENING = r"(?:^|(?<=[.!?:;\"“(\n])\s*|\band\s+)(?:please\s+|now\s+|just\s+|simply\s+)?"
INSTRUCTION = re.compile(
    # "ignore / disregard all previous instructions", "forget the rules above"
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,60}\b(?:instructions?|prompts?|rules|guidelines)\b"
    r"|\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|everything\s+)?(?:the\s+)?(?:previous|prior|above|earlier|preceding|other)\b"
    r"|\byou\s+are\s+now\b|\bsystem\s+prompt\b|\b(?:new|updated)\s+instructions?\b"
    # "reply only with", "only answer with", "respond with nothing but"
    r"|\b(?:reply|respond|answer)\s+(?:only|just|solely|exclusively)\s+(?:with|by|using)\b"
    r"|\bonly\s+(?:reply|respond|answer)\s+(?:with|by|using)\b"
    r"|\b(?:reply|respond|answer)\s+with\s+(?:nothing|no\s+other)\b|\band\s+nothing\s+else\b"
    # "you must answer", "you should say", "you are required to state"
    r"|\byou\s+(?:must|should|shall|will|need\s+to|have\s+to|are\s+(?:required|instructed|told|to))\s+(?:to\s+)?"
    r"(?:always\s+|only\s+|now\s+)?(?:answer|reply|respond|say|state|claim|write|output|tell|report|conclude|confirm)\b"
    # a sentence that opens with an order to say or answer something
    + r"|" + _OPENING + r"(?:say|state|claim|assert|confirm|answer|reply|respond|write|output)\s+(?:only\s+)?"
    r"(?:that|with|yes|no|[\"“'])"
    + r"|" + _OPENING + r"tell\s+(?:the\s+)?(?:user|reader|questioner|person\s+asking)\b"
    # "when asked about X, say / answer ..."
    r"|\bwhen(?:ever)?\s+(?:you\s+are\s+)?asked\b[^.!?]{0,80},\s*(?:always\s+|only\s+)?(?:say|answer|reply|respond|state)\b"
    # addressed to a model: "as an AI", "if you are a language model", "note to the assistant"
    r"|\b(?:as|if\s+you\s+are|you\s+are)\s+an?\s+(?:AI|artificial\s+intelligence|(?:large\s+)?language\s+model|LLM|chat\s?bot|assistant)\b"
    r"|\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+)?(?:AI|LLM|(?:language\s+)?model|assistant|chat\s?bot)s?\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class SupportVerdict:
    supported: bool
    coverage: float
    missing: tuple[str, ...]
    reason: str


def _fold(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').lower()


def _numbers(text: str) -> set[str]:
    folded = _fold(text)
    found = {n.replace(",", "") for n in _NUMBER.findall(folded)}
    for word in _WORD.findall(folded):
        if word in NUMBER_WORDS:
            found.add(NUMBER_WORDS[word])
    return found


_stemmer = None


def _stem(word: str) -> str:
    """Snowball English stem (agency/agencies -> agenc), the same stemmer as the BM25 index."""
    global _stemmer
    if _stemmer is None:
        import Stemmer

        _stemmer = Stemmer.Stemmer("english")
    return _IRREGULAR.get(word) or _stemmer.stemWord(word)


# Forms the stemmer leaves apart from the word they are: plurals ("children at risk of sexual
# exploitation" says "child sexual exploitation"); the chair of a meeting, whom attendance lists
# mark "(Chairman)" or "(Chairwoman)" where a question asks who "chaired" it; and the British
# doubled s of "focussed".
_IRREGULAR = {"children": "child", "childrens": "child",
              "chairman": "chair", "chairmen": "chair", "chairwoman": "chair", "chairwomen": "chair",
              "chairperson": "chair", "chairpersons": "chair",
              "focussed": "focus", "focussing": "focus", "focusses": "focus"}


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning (used by the judge and by sentence selection)."""
    words = (re.sub(r"'s$|'$", "", w.replace("’", "'")) for w in _WORD.findall(_fold(text)))
    return {_stem(w) for w in words if w not in STOP_WORDS and len(w) > 2}


def _names(sentence: str) -> set[str]:
    """Capitalised words that are not the sentence's first word nor a marker like [1]."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", sentence)
    return {w.lower().replace("’", "'") for i, w in enumerate(words)
            if i > 0 and w[0].isupper() and w.lower() not in STOP_WORDS and len(w) > 2}


def judge_support(sentence: str, evidence: str, threshold: float = 0.85) -> SupportVerdict:
    """Whether `evidence` supports `sentence`, with what is missing when it does not."""
    sentence = re.sub(r"\[\d+\]", " ", sentence)
    ev = _fold(evidence)
    ev_words = set(_WORD.findall(ev))
    ev_numbers = _numbers(evidence)

    missing_numbers = sorted(_numbers(sentence) - ev_numbers)
    if missing_numbers:
        return SupportVerdict(False, 0.0, tuple(missing_numbers), "a number is not in the cited text")
    words = _WORD.findall(_fold(sentence))
    missing_months = sorted({w for w in words if w in MONTHS} - ev_words)
    if missing_months:
        return SupportVerdict(False, 0.0, tuple(missing_months), "a month is not in the cited text")
    missing_names = sorted(n for n in _names(sentence) if n not in ev_words and n not in ev)
    if missing_names:
        return SupportVerdict(False, 0.0, tuple(missing_names), "a name is not in the cited text")
    negations = {w for w in words if w in NEGATIONS or w.endswith("n't")}
    ev_negated = any(w in NEGATIONS or w.endswith("n't") for w in ev_words)
    if negations and not ev_negated:
        return SupportVerdict(False, 0.0, tuple(sorted(negations)), "a negation is not in the cited text")

    wanted = content_words(sentence)
    if not wanted:
        return SupportVerdict(True, 1.0, (), "no content words to check")
    have = content_words(evidence)
    missing = sorted(wanted - have)
    coverage = 1 - len(missing) / len(wanted)
    if coverage < threshold:
        return SupportVerdict(False, coverage, tuple(missing), f"only {coverage:.0%} of its words are in the cited text")
    return SupportVerdict(True, coverage, tuple(missing), "covered")
