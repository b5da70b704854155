"""The Streamlit app's pages and the helpers they render with.

Everything that comes from a document — passage text, answer sentences quoted from passages,
titles, council names, uploaded metadata — reaches the page only through `html.escape` inside
`st.html`, never through `st.markdown`: a minute that contains "<script>" or "**" is shown as
those characters. Constant strings written here are the only Markdown.

Pages: Ask (chat with citations and click-through to the source), Briefing (one council's
timeline, exportable as Markdown) and Add documents (upload, then ingest; editors only, see
auth.py).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from ofsted_rag.answer import REFUSAL
from ofsted_rag.auth import Access, access_mode, verify_password
from ofsted_rag.briefing import Briefing, briefing_for
from ofsted_rag.conversation import Conversation
from ofsted_rag.documents import (KINDS, Answer, DocumentMeta, StoredPassage, document_id, format_date, notes_paragraph,
                                  point_display, split_sentences)
from ofsted_rag.errors import DocumentError, OfstedRagError, UsageError
from ofsted_rag.export import DOCX_MIME, MARKDOWN_MIME, answer_to_docx, answer_to_markdown
from ofsted_rag.filters import KIND_LABELS, explain_empty
from ofsted_rag.ingest import collision_reason, safe_file_name, save_upload
from ofsted_rag.labels import give_way, make_label
from ofsted_rag.places import authorities
from ofsted_rag.store import DocumentRecord, PassageFilter
from ofsted_rag.support import INSTRUCTION

EXAMPLE_QUESTIONS = (
    "What did Ofsted ask Nottingham City to put right after its focused visit?",
    "Which councils used agency staff in children's social work?",
    "How did inspectors judge the front door in Windsor and Maidenhead?",
)
UPLOAD_TYPES = ("txt", "html", "htm", "pdf", "docx")
PAGES = ("Ask", "Briefing", "Add documents")
CONTEXT_POINTS = 2  # neighbouring points shown either side of a cited one

MAX_LINKED_REFS = 40  # [n] markers that open their source in place: the CSS has a rule for each

_CSS = """<style>
.orag-answer p { margin: 0 0 .6em 0; line-height: 1.6; }
.orag-answer p.orag-own { font-style: italic; opacity: .8; border-left: 3px solid #c9c9c9; padding-left: .6em; }
.orag-ref { font-weight: 600; color: #1c63b7; font-size: .8em; vertical-align: super; margin-left: .1em; }
.orag-cite, .orag-note { line-height: 1.45; }
.orag-cite .orag-n { font-weight: 700; margin-right: .35em; }
.orag-quote { color: inherit; opacity: .85; font-size: .92em; margin: .2em 0 .4em 1.6em; }
.orag-meta { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; font-size: .9em; margin: 0 0 .6em 0; }
.orag-meta dt { font-weight: 600; }
.orag-meta dd { margin: 0; }
.orag-doc { white-space: pre-wrap; line-height: 1.55; padding: .6em 1em; border-left: 3px solid #c9c9c9;
            background: rgba(127, 127, 127, .07); border-radius: 3px; max-height: 32em; overflow-y: auto; }
.orag-doc mark { background: #ffe066; color: #111; padding: 0 .1em; border-radius: 2px; }
.orag-gap { opacity: .6; font-style: italic; }
.orag-planted { text-decoration: line-through; text-decoration-color: #c62828; opacity: .75; }
.orag-planted-tag { font-size: .75em; font-weight: 600; color: #c62828; border: 1px solid #c62828;
                    border-radius: 3px; padding: 0 .3em; margin-right: .3em; text-decoration: none;
                    display: inline-block; }
.orag-refusal { border-left: 5px solid #d9822b; background: rgba(217, 130, 43, .1); padding: .7em 1em;
                border-radius: 4px; margin-bottom: .6em; }
.orag-refusal strong { font-size: 1.05em; }
.orag-line { margin: .15em 0 .5em 0; line-height: 1.5; }
.orag-label { font-size: .85em; opacity: .75; }
.orag-councils { margin: .2em 0 0 0; padding-left: 1.1em; font-size: .9em; }
.orag-read-as { font-size: .92em; padding: .3em .7em; border-left: 3px solid #1c63b7;
                background: rgba(28, 99, 183, .07); border-radius: 3px; }
.orag-filter-note { border-left: 5px solid #1c63b7; background: rgba(28, 99, 183, .08); padding: .7em 1em;
                     border-radius: 4px; line-height: 1.5; }
.orag-line .orag-label { display: block; font-size: .82em; opacity: .75; }
.orag-missing { color: #c62828; font-weight: 600; }
.orag-ref-link { cursor: pointer; }
.orag-ref-link:hover .orag-ref { text-decoration: underline; }
.orag-refbox { display: none; }
.orag-refpanel { display: none; margin: .4em 0 .8em 0; }
.orag-refpanel-label { font-size: .9em; margin-bottom: .3em; }
""" + "".join(f".orag-refbox-{n}:checked ~ .orag-refpanels .orag-refpanel-{n} {{ display: block; }}\n"
              f".orag-refbox-{n}:checked ~ .orag-answer .orag-ref-link-{n} .orag-ref {{ background: #ffe066; }}\n"
              for n in range(1, MAX_LINKED_REFS + 1)) + """</style>"""


# ---------------------------------------------------------------- escaping and highlighting

def esc(text: object) -> str:
    """HTML-escaped text (quotes too, so it is safe inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


_BLANK_LINES = re.compile(r"\n[ \t\u00a0]*(?:\n[ \t\u00a0]*)+")


def _doc_text(text: str) -> str:
    """A stretch of document text as HTML: escaped, runs of blank lines shown as one, and each
    sentence addressed to an assistant as an instruction marked as such (it is never evidence)."""
    text = _BLANK_LINES.sub("\n\n", text)
    parts, pos = [], 0
    for start, end in _instruction_spans(text):
        parts.append(esc(text[pos:start]))
        parts.append(f'<span class="orag-planted" title="{esc(PLANTED_NOTE)}">'
                     f'<span class="orag-planted-tag">{esc(PLANTED_TAG)}</span>{esc(text[start:end])}</span>')
        pos = end
    parts.append(esc(text[pos:]))
    return "".join(parts)


PLANTED_TAG = "instruction to an assistant, ignored"
PLANTED_NOTE = ("This sentence is addressed to an AI assistant as an instruction. It is never used as "
                "evidence or quoted as an answer.")


def _instruction_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` that `support.INSTRUCTION` matches. Sentences are
    split as the answerers split them, so what is marked here is exactly what they skip."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in split_sentences(text):
        at, end = text.find(sentence, cursor), -1
        if at >= 0:
            end = at + len(sentence)
        elif INSTRUCTION.search(sentence):
            # Split across lines, the sentence was folded onto one; find it with any whitespace.
            found = re.compile(r"\s+".join(map(re.escape, sentence.split()))).search(text, cursor)
            at, end = (found.start(), found.end()) if found else (-1, -1)
        if at < 0:
            continue
        cursor = end
        if INSTRUCTION.search(sentence):
            spans.append((at, end))
    return spans


def highlight_html(text: str, start: int, end: int, *, window: tuple[int, int] | None = None) -> str:
    """`text[window]` as HTML with `text[start:end]` wrapped in <mark>.

    Every character of the document is escaped before the <mark> tags are added, so the only
    markup in the result is ours. Offsets are clamped to the text; `window` defaults to all of it.
    """
    lo, hi = window if window else (0, len(text))
    lo, hi = max(0, min(lo, len(text))), max(0, min(hi, len(text)))
    start, end = max(lo, min(start, hi)), max(lo, min(end, hi))
    before, marked, after = text[lo:start], text[start:end], text[end:hi]
    parts = []
    if lo > 0:
        parts.append('<span class="orag-gap">… </span>')
    parts.append(_doc_text(before))
    parts.append(f"<mark>{_doc_text(marked)}</mark>")
    parts.append(_doc_text(after))
    if hi < len(text):
        parts.append('<span class="orag-gap"> …</span>')
    return f'<div class="orag-doc">{"".join(parts)}</div>'


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain web link; anything else (javascript:, data:) is not linked."""
    if url and re.match(r"^https?://[^\s<>\"']+$", url.strip(), re.I):
        return url.strip()
    return None


_MARKER = re.compile(r"\[(\d+)\]")


def answer_html(answer: Answer, key: str | None = None, panels: dict[int, str] | None = None) -> str:
    """The answer's text, escaped, paragraph breaks kept, its [n] markers styled as references.

    Only markers the answerer added are styled: a "[1]" inside a sentence quoted from a document
    (a footnote, or text planted to look like a citation) stays plain text, so a document cannot
    make its own claim look cited.

    With `panels` (citation number -> HTML of its source, highlighted) and a `key` unique on the
    page, each marker opens its source in place, under the answer: the marker is the label of a
    hidden checkbox and CSS shows the panel while it is ticked, so no rerun is needed (st.html
    allows no scripts).
    """
    numbers = {c.n for c in answer.citations}
    text = answer.text
    quoted = bytearray(len(text))  # 1 where a quoted sentence's own text lies
    for sentence in answer.sentences:
        if not sentence.text:
            continue
        at = text.find(sentence.text)
        while at != -1:
            quoted[at:at + len(sentence.text)] = b"\x01" * len(sentence.text)
            at = text.find(sentence.text, at + 1)
    pieces, pos = [], 0
    for m in _MARKER.finditer(text):
        pieces.append(esc(text[pos:m.start()]))
        n = int(m.group(1))
        ours = not quoted[m.start()] and n in numbers
        marker = f'<span class="orag-ref">[{n}]</span>'
        if ours and panels and n in panels and n <= MAX_LINKED_REFS:
            marker = (f'<label class="orag-ref-link orag-ref-link-{n}" for="orag-{esc(key)}-ref-{n}" '
                      f'title="Show source [{n}]">{marker}</label>')
        pieces.append(marker if ours else esc(m.group(0)))
        pos = m.end()
    pieces.append(esc(text[pos:]))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", "".join(pieces)) if p.strip()]
    # The answerer's own sentences (what the documents do not say) are set apart from quotations.
    own = esc(notes_paragraph(answer.notes)) if answer.notes else None
    body = "".join(f'<p class="orag-own" title="The assistant\'s own words, not quoted from a document">{p}</p>'
                   if p == own else f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    if not panels:
        return f'<div class="orag-answer">{body}</div>'
    linked = sorted(n for n in panels if n in numbers and n <= MAX_LINKED_REFS)
    boxes = "".join(f'<input type="checkbox" class="orag-refbox orag-refbox-{n}" id="orag-{esc(key)}-ref-{n}">'
                    for n in linked)
    shown = "".join(f'<div class="orag-refpanel orag-refpanel-{n}">{panels[n]}</div>' for n in linked)
    return f'<div class="orag-answer-wrap">{boxes}<div class="orag-answer">{body}</div>' \
           f'<div class="orag-refpanels">{shown}</div></div>'


def citation_html(n: int | str, passage: StoredPassage, *, quote: bool = False) -> str:
    """One numbered citation in the person-readable form; with `quote`, the passage's opening."""
    out = f'<div class="orag-cite"><span class="orag-n">[{esc(n)}]</span>{esc(passage.citation_label())}</div>'
    if quote:
        text = " ".join(passage.text.split())
        text = text if len(text) <= 320 else text[:320].rsplit(" ", 1)[0] + " …"
        out += f'<div class="orag-quote">“{esc(text)}”</div>'
    return out


def filter_summary(flt: PassageFilter) -> str:
    """"council: A, B · kind: minutes · meetings 1 Jan 2020 – 31 Dec 2020" ('' for no filter)."""
    bits = []
    if flt.councils:
        bits.append("council: " + ", ".join(flt.councils))
    if flt.kinds:
        bits.append("kind: " + ", ".join(KIND_LABELS.get(k, k) for k in flt.kinds))
    if flt.since or flt.until:
        bits.append(f"meetings {format_date(flt.since) or 'any date'} – {format_date(flt.until) or 'any date'}"
                    + ("" if flt.keep_undated else ", undated left out"))
    return " · ".join(bits)


# ---------------------------------------------------------------- the source view

@dataclass(frozen=True)
class SourceView:
    """A cited passage in its document: the span to highlight and the window of neighbouring
    points of the same item to show around it."""

    passage: StoredPassage
    document: DocumentRecord | None
    start: int
    end: int
    window: tuple[int, int]

    @property
    def text(self) -> str:
        return self.document.text if self.document and self.document.text else self.passage.text

    def excerpt_html(self) -> str:
        return highlight_html(self.text, self.start, self.end, window=self.window)

    def full_html(self) -> str:
        return highlight_html(self.text, self.start, self.end)

    def metadata(self) -> list[tuple[str, str]]:
        p, meta = self.passage, (self.document.meta if self.document else DocumentMeta())
        rows = [
            ("Council", p.council or meta.council),
            ("Body", p.body or meta.body),
            ("Meeting date", format_date(p.date or meta.date) or "not recorded"),
            ("Document", KIND_LABELS.get(p.kind or meta.kind or "", p.kind or meta.kind)),
            ("Title", meta.title),
            ("Item", f"{p.item}: {p.item_title}" if p.item and p.item_title else p.item or p.item_title),
            ("Point", point_display(p.point) if p.point else None),
            ("File", p.file_name),
            ("Also published in", ", ".join(s.file_name for s in p.sources[1:]) or None),
            ("Added to the library", _when(self.document.ingested_at) if self.document else None),
        ]
        return [(k, v) for k, v in rows if v]

    def metadata_html(self) -> str:
        rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in self.metadata())
        url = safe_url(self.passage.url or (self.document.meta.url if self.document else None))
        if url:
            rows += f'<dt>Source</dt><dd><a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(url)}</a></dd>'
        return f'<dl class="orag-meta">{rows}</dl>'


def source_view(engine, passage: StoredPassage, context: int = CONTEXT_POINTS) -> SourceView:
    """Where `passage` sits in its cited document, with `context` points of the same item either
    side. Falls back to the passage alone when the document's text is not stored."""
    document = engine.document(passage.doc_id)
    if document is None or not document.text or passage.end > len(document.text):
        return SourceView(passage, document, 0, len(passage.text), (0, len(passage.text)))
    lo, hi = passage.start, passage.end
    for p in engine.neighbours(passage, before=context, after=context):
        for ref in p.sources:
            if ref.doc_id == passage.doc_id:
                lo, hi = min(lo, ref.start), max(hi, ref.end)
    return SourceView(passage, document, passage.start, passage.end, (lo, hi))


# ---------------------------------------------------------------- uploads

@dataclass(frozen=True)
class UploadOutcome:
    """What became of one uploaded file: added, updated, duplicate or rejected (with why)."""

    file_name: str
    status: str
    passages: int = 0
    reason: str | None = None
    # "council", "date": what could not be read from the file (see ingest.FileOutcome.missing).
    missing: tuple[str, ...] = ()
    # The details the library now records for the document (None when it was not stored).
    meta: DocumentMeta | None = None

    def details(self) -> list[tuple[str, str | None]]:
        """(field, value or None when not found) for council, committee, meeting date and kind."""
        if self.meta is None:
            return []
        m = self.meta
        return [("council", m.council), ("committee", m.body), ("meeting date", format_date(m.date)),
                ("kind", KIND_LABELS.get(m.kind, m.kind) if m.kind else None)]

    @property
    def missing_note(self) -> str | None:
        if not self.missing or self.status not in ("added", "updated", "duplicate"):
            return None
        return f"No {' and no '.join(self.missing)} found in it; set them below, under Correct a document's details."


_STATUS_FROM_INGEST = {"added": "added", "updated": "updated", "unchanged": "duplicate",
                       "duplicate": "duplicate", "skipped": "rejected", "removed": "rejected"}


def add_uploads(
    engine,
    files: Sequence[tuple[str, bytes]],
    meta: DocumentMeta | None = None,
    progress: Callable[[float, str], None] | None = None,
    added_by: str = "app",
) -> list[UploadOutcome]:
    """Save uploaded files under the data folder and ingest them; what the upload widget calls.

    Args:
        engine: the app's Engine (its lexical index is refreshed by `engine.ingest`).
        files: (file name as uploaded, bytes) pairs.
        meta: details typed in the form, applied to every file (None or empty: inferred from text).
        progress: called with (fraction done, message) for a progress bar.
        added_by: who is uploading (recorded with each document).

    Returns:
        One outcome per uploaded file, in upload order.
    """
    report_progress = progress or (lambda fraction, message: None)
    outcomes: dict[int, UploadOutcome] = {}
    saved: dict[str, int] = {}
    paths: list[Path] = []
    for i, (name, data) in enumerate(files):
        report_progress(0.1 * i / max(1, len(files)), f"Saving {name}")
        if not data:
            outcomes[i] = UploadOutcome(name, "rejected", reason="the file is empty")
            continue
        if len(data) > engine.settings.max_file_bytes:
            outcomes[i] = UploadOutcome(name, "rejected", reason=(
                f"it is {len(data) / 1e6:.1f} MB, over the {engine.settings.max_file_mb:g} MB limit"))
            continue
        try:
            # Checked before saving, so a refused upload leaves no file behind (ingest checks again).
            refused = collision_reason(engine.store.document(document_id(safe_file_name(name))), "upload",
                                       engine.settings)
            if refused:
                raise DocumentError(name, refused)
            path = save_upload(engine.settings, name, data, meta)
            # Details typed now are newer than a label set on the document earlier: they apply.
            give_way(engine.store, engine.settings, path.name, meta)
        except DocumentError as exc:
            outcomes[i] = UploadOutcome(name, "rejected", reason=exc.reason)
            continue
        if path.name in saved:
            outcomes[i] = UploadOutcome(name, "rejected", reason=f"same file name as {files[saved[path.name]][0]}")
            continue
        saved[path.name] = i
        paths.append(path)

    if paths:
        total = 0
        done = 0

        def on_start(n: int) -> None:
            nonlocal total
            total = n
            report_progress(0.15, f"Embedding {n} new passages" if n else "No new passages to embed")

        def on_embedded(n: int) -> None:
            nonlocal done
            done += n
            report_progress(0.15 + 0.8 * done / max(1, total), f"Embedded {done} of {total} passages")

        report_progress(0.1, "Reading the documents")
        try:
            report = engine.ingest(paths, on_embed_start=on_start, on_embedded=on_embedded, added_by=added_by,
                                   action="upload")
        except OfstedRagError as exc:
            for i in saved.values():
                outcomes[i] = UploadOutcome(files[i][0], "rejected", reason=str(exc))
        else:
            for o in report.outcomes:
                i = saved.get(o.file_name)
                if i is None:
                    continue
                status = _STATUS_FROM_INGEST.get(o.status, o.status)
                reason = o.reason
                if o.status == "unchanged":
                    reason = "this exact file is already in the library"
                elif status in ("added", "updated") and o.passages == 0:
                    status, reason = "rejected", "no text could be read from it"
                stored = engine.store.document(document_id(o.file_name)) if status != "rejected" else None
                outcomes[i] = UploadOutcome(files[i][0], status, o.passages, reason, o.missing,
                                            stored.meta if stored else None)
            for i in saved.values():
                outcomes.setdefault(i, UploadOutcome(files[i][0], "rejected", reason="the ingest did not report it"))
    report_progress(1.0, "Done")
    return [outcomes[i] for i in range(len(files))]


def add_from_addresses(
    engine,
    text: str,
    council: str | None = None,
    kind: str | None = None,
    added_by: str = "app",
) -> list[UploadOutcome]:
    """Fetch the addresses typed (one a line) and add them; what "Add from a web address" calls.

    Each address gets one outcome, shown like an upload's: an address that could not be fetched
    is "rejected" with the reason, one unchanged since it was last fetched a "duplicate".
    """
    from ofsted_rag.fetch import fetch

    urls = [line.strip() for line in text.splitlines() if line.strip()]
    if not urls:
        return []
    report = fetch(urls, engine.store, engine.embedder, engine.settings, council=council, kind=kind,
                   added_by=added_by)
    engine.retriever.refresh(force=True)
    out = []
    for o in report.outcomes:
        if o.status == "failed":
            out.append(UploadOutcome(o.url, "rejected", reason=o.reason))
        elif o.status == "unchanged":
            out.append(UploadOutcome(o.url, "duplicate", o.passages, "unchanged since it was last fetched", o.missing))
        else:
            out.append(UploadOutcome(o.url, _STATUS_FROM_INGEST.get(o.status, o.status), o.passages, o.reason, o.missing))
    return out


# ---------------------------------------------------------------- pages

def render_app(engine) -> None:
    """The whole app for one rerun: sidebar (pages, filters, corpus status) and the chosen page."""
    st.html(_CSS)
    try:
        access = current_access(engine.settings)
    except OfstedRagError as exc:
        st.error(str(exc))
        st.stop()
    status = engine.status()
    generation = engine.store.generation()
    with st.sidebar:
        st.title("Ofsted & minutes")
        page = st.radio("Page", PAGES, key="page", label_visibility="collapsed")
        flt = render_filters(status) if page == "Ask" else PassageFilter()
        status_slot = st.empty()
    if page == "Ask":
        render_ask_page(engine, status, flt)
    elif page == "Briefing":
        render_briefing_page(engine, status)
    else:
        render_upload_page(engine, status, access)
    # Filled last, so counts include what an upload on this run added (else they lag one rerun).
    if engine.store.generation() != generation:
        status = engine.status()
    with status_slot.container():
        render_status(status)


def render_filters(status) -> PassageFilter:
    """The sidebar's filters; they apply to the next question asked."""
    st.subheader("Filters")
    councils = st.multiselect("Council", status.councils, key="f_councils", placeholder="All councils")
    kinds = st.multiselect("Document kind", list(KINDS), key="f_kinds", format_func=lambda k: KIND_LABELS.get(k, k),
                           placeholder="All kinds")
    since = until = None
    keep_undated = True
    # Off by default: most documents may carry no meeting date, and a range would hide them.
    if st.toggle("Limit meeting dates", key="f_use_dates", value=False,
                 help="Starts at every date in the library. Documents without a meeting date stay in "
                      "unless you leave them out below."):
        first = status.first_date or dt.date.today() - dt.timedelta(days=5 * 365)
        last = status.last_date or dt.date.today()
        chosen = st.date_input("Meeting dates", value=(first, last), key="f_dates", format="DD/MM/YYYY")
        if isinstance(chosen, (tuple, list)):
            since = chosen[0] if len(chosen) > 0 else None
            until = chosen[1] if len(chosen) > 1 else None
        else:
            since = chosen
        keep_undated = not st.checkbox(f"Leave out documents with no meeting date ({status.undated_documents})",
                                       key="f_drop_undated")
    flt = PassageFilter(councils=tuple(councils), kinds=tuple(kinds), since=since, until=until,
                        keep_undated=keep_undated)
    if flt.is_empty():
        st.caption("No filters: questions search every document.")
    else:
        st.html(f'<div class="orag-note"><b>Active for the next question:</b> {esc(filter_summary(flt))}</div>')
    return flt


def render_status(status) -> None:
    st.subheader("Library")
    if not status.documents:
        st.caption("No documents yet. Add some on the *Add documents* page, or run `ofsted-rag ingest`.")
        return
    rows = "".join(f'<li><b>{n}</b> · {esc(council)}</li>' for council, n in status.by_council.items())
    last = _when(status.last_ingest)
    st.html(f'<div class="orag-note">{status.documents} documents, {status.passages} passages'
            f'{f"; last added {esc(last)}" if last else ""}.</div>'
            f'<div class="orag-label">Passages per council:</div><ul class="orag-councils">{rows}</ul>')


def _when(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{format_date(moment.date())}, {moment:%H:%M} UTC"


def _conversation(engine):
    conv = st.session_state.get("conversation")
    if conv is None or conv.engine is not engine:
        conv = Conversation(engine)
        st.session_state["conversation"] = conv
        st.session_state["messages"] = []
    return conv


def render_ask_page(engine, status, flt: PassageFilter) -> None:
    conversation = _conversation(engine)
    messages: list[dict] = st.session_state.setdefault("messages", [])
    question = st.chat_input("Ask about Ofsted visits, findings, actions or committee decisions",
                             disabled=not status.passages)
    question = question or st.session_state.pop("pending_question", None)
    # "Ask as written" on a follow-up: the same words, asked alone.
    as_written = st.session_state.pop("pending_as_written", None)
    if not question and as_written:
        question = as_written

    if not messages and not question:
        render_welcome(status)
    # Filters nothing passes: say which, rather than search nothing and refuse.
    empty_because = explain_empty(flt, engine.retriever.passages) if question else None
    if question and empty_because:
        messages.append({"question": question, "answer": None, "error": None, "filter": flt,
                         "notice": empty_because})
    elif question:
        read_as = None
        try:
            with st.spinner("Searching the minutes and letters…"):
                answer = conversation.ask(question, flt if not flt.is_empty() else None,
                                          as_written=question == as_written)
            if conversation.last.reading.rewritten:
                read_as = conversation.last.reading.read_as
        except OfstedRagError as exc:
            messages.append({"question": question, "answer": None, "error": str(exc), "filter": flt})
        else:
            messages.append({"question": question, "answer": answer, "error": None, "filter": flt,
                             "read_as": read_as})
    for i, message in enumerate(messages):
        render_message(engine, i, message)
    if messages and not flt.is_empty():
        st.html(f'<div class="orag-label">Filters for the next question: {esc(filter_summary(flt))}</div>')


def render_welcome(status) -> None:
    st.title("Ask about Ofsted letters and committee minutes")
    if not status.passages:
        st.info("The library is empty. Add documents on the **Add documents** page (or run "
                "`ofsted-rag ingest`), then ask a question here.")
        return
    if status.first_date and status.first_date != status.last_date:
        dated = f"meetings dated {format_date(status.first_date)} to {format_date(status.last_date)}"
    elif status.first_date:
        dated = f"one meeting date recorded, {format_date(status.first_date)}"
    else:
        dated = "no meeting dates recorded"
    kinds = ", ".join(KIND_LABELS.get(k, k).lower() for k in status.kinds) or "documents"
    st.html(f'<div class="orag-answer"><p>I answer from {status.documents} documents ({esc(kinds)}) about '
            f'{len(status.councils)} councils: {esc(", ".join(status.councils))}; {esc(dated)}. '
            "Every sentence of an answer is quoted from a minute point or paragraph and numbered; "
            "when the documents do not answer, I say so and show the closest passages instead.</p></div>")
    st.markdown("**Try one of these:**")
    for n, example in enumerate(EXAMPLE_QUESTIONS):
        st.button(example, key=f"example-{n}", on_click=_ask_example, args=(example,))
    st.caption("How to read a citation: **[1] Nottingham City Council, Children and Young People Scrutiny "
               "Committee, 30 July 2020, item 5 (…), point (b)** is council, committee, meeting date, agenda "
               "item and minute point. Press **Show source** to read it highlighted in its document.")


def _ask_example(question: str) -> None:
    st.session_state["pending_question"] = question


def render_message(engine, i: int, message: dict) -> None:
    with st.chat_message("user"):
        st.html(f'<div class="orag-answer"><p>{esc(message["question"])}</p></div>')
        if not message["filter"].is_empty():
            st.html(f'<div class="orag-label">Filters: {esc(filter_summary(message["filter"]))}</div>')
    with st.chat_message("assistant"):
        if message["error"]:
            st.error(message["error"])
            return
        if message.get("notice"):
            st.html(f'<div class="orag-filter-note">{esc(message["notice"])}</div>')
            return
        if message.get("read_as"):
            render_read_as(message["question"], message["read_as"], key=f"m{i}")
        render_answer(engine, message["answer"], key=f"m{i}", read_as=message.get("read_as"))


def render_read_as(question: str, read_as: str, key: str) -> None:
    """Above a follow-up's answer: the whole question it was read as, and one click to ask the
    words as typed instead (when the reading got the chat wrong)."""
    left, right = st.columns([5, 2], vertical_alignment="center")
    with left:
        st.html(f'<div class="orag-read-as"><span class="orag-label">Read as:</span> {esc(read_as)}</div>')
    with right:
        st.button("Ask as written instead", key=f"as-written-{key}", on_click=_ask_as_written, args=(question,),
                  type="tertiary", icon=":material/undo:",
                  help=f"Ask “{question}” on its own, without the earlier question.")


def _ask_as_written(question: str) -> None:
    st.session_state["pending_as_written"] = question


def render_answer(engine, answer: Answer, key: str, read_as: str | None = None) -> None:
    if answer.refused:
        render_refusal(engine, answer, key)
    else:
        st.html(answer_html(answer, key, _source_panels(engine, answer)))
        st.markdown("**Sources**")
        for c in answer.citations:
            render_citation(engine, c.n, c.passage, key=f"{key}-c{c.n}")
        render_downloads(answer, key, read_as)
    if answer.steps:
        with st.expander("How this answer was found"):
            st.html("".join(f'<div class="orag-note"><b>{esc(s.title)}</b>: {esc(s.detail)}</div>'
                            for s in answer.steps))


def _source_panels(engine, answer: Answer) -> dict[int, str]:
    """Each citation's source, highlighted, as HTML for the panel its [n] opens. Kept per passage
    for the session: every rerun redraws the whole chat, and each panel reads its document."""
    generation = engine.store.generation()  # an ingest may change a document's text around a passage
    cached = st.session_state.get("source_panels")
    if not cached or cached[0] != generation:
        cached = (generation, {})
        st.session_state["source_panels"] = cached
    cache: dict[str, str] = cached[1]
    panels = {}
    for c in answer.citations:
        if c.passage.id not in cache:
            cache[c.passage.id] = source_view(engine, c.passage).excerpt_html()
        panels[c.n] = (f'<div class="orag-refpanel-label"><b>[{c.n}]</b> {esc(c.passage.citation_label())}</div>'
                       + cache[c.passage.id])
    return panels


def render_downloads(answer: Answer, key: str, read_as: str | None) -> None:
    """The answer with its numbered references, as Markdown and as a Word document, for a
    committee pack. Built when clicked, not on every rerun of a long chat."""
    name = _slug(answer.question)[:60] or "answer"
    left, right, _ = st.columns([1, 1, 3])
    with left:
        st.download_button("Markdown", lambda: answer_to_markdown(answer, read_as), file_name=f"{name}.md",
                           mime=MARKDOWN_MIME, key=f"dl-md-{key}", icon=":material/download:", on_click="ignore")
    with right:
        st.download_button("Word", lambda: answer_to_docx(answer, read_as), file_name=f"{name}.docx",
                           mime=DOCX_MIME, key=f"dl-docx-{key}", icon=":material/download:", on_click="ignore")


def render_refusal(engine, answer: Answer, key: str) -> None:
    reason = answer.text[len(REFUSAL) - 1:].lstrip(":. ").strip() if answer.text.startswith(REFUSAL[:-1]) else answer.text
    reason_html = f"<br>{esc(reason[:1].upper() + reason[1:])}" if reason and reason != REFUSAL else ""
    st.html(f'<div class="orag-refusal"><strong>{esc(REFUSAL)}</strong>{reason_html}</div>')
    if answer.closest:
        st.markdown("#### Closest passages")
        st.caption("The nearest passages found. They are shown so you can judge for yourself; they do not answer the question.")
        for n, p in enumerate(answer.closest, start=1):
            render_citation(engine, n, p, key=f"{key}-x{n}", quote=True)


def render_citation(engine, n: int | str, passage: StoredPassage, *, key: str, quote: bool = False) -> None:
    """A citation row with a button that opens (or closes) its source view underneath."""
    open_keys: set[str] = st.session_state.setdefault("open_sources", set())
    is_open = key in open_keys
    left, right = st.columns([6, 1], vertical_alignment="top")
    with left:
        st.html(citation_html(n, passage, quote=quote))
    with right:
        st.button("Hide source" if is_open else "Show source", key=f"btn-{key}", on_click=_toggle_source,
                  args=(key,), type="tertiary", icon=":material/description:")
    if is_open:
        render_source(engine, passage, key)


def _toggle_source(key: str) -> None:
    open_keys: set[str] = st.session_state.setdefault("open_sources", set())
    open_keys.symmetric_difference_update({key})


def render_source(engine, passage: StoredPassage, key: str) -> None:
    view = source_view(engine, passage)
    with st.container(border=True):
        st.html(view.metadata_html())
        if view.document is None:
            st.caption("The document's full text is not in the store; only the passage is shown.")
        whole = st.toggle("Show the whole document", key=f"whole-{key}")
        st.html(view.full_html() if whole else view.excerpt_html())


# ---------------------------------------------------------------- briefing

def render_briefing_page(engine, status) -> None:
    st.title("Briefing for a meeting")
    st.caption("What the library holds about one council, as a timeline: visits, findings, priority actions, "
               "what officers committed to and what the committee resolved. Every line is quoted word for "
               "word from the source cited under it.")
    if not status.councils:
        st.info("The library is empty: add documents first.")
        return
    council = st.selectbox("Council", status.councils, index=None, key="briefing_council",
                           placeholder="Choose a council")
    if not council:
        return
    briefing = _cached_briefing(engine, council)
    st.download_button("Download as Markdown", briefing.to_markdown(), file_name=_slug(council) + "-briefing.md",
                       mime="text/markdown", icon=":material/download:", key="briefing_download")
    if not briefing.entries:
        st.info("The documents about this council contain no lines of these kinds.")
    for e, entry in enumerate(briefing.entries):
        st.html(f"<h3>{esc(entry.heading)}</h3>")
        for category, lines in entry.by_category():
            st.markdown(f"**{category.title}**")
            for j, line in enumerate(lines):
                row_key = f"b-{e}-{category.key}-{j}"
                left, right = st.columns([6, 1], vertical_alignment="top")
                with left:
                    st.html(f'<div class="orag-line">“{esc(line.text)}”'
                            f'<span class="orag-label">{esc(line.label)}</span></div>')
                with right:
                    is_open = row_key in st.session_state.setdefault("open_sources", set())
                    st.button("Hide source" if is_open else "Show source", key=f"btn-{row_key}",
                              on_click=_toggle_source, args=(row_key,), type="tertiary",
                              icon=":material/description:")
                if is_open:
                    render_source(engine, line.passage, row_key)


def _cached_briefing(engine, council: str) -> Briefing:
    """The briefing, rebuilt only when the council or the store's content changes."""
    key = (council, engine.store.generation())
    cached = st.session_state.get("briefing_cache")
    if not cached or cached[0] != key:
        cached = (key, briefing_for(engine.store, council))
        st.session_state["briefing_cache"] = cached
    return cached[1]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "council"


# ---------------------------------------------------------------- uploads page

_OUTCOME_COLOUR = {"added": "#2e7d32", "updated": "#2e7d32", "duplicate": "#1c63b7", "rejected": "#c62828"}


def _oidc_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures an OIDC provider for `st.login`."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # no secrets file at all: Streamlit raises rather than returning nothing
        return False
    return bool(auth) and bool(auth.get("client_id") or any(isinstance(v, dict) and v.get("client_id")
                                                            for v in auth.values()))


def current_access(settings) -> Access:
    return access_mode(oidc_configured=_oidc_configured(), password_hash=settings.editor_password_hash,
                       server_address=st.get_option("server.address"))


def current_editor(access: Access) -> str | None:
    """Who may edit in this session, as the audit log records them (None: a viewer)."""
    if access.mode == "oidc":
        user = st.user
        if getattr(user, "is_logged_in", False):
            return "editor:" + str(user.get("email") or user.get("name") or "signed in")
        return None
    if access.mode == "password":
        return st.session_state.get("editor")
    if access.mode == "open-local":
        return f"local:{_os_user()}"
    return None


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def render_sign_in(engine, access: Access) -> None:
    """What a viewer sees instead of the uploader."""
    if access.read_only:
        st.info(access.note)
        return
    st.caption(access.note)
    if access.mode == "oidc":
        st.button("Sign in", key="sign_in", type="primary", on_click=st.login)
        return
    with st.form("editor_sign_in", clear_on_submit=True):
        name = st.text_input("Your name (recorded in the audit log)", key="editor_name")
        password = st.text_input("Editor password", type="password", key="editor_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        if not name.strip():
            st.error("Give your name: every change is recorded with who made it.")
        elif verify_password(password, engine.settings.editor_password_hash):
            st.session_state["editor"] = "editor:" + " ".join(name.split())
            st.rerun()
        else:
            time.sleep(1.0)  # slows a guesser; scrypt alone costs a tenth of that
            st.error("That is not the editor password.")


def _sign_out() -> None:
    st.session_state.pop("editor", None)


def render_upload_page(engine, status, access: Access | None = None) -> None:
    st.title("Add documents")
    access = access or current_access(engine.settings)
    editor = current_editor(access)
    if editor is None:
        st.caption("Adding and replacing documents needs an editor; anyone can ask and read.")
        render_sign_in(engine, access)
        return
    if access.open_to_all:
        st.warning(access.note, icon=":material/lock_open:")
    else:
        left, right = st.columns([4, 1])
        left.caption(f"Signed in as {editor.removeprefix('editor:')}. Changes are recorded in the audit log.")
        right.button("Sign out", key="sign_out", on_click=st.logout if access.mode == "oidc" else _sign_out)
    st.caption("Minutes, Ofsted letters or news reports as .txt, .html, .pdf or .docx. They are read into "
               "minute points and can be asked about as soon as they are added. An upload can add a new "
               "document or replace one uploaded earlier under the same name, never one read from a folder.")
    files = st.file_uploader("Documents", type=list(UPLOAD_TYPES), accept_multiple_files=True, key="uploads",
                             max_upload_size=max(1, math.ceil(engine.settings.max_file_mb)))
    st.markdown("**Details** (optional; they apply to every file in this upload and replace what is read from the text)")
    left, right = st.columns(2)
    with left:
        council = st.selectbox("Council", status.councils, index=None, accept_new_options=True,
                               key="up_council", placeholder="Choose or type a council")
        body = st.text_input("Committee or body", key="up_body", placeholder="e.g. Children's Scrutiny Committee")
    with right:
        date = st.date_input("Meeting date", value=None, key="up_date", format="DD/MM/YYYY")
        kind = st.selectbox("Kind", list(KINDS), index=None, key="up_kind",
                            format_func=lambda k: KIND_LABELS.get(k, k), placeholder="Work it out from the text")
    meta = DocumentMeta(council=(council or "").strip() or None, body=body.strip() or None,
                        date=date if isinstance(date, dt.date) else None, kind=kind)
    if st.button("Add to the library", type="primary", disabled=not files, key="up_go"):
        bar = st.progress(0.0, text="Starting")
        outcomes = add_uploads(engine, [(f.name, f.getvalue()) for f in files],
                               meta if meta != DocumentMeta() else None,
                               progress=lambda fraction, message: bar.progress(min(1.0, fraction), text=message),
                               added_by=editor)
        st.session_state["upload_outcomes"] = outcomes
        st.session_state.pop("briefing_cache", None)
    st.markdown("**Add from a web address** (a council's minutes page, an Ofsted letter's PDF; the council "
                "and kind above apply)")
    addresses = st.text_area("Web addresses, one a line", key="url_input",
                             placeholder="https://democracy.example.gov.uk/mgAi.aspx?ID=1234")
    if st.button("Fetch and add", key="url_go", disabled=not addresses.strip()):
        with st.spinner("Fetching"):
            st.session_state["upload_outcomes"] = add_from_addresses(engine, addresses, meta.council, meta.kind,
                                                                     added_by=editor)
        st.session_state.pop("briefing_cache", None)
    outcomes = st.session_state.get("upload_outcomes", [])
    if outcomes:
        st.html("".join(outcome_html(o) for o in outcomes))
    render_relabel(engine, status, editor, outcomes)


def render_relabel(engine, status, editor: str, outcomes: Sequence[UploadOutcome] = ()) -> None:
    """The details form for a stored document; only an editor reaches it (render_upload_page).

    It calls the same `labels.relabel` as `ofsted-rag label`: the document's passages are
    re-labelled at once, without embedding anything. The document first offered is the first
    one the last upload stored, since that is where a missing council or date was just flagged.
    """
    docs = sorted(engine.store.documents().values(), key=lambda d: d.file_name)
    if not docs:
        return
    st.markdown("**Correct a document's details** (what you set replaces what was read from the file, "
                "and is kept when the file is read again; blank fields stay as they are)")
    names = [d.file_name for d in docs]
    stored = {d.doc_id: n for n, d in enumerate(docs)}
    offered = next((stored[i] for i in (_stored_id(o.file_name) for o in outcomes) if i in stored), None)
    with st.form("relabel", clear_on_submit=True):
        name = st.selectbox("Document", names, index=offered, key="rl_doc", placeholder="Choose a document")
        left, right = st.columns(2)
        # The library's councils first, then every authority the gazetteer knows by its official
        # name, so a council not yet in the library is chosen under the name it will be stored as.
        known = sorted({a.official for a in authorities()} - set(status.councils))
        council = left.selectbox("Council", [*status.councils, *known], index=None, accept_new_options=True,
                                 key="rl_council", placeholder="Choose or type a council")
        body = left.text_input("Committee or body", key="rl_body")
        date = right.date_input("Meeting date", value=None, key="rl_date", format="DD/MM/YYYY")
        kind = right.selectbox("Kind", list(KINDS), index=None, key="rl_kind",
                               format_func=lambda k: KIND_LABELS.get(k, k), placeholder="Leave as it is")
        submitted = st.form_submit_button("Save details", key="rl_go")
    if submitted:
        try:
            if not name:
                raise UsageError("choose the document whose details to correct")
            result = engine.relabel(name, make_label(council, body, date if isinstance(date, dt.date) else None, kind),
                                    who=editor)
        except OfstedRagError as exc:
            st.error(str(exc))
            return
        st.session_state.pop("briefing_cache", None)
        # The upload result shows the details now recorded, not those it was added with.
        st.session_state["upload_outcomes"] = [
            replace(o, meta=result.meta, missing=tuple(f for f in o.missing if getattr(result.meta, f) is None))
            if _stored_id(o.file_name) == result.doc_id else o for o in outcomes]
        said = "; ".join(f"{c.field}: {c.after or 'none'}" for c in result.changes) or "nothing changed"
        st.session_state["relabel_note"] = f"{result.file_name}: {said}."
        st.rerun()
    note = st.session_state.pop("relabel_note", None)
    if note:
        st.success(note)


def _stored_id(uploaded_name: str) -> str | None:
    """The id an uploaded file is stored under (None for a name no upload could have)."""
    try:
        return document_id(safe_file_name(uploaded_name))
    except DocumentError:
        return None


def outcome_html(o: UploadOutcome) -> str:
    detail = f"{o.passages} passages" if o.status in ("added", "updated") else (o.reason or "")
    if o.missing_note:
        detail = f"{detail}. {o.missing_note}"
    colour = _OUTCOME_COLOUR.get(o.status, "#555")
    # Each detail the library records for the file; one not found is flagged, since a question
    # about that council or year cannot be scoped to the document until it is set.
    fields = "".join(
        f'<dt>{esc(name.capitalize())}</dt><dd>{esc(value)}</dd>' if value else
        f'<dt>{esc(name.capitalize())}</dt><dd class="orag-missing">not found</dd>'
        for name, value in o.details())
    return (f'<div class="orag-outcome" style="border-left: 4px solid {colour}; padding: .3em .8em; margin: .3em 0;">'
            f'<b style="color: {colour}">{esc(o.status)}</b> · {esc(o.file_name)} — {esc(detail)}'
            + (f'<dl class="orag-meta">{fields}</dl>' if fields else "") + '</div>')
