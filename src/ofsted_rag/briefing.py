"""A briefing for meeting preparation: what the corpus holds about one council, as a dated timeline.

Every line of a briefing is a sentence quoted verbatim from a stored passage, with that passage's
citation; nothing is paraphrased or generated. Sentences are sorted into five kinds of line —
visits, findings, priority actions, officer commitments, committee resolutions — by the cue
phrases below (documented rules rather than a model, so a reader can tell why a line is there).
Headings carry only metadata (dates, bodies, titles) from the document registry.

`build_briefing` is a pure function of the passages and document records it is given;
`briefing_for` fetches them from a store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ofsted_rag.documents import StoredPassage, fold, format_date
from ofsted_rag.store import DocumentRecord, PassageStore


@dataclass(frozen=True)
class Category:
    key: str
    title: str
    cues: re.Pattern[str]


# Checked in this order: a sentence goes under the first category whose cues it matches, so a
# resolution that mentions a visit is listed as a resolution, not as a visit.
CATEGORIES: tuple[Category, ...] = (
    Category("resolution", "Committee resolutions", re.compile(
        r"^(?:resolved|agreed)\b|\bthe committee (?:resolved|agreed|requested|recommended|noted)\b"
        r"|\bresolved to\b", re.I)),
    Category("priority_action", "Priority actions and recommendations", re.compile(
        r"\bpriority actions?\b|\b(?:ofsted|inspectors?)\b[^.]*\b(?:recommend\w*|should|must)\b"
        r"|\brecommendations? (?:for|of|from) (?:ofsted|improvement|the inspect\w*)\b"
        r"|\b(?:an? )?areas? for improvement (?:was|were|is|are)\b|\bthe (?:authority|council|department) should\b", re.I)),
    Category("visit", "Visits and inspections", re.compile(
        r"\b(?:focus+ed|assurance|monitoring|joint targeted area) (?:visit|inspection)\b[^.]*"
        r"\b(?:took place|taking place|was held|visited|carried out|in (?:january|february|march|april|may|june"
        r"|july|august|september|october|november|december)|\d{4})"
        r"|\b(?:inspection|visit)\b[^.]*\btook place\b|\bofsted (?:will|is expected to|were expected to) visit\b"
        r"|\bwill visit in\b|\bafter visiting\b|\bduring the \w+ visit\b", re.I)),
    Category("finding", "Findings", re.compile(
        r"\b(?:ofsted|inspectors?|inspection team|the (?:ofsted |assurance |inspection )?letter)\b[^.]*"
        r"\b(?:found|find|noted|recognis\w+|raised|identified|highlighted|judg\w+|said|told|concern\w*"
        r"|effective|positive|weakness\w*|strength\w*|improvements?|looked|assess\w*)\b"
        r"|\bfeedback on\b[^.]*\bwas (?:positive|negative|mixed)\b", re.I)),
    Category("commitment", "Officer commitments", re.compile(
        r"\b(?:committed to|will (?:include|carry|set|inform|involve|continue|look|need|take|be (?:able|carried|published"
        r"|reported|presented|developed|introduced|launched|recruited|put|considered|looking))|going forward"
        r"|there will be|is being (?:created|developed|improved|drawn up|finalized|finalised|implemented|trained)"
        r"|are being (?:developed|drawn up|learnt|implemented|put in place)|has been put in place"
        r"|(?:is|are) planned|action plan to|steps to rectify|working on|in the process of being)\b", re.I)),
)
CATEGORY_TITLES = {c.key: c.title for c in CATEGORIES}

# "(b) ", "• ", "Resolved - " at the start of a passage label the point; the citation already
# says which point it is, so the quoted sentence starts after them.
_LEAD = re.compile(r"^\s*(?:\([a-z]{1,3}\)\s*|•\s*|\d+(?:\.\d+)*\s+)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATIONS = ("Cllr.", "Mr.", "Mrs.", "Ms.", "Dr.", "e.g.", "i.e.", "No.", "St.")


@dataclass(frozen=True)
class BriefingLine:
    """One quoted sentence: `text` is a verbatim substring of `passage.text`."""

    category: str
    text: str
    passage: StoredPassage

    @property
    def label(self) -> str:
        return self.passage.citation_label()

    @property
    def category_title(self) -> str:
        return CATEGORY_TITLES[self.category]


@dataclass(frozen=True)
class BriefingEntry:
    """The lines quoted from one document (a meeting's minutes, a letter, an article)."""

    doc_id: str
    file_name: str
    date: dt.date | None
    body: str | None
    kind: str | None
    title: str | None
    url: str | None
    lines: tuple[BriefingLine, ...]

    @property
    def heading(self) -> str:
        when = format_date(self.date) or "Date not recorded"
        # Minutes are often titled with their committee's name ("Children's Scrutiny Committee -
        # minutes"): a name already inside another part of the heading is not said twice.
        parts = [x for x in (self.body, self.title or self.file_name) if x and x.strip()]
        folded = [fold(x) for x in parts]
        kept = [x for i, x in enumerate(parts)
                if not any(j != i and folded[i] in folded[j] and (folded[i] != folded[j] or j < i)
                           for j in range(len(parts)))]
        what = " · ".join(kept)
        return f"{when} — {what}" if what else when

    def by_category(self) -> list[tuple[Category, list[BriefingLine]]]:
        return [(c, [ln for ln in self.lines if ln.category == c.key]) for c in CATEGORIES
                if any(ln.category == c.key for ln in self.lines)]


@dataclass(frozen=True)
class Briefing:
    council: str
    entries: tuple[BriefingEntry, ...]
    passages_read: int
    built: dt.date

    @property
    def lines(self) -> list[BriefingLine]:
        return [ln for e in self.entries for ln in e.lines]

    def count(self, category: str) -> int:
        return sum(1 for ln in self.lines if ln.category == category)

    def to_markdown(self) -> str:
        """The briefing as a Markdown file: headings are metadata, every bullet a quotation
        followed by its citation in brackets."""
        out = [
            f"# Briefing: {_md(self.council)}",
            "",
            f"Prepared {format_date(self.built)} from {self.passages_read} passages in "
            f"{len(self.entries)} documents. Every line is quoted word for word from the source named "
            "after it; nothing is summarised.",
            "",
        ]
        if not self.entries:
            out.append("The documents held say nothing that fits a briefing line (visits, findings, "
                       "priority actions, officer commitments, resolutions).")
        for entry in self.entries:
            out += [f"## {_md(entry.heading)}", ""]
            if entry.url:
                out += [f"Source: <{entry.url}>", ""]
            for category, lines in entry.by_category():
                out += [f"### {category.title}", ""]
                out += [f"- {_quoted(_md(ln.text))} ({_md(ln.label)})" for ln in lines]
                out.append("")
        return "\n".join(out).rstrip() + "\n"


def sentences(text: str) -> list[str]:
    """The sentences of a passage, each a verbatim substring of it (point labels left off)."""
    text = _LEAD.sub("", text, count=1)
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if text[:m.start()].endswith(_ABBREVIATIONS):
            continue
        # A closing quotation mark belongs to the sentence it closes.
        closing = m.group()[0] if m.group()[0] in "\"”’" else ""
        pieces.append(text[start:m.start()].strip() + closing)
        start = m.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if len(p) >= 12]


def classify(sentence: str, point: str | None = None) -> str | None:
    """The key of the first category whose cues the sentence matches, or None. Every sentence of
    a passage the parser marked as the item's resolution is a resolution."""
    if point == "resolution":
        return "resolution"
    for category in CATEGORIES:
        if category.cues.search(sentence):
            return category.key
    return None


def build_briefing(
    council: str,
    passages: Iterable[StoredPassage],
    documents: Mapping[str, DocumentRecord] | None = None,
    *,
    today: dt.date | None = None,
) -> Briefing:
    """The briefing for `council` from the passages given (others are ignored).

    Args:
        council: the council's name as stored.
        passages: stored passages (any councils); each is grouped under its cited document.
        documents: the registry (doc_id -> record), for titles and source links of undated
            documents; optional.
        today: the date printed on the briefing (default: today).
    """
    documents = documents or {}
    own = [p for p in passages if p.council == council]
    by_doc: dict[str, list[StoredPassage]] = {}
    for p in own:
        by_doc.setdefault(p.doc_id, []).append(p)

    seen: set[str] = set()
    entries: list[BriefingEntry] = []
    for doc_id, doc_passages in by_doc.items():
        doc_passages.sort(key=lambda p: (p.start, p.part or 0))
        lines: list[BriefingLine] = []
        for p in doc_passages:
            for sentence in sentences(p.text):
                category = classify(sentence, p.point)
                key = fold(sentence)
                if category is None or key in seen:
                    continue
                seen.add(key)
                lines.append(BriefingLine(category, sentence, p))
        if not lines:
            continue
        first = doc_passages[0]
        record = documents.get(doc_id)
        meta = record.meta if record else None
        entries.append(BriefingEntry(
            doc_id=doc_id,
            file_name=first.file_name,
            date=first.date or (meta.date if meta else None),
            body=first.body or (meta.body if meta else None),
            kind=first.kind or (meta.kind if meta else None),
            title=(meta.title if meta else None) or first.item_title,
            url=first.url or (meta.url if meta else None),
            lines=tuple(lines),
        ))
    # Dated documents in date order; undated ones after them, by title.
    entries.sort(key=lambda e: (e.date is None, e.date or dt.date.min, e.title or e.file_name))
    return Briefing(council=council, entries=tuple(entries), passages_read=len(own),
                    built=today or dt.date.today())


def briefing_for(store: PassageStore, council: str, *, today: dt.date | None = None) -> Briefing:
    """Fetch the council's passages and documents from the store and build its briefing."""
    return build_briefing(council, store.all_passages(), store.documents(), today=today)


def _quoted(text: str) -> str:
    return text if text[:1] in "“\"‘" else f"“{text}”"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")


def _md(text: str) -> str:
    """Text that renders as itself in Markdown: characters that would format are escaped and line
    breaks folded, so a quoted sentence can neither restyle the file nor inject HTML."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text).strip())
