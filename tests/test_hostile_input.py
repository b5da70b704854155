"""Hostile input: the parsers never crash, never hang, and never drop content; upload names with
folder parts never write outside the uploads folder.

What "content" means is defined by the structure parser's own rules
(`ofsted_rag.parsing.structure`). The normalised text is cut into blocks (runs of non-empty
lines). A non-blank line may be left out of every passage's span only when it is *structure or
furniture*, which is exactly one of:

1. furniture: a one-line block matching `FURNITURE` (also after `strip_link` strips a
   "pdf icon PDF 245 KB" link at its end), or a one-line block of at most 250 characters ending
   in a download link (`LINK_SUFFIX`: an attachment line; a sentence that mentions "the PDF 2 MB
   report" and goes on is content);
2. the tail of a news page: a one-line block matching `TAIL_FURNITURE` ("Related articles") and
   everything after it, plus the short bullet units (<= 200 characters, no closing full stop)
   just before it, which are other stories' headlines;
3. page structure: a one-line block matching `MEETING_PAGE`, `ITEM_PAGE` or `MINUTES_MARK`; or
   matching `PAGE_HEADERS` / `HEADER_LINE` while no passage has started yet;
4. an item number: a line matching `ITEM_ALONE` ("4.") that opens its block;
5. a title: a line whose `clean_title` (or, for "4. Title", the title part) occurs in the
   `item_title` or `section` of some passage, so its text is kept as the passages' locator (a
   title may wrap over up to three lines, which the parser joins);
6. a meeting page's header: after an "Agenda and minutes" line, the blocks of at most 2 lines and
   300 characters before the first passage (committee name, date, venue, contact);
7. a repeat: the line's text (whitespace folded) occurs in some passage's text, because the
   parser keeps the same text under the same item and label once;
8. a title with nothing under it, when the next block is in no passage either (or there is
   none), so the title titles nothing and has nowhere to land. A title is (i) a one-line block
   shaped as a heading (as `_is_heading` tests: <= 90 characters and 14 words, a capital first,
   no closing punctuation, not a point or bullet, not a bare "Resolved" marker), (ii) the block
   of one to three lines after an item number or an "Agenda item" line, or (iii) the line after
   an item number in its block.
   A run of one-line headings is one title (the parser joins them), so "nothing under it" is
   judged by the first block after the run;
9. contact details: a block every line of which matches `CONTACT_LINE` (a phone number, an
   email or a web address, as in a letterhead);
10. a picture's caption: a line that is one text of words twice over (alt text and caption run
   together), or a line holding only such a text (`captions`, `is_caption`); or an advert's
   label on a line of its own (`AD_LABEL`: "Hide Ad", "Advertisement").

Every other non-whitespace character must lie inside some passage's [start, end) span.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ofsted_rag.errors import DocumentError
from ofsted_rag.ingest import save_upload
from ofsted_rag.parsing import parse_bytes
from ofsted_rag.parsing import structure as S
from ofsted_rag.parsing.text import normalise

# ---------------------------------------------------------------------------------------------
# The coverage oracle


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Blocks of non-empty lines separated by empty lines, each line with its offset."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        if line:
            current.append((pos, line))
        elif current:
            blocks.append(current)
            current = []
        pos += len(line) + 1
    if current:
        blocks.append(current)
    return blocks


def _fold(s: str) -> str:
    return " ".join(s.split())


def uncovered_content(text: str, spans: list[tuple[int, int]], titles: set[str], passage_texts: list[str]) -> list[str]:
    """The lines of `text` holding a non-whitespace character that is in no span and is not
    structure or furniture by the rules in this module's docstring. Empty when nothing is lost."""
    covered = bytearray(len(text) + 1)
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    first_unit = min((s for s, _ in spans), default=len(text))
    unit_starts = sorted(s for s, _ in spans)
    blocks = _blocks(text)

    tail_at = None
    meeting_header: set[int] = set()  # offsets of lines in a meeting page's header
    for bi, block in enumerate(blocks):
        only = block[0][1] if len(block) == 1 else None
        if only is not None and S.TAIL_FURNITURE.match(only):
            tail_at = block[0][0]
            break
        if only is not None and S.MEETING_PAGE.match(only):
            after = block[0][0]
            next_unit = next((s for s in unit_starts if s > after), len(text))
            for later in blocks[bi + 1:]:
                if later[0][0] >= next_unit:
                    break
                if len(later) <= 2 and len(" ".join(t for _, t in later)) <= 300:
                    meeting_header.update(off for off, _ in later)

    headlines = _headlines_before(blocks, tail_at)
    found_captions = S.captions(text.split("\n"))
    folded_passages = "\n".join(_fold(t) for t in passage_texts)
    folded_titles = "\n".join(_fold(t) for t in titles)
    lost: list[str] = []
    for bi, block in enumerate(blocks):
        only = block[0][1] if len(block) == 1 else None
        for li, (off, line) in enumerate(block):
            span = covered[off:off + len(line)]
            if 0 not in span or all(c or ch.isspace() for c, ch in zip(span, line)):
                continue
            if tail_at is not None and off >= tail_at:
                continue  # rule 2
            if only is not None and (S.FURNITURE.match(line) or S.FURNITURE.match(S.strip_link(line) or "x")
                                     or (len(line) <= 250 and S.LINK_SUFFIX.search(line))):
                continue  # rule 1
            if all(S.CONTACT_LINE.match(t) for _, t in block):
                continue  # rule 9
            if S.is_caption(line, found_captions) or S.AD_LABEL.match(line):
                continue  # rule 10
            if only is not None and (S.MEETING_PAGE.match(line) or S.ITEM_PAGE.match(line) or S.MINUTES_MARK.match(line)):
                continue  # rule 3
            if only is not None and off < first_unit and (S.PAGE_HEADERS.match(line) or S.HEADER_LINE.match(line)):
                continue  # rule 3
            if li == 0 and S.ITEM_ALONE.match(line):
                continue  # rule 4
            with_title = S.ITEM_WITH_TITLE.match(line)
            if _fold(S.clean_title(line)) in folded_titles or (
                    with_title and _fold(S.clean_title(with_title.group(2))) in folded_titles):
                continue  # rule 5
            if off in meeting_header:
                continue  # rule 6
            if off in headlines:
                continue  # rule 2 (other stories' headlines before "Related articles")
            if _fold(line) and _fold(line) in folded_passages:
                continue  # rule 7
            if _title_shaped(blocks, bi, li) and not _titles_something(blocks, bi, covered):
                continue  # rule 8
            lost.append(line)
    return lost


_CLOSING = tuple(".:;,-–—?!)\"”'’")


def _title_shaped(blocks, bi: int, li: int) -> bool:
    block = blocks[bi]
    line = block[li][1]
    if len(block) == 1 and len(line) <= 90 and len(line.split()) <= 14 and line[0].isupper() \
            and not line.endswith(_CLOSING) and not (S.LETTERED.match(line) or S.BULLET.match(line) or S.NUMBERED.match(line)) \
            and not S.BARE_RESOLUTION.match(line):
        return True  # (i)
    if bi > 0 and len(block) <= 3 and len(blocks[bi - 1]) == 1:
        before = blocks[bi - 1][0][1]
        if S.ITEM_ALONE.match(before) or S.ITEM_PAGE.match(before):
            return True  # (ii)
    return li == 1 and bool(S.ITEM_ALONE.match(block[0][1]))  # (iii)


def _titles_something(blocks, bi: int, covered: bytearray) -> bool:
    """Whether the title at block `bi` has text under it: the first block past the run of
    one-line headings (in no passage) that follows it is in some passage."""
    j = bi + 1
    while j < len(blocks) and len(blocks[j]) == 1 and _title_shaped(blocks, j, 0) and not _touches(covered, blocks[j]):
        j += 1
    return j < len(blocks) and _touches(covered, blocks[j])


def _touches(covered: bytearray, block: list[tuple[int, str]]) -> bool:
    return any(any(covered[off:off + len(line)]) for off, line in block)


def _headlines_before(blocks, tail_at: int | None) -> set[int]:
    """Offsets of the lines of the short bullet units (a bullet line and the lines continuing it,
    <= 200 characters, no closing full stop) that run up to "Related articles"."""
    if tail_at is None:
        return set()
    found: set[int] = set()
    for block in reversed([b for b in blocks if b[0][0] < tail_at]):
        unit: list[tuple[int, str]] = []
        for off, line in reversed(block):
            unit.insert(0, (off, line))
            if not S.BULLET.match(line):
                continue
            body = " ".join(t for _, t in unit)
            if len(body) > 200 or body.rstrip().endswith("."):
                return found
            found.update(o for o, _ in unit)
            unit = []
        if unit:
            return found
    return found


def check_document(data: bytes, name: str = "x.txt") -> None:
    """Parse `data`; a DocumentError is an allowed outcome, any other exception fails. A parsed
    document must keep every content character in some passage, with consistent spans."""
    try:
        parsed = parse_bytes(data, name)
    except DocumentError:
        return
    check_parsed(parsed)


def check_parsed(parsed) -> None:
    text = parsed.document.text
    spans = []
    titles: set[str] = set()
    for p in parsed.passages:
        assert 0 <= p.start < p.end <= len(text), (p.start, p.end, len(text))
        assert p.text == " ".join(text[p.start:p.end].split())
        spans.append((p.start, p.end))
        titles.update(t for t in (p.item_title, p.section) if t)
    # Spans of passages dropped as repeats are still content the parser saw: use its own units.
    units = S.parse_structure(text)
    spans += [(u.start, u.end) for u in units]
    titles.update(t for u in units for t in (u.item_title, u.section) if t)
    lost = uncovered_content(text, spans, titles, [p.text for p in parsed.passages])
    assert not lost, f"content in no passage: {lost[:5]!r}"


def check_structure(text: str) -> None:
    """parse_structure on raw (possibly un-normalised) text: ordered, in-range spans; and on
    normalised text, no content lost."""
    units = S.parse_structure(text)
    for u in units:
        assert 0 <= u.start <= u.end <= len(text)
    norm = normalise(text)
    units = S.parse_structure(norm)
    spans = [(u.start, u.end) for u in units]
    titles = {t for u in units for t in (u.item_title, u.section) if t}
    lost = uncovered_content(norm, spans, titles, [norm[a:b] for a, b in spans])
    assert not lost, f"content in no passage: {lost[:5]!r}"


# ---------------------------------------------------------------------------------------------
# Strategies: lines a council page really has, broken on purpose, mixed with arbitrary text

STRUCTURE_LINES = [
    "Agenda and minutes", "Agenda item", "Minutes:", "Minutes", "1.", "2.", "3.", "4", "12.",
    "1. Apologies for absence", "2. Declarations of interest", "(a", "(a)", "(b", "(a) The committee noted the report.",
    "(b)Members asked about caseloads", "(ee) Further work was requested.", "(iv) A fourth point",
    "• A bullet point", "- a dash bullet", "* star", "20.1.1 Numbered paragraph text", "3) Simple numbered",
    "Resolved", "RESOLVED -", "Resolved: that the report be noted.", "Recommended -", "ACTION: Director",
    "During the discussion the following points were raised:", "Related articles", "Latest articles",
    "– Advertisement –", "Advertisement", "Additional documents:", "pdf icon PDF 245 KB",
    "Report of the Director pdf icon PDF 120 KB", "Report.pdf PDF 2 MB", "Items PDF 2 MB were late",
    "The 12-page PDF 2 MB report was circulated late, members said.", "RESOLVED", "Agreed",
    "Venue: Council House", "Contact: Democratic Services",
    "Thursday, 30th July, 2020 10.00 am", "Main Findings", "Areas for priority action", "Local democracy",
    "Nottingham City Council", "Dear Ms Smith", "Yours sincerely", "", "", "", "",
]

_line = st.one_of(
    st.sampled_from(STRUCTURE_LINES),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=120),
    st.text(alphabet="(ab)1. \t-•:\u00a0\u200bRrAa\x00\r", max_size=30),
)
_heading = st.from_regex(r"[A-Z][a-z]{2,9}( [a-z]{2,8}){0,3}", fullmatch=True)
_block = st.lists(st.one_of(_line, _heading), min_size=1, max_size=4).map("\n".join)
# Blocks separated by blank lines, as pages are laid out: many one-line blocks (headings, item
# numbers, furniture), which is where structure is recognised.
documents_text = st.one_of(
    st.lists(_line, max_size=60).map("\n".join),
    st.lists(st.one_of(_block, _heading, st.sampled_from(STRUCTURE_LINES)), max_size=30).map("\n\n".join),
)


@st.composite
def mixed_bytes(draw) -> bytes:
    """A file as a user may really have one: lines in UTF-8 or cp1252, CRLF or LF, stray bytes."""
    out = []
    for line in draw(st.lists(_line, max_size=40)):
        enc = draw(st.sampled_from(["utf-8", "cp1252", "latin-1", "raw"]))
        if enc == "raw":
            out.append(draw(st.binary(max_size=40)))
        else:
            out.append(line.encode(enc, errors="replace"))
        out.append(draw(st.sampled_from([b"\n", b"\r\n", b"\r"])))
    return b"".join(out)


FAST = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@FAST
@given(documents_text)
def test_structure_parser_keeps_all_content(text):
    check_structure(text)


@FAST
@given(documents_text)
def test_parse_bytes_on_arbitrary_text_keeps_all_content(text):
    check_document(text.encode("utf-8"))


@FAST
@given(mixed_bytes())
def test_parse_bytes_on_mixed_encodings_and_binary(data):
    check_document(data)


@settings(max_examples=60, deadline=2000, derandomize=True)
@given(st.binary(max_size=2000))
def test_parse_bytes_on_arbitrary_bytes_only_raises_document_error(data):
    check_document(data)


@pytest.mark.parametrize("suffix,head", [(".html", b"<html><body>"), (".pdf", b"%PDF-1.4\n"), (".docx", b"PK\x03\x04")])
def test_other_formats_on_garbage_only_raise_document_error(suffix, head):
    @settings(max_examples=40, deadline=2000, derandomize=True)
    @given(st.binary(max_size=1500))
    def run(data):
        for blob in (data, head + data):
            try:
                parse_bytes(blob, "x" + suffix)
            except DocumentError:
                pass

    run()


# ---------------------------------------------------------------------------------------------
# Hand-made extremes


def _timed(data: bytes, limit: float) -> None:
    """Parsing alone (not the coverage check) finishes within `limit` seconds."""
    started = time.perf_counter()
    try:
        parsed = parse_bytes(data, "x.txt")
    except DocumentError:
        parsed = None
    elapsed = time.perf_counter() - started
    assert elapsed < limit, f"parsing took {elapsed:.1f} s"
    if parsed is not None:
        check_parsed(parsed)


@pytest.mark.parametrize("line", [
    "The committee noted the report. " * 160_000,             # sentences: split at boundaries
    "word " * 1_000_000,                                      # no sentence end: cut at spaces
    "x" * 5_000_000,                                          # no space at all: cut hard
    "(a" * 2_500_000,                                         # unbalanced point labels
    "during the discussion " + "y" * 5_000_000,               # a regex with .* and alternatives
], ids=["sentences", "words", "one-word", "unbalanced", "discussion"])
def test_five_megabyte_single_line(line):
    assert len(line) >= 5_000_000
    _timed(("Nottingham City Council\n\n" + line).encode(), 10.0)


def test_thousands_of_points_and_items():
    points = "\n".join(f"({chr(97 + i % 26)}) Point {i} about caseloads and supervision." for i in range(5000))
    items = "\n\n".join(f"{i}.\n\nItem {i} title\n\nMinutes:\n\n(a) Members noted item {i}." for i in range(1, 999))
    page = f"Agenda and minutes\n\nScrutiny Committee\n\n{items}\n\n{points}\n\n" + "(a\n" * 3000
    _timed(page.encode(), 10.0)


def test_nul_bytes_are_refused_or_removed():
    with pytest.raises(DocumentError, match="binary"):
        parse_bytes(b"Minutes\x00 of the meeting\x00" * 100, "x.txt")
    # Past the sniffed head a NUL is an invisible character: removed, the rest kept.
    data = b"The committee noted the report.\n" * 3000 + b"(a) Members \x00asked about \x00caseloads.\n"
    parsed = parse_bytes(data, "x.txt")
    assert any(p.text == "(a) Members asked about caseloads." for p in parsed.passages)
    check_structure("(a) one\x00 two\n\n\x00\x00\n\n(b) three")


def test_mixed_encodings_keep_every_line():
    data = ("(a) Café costs were noted – naïve, “quoted”.\n".encode("utf-8")
            + "(b) Café costs were noted – naïve, “quoted”.\n".encode("cp1252")
            + b"(c) Undefined cp1252 bytes \x81\x8d\x8f\x90\x9d survive.\n")
    parsed = parse_bytes(data, "x.txt")
    texts = [p.text for p in parsed.passages]
    assert texts[0] == "(a) Café costs were noted – naïve, “quoted”."
    assert texts[1] == "(b) Café costs were noted – naïve, “quoted”."
    assert texts[2].startswith("(c) Undefined cp1252 bytes")
    utf16 = "\ufeff(a) Point one.\r\n(b) Point two.".encode("utf-16-le")
    assert [p.point for p in parse_bytes(b"\xff\xfe" + utf16[2:], "x.txt").passages] == ["a", "b"]


# ---------------------------------------------------------------------------------------------
# Upload names


@pytest.mark.parametrize("name", [
    "../../x.txt", "/etc/passwd.txt", "..\\..\\y.txt", "a/../../z.txt", "....//....//w.txt",
    "uploads/../../../v.txt", "C:\\Windows\\u.txt", "./.././t.txt", "%2e%2e%2fs.txt", "\x00../r.txt",
    "..", "../", "nested/dir/q.txt", " ../ p.txt ", "x.txt\n../o.txt",
])
def test_upload_names_never_escape_the_uploads_folder(settings, tmp_path, name):
    before = {p for p in tmp_path.rglob("*")}
    try:
        path = save_upload(settings, name, b"(a) The committee noted the report.")
    except DocumentError:
        path = None
    uploads = settings.uploads.resolve()
    created = {p for p in tmp_path.rglob("*")} - before
    for p in created:
        r = p.resolve()
        assert r == settings.home.resolve() or r.is_relative_to(uploads) or r in uploads.parents, p
    if path is not None:
        assert path.resolve().parent == uploads
        assert re.fullmatch(r"[A-Za-z0-9._ -]+", path.name), path.name
        assert path.read_bytes() == b"(a) The committee noted the report."


@given(st.text(max_size=60))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=True)
def test_arbitrary_upload_names_stay_inside(tmp_path, name):
    from conftest import make_settings

    s = make_settings(tmp_path / "data")
    try:
        path = save_upload(s, name + ".txt", b"text")
    except DocumentError:
        return
    assert path.resolve().parent == s.uploads.resolve()
    assert not any(p for p in tmp_path.rglob("*") if not p.resolve().is_relative_to((tmp_path / "data").resolve()))


def test_consecutive_headings_keep_the_first():
    units = S.parse_structure("Focused visit to the council\n\nMain findings\n\nLeaders have acted on the findings.")
    kept = " ".join(t for u in units for t in (u.item_title, u.section) if t)
    assert "Focused visit to the council" in kept


def test_the_oracle_reports_a_dropped_paragraph():
    """The coverage check itself: leave one paragraph's span out and it must be reported."""
    text = "Agenda item\n\nBudget\n\nMinutes:\n\nThe committee noted the report.\n\nMembers asked about\ncaseloads.\n\nAdditional documents:"
    units = S.parse_structure(text)
    titles = {t for u in units for t in (u.item_title, u.section) if t}
    spans = [(u.start, u.end) for u in units]
    assert uncovered_content(text, spans, titles, []) == []
    kept = [(a, b) for a, b in spans if "Members" not in text[a:b]]
    assert uncovered_content(text, kept, titles, []) == ["Members asked about", "caseloads."]
