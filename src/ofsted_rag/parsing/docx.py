"""Word documents (.docx) to the plain-text layout the structure parser reads.

Each paragraph becomes a block; list paragraphs become consecutive "• " lines, or keep their
letter when Word numbers them "(a)", "(b)", … automatically: that letter is not in the
paragraph's text, yet it is what a councillor cites. Table rows become " | "-joined lines.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from ofsted_rag.errors import DocumentError

BULLET = "• "
# Text that already starts with its own label keeps it instead of a bullet.
LABEL_RE = re.compile(r"^\s*(\(\s*[a-z]{1,4}\s*\)|\(\s*\d{1,3}\s*\)|[a-z]{1,2}\))", re.IGNORECASE)
SPACE_RE = re.compile(r"[ \t\xa0\u2000-\u200a\u202f\u3000]+")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc (and other Office 97-2003 files)

# Number formats whose labels are letters or roman numerals, i.e. minute points.
LETTER_FORMATS = frozenset({"lowerLetter", "upperLetter", "lowerRoman", "upperRoman"})

_W_T, _W_TAB, _W_BR, _W_CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_W_NO_BREAK_HYPHEN, _W_PTAB = qn("w:noBreakHyphen"), qn("w:ptab")
# Deleted or moved-away revisions, text boxes (floating furniture) and the compatibility copy
# of drawings (mc:Fallback repeats mc:Choice) would add text the reader does not see once.
_SKIPPED = frozenset(
    {
        qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), qn("w:pPr"), qn("w:rPr"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    }
)


@dataclass(frozen=True)
class _Level:
    """One level of a Word numbering definition: its format, label template and start value."""

    fmt: str
    text: str
    start: int


def to_text(data: bytes, file_name: str) -> str:
    """Render a .docx as plain text laid out for the structure parser.

    Args:
        data: the raw bytes of the .docx file.
        file_name: used only in error messages.

    Returns:
        Paragraphs and headings as blocks separated by blank lines; runs of list paragraphs as
        consecutive "• " (or "(a) ") lines; table rows as " | "-joined lines.

    Raises:
        DocumentError: the file is damaged, is not a .docx, or has no text.
    """
    document = _open(data, file_name)
    blocks = _container_blocks(document.element.body, _Numbering(document))
    text = "\n\n".join("\n".join(block) for block in blocks)
    if not text.strip():
        raise DocumentError(file_name, "no text found in the Word file")
    return text


def _container_blocks(container: etree._Element, numbering: "_Numbering") -> list[list[str]]:
    """Blocks of the document body (or of a table cell): a run of list paragraphs is one
    block of consecutive lines, every other paragraph a block of its own."""
    blocks: list[list[str]] = []
    in_list = False
    for kind, element in _body_items(container):
        if kind == "table":
            blocks.extend(_table_blocks(element, numbering))
            in_list = False
            continue
        line, is_list = _paragraph_line(element, numbering)
        if not line:
            continue
        if is_list and in_list:
            blocks[-1].append(line)
        else:
            blocks.append([line])
        in_list = is_list
    return blocks


def _open(data: bytes, file_name: str) -> DocxDocument:
    """Open the package, turning every kind of damage into one DocumentError."""
    if data.startswith(OLE_MAGIC):
        raise DocumentError(
            file_name,
            _damaged("it is an old-style .doc file; open it in Word and save it as .docx"),
        )
    try:
        return docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError(file_name, _damaged("it is not a zip package")) from exc
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, OSError,
            zipfile.LargeZipFile, EOFError) as exc:
        cause = " ".join(str(exc).split()) or type(exc).__name__
        raise DocumentError(file_name, _damaged(cause[:80])) from exc


def _damaged(cause: str) -> str:
    return f"the Word file is damaged or is not a .docx ({cause})"


def _body_items(container: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Paragraphs and tables in reading order, looking inside content controls (w:sdt)."""
    for child in container:
        if child.tag == qn("w:p"):
            yield "paragraph", child
        elif child.tag == qn("w:tbl"):
            yield "table", child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content)


def _paragraph_text(element: etree._Element) -> str:
    """The visible text of a paragraph, including inserted revisions and hyperlinks.

    Read from the XML rather than python-docx's `Paragraph.text`, which skips runs inside
    tracked insertions (w:ins) that Word shows as part of the text.
    """
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if tag in _SKIPPED:
                continue
            if tag == _W_T:
                parts.append(child.text or "")
            elif tag in (_W_TAB, _W_PTAB):
                parts.append(" ")
            elif tag == _W_BR:
                # A page or column break inside a paragraph is not a line of the text.
                parts.append(" " if child.get(qn("w:type")) in ("page", "column") else "\n")
            elif tag == _W_CR:
                parts.append("\n")
            elif tag == _W_NO_BREAK_HYPHEN:
                parts.append("-")
            else:
                walk(child)

    walk(element)
    lines = (SPACE_RE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _paragraph_line(element: etree._Element, numbering: "_Numbering") -> tuple[str, bool]:
    """A paragraph's rendered text and whether it is a list paragraph."""
    text = _paragraph_text(element)
    label = numbering.label(element)
    if label is None:
        return text, False
    if not text:
        return "", True
    if LABEL_RE.match(text):
        return text, True
    return label + text, True


def _table_blocks(table: etree._Element, numbering: "_Numbering") -> list[list[str]]:
    """Blocks for a table: one " | "-joined line per row, each row its own block.

    A row whose cells hold several paragraphs (a layout table: item number in one cell, the
    item's minutes in the next) is rendered paragraph by paragraph instead, so that "5." stays
    a line of its own and lettered points stay points.
    """
    blocks: list[list[str]] = []
    for row in table.iter(qn("w:tr")):
        if row.getparent() is not table:
            continue
        cells = [tc for tc in row if tc.tag == qn("w:tc")]
        paragraphs = [[p for p in tc if p.tag in (qn("w:p"), qn("w:tbl"), qn("w:sdt"))] for tc in cells]
        layout = any(
            sum(1 for p in ps if p.tag != qn("w:p") or _paragraph_text(p)) > 1 for ps in paragraphs
        )
        if layout:
            for tc in cells:
                blocks.extend(_container_blocks(tc, numbering))
        else:
            texts = [
                " ".join(_paragraph_text(p).replace("\n", " ") for p in ps if p.tag == qn("w:p"))
                for ps in paragraphs
            ]
            line = " | ".join(t.strip() for t in texts if t.strip())
            if line:
                blocks.append([line])
    return blocks


class _Numbering:
    """Works out the label Word draws before a numbered or bulleted paragraph.

    Only what the structure parser needs: "• " for bullets and other lists, "(a) " for
    letter- or roman-numbered lists, with counters kept per list as Word does.
    """

    def __init__(self, document: DocxDocument) -> None:
        self._styles = self._style_table(document)
        self._levels: dict[tuple[str, int], _Level] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.findall(qn("w:abstractNum")):
            abstract[node.get(qn("w:abstractNumId"))] = {
                int(lvl.get(qn("w:ilvl"), "0")): self._level(lvl) for lvl in node.findall(qn("w:lvl"))
            }
        for num in root.findall(qn("w:num")):
            num_id = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else "", {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    levels[ilvl] = self._level(lvl)
                start = override.find(qn("w:startOverride"))
                if start is not None and ilvl in levels:
                    base = levels[ilvl]
                    levels[ilvl] = _Level(base.fmt, base.text, int(start.get(qn("w:val"), "1")))
            for ilvl, level in levels.items():
                self._levels[(num_id, ilvl)] = level

    @staticmethod
    def _level(lvl: etree._Element) -> _Level:
        def val(tag: str, default: str) -> str:
            node = lvl.find(qn(tag))
            return node.get(qn("w:val"), default) if node is not None else default

        return _Level(val("w:numFmt", "decimal"), val("w:lvlText", ""), int(val("w:start", "1")))

    @staticmethod
    def _style_table(document: DocxDocument) -> dict[str, tuple[str, etree._Element | None, str | None]]:
        """style id -> (name, its numPr, the style it is based on)."""
        table: dict[str, tuple[str, etree._Element | None, str | None]] = {}
        try:
            styles = document.styles.element
        except (KeyError, AttributeError, NotImplementedError):
            return table
        for style in styles.findall(qn("w:style")):
            name_node = style.find(qn("w:name"))
            based = style.find(qn("w:basedOn"))
            ppr = style.find(qn("w:pPr"))
            table[style.get(qn("w:styleId"))] = (
                name_node.get(qn("w:val"), "") if name_node is not None else "",
                ppr.find(qn("w:numPr")) if ppr is not None else None,
                based.get(qn("w:val")) if based is not None else None,
            )
        return table

    def label(self, paragraph: etree._Element) -> str | None:
        """The prefix for a list paragraph ("• " or "(a) "), or None if it is not in a list."""
        ppr = paragraph.find(qn("w:pPr"))
        style_id = None
        num_pr = None
        if ppr is not None:
            num_pr = ppr.find(qn("w:numPr"))
            style_node = ppr.find(qn("w:pStyle"))
            style_id = style_node.get(qn("w:val")) if style_node is not None else None
        style_names: list[str] = []
        seen: set[str] = set()
        while style_id and style_id in self._styles and style_id not in seen:
            seen.add(style_id)
            name, style_num_pr, based = self._styles[style_id]
            style_names.append(name)
            if num_pr is None:
                num_pr = style_num_pr
            style_id = based
        if any(re.match(r"(heading|title)\b", name, re.IGNORECASE) for name in style_names):
            return None  # numbered headings are headings: their own block, not a bullet
        num_id, ilvl = self._num(num_pr)
        if num_id is not None:
            return self._count(num_id, ilvl)
        if any("list" in name.lower() for name in style_names):
            return BULLET
        return None

    @staticmethod
    def _num(num_pr: etree._Element | None) -> tuple[str | None, int]:
        if num_pr is None:
            return None, 0
        num_node = num_pr.find(qn("w:numId"))
        ilvl_node = num_pr.find(qn("w:ilvl"))
        num_id = num_node.get(qn("w:val")) if num_node is not None else None
        ilvl = int(ilvl_node.get(qn("w:val"), "0")) if ilvl_node is not None else 0
        if num_id in (None, "0"):  # numId 0 explicitly switches numbering off
            return None, 0
        return num_id, ilvl

    def _count(self, num_id: str, ilvl: int) -> str:
        """Advance this list's counter at `ilvl` and return the paragraph's prefix."""
        level = self._levels.get((num_id, ilvl))
        counters = self._counters.setdefault(num_id, {})
        start = level.start if level else 1
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a new item restarts its sub-lists, as in Word
        if level is None or level.fmt not in LETTER_FORMATS:
            return BULLET
        return f"({_format_number(counters[ilvl], level.fmt)}) "


def _format_number(value: int, fmt: str) -> str:
    """Word's rendering of a counter: 27 in lowerLetter is "aa", 28 is "bb" (as in minutes)."""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )
    out, rest = "", max(value, 1)
    for amount, numeral in numerals:
        while rest >= amount:
            out += numeral
            rest -= amount
    return out.upper() if fmt == "upperRoman" else out
