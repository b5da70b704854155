"""A chat: telling a follow-up ("And what about Bradford?") from a fresh question, and reading a
follow-up as one whole question.

A question is a follow-up only when it cannot stand alone: it opens with a continuation ("and",
"what about", "same for") or points back ("they", "that visit") and names no subject or committee
of its own (its `Query` topic is thin). A question that names its own subject is asked as written,
whatever was asked before. A follow-up is read against the last question that stood alone (or the
last reading, when that swapped a council), never against a chain of rewrites, so readings never
grow or break:

- one that names councils or years swaps them into that question ("What did officers say about
  agency staff in Windsor and Maidenhead?" + "And what about Bradford?" -> "... in Bradford?"),
  keeping anything else it asks joined on ("..., and what did they resolve in Bradford?");
- one that names neither is joined to it ("..., and what did they resolve?").

Works without an LLM. The engine knows nothing of chats: this module calls `Engine.analyse` and
`Engine.ask`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from ofsted_rag import places
from ofsted_rag.documents import Answer, RetrievalStep
from ofsted_rag.query import Query
from ofsted_rag.store import PassageFilter

_YEAR = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")
# Between two council names of one list ("Bradford and Nottingham", "Bradford, Leeds").
_JOINER = re.compile(r"\s*(?:,|and|or|&|,\s*and|,\s*or)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Cues:
    continuation: re.Pattern
    back_reference: re.Pattern
    committee: re.Pattern


@lru_cache(maxsize=1)
def cues() -> Cues:
    data = tomllib.loads(resources.files("ofsted_rag").joinpath("resources/conversation.toml").read_text("utf-8"))

    def words(forms: list[str]) -> str:
        return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))

    return Cues(
        continuation=re.compile(rf"^\W*(?:{words(data['continuations'])})\b", re.IGNORECASE),
        back_reference=re.compile(rf"\b(?:{words(data['back_references'])})\b", re.IGNORECASE),
        # A name in capitals ending in a committee word: "Corporate Parenting Board".
        committee=re.compile(rf"\b(?:[A-Z][\w'’&-]*\s+)+(?:{'|'.join(h.title() for h in data['committee_heads'])})\b"),
    )


@dataclass(frozen=True)
class Reading:
    """How one question of a chat was read.

    Attributes:
        asked: the question as typed.
        read_as: the question searched for (the same text when it stands alone).
        base: the stand-alone question a later follow-up is read against.
        how: "" (as written), "swapped" (councils or years swapped in) or "joined".
    """

    asked: str
    read_as: str
    base: str
    how: str = ""

    @property
    def rewritten(self) -> bool:
        return self.read_as != self.asked


@dataclass(frozen=True)
class Turn:
    reading: Reading
    answer: Answer


def names_own_subject(query: Query) -> bool:
    """Whether the question says what it is about: a field term ("care leavers"), two or more
    topic words, or a committee by name. One word ("resolve") leaves the subject to context."""
    return bool(query.topic.terms) or len(query.topic.concepts) >= 2 or bool(cues().committee.search(query.text))


def is_follow_up(query: Query) -> bool:
    """A question that cannot stand alone: it carries on or points back, and names no subject."""
    c = cues()
    leans = bool(c.continuation.search(query.text)) or bool(c.back_reference.search(query.text))
    return leans and not names_own_subject(query)


def read(question: str, query: Query, previous: Reading | None) -> Reading:
    """How to read `question` (analysed as `query`) after the chat's last reading."""
    text = " ".join(question.split())
    if previous is None or not is_follow_up(query):
        return Reading(text, text, text)
    base = previous.base
    named = [text[s:e] for s, e, _ in places.spans(text)]
    years = list(dict.fromkeys(_YEAR.findall(text)))
    if named or years:
        swapped = base
        if named:
            swapped = _swap_councils(swapped, _listed(named))
        if years:
            swapped = _swap_years(swapped, _listed(years))
        # "What did they resolve in Bradford?" asks something of its own too: keep it, joined.
        if query.topic.concepts:
            return Reading(text, _join(swapped, text), swapped, "swapped")
        return Reading(text, swapped, swapped, "swapped")
    return Reading(text, _join(base, text), base, "joined")


class Conversation:
    """One chat over an engine: each question is read (see `read`), then asked."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.turns: list[Turn] = []

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def reading(self, question: str) -> Reading:
        previous = self.turns[-1].reading if self.turns else None
        return read(question, self.engine.analyse(question), previous)

    def ask(self, question: str, flt: PassageFilter | None = None, *, as_written: bool = False) -> Answer:
        """Answer `question` in the light of the chat; `as_written` asks it alone, unread."""
        text = " ".join(question.split())
        reading = Reading(text, text, text) if as_written else self.reading(text)
        answer = self.engine.ask(reading.read_as, flt)
        if reading.rewritten:
            answer = replace(answer, question=reading.asked, steps=(
                RetrievalStep("follow-up", f"read as: {reading.read_as}"), *answer.steps))
        self.turns.append(Turn(reading, answer))
        return answer


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _bare(question: str) -> str:
    return question.strip().rstrip("?.!").rstrip()


def _swap_councils(base: str, names: str) -> str:
    """`base` about `names` instead of the councils it names (appended when it names none)."""
    found = places.spans(base)
    if not found:
        return f"{_bare(base)} in {names}?"
    return _swap_first_list(base, [(s, e) for s, e, _ in found], names)


def _swap_years(base: str, years: str) -> str:
    found = [m.span() for m in _YEAR.finditer(base)]
    if not found:
        return f"{_bare(base)} in {years}?"
    return _swap_first_list(base, found, years)


def _swap_first_list(base: str, found: list[tuple[int, int]], new: str) -> str:
    """`base` with its first list of names ("Bradford and Leeds") replaced by `new`. A name named
    apart from that list ("compare Bradford with Leeds") stays: dropping it would break the
    sentence, and the follow-up changed only one side."""
    start, end = found[0]
    for s, e in found[1:]:
        if not _JOINER.fullmatch(base[end:s]):
            break
        end = e
    return _tidy(base[:start] + new + base[end:])


def _join(base: str, question: str) -> str:
    """"What did X say about Y?" + "And what did they resolve?" -> "What did X say about Y, and
    what did they resolve?": one sentence, so the subject and the new ask are searched together."""
    rest = re.sub(r"^\W*(?:and|also|then)\b[\s,]*", "", question.strip(), flags=re.IGNORECASE) or question.strip()
    first = rest.split(" ", 1)[0]
    if first[1:].islower() and not places.spans(first):
        rest = rest[0].lower() + rest[1:]
    if not rest.rstrip().endswith(("?", ".", "!")):
        rest = rest.rstrip() + "?"
    return _tidy(f"{_bare(base)}, and {rest}")


def _tidy(text: str) -> str:
    """One space between words, none before punctuation, no doubled punctuation."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([?.!,;])", r"\1", text)
    return re.sub(r"([?.!,;])\1+", r"\1", text)
