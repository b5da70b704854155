"""PDF letters and minutes to the plain-text layout the structure parser reads.

pypdf's plain `extract_text()` gives one line per visual line and no blank line between
paragraphs, so every paragraph of a letter would run into the next and one minute point would
swallow its neighbours. Here the text is extracted with a visitor that records where each line
sits on the page; a vertical gap clearly larger than the document's normal line spacing becomes a
blank line. Running headers, footers and page numbers are dropped so that they do not become
passages or split a point that continues over a page break.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass

from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from ofsted_rag.errors import DocumentError

# A gap between baselines this many times the normal line spacing starts a new paragraph.
PARAGRAPH_GAP_FACTOR = 1.25
# Without evidence of wrapped lines, the line spacing single-spaced text would have.
DEFAULT_SPACING = 1.2
# A font size change larger than this (as a fraction) separates a heading from its text.
SIZE_CHANGE = 0.15
# Lines within this many lines of the top or bottom of a page may be headers or footers.
MARGIN_LINES = 3

BULLET = "• "
# Bullet glyphs as PDFs carry them: Word's Symbol-font bullet arrives as U+F0B7.
BULLET_RE = re.compile(r"^[\u2022\uf0b7\uf0a7\uf076\uf0d8\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u2219\u00b7\u27a2]\s*")
PAGE_NUMBER_RE = re.compile(
    r"^(page\s*)?[-–]?\s*\d{1,4}\s*[-–]?(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE
)
# Line starts the structure parser reads as a new lettered point, numbered paragraph or bullet.
UNIT_START_RE = re.compile(r"^(\(([a-z]{1,2}|[ivx]{1,5})\)|\d{1,3}(\.\d{1,3})+\.?\s|[-–—*·▪◦‣∙]\s)")
SENTENCE_END_RE = re.compile(r"[.!?:;]['’\"”)]?$")
PARAGRAPH_START_RE = re.compile(r"^([A-Z0-9(“\"‘'•]|\u2022)")
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})
SPACES_RE = re.compile(r"[ \t\xa0\u2000-\u200a\u202f\u3000]+")

# What pypdf raises on damaged files besides its own errors: it indexes and converts objects
# straight from the file, so bad objects surface as Python's own exceptions.
READ_ERRORS = (
    PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, ZeroDivisionError,
    OverflowError, RecursionError, AssertionError,
)

ENCRYPTED = "the PDF is encrypted; save an unencrypted copy and ingest that"
NO_TEXT = "the PDF has no text layer (scanned?); run OCR first"


@dataclass(frozen=True)
class _Line:
    """One visual line of a page: its text, baseline height (None if unknown) and font size."""

    text: str
    y: float | None
    size: float


def to_text(data: bytes, file_name: str) -> str:
    """Extract a PDF's text with a blank line between paragraphs.

    Args:
        data: the raw bytes of the PDF.
        file_name: used only in error messages.

    Returns:
        Paragraphs separated by one blank line, wrapped lines of a paragraph on consecutive
        lines, bullets as "• " lines; running headers, footers and page numbers removed.

    Raises:
        DocumentError: the PDF is encrypted, damaged or not a PDF, or has no text layer.
    """
    # pypdf logs every repair it makes to a damaged file; the user needs only our one-line
    # verdict, so its warnings are silenced while this file is read.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        reader = _open(data, file_name)
        pages: list[list[_Line]] = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append(_page_lines(page))
            except READ_ERRORS as exc:
                raise DocumentError(file_name, _damaged(f"page {number}: {_cause(exc)}")) from exc
    finally:
        logger.setLevel(level)
    pages = _drop_furniture(pages)
    text = _layout(pages)
    if not text.strip():
        raise DocumentError(file_name, NO_TEXT)
    return text


def _open(data: bytes, file_name: str) -> PdfReader:
    """Open the PDF, decrypting it if an empty password opens it."""
    if not data.lstrip()[:1024].count(b"%PDF"):
        raise DocumentError(file_name, _damaged("no %PDF header"))
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError as exc:
                # AES needs the optional 'cryptography' package; say so rather than "damaged".
                raise DocumentError(
                    file_name, f"{ENCRYPTED} (or install the 'cryptography' package)"
                ) from exc
            if not opened:
                raise DocumentError(file_name, ENCRYPTED)
        len(reader.pages)  # forces the page tree to load, where most damage shows
    except DocumentError:
        raise
    except FileNotDecryptedError as exc:
        raise DocumentError(file_name, ENCRYPTED) from exc
    except READ_ERRORS as exc:
        raise DocumentError(file_name, _damaged(_cause(exc))) from exc
    return reader


def _damaged(cause: str) -> str:
    return f"the PDF is damaged or is not a PDF ({cause})"


def _cause(exc: BaseException) -> str:
    """A short, single-line cause for an error message."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def _page_lines(page: PageObject) -> list[_Line]:
    """The visual lines of one page, in content-stream order, with their positions.

    pypdf calls the visitor with runs of text, each tagged with the text and transformation
    matrices at its start; a run ending in "\\n" ends a line. Runs that are only whitespace
    come with meaningless matrices, so their positions are ignored.
    """
    lines: list[_Line] = []
    parts: list[str] = []
    # (characters, baseline, font size) of each positioned run on the current line.
    runs: list[tuple[int, float | None, float]] = []

    def end_line() -> None:
        text = SPACES_RE.sub(" ", "".join(parts)).strip()
        if text:
            # The line's height and size are those of most of its text, not of a bullet glyph
            # or a footnote mark that happens to come first.
            _, y, size = max(runs, key=lambda run: run[0]) if runs else (0, None, 0.0)
            lines.append(_Line(text.translate(LIGATURES), y, size))
        parts.clear()
        runs.clear()

    def visit(text: str, cm: list[float], tm: list[float], font: object, font_size: float) -> None:
        if not text:
            return
        matrix = _multiply(tm, cm)
        y = matrix[5]
        size = abs(font_size) * math.hypot(matrix[2], matrix[3])
        for index, piece in enumerate(text.split("\n")):
            if index:
                end_line()
            if not piece.strip():
                parts.append(piece)
                continue
            if index == 0 and runs and runs[0][1] is not None and size:
                if abs(runs[0][1] - y) > 0.5 * max(size, runs[0][2]):
                    end_line()  # moved to another line without pypdf saying so
            # Later pieces of a multi-line run have no position of their own.
            runs.append((len(piece.strip()), y if index == 0 else None, size))
            parts.append(piece)

    page.extract_text(visitor_text=visit)
    end_line()
    return _merge_bullet_glyphs(lines)


def _multiply(m1: list[float], m2: list[float]) -> tuple[float, ...]:
    """The product m1 x m2 of two PDF affine matrices [a b c d e f]."""
    a1, b1, c1, d1, e1, f1 = (float(v) for v in m1)
    a2, b2, c2, d2, e2, f2 = (float(v) for v in m2)
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _merge_bullet_glyphs(lines: list[_Line]) -> list[_Line]:
    """Turn bullet glyphs into "• " and join a lone bullet glyph to the text that follows it."""
    merged: list[_Line] = []
    for line in lines:
        if merged and BULLET_RE.sub("", merged[-1].text) == "" and merged[-1].text:
            previous = merged.pop()
            line = _Line(BULLET + BULLET_RE.sub("", line.text), previous.y, line.size)
        elif BULLET_RE.match(line.text):
            line = _Line(BULLET + BULLET_RE.sub("", line.text), line.y, line.size)
        merged.append(line)
    return merged


def _furniture_key(text: str) -> str:
    """Header/footer identity: page numbers and dates change from page to page, words do not."""
    return re.sub(r"\d+", "#", " ".join(text.split()).casefold())


def _drop_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Remove page numbers, and lines repeated at the same height near the top or bottom of
    most pages (running headers and footers).

    The same height is required as well as the same words so that a short line of the minutes
    that happens to open two pages ("None") is not taken for a header.
    """
    def margins(lines: list[_Line]) -> set[int]:
        return set(range(min(MARGIN_LINES, len(lines)))) | set(
            range(max(0, len(lines) - MARGIN_LINES), len(lines))
        )

    def slot(line: _Line) -> tuple[str, int | None]:
        return _furniture_key(line.text), None if line.y is None else round(line.y / 3)

    counts: Counter[tuple[str, int | None]] = Counter()
    for lines in pages:
        counts.update({slot(lines[i]) for i in margins(lines)})
    needed = max(2, math.ceil(0.5 * len(pages)))
    # Very short keys ("#.", "#") are agenda or page numbers, never a running header.
    repeated = {
        key for key, n in counts.items() if len(key[0]) >= 4 and _near_count(counts, key) >= needed
    }

    kept_pages: list[list[_Line]] = []
    for lines in pages:
        edge = margins(lines)
        kept = [
            line
            for i, line in enumerate(lines)
            if not (
                i in edge
                and (PAGE_NUMBER_RE.match(line.text) or _near(slot(line), repeated))
            )
        ]
        kept_pages.append(kept)
    return kept_pages


def _near_count(counts: Counter[tuple[str, int | None]], key: tuple[str, int | None]) -> int:
    """Pages with this text at this height, allowing one rounding step either way."""
    text, y = key
    if y is None:
        return counts[key]
    return max(counts[(text, y - 1)] + counts[key], counts[key] + counts[(text, y + 1)])


def _near(key: tuple[str, int | None], repeated: set[tuple[str, int | None]]) -> bool:
    text, y = key
    if y is None:
        return key in repeated
    return any((text, y + d) in repeated for d in (-1, 0, 1))


def _normal_spacing(pages: list[list[_Line]]) -> float:
    """The document's normal baseline-to-baseline spacing as a multiple of the font size.

    The smallest spacing shared by a good number of line pairs is the spacing of wrapped lines
    within a paragraph; larger spacings are paragraph gaps. If even the smallest common spacing
    is loose (every paragraph is a single line), no wrapped lines were seen and the spacing of
    single-spaced text is assumed.
    """
    ratios = sorted(
        r for lines in pages for prev, line in zip(lines, lines[1:]) if (r := _ratio(prev, line))
    )
    ratios = [r for r in ratios if 0.8 <= r <= 4.0]
    if not ratios:
        return DEFAULT_SPACING
    needed = max(2, len(ratios) // 10)
    for value in ratios:
        cluster = [r for r in ratios if value <= r <= value * 1.12]
        if len(cluster) >= needed:
            normal = cluster[len(cluster) // 2]
            return normal if normal <= 1.75 else DEFAULT_SPACING
    return DEFAULT_SPACING


def _ratio(prev: _Line, line: _Line) -> float | None:
    """Baseline drop from `prev` to `line` in units of the larger font size, if measurable."""
    if prev.y is None or line.y is None:
        return None
    size = max(prev.size, line.size)
    if size <= 0:
        return None
    return (prev.y - line.y) / size


def _starts_paragraph(prev: _Line, line: _Line, normal: float, full_width: int) -> bool:
    """Whether `line` begins a new paragraph rather than continuing `prev`'s."""
    ratio = _ratio(prev, line)
    if ratio is not None:
        if ratio < -0.5 or ratio > normal * PARAGRAPH_GAP_FACTOR:
            return True  # a clear gap, or a jump up to a new column or text box
    if prev.size and line.size and abs(prev.size - line.size) > SIZE_CHANGE * max(prev.size, line.size):
        return True  # a heading in a different size from its text
    # Documents without paragraph spacing: a short line that ends a sentence ends a paragraph.
    return (
        full_width > 0
        and len(prev.text) < 0.6 * full_width
        and bool(SENTENCE_END_RE.search(prev.text))
        and bool(PARAGRAPH_START_RE.match(line.text))
    )


def _layout(pages: list[list[_Line]]) -> str:
    """Join lines into paragraphs separated by blank lines, across page breaks too."""
    normal = _normal_spacing(pages)
    lengths = sorted(len(line.text) for lines in pages for line in lines)
    full_width = lengths[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 3 else 0
    # Whether the last line of a page is "full" is only meaningful against many lines.
    page_full_width = full_width if len(lengths) >= 10 else 0

    paragraphs: list[list[str]] = []
    previous: _Line | None = None
    for lines in pages:
        for index, line in enumerate(lines):
            if previous is None:
                new = True
            elif index == 0:
                # Across a page break the gap is meaningless: a sentence that did not end
                # continues on the next page (a point split by a page break stays one point).
                new = not _continues(previous.text, line.text, page_full_width)
            else:
                new = _starts_paragraph(previous, line, normal, full_width)
            if new or not paragraphs:
                paragraphs.append([line.text])
            elif _hyphen_joins(paragraphs[-1][-1], line.text):
                paragraphs[-1][-1] = _join_hyphen(paragraphs[-1][-1], line.text)
            elif _wrapped_marker(paragraphs[-1][-1], line.text, full_width):
                paragraphs[-1][-1] += " " + line.text
            else:
                paragraphs[-1].append(line.text)
            previous = line
    return "\n\n".join("\n".join(p) for p in paragraphs)


def _continues(prev_text: str, text: str, full_width: int) -> bool:
    """Whether the first line of a page continues the last paragraph of the previous page.

    A paragraph runs on if the page ended on a full (wrapped) line, or mid-sentence with the
    new page starting in lower case; a new bullet or lettered point never runs on.
    """
    if text.startswith(BULLET) or re.match(r"^\(\w{1,3}\)", text):
        return False
    if full_width and len(prev_text) >= 0.8 * full_width:
        return True
    return not SENTENCE_END_RE.search(prev_text) and text[:1].islower()


def _wrapped_marker(prev_text: str, text: str, full_width: int) -> bool:
    """Whether a wrapped line merely happens to start like a point ("(b) above", "– and").

    The structure parser starts a new point or bullet at a line beginning "(b)", "20.1" or a
    dash; a line that continues a full, unfinished line is kept on that line instead.
    """
    if not full_width or len(prev_text) < 0.8 * full_width or SENTENCE_END_RE.search(prev_text):
        return False
    return bool(UNIT_START_RE.match(text))


def _hyphen_joins(prev_text: str, text: str) -> bool:
    """Whether a line break falls inside a hyphenated word ("long-" / "standing")."""
    return bool(re.search(r"[A-Za-z]-$|\u00ad$", prev_text)) and text[:1].islower()


def _join_hyphen(prev_text: str, text: str) -> str:
    """Join the two lines at the hyphen.

    A typed hyphen is kept ("long-standing"): council and Ofsted documents come from Word,
    which does not hyphenate automatically, so a line-end hyphen is almost always part of a
    compound. Only a soft hyphen, which marks an automatic break, is removed.
    """
    if prev_text.endswith("\u00ad"):
        return prev_text[:-1] + text
    return prev_text + text
