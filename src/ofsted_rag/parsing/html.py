"""Saved council web pages (.html, .htm) to the plain-text layout the structure parser reads.

Council minutes are often saved straight from a ModernGov page. The structure parser wants one
block per paragraph, a blank line between blocks and bullets as consecutive "• " lines, so this
module renders block elements as blocks and list items as bullets, and keeps only the page's
main content: navigation, cookie banners and footers would otherwise become citable passages.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PreformattedString

from ofsted_rag.errors import DocumentError

# Page furniture and anything that is not reading text. Dropped with all its contents.
DROPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "nav", "header", "footer", "form", "aside",
        "svg", "iframe", "button", "select", "head", "title", "meta", "link", "object", "embed",
        "canvas", "audio", "video", "map", "input", "textarea", "option", "datalist", "dialog",
    }
)

# Elements that start and end a block. <br> is handled separately as a line break.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article",
        "blockquote", "table", "thead", "tbody", "tfoot", "caption", "dd", "dt", "dl", "pre",
        "ul", "ol", "main", "body", "html", "figure", "figcaption", "address", "hr", "details",
        "summary", "fieldset", "legend", "center",
    }
)

LIST_TAGS = frozenset({"ul", "ol", "menu"})
CELL_TAGS = frozenset({"td", "th"})

BULLET = "• "
# A list item that already carries its own label ("(a)", "(iv)", "b)") keeps it instead of a
# bullet: the structure parser turns such a line into lettered point (a), which is what a
# councillor cites.
LABEL_RE = re.compile(r"^\s*(\(\s*[a-z]{1,4}\s*\)|\(\s*\d{1,3}\s*\)|[a-z]{1,2}\))", re.IGNORECASE)

# Whitespace collapsed within a line; \xa0 is what &nbsp; decodes to.
SPACE_RE = re.compile(r"[ \t\r\n\f\v\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Invisible characters that would otherwise split or glue words unpredictably.
INVISIBLE_RE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)

# Separator strengths between two pieces of text.
_NONE, _LINE, _BLOCK = 0, 1, 2


class _Break:
    """A request for at least a line break (_LINE) or a blank line (_BLOCK) at this point."""

    __slots__ = ("strength",)

    def __init__(self, strength: int) -> None:
        self.strength = strength


class _Bullet:
    """A list item starts here: its first text line gets the bullet prefix."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix


_Token = str | _Break | _Bullet


def to_text(data: bytes, file_name: str) -> str:
    """Render an HTML page as plain text laid out for the structure parser.

    Args:
        data: the raw bytes of the file, in whatever encoding the page declares.
        file_name: used only in error messages.

    Returns:
        Blocks separated by one blank line; list items as consecutive "• " lines; no markup.

    Raises:
        DocumentError: the file is binary rather than HTML, or it contains no visible text.
    """
    markup = decode_html(data, file_name)
    soup = BeautifulSoup(markup, "html.parser")
    root = _content_root(soup)
    _prune(root)
    tokens = list(_render(root, in_list=0))
    text = _assemble(tokens)
    if not text.strip():
        raise DocumentError(file_name, "no text found in the HTML")
    return text


def decode_html(data: bytes, file_name: str) -> str:
    """Decode as a browser would: BOM, then the <meta> charset, then UTF-8, then Windows-1252.

    Windows-1252 is the last resort because pages saved by older council systems use it without
    declaring it, and every byte decodes; curly quotes (’ “ ”) then come out right.

    Raises:
        DocumentError: the bytes are clearly binary (e.g. a PDF renamed to .html).
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _checked(data[len(bom):].decode(encoding, errors="replace"), file_name)

    declared = _declared_charset(data)
    if declared is not None:
        try:
            return _checked(data.decode(declared), file_name)
        except UnicodeDecodeError:
            pass  # A wrong declaration is common in saved pages; fall through to the guesses.
    try:
        return _checked(data.decode("utf-8"), file_name)
    except UnicodeDecodeError:
        return _checked(data.decode("cp1252", errors="replace"), file_name)


def _declared_charset(data: bytes) -> str | None:
    """The Python codec for the page's <meta charset>, or None if absent or unusable."""
    match = META_CHARSET_RE.search(data[:8192])
    if match is None:
        return None
    label = match.group(1).decode("ascii", errors="ignore").strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # As in browsers: Latin-1 and ASCII labels mean Windows-1252, and a UTF-16 label cannot be
    # true of a page whose <meta> we just read as ASCII.
    if name in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"
    return name


def _checked(markup: str, file_name: str) -> str:
    """Reject text that is mostly control characters: binary data, not a web page."""
    sample = markup[:4096]
    if sample:
        controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
        controls += sample.count("\ufffd")
        if controls / len(sample) > 0.05:
            raise DocumentError(
                file_name, "the file is not an HTML page (it contains binary data); check the file"
            )
    return markup


def _content_root(soup: BeautifulSoup) -> Tag:
    """The page's <main> (or role="main") if it has text, else the whole document.

    The whole document rather than <body>: html.parser leaves text that follows a stray
    </body> or </html> outside <body>, where a browser would still show it. <head> is dropped.
    """
    for candidate in (soup.find("main"), soup.find(attrs={"role": "main"})):
        if isinstance(candidate, Tag) and candidate.get_text().strip():
            return candidate
    return soup


def _prune(root: Tag) -> None:
    """Remove furniture and hidden elements under `root`, with everything inside them."""
    total = _text_size(root)
    for tag in root.find_all(True):
        if tag.decomposed:  # already removed with an ancestor
            continue
        if _is_dropped(tag, total):
            tag.decompose()


def _is_dropped(tag: Tag, total: int) -> bool:
    """Whether an element is furniture or hidden; `total` is the size of the root's text."""
    name = tag.name
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    if name not in DROPPED_TAGS:
        return False
    if name == "form" and total and _text_size(tag) * 2 >= total:
        # ASP.NET pages (ModernGov among them) wrap the whole page in one <form>; dropping it
        # would drop the minutes. Only small forms (search boxes, feedback) are furniture.
        return False
    if name == "header" and tag.find_parent("article") is not None:
        # An <article>'s own <header> holds its title, not the site banner.
        return False
    return True


def _text_size(tag: Tag) -> int:
    """Characters of non-space text under `tag`, as a cheap measure of how much it holds."""
    return len(SPACE_RE.sub("", tag.get_text()))


def _render(node: Tag, in_list: int) -> Iterator[_Token]:
    """Yield text and break tokens for `node`'s children, in document order.

    `in_list` counts enclosing list items: inside one, blocks are separated by line breaks only,
    so a list stays a run of consecutive lines rather than scattering into separate blocks.
    """
    for child in node.children:
        if isinstance(child, NavigableString):
            # Comments, CDATA, doctype and processing instructions are markup, not text.
            if isinstance(child, PreformattedString):
                continue
            yield str(child)
            continue
        if not isinstance(child, Tag):
            continue
        yield from _render_tag(child, in_list)


def _render_tag(tag: Tag, in_list: int) -> Iterator[_Token]:
    """Yield the tokens of one element according to its role (list, row, block, inline)."""
    name = tag.name
    block_break = _LINE if in_list else _BLOCK
    if name == "br":
        yield _Break(_LINE)
    elif name in LIST_TAGS:
        yield _Break(block_break)
        for item in tag.children:
            if isinstance(item, Tag) and item.name == "li":
                yield from _render_list_item(item, in_list)
            elif isinstance(item, Tag):
                yield from _render_tag(item, in_list)
            elif isinstance(item, NavigableString) and not isinstance(item, PreformattedString):
                yield str(item)
        yield _Break(block_break)
    elif name == "li":  # a stray <li> outside any list is still a list item
        yield _Break(block_break)
        yield from _render_list_item(tag, in_list)
        yield _Break(block_break)
    elif name == "tr":
        yield from _render_row(tag, in_list)
    elif name == "pre":
        yield _Break(block_break)
        for number, line in enumerate(tag.get_text().split("\n")):
            if number:
                yield _Break(_LINE)
            yield line
        yield _Break(block_break)
    elif name in BLOCK_TAGS or name in CELL_TAGS:
        yield _Break(block_break)
        yield from _render(tag, in_list)
        yield _Break(block_break)
    else:  # inline: a, span, strong, em, b, i, ...
        yield from _render(tag, in_list)


def _render_list_item(item: Tag, in_list: int) -> Iterator[_Token]:
    """One <li> as a line of its own, bulleted unless its text already starts with a label."""
    yield _Break(_LINE)
    text = SPACE_RE.sub(" ", INVISIBLE_RE.sub("", item.get_text())).strip()
    if not LABEL_RE.match(text):
        yield _Bullet(BULLET)
    yield from _render(item, in_list + 1)
    yield _Break(_LINE)


def _render_row(row: Tag, in_list: int) -> Iterator[_Token]:
    """A table row: one " | "-joined line for a data row, separate blocks for a layout row.

    ModernGov lays out minutes as a table whose cells hold the item number and the item's
    paragraphs; joining those cells would glue "5." to the title and hide the item from the
    structure parser, so a row whose cells contain block elements keeps them as blocks.
    """
    block_break = _LINE if in_list else _BLOCK
    cells = [c for c in row.find_all(list(CELL_TAGS), recursive=False)]
    yield _Break(block_break)
    if any(_has_block_content(c) for c in cells):
        for cell in cells:
            yield _Break(block_break)
            yield from _render(cell, in_list)
            yield _Break(block_break)
    else:
        texts = [SPACE_RE.sub(" ", INVISIBLE_RE.sub("", _inline_text(c))).strip() for c in cells]
        yield " | ".join(t for t in texts if t)
    yield _Break(block_break)


def _has_block_content(cell: Tag) -> bool:
    """Whether a table cell contains paragraphs, lists, nested tables or line breaks."""
    return any(
        isinstance(d, Tag) and (d.name in BLOCK_TAGS or d.name == "br") for d in cell.descendants
    )


def _inline_text(node: Tag) -> str:
    """The visible text of an element that holds inline content only."""
    return "".join(t for t in _render(node, in_list=0) if isinstance(t, str))


def _assemble(tokens: list[_Token]) -> str:
    """Join tokens into lines and blocks: the strongest pending break wins, empty lines vanish."""
    blocks: list[list[str]] = []
    line: list[str] = []
    pending = _NONE
    prefix = ""

    def flush() -> bool:
        nonlocal line
        text = SPACE_RE.sub(" ", INVISIBLE_RE.sub("", "".join(line))).strip()
        line = []
        if not text:
            return False
        nonlocal pending, prefix
        if not blocks or pending == _BLOCK:
            blocks.append([])
        blocks[-1].append(prefix + text)
        prefix = ""
        pending = _NONE
        return True

    for token in tokens:
        if isinstance(token, str):
            line.append(token)
        elif isinstance(token, _Break):
            # A break before any text on the line only strengthens the separator to come.
            flush()
            pending = max(pending, token.strength) if blocks else _NONE
        else:
            if flush():
                pending = max(pending, _LINE)
            prefix = token.prefix
    flush()
    return "\n\n".join("\n".join(block) for block in blocks)


# Where a saved page came from: its canonical link, its Open Graph URL, or the "saved from url="
# mark a browser writes at the top of a page saved to disk.
_CANONICAL_RE = re.compile(
    rb"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*\bhref\s*=\s*["']([^"'>\s]+)"""
    rb"""|<link\b[^>]*\bhref\s*=\s*["']([^"'>\s]+)["'][^>]*\brel\s*=\s*["']?canonical"""
    rb"""|<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*\bcontent\s*=\s*["']([^"'>\s]+)"""
    rb"""|<!--\s*saved from url=\(\d+\)(\S+?)\s*-->""",
    re.IGNORECASE,
)


def source_url(data: bytes) -> str | None:
    """The web address a saved page records for itself, or None. Only an absolute http(s)
    address counts: a relative link says nothing about the site."""
    for m in _CANONICAL_RE.finditer(data[:200_000]):
        url = next(g for g in m.groups() if g).decode("ascii", errors="ignore")
        if url.lower().startswith(("http://", "https://")):
            return url
    return None


_TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
# Where a page title joins the page's name to its site's: "Issue details | Barsetshire Council",
# "Barsetshire Council - Agenda item".
_TITLE_SEPARATOR = re.compile(r"\s+[|–—:-]+\s+")


def title_parts(data: bytes) -> tuple[str, ...]:
    """The parts of the page's <title> (the words a browser tab shows), split where a site joins
    its own name to the page's: a council's site names itself there although the page it saves
    (a ModernGov item) never does. Empty when the page has no title."""
    m = _TITLE_RE.search(data[:200_000])
    if m is None:
        return ()
    import html as html_entities

    title = SPACE_RE.sub(" ", html_entities.unescape(m.group(1).decode("utf-8", errors="replace"))).strip()
    return tuple(p for p in _TITLE_SEPARATOR.split(title) if p)
