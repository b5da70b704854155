"""Why a filter matches no documents: said to the person who set it, instead of a refusal.

A question asked under filters that no passage passes would be refused for want of evidence,
which reads as "the documents do not say" when the truth is "the filters left nothing". This
checks the filters against the stored passages first (with `PassageFilter.matches`, the test
retrieval applies) and names each filter with how many documents it lets through alone and how
many have no value for its field (council, kind, meeting date), so the person knows which filter
to widen or which details are missing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ofsted_rag.documents import StoredPassage, format_date
from ofsted_rag.store import PassageFilter

KIND_LABELS = {"minutes": "Committee minutes", "ofsted_letter": "Ofsted letter", "news": "News report"}


@dataclass(frozen=True)
class FilterCount:
    """One active filter: what it asks for, and how the documents fare against it alone."""

    field: str  # "council", "kind", "meeting date"
    wanted: str
    matching: int
    lacking: int  # documents with no value recorded for the field

    def sentence(self, total: int) -> str:
        lacking = f"; {self.lacking} of {total} have no {self.field} recorded" if self.lacking else ""
        return f"{self.field.capitalize()} ({self.wanted}): {self.matching} of {total} documents match{lacking}."


def _dimensions(flt: PassageFilter) -> list[tuple[str, str, PassageFilter, Callable[[StoredPassage], object]]]:
    """(field, what is wanted, the filter on that field alone, the passage's value) per active filter."""
    out = []
    if flt.councils:
        out.append(("council", ", ".join(flt.councils), PassageFilter(councils=flt.councils), lambda p: p.council))
    if flt.kinds:
        out.append(("kind", ", ".join(KIND_LABELS.get(k, k) for k in flt.kinds), PassageFilter(kinds=flt.kinds),
                    lambda p: p.kind))
    if flt.since or flt.until:
        wanted = f"{format_date(flt.since) or 'any date'} to {format_date(flt.until) or 'any date'}"
        wanted += "" if flt.keep_undated else ", undated left out"
        out.append(("meeting date", wanted, PassageFilter(since=flt.since, until=flt.until,
                                                          keep_undated=flt.keep_undated), lambda p: p.date))
    return out


# What a person can do about it, where the filters were set: the app's sidebar, or the command line.
APP_REMEDY = "Widen or clear a filter in the sidebar, or record the missing details on the Add documents page."
CLI_REMEDY = ("Widen or drop a filter (--council, --kind, --since, --until; --exclude-undated leaves out "
              "undated documents), or record the missing details with `ofsted-rag label`.")


def explain_empty(flt: PassageFilter, passages: Iterable[StoredPassage], remedy: str = APP_REMEDY) -> str | None:
    """A paragraph saying why no document passes `flt`, or None when some passage does (or there
    is no filter, or nothing stored: an empty library is said elsewhere). It ends with `remedy`,
    the sentence saying what to change where the filters were set."""
    by_doc: dict[str, list[StoredPassage]] = defaultdict(list)
    for p in passages:
        by_doc[p.doc_id].append(p)
    if flt.is_empty() or not by_doc or any(flt.matches(p) for ps in by_doc.values() for p in ps):
        return None
    total = len(by_doc)
    counts = [FilterCount(field, wanted, sum(any(alone.matches(p) for p in ps) for ps in by_doc.values()),
                          sum(all(value(p) in (None, "") for p in ps) for ps in by_doc.values()))
              for field, wanted, alone, value in _dimensions(flt)]
    blocking = [c for c in counts if c.matching == 0]
    lead = ("No document matches the filters, so the question was not searched. "
            + (f"The {' and '.join(c.field for c in blocking)} filter lets none through."
               if blocking else "Each filter lets some through, but no document passes them all."))
    return " ".join([lead, *(c.sentence(total) for c in counts), remedy])
