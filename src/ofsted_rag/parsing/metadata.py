"""Metadata a document states about itself: its meeting date, council, committee and kind.

Only what the text says plainly is taken; anything uncertain is left None rather than guessed
(a council merely mentioned in passing, such as a partner authority, is not the document's council).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from ofsted_rag.documents import DocumentMeta
from ofsted_rag.parsing.structure import ITEM_PAGE, MEETING_PAGE, clean_title

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(January|February|March|April|May|June|July|August|September|"
    r"October|November|December),?\s+(\d{4})\b",
    re.IGNORECASE,
)
_COUNCIL = re.compile(
    r"\b(?:(?:Royal|London) Borough of [A-Z][\w'-]+(?:(?: and| upon| on|-on-|-upon-)? [A-Z][\w'-]+){0,3}"
    r"|City of [A-Z][\w'-]+(?: [A-Z][\w'-]+){0,2} (?:Metropolitan )?(?:District |Borough )?Council"
    r"|[A-Z][\w'-]+(?: [A-Z][\w'-]+){0,2} (?:City|County|Borough|District|Metropolitan Borough|"
    r"Metropolitan District|Town) Council)"
)
_BODY = re.compile(r"\b(committee|sub-committee|panel|board|cabinet|forum)\b", re.IGNORECASE)
_LETTER_CUES = re.compile(
    r"\b(dear\b|yours sincerely|his majesty's inspector|her majesty's inspector|\bHMI\b|"
    r"areas for priority action|what needs to improve|focused visit to|inspection of)",
    re.IGNORECASE,
)
_NEWS_CUES = re.compile(r"advertisement|related articles|latest articles|local democracy reporter", re.I)
_HEADER_CHARS = 600


def infer_meta(text: str) -> DocumentMeta:
    """What the normalised text itself says about the document."""
    lines = [line for line in text.split("\n") if line]
    head = "\n".join(lines[:12])
    kind = _infer_kind(text, lines)
    return DocumentMeta(
        council=_infer_council(text),
        body=_infer_body(lines),
        date=_header_date(head) if kind != "news" else None,
        kind=kind,
        title=_infer_title(lines),
    )


def _infer_kind(text: str, lines: list[str]) -> str | None:
    if any(MEETING_PAGE.match(x) or ITEM_PAGE.match(x) for x in lines[:5]) or re.search(r"^Minutes:?$", text, re.M):
        return "minutes"
    if "ofsted" in text.lower() and len(_LETTER_CUES.findall(text)) >= 2:
        return "ofsted_letter"
    if _NEWS_CUES.search(text):
        return "news"
    return None


_WEEKDAY = re.compile(r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)


def _header_date(head: str) -> dt.date | None:
    """The date of a header line ("Thursday, 30th July, 2020 10.00 am"), not a date mentioned in
    a sentence (the date of a visit is not the date of the meeting)."""
    lines = [x for x in head.split("\n") if _WEEKDAY.match(x) or (len(x) < 60 and _DATE.match(x))]
    for day, month, year in _DATE.findall("\n".join(lines)):
        try:
            return dt.date(int(year), MONTHS[month.lower()], int(day))
        except ValueError:
            continue
    return None


def _infer_council(text: str) -> str | None:
    """The council named at the top of the document (title or first paragraph), the most often
    named if several are."""
    found = [m.group(0) for m in _COUNCIL.finditer(text[:_HEADER_CHARS])]
    if not found:
        return None
    counts = Counter(m.group(0) for m in _COUNCIL.finditer(text))
    return max(found, key=lambda name: (counts[name], -found.index(name)))


def _infer_body(lines: list[str]) -> str | None:
    for i, line in enumerate(lines[:6]):
        if MEETING_PAGE.match(line) and i + 1 < len(lines) and _BODY.search(lines[i + 1]):
            return lines[i + 1]
    for line in lines[:4]:
        if _BODY.search(line) and len(line) < 100 and not line.endswith("."):
            return line
    return None


def _infer_title(lines: list[str]) -> str | None:
    for i, line in enumerate(lines[:6]):
        if ITEM_PAGE.match(line) and i + 1 < len(lines):
            return clean_title(lines[i + 1])
        if MEETING_PAGE.match(line) and i + 1 < len(lines):
            return "Agenda and minutes: " + lines[i + 1]
    if lines and len(lines[0]) < 200:
        return clean_title(lines[0])
    return None
