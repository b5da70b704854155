"""Typed records that cross module lines: source documents, passages, citations and answers.

Ids are derived from content hashes so that re-ingesting an unchanged corpus gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

KINDS = ("minutes", "ofsted_letter", "news")


def stable_hash(*parts: object, length: int = 20) -> str:
    """A short hex digest of the parts, joined unambiguously."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


def fold(text: str | None) -> str:
    """Case- and whitespace-folded text, used wherever two spellings must compare equal."""
    if not text:
        return ""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|cllr|mr|mrs|ms|dr|no|vs|approx|st)\.$", re.IGNORECASE)
_LEADING_LABEL = re.compile(r"^(?:\([a-z]{1,3}\)|\([ivx]+\)|[•·▪◦●‣∙\-–*]|\d+(?:\.\d+)+\.?)\s*")


# A page number, a bare date or a photograph's credit line: never a sentence of an answer.
_NOT_A_SENTENCE = re.compile(
    r"^(?:page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—]"
    r"|(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+\d{4}"
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    # A news photograph's credit line: "Picture: the council", "Image credit: a local paper".
    r"|(?:picture|photo|photograph|image)s?(?:\s+(?:credit|caption))?\s*:\s*[^.!?:\n]{0,60})\.?$",
    re.IGNORECASE,
)
# A second front-page field run on after a first ("Inspection dates: 9 to 20 October 2017 Report
# published: 14 December 2017"): a capitalised label of up to four words and a colon.
_NEXT_FIELD = re.compile(r"\s+(?=[A-Z][a-z]+(?: [a-z]+){0,3}: \S)")
_FIELD_START = re.compile(r"^[A-Z][a-z]+(?: [a-z]+){0,3}: \S")


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage, its point label ("(b)", "•") removed from the first.

    A page number or a bare date standing alone is not a sentence and is left out; front-page
    fields run together on one line ("Inspection dates: ... Report published: ...") are one
    sentence each.
    """
    text = _LEADING_LABEL.sub("", text.strip())
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?](?:[\"”’')]*)\s+(?=[\"“‘'(]?[A-Z0-9])", text):
        if _ABBREVIATIONS.search(text[start:m.start() + 1]):
            continue
        candidate = text[start:m.end()].strip()
        if candidate:
            out.extend(_fields(candidate))
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.extend(_fields(tail))
    return [s for s in out if not _NOT_A_SENTENCE.match(s)]


def _fields(sentence: str) -> list[str]:
    """A run of "Label: value" fields split into one sentence per field; any other sentence whole."""
    if not _FIELD_START.match(sentence):
        return [sentence]
    return [part.strip() for part in _NEXT_FIELD.split(sentence) if part.strip()]


# A sentence opening with a pronoun that points back ("These were ...", "It said ...") means
# nothing without the sentence before it.
_BACK_REFERENCE = re.compile(r"^(?:these|they|this|it|those)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:\([a-z]{1,3}\)|\([ivx]+\)|[•·▪◦●‣∙\-–*]|\d{1,3}[.)]|[a-z][.)])\s*", re.IGNORECASE)


# The end of a lead-in: a colon, also written ":-" or ": -" as older minutes do ("in relation
# to:-"), or a dash after a space ("The five areas inspected are -").
# A colon or dash ends a lead-in; so does a decision printed without its colon ("The Cabinet is
# RECOMMENDED to", "RESOLVED that"), which the list of what was decided completes.
_LEAD_IN_END = re.compile(r"(?::\s*[-\u2013\u2014]?|\s[-\u2013\u2014]"
                          r"|\b(?:resolved|recommended|agreed|decided|requested)\s+(?:to|that))$", re.IGNORECASE)


def is_lead_in(sentence: str) -> bool:
    """Whether a sentence introduces the list that follows it rather than saying something itself."""
    return bool(_LEAD_IN_END.search(sentence.rstrip()))


# Words no finished sentence ends on: articles, prepositions, conjunctions, possessives and
# auxiliaries. A sentence ending on one with no closing mark was cut off ("... because of the"):
# a page copied short, a PDF's text broken off.
_CANNOT_END = frozenset(
    "a an the of to in on at by for with from into onto over under about as than between within through across "
    "and or but nor that which whose whether because although while if its their our his her your my "
    "is are was were be been has have had will would should could can may must".split())
_CLOSING_MARKS = ".!?:;\"'”’)]"


# A list item ends on "; and" or ", or" before the next item: finished, not cut off.
_LIST_ITEM_END = re.compile(r"[;,]\s*(?:and|or)$", re.IGNORECASE)


def unfinished(sentence: str) -> bool:
    """Whether a sentence was cut off before its end (`_CANNOT_END`). A figure ends it as a word
    does: "from 50% to 6%" is whole, its last word being "6%", not "to"."""
    text = sentence.rstrip()
    words = re.findall(r"[A-Za-z]+|\d[\d,.]*%?", text)
    return (bool(words) and text[-1] not in _CLOSING_MARKS and words[-1].lower() in _CANNOT_END
            and not is_lead_in(text) and not _LIST_ITEM_END.search(text))


def sentence_units(text: str) -> list[str]:
    """The units an answer may quote from a passage (or from consecutive passages joined with
    newlines): its sentences, except that a lead-in (`is_lead_in`) is joined to the list that
    follows it, and a sentence opening with an unresolved "These", "They", "This" or "It" is
    joined to the sentence before it, so a quoted unit never loses what it refers to.

    Lines of `text` that are list items (bullets, "(a)", "1.") after a lead-in join it; a blank
    line or a line that is not a list item ends the list.
    """
    units: list[str] = []
    lead_in_open = False
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            lead_in_open = False
            continue
        if lead_in_open and _LIST_ITEM.match(line):
            units[-1] = f"{units[-1]} {line}"
            continue
        lead_in_open = False
        for sentence in split_sentences(line):
            if units and refers_back(sentence):
                units[-1] = f"{units[-1]} {sentence}"
            else:
                units.append(sentence)
        if units and is_lead_in(units[-1]):
            lead_in_open = True
    return units


def refers_back(sentence: str) -> bool:
    """Whether a sentence opens with a "These", "They", "This", "It" or "Those" that refers to
    what came before it ("These were:", "It was noted"), not to a noun of its own ("This visit")."""
    return bool(_BACK_REFERENCE.match(sentence)) and not _refers_inside(sentence)


def _refers_inside(sentence: str) -> bool:
    """"It is ..." / "This report ..." name what they refer to: "This report" resolves itself,
    "This was" does not. A demonstrative followed by a noun ("this visit") is resolved."""
    m = re.match(r"^(?:this|these|those)\s+([a-z]+)", sentence, re.IGNORECASE)
    return bool(m) and m.group(1).lower() not in _VERBS_AFTER_PRONOUN


# Words after "This"/"These" that show it stands alone as a pronoun ("This was", "These included").
_VERBS_AFTER_PRONOUN = frozenset(
    "is was are were has had have will would could should may might can must meant means included "
    "includes showed shows led leads made makes gave gives did does remains remained also".split()
)


def sentences_of(text: str) -> list[str]:
    """The units the answerer scores and quotes (`sentence_units`: a lead-in with its list, a
    sentence with the one its "This" refers to), or the passage itself when it has none. Ingest
    stores a vector for each, so answering embeds only the question."""
    return sentence_units(text) or [text]


def locator_parts(item: str | None, item_title: str | None, point: str | None, part: int | None,
                  *, titled: bool = False) -> list[str]:
    """"item 5" (with its title in brackets when `titled`; the title alone when the item has no
    number), "point (b)", "part 2": the parts of a citation inside one document."""
    bits = []
    if item:
        bits.append(f"item {item}" + (f" ({item_title})" if titled and item_title else ""))
    elif item_title:
        bits.append(item_title)
    if point:
        bits.append(point_display(point))
    if part:
        bits.append(f"part {part}")
    return bits


def document_id(file_name: str) -> str:
    """A document is identified by its file name: a changed file replaces its earlier version."""
    return "doc_" + stable_hash(file_name, length=16)


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about a document: from the manifest, an upload form, or inferred from its text."""

    council: str | None = None
    body: str | None = None
    date: dt.date | None = None
    kind: str | None = None
    title: str | None = None
    url: str | None = None

    def merged_over(self, base: "DocumentMeta") -> "DocumentMeta":
        """These values where set, `base`'s elsewhere (manifest over inferred)."""
        return DocumentMeta(
            council=self.council or base.council,
            body=self.body or base.body,
            date=self.date or base.date,
            kind=self.kind or base.kind,
            title=self.title or base.title,
            url=self.url or base.url,
        )


@dataclass(frozen=True)
class SourceDocument:
    """One parsed file. `text` is the normalised text that passage spans point into."""

    doc_id: str
    file_name: str
    text: str
    content_hash: str
    meta: DocumentMeta
    path: str | None = None


@dataclass(frozen=True)
class Passage:
    """One minute point, bullet, paragraph or resolution of one document (or part of a long one).

    `start`/`end` are character offsets of the passage in its document's normalised text.
    `point` is the label a person would cite: "b" for point (b), "bullet 3", "¶ 4",
    "resolution", "action", or a paragraph number such as "20.1.1".
    """

    doc_id: str
    file_name: str
    text: str
    start: int
    end: int
    point: str | None = None
    item: str | None = None
    item_title: str | None = None
    section: str | None = None
    part: int | None = None
    council: str | None = None
    body: str | None = None
    date: dt.date | None = None
    kind: str | None = None
    url: str | None = None

    @property
    def locator(self) -> str:
        """Where the passage sits in its document, e.g. "item 5 · point (b) · part 2"."""
        return " · ".join(locator_parts(self.item, self.item_title, self.point, self.part))

    @property
    def passage_id(self) -> str:
        """Stable id of this passage in this document: document identity + locator + text."""
        return "psg_" + stable_hash(self.doc_id, self.locator, self.text)

    @property
    def content_key(self) -> str:
        """The store's id. Equal for the same point published in two documents (an agenda-item
        page and the whole-meeting page), so that it is stored and cited once.

        The council and the item title are part of the key so that short boilerplate ("None",
        "That the report be noted") under different items or councils is never merged; very short
        texts are kept per document for the same reason.
        """
        text = fold(self.text)
        if len(text) < 60:
            # Short texts recur across meetings and items; merge them only within one meeting.
            where = (fold(self.council), self.date) if self.council or self.date else (self.doc_id,)
            return "p_" + stable_hash(*where, fold(self.item_title), self.point, self.part, text)
        return "p_" + stable_hash(fold(self.council), fold(self.item_title), self.part, text)

    def embedding_text(self) -> str:
        """What is embedded: the point with its context (council, body, date, item title)."""
        context = " · ".join(
            x for x in (self.council, self.body, format_date(self.date), self.item_title) if x
        )
        return f"{context}\n{self.text}" if context else self.text


@dataclass(frozen=True)
class SourceRef:
    """One place a stored passage is published: a document and the locator inside it."""

    doc_id: str
    file_name: str
    item: str | None
    item_title: str | None
    point: str | None
    part: int | None
    start: int
    end: int


@dataclass(frozen=True)
class StoredPassage:
    """A passage as the store returns it: the text once, every document that carries it in
    `sources` (the first is the one cited)."""

    id: str
    text: str
    file_name: str
    doc_id: str
    council: str | None
    body: str | None
    date: dt.date | None
    kind: str | None
    item: str | None
    item_title: str | None
    point: str | None
    part: int | None
    start: int
    end: int
    url: str | None = None
    sources: tuple[SourceRef, ...] = ()

    def citation_label(self) -> str:
        """How a person cites it: council, body, date, item N (title), point (b)."""
        bits = [x for x in (self.council, self.body, format_date(self.date)) if x]
        bits += locator_parts(self.item, self.item_title, self.point, self.part, titled=True)
        if not bits:
            bits.append(self.file_name)
        return ", ".join(bits)


@dataclass(frozen=True)
class Citation:
    """A numbered reference from an answer to a stored passage."""

    n: int
    passage: StoredPassage

    @property
    def label(self) -> str:
        return self.passage.citation_label()


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the citation numbers that support it."""

    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class RetrievalStep:
    """One step of how an answer was reached, kept so the UI can show why a passage was chosen."""

    title: str
    detail: str


@dataclass(frozen=True)
class Answer:
    """What the assistant says. A refused answer has no citations, only `closest` passages."""

    question: str
    text: str
    refused: bool
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    closest: tuple[StoredPassage, ...] = ()
    steps: tuple[RetrievalStep, ...] = field(default=())
    # Sentences in the system's own words, not quoted and not cited (what the documents do not
    # say); they close `text` as their own paragraph, and the UI and exports set them apart.
    notes: tuple[str, ...] = ()


def notes_paragraph(notes: Sequence[str]) -> str:
    """How an answer's own sentences (`Answer.notes`) read in its text: one paragraph, labelled,
    so that even plain text shows they are not quoted from a document."""
    return "Note: " + " ".join(notes)


def point_display(point: str) -> str:
    """"b" -> "point (b)"; "¶ 4" -> "paragraph 4"; "bullet 3", "resolution" unchanged."""
    if re.fullmatch(r"[a-z]{1,3}", point):
        return f"point ({point})"
    if point.startswith("¶"):
        return "paragraph " + point[1:].strip()
    if re.fullmatch(r"\d+(\.\d+)*", point):
        return f"paragraph {point}"
    return point


def format_date(value: dt.date | None) -> str | None:
    """30 July 2020 (no leading zero), or None."""
    if value is None:
        return None
    return f"{value.day} {value.strftime('%B %Y')}"
