"""Plain text: decoding bytes of unknown encoding, and the normalisation every format goes through.

Passage spans are offsets into the normalised text, so the app can highlight a passage in it.
"""

from __future__ import annotations

import re
import unicodedata

from ofsted_rag.errors import DocumentError

# Characters that are never content: C0/C1 controls except tab and newline, zero-width marks, BOM.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile("[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def to_text(data: bytes, file_name: str) -> str:
    """Decode a .txt file: UTF-8 where it is UTF-8, cp1252 line by line where it is not.

    Line-by-line decoding keeps a file that mixes both (a common result of pasting) readable.

    Raises:
        DocumentError: the file is empty, or looks binary rather than text.
    """
    if not data.strip():
        raise DocumentError(file_name, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(file_name, f"not valid UTF-16 text ({exc.reason})") from None
    if _looks_binary(data):
        raise DocumentError(file_name, "this looks like a binary file, not text; check its type")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "".join(_decode_line(line) for line in data.splitlines(keepends=True))


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so use it for those.
        return "".join(
            bytes([b]).decode("cp1252", errors="strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
            else chr(b)
            for b in line
        )


def _looks_binary(data: bytes) -> bool:
    """Control bytes (NUL included) make up more than 1% of the head. A few stray NULs in a text
    file (a bad copy, a padded export) do not make it binary: `normalise` drops them."""
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 100)


def normalise(text: str) -> str:
    """The canonical text of a document: NFC, one kind of newline and space, no invisible
    characters, no indentation or trailing spaces, blank lines truly empty.

    Every parser's output passes through here, so a .txt, .html, .pdf and .docx copy of the same
    page give the same passages.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


# A page number written as a line ("Page 3 of 12", "3", "- 3 -", "3/33").
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$|^\d{1,4}\s*/\s*\d{1,4}$",
                          re.IGNORECASE)
# The page number a running header carries: "3", "Page 3", "Page 3 of 30" (the page is the 3:
# every page of a document is "of 30").
_PAGE_MARK = r"(?:[Pp]age\s+)?(?P<page>\d{1,4})(?:\s+of\s+\d{1,4})?"
# A line that begins with a header and a page number glued to the page's first sentence:
# "Inspection of Anytown children's services 3 The local authority has ...".
_GLUED = re.compile(rf"^(?P<header>\S.{{8,118}}?)\s+{_PAGE_MARK}\s+(?P<rest>[A-Z(“\"‘'•].*)$")
# A header with its page number at the end of its line ("Review of ... in Anytown Page 2 of 30").
_TRAILING = re.compile(rf"^(?P<header>\S.{{8,118}}?)\s+{_PAGE_MARK}$")


def remove_running_headers(text: str) -> str:
    """The text without the running header a copied PDF repeats on every page.

    A running header is a line of at least three words, not a sentence, that recurs with page
    numbers: on its own beside a page-number line, or glued to one and to the first sentence of
    the page. It must recur at least twice with different page numbers; a heading that merely
    repeats (each item's "Recommendations") never sits with page numbers, so it stays. The
    page-number lines themselves are left for the structure parser, which drops them.
    """
    lines = text.split("\n")
    pages: dict[str, set[str]] = {}
    nonblank = [i for i, line in enumerate(lines) if line]
    for n, i in enumerate(nonblank):
        line = lines[i]
        glued = _GLUED.match(line)
        if glued and _header_like(glued.group("header")):
            pages.setdefault(glued.group("header"), set()).add(glued.group("page"))
            continue
        trailing = _TRAILING.match(line)
        if trailing and _header_like(trailing.group("header")):
            pages.setdefault(trailing.group("header"), set()).add(trailing.group("page"))
        if _header_like(line):
            # A header line next to a page-number line (above or below it).
            for j in (n - 1, n + 1):
                if 0 <= j < len(nonblank) and _PAGE_NUMBER.match(lines[nonblank[j]]):
                    pages.setdefault(line, set()).add(lines[nonblank[j]])
    headers = {h for h, numbers in pages.items() if len(numbers) >= 2}
    if not headers:
        return text
    out = []
    for line in lines:
        glued = _GLUED.match(line)
        if glued and glued.group("header") in headers:
            out.append(glued.group("rest"))
            continue
        trailing = _TRAILING.match(line)
        if line in headers or (trailing and trailing.group("header") in headers):
            out.append("")
            continue
        out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def _header_like(line: str) -> bool:
    return len(line.split()) >= 3 and len(line) <= 120 and line[-1] not in ".;,:?!"
