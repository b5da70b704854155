"""Turn a document's normalised text into passages: one minute point, bullet, paragraph or
resolution each, with the agenda item it belongs to.

The structure is recognised as a reader sees it on a council web page or an Ofsted letter:
whole-meeting pages ("Agenda and minutes", items "4." with a title line, "Minutes:") and
single-item pages ("Agenda item"); lettered points "(a)" ... "(ee)", also written "(m)The ...";
bullets; numbered paragraphs "20.1.1"; "Resolved ..." and "ACTION:" lines; headed sections.
Page furniture ("pdf icon PDF 245 KB", "Additional documents:", "– Advertisement –", related-article
links) never becomes a passage. Text copied out of a PDF, hard-wrapped with no blank lines, first
gets back the breaks its layout shows (`_unwrap_runs`), then is read like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Lines that are page furniture, never content.
FURNITURE = re.compile(
    r"^(?:additional documents:?|supporting documents:?|background papers:?|view directions|items|"
    r"no\.? item|local democracy|[-–—]+ ?advertisement ?[-–—]+|advertisement|"
    r"related articles|latest articles|related stories|more stories|share this( article| page)?|"
    r"print this page|back to top|skip to (main )?content|webcast for .*|"
    # A news group's video banner on its local papers' pages, and the copyright line that closes
    # every government publication.
    r"(?:date \S+ )?watch more of our videos\b.*|(?:published: [^©]*)?©? ?crown copyright\b.*|"
    # A letter's salutation and sign-off: not headings of what follows them.
    r"dear [^.!?]{1,60}|yours (?:sincerely|faithfully|truly)|(?:kind|best|warm) regards)[,.]?$",
    re.IGNORECASE,
)
# Everything after one of these is a list of other stories, not the document.
TAIL_FURNITURE = re.compile(r"^(?:related articles|latest articles|related stories|more stories)$", re.I)
# A suffix of a title line that is a link to a download, not part of the title.
FILE_ICON = re.compile(r"\s*\bpdf icon\b.*$|\s*\bPDF \d+(?:\.\d+)? ?[KM]B\b.*$", re.IGNORECASE)
# The same link as the end of a line ("Appendix 1, item 27. pdf icon PDF 1 MB", "Report.pdf PDF 2 MB"):
# a sentence that merely mentions "a PDF 2 MB report" goes on past the size, so does not match.
LINK_SUFFIX = re.compile(
    r"\s*(?:\bpdf icon\b(?: ?PDF \d+(?:\.\d+)? ?[KM]B)?|\bPDF \d+(?:\.\d+)? ?[KM]B)\s*$", re.IGNORECASE
)
# A line of contact details alone: a phone number, an email or a web address, with an optional
# label ("T 0300 123 1231", "Textphone 0161 618 8524", "enquiries@ofsted.gov.uk", "www.gov.uk/ofsted").
CONTACT_LINE = re.compile(
    r"^(?:(?:t|tel|telephone|textphone|minicom|fax|f|phone|mobile|direct line|switchboard|e|email|e-mail|"
    r"web|website|w)\b[:.]?\s*)?(?:\+?\d[\d ()-]{6,}\d|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
    r"(?:https?://|www\.)\S+)$",
    re.IGNORECASE,
)
PAGE_HEADERS = re.compile(r"^(?:agenda and minutes|agenda and draft minutes|agenda item|minutes|issue)$", re.I)
MEETING_PAGE = re.compile(r"^agenda and (?:draft )?minutes$", re.I)
# The head of a meeting page's items table ("No. | Item", "No. Item", "Items").
ITEMS_TABLE_HEADER = re.compile(r"^(?:no\.?\s*\|?\s*item|items)$", re.I)
# A line that says something: it ends as a sentence, a lead-in or a list item does.
_SAYS = re.compile(r"[.:;?!]$")
ITEM_PAGE = re.compile(r"^agenda item$", re.I)
HEADER_LINE = re.compile(
    r"^(?:venue|contact|meeting of|date|time|place)\s*:"
    # A printed minutes' title line: its date and committee are metadata, read by metadata.py.
    r"|^(?:draft |confirmed |unconfirmed )?minutes of (?:the |a )?(?:\w+ )?meeting\b.*\bheld\b",
    re.I,
)
# ModernGov's line naming the meeting an agenda-item page belongs to:
# "Meeting: 23/01/2020 - Children and Families Scrutiny Panel (Item 25)". It is metadata (date,
# committee, item number), never a passage.
MEETING_LINE = re.compile(
    r"^meeting\s*:\s*(?P<date>\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|[^-–—]+?)\s+[-–—]\s+(?P<body>.+?)"
    r"\s*(?:\(\s*item\s+(?P<item>\d{1,3}[a-z]?)\.?\s*\))?\s*$",
    re.IGNORECASE,
)
# A page number on a line of its own: "Page 3 of 12", "Page 3", "- 3 -", "3 | Page".
# "Page 3 of 12", "- 3 -", "3 | Page", and "3/33" as document sites print a copied PDF's pages.
PAGE_NUMBER_LINE = re.compile(r"^(?:page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}\s*\|\s*page|"
                              r"\d{1,4}\s*/\s*\d{1,4})$", re.I)
# A line holding only a date: a letter's or a notice's date line; metadata, not a passage.
DATE_LINE = re.compile(
    r"^(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december),?\s+\d{4}\.?$"
    r"|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$",
    re.IGNORECASE,
)
# Items written with their label: "Item 6.", "Item 6: Ofsted visit", "Agenda item 6", "Minute 45/23".
ITEM_LABEL = re.compile(
    r"^(?:agenda\s+)?(?:item|minute)\s+(?:no\.?\s*)?(?P<number>\d{1,3}[a-z]?(?:/\d{2,4})?)\b\.?\s*[:\-–—]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
# A minute numbered within the council's year, with its title: "45/23 Ofsted focused visit".
MINUTE_NUMBER = re.compile(r"^(?P<number>\d{1,3}/\d{2,4})\.?\s+(?P<title>\S.{2,200})$")
# Printed minutes number items with their title on the same line, with or without a point:
# "262. Declarations of interest", "6 Children's services update".
ITEM_NUMBER_TITLE = re.compile(r"^(?P<number>\d{1,3})\.?\s+(?P<title>[A-Z\u2018\u201c'\"(].{2,150})$")
# The grades of Ofsted's four-point scale, which end a judgement table's rows
# ("Overall effectiveness Good"): each row is a finding of its own.
JUDGEMENT_ROW = re.compile(
    r"^(?P<label>[A-Z][^.:;]{5,150}?)\s*[:\-–—]?\s+(?P<grade>outstanding|good|requires improvement(?: to be good)?|inadequate)$",
    re.IGNORECASE,
)
_ENDS_IN_GRADE = re.compile(r"\b(?:outstanding|good|requires improvement(?: to be good)?|inadequate)$", re.IGNORECASE)
BARE_NUMBER = re.compile(r"^\d{1,4}\.?$")
# A grade of that scale on its own line: a judgement table's cell copied from a PDF.
GRADE_ALONE = re.compile(r"^(?:outstanding|good|requires improvement(?: to(?: be good)?)?|inadequate)$", re.IGNORECASE)
# A front-page field: a short label, a colon and a value ("Inspection dates: 9 to 20 October 2017",
# "Lead inspector: A Person HMI"). Each is its own passage line and its own sentence.
FIELD_LINE = re.compile(r"^[A-Z][A-Za-z'’ ]{2,40}:\s+\S.{0,120}$")
# The same as a line of its own, its label perhaps a question ("Is Key decision?: No") or with a
# plural mark ("Name(s) of inspector: ...").
RECORD_FIELD = re.compile(r"^[A-Z][A-Za-z'’ ()?]{2,40}:\s+\S.{0,120}$")
# The fields of an Ofsted report's front page, copied without their colon ("Inspection dates
# 11-22 October 2010", "Reporting inspector A Person HMI"): the labels Ofsted's templates use.
OFSTED_FIELD = re.compile(r"^(?:inspection dates?|dates? of (?:the )?inspection|(?:reporting|lead) inspectors?|lead hmi|"
                          r"age group|report published|publication date)\s+\S", re.IGNORECASE)
MINUTES_MARK = re.compile(r"^minutes\s*:?$", re.I)
ITEM_ALONE = re.compile(r"^(\d{1,3})\.?$")
ITEM_WITH_TITLE = re.compile(r"^(\d{1,3})\.\s+(\S.{2,200})$")

LETTERED = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)\s*(?=\S)")
BULLET = re.compile(r"^[•·▪◦●‣∙\-–*]\s*(?=\S)")
NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?\s+(?=\S)")
NUMBERED_SIMPLE = re.compile(r"^(\d{1,3})[.)]\s+(?=\S)")
RECOMMENDATION = re.compile(r"^recommended\b", re.IGNORECASE)
RESOLUTION = re.compile(
    r"^(?:resolved|it was resolved|agreed|decision|decided)\b"
    r"|^(?:the )?(?:committee|sub-committee|panel|board|cabinet|council|members)\s+"
    r"(?:resolved|agreed|requested|recommended|noted)\b",
    re.IGNORECASE,
)
BARE_RESOLUTION = re.compile(r"^(?:resolved|recommended|agreed|decision)\s*[-–—:]?\s*$", re.IGNORECASE)
ACTION = re.compile(r"^action\s*(?:by)?\s*:", re.IGNORECASE)
DISCUSSION = re.compile(r"^during (?:the )?discussion\b.*(?:raised|made|noted|following)", re.IGNORECASE)

MAX_PASSAGE_CHARS = 900
TARGET_PART_CHARS = 600


@dataclass
class Unit:
    """A passage before it gets its document's metadata."""

    start: int
    end: int
    point: str | None
    item: str | None
    item_title: str | None
    section: str | None
    part: int | None = None


@dataclass
class _Line:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class _State:
    item: str | None = None
    item_title: str | None = None
    section: str | None = None
    meeting_page: bool = False
    item_page: bool = False
    # Printed minutes ("Minutes of the meeting ...", numbered items "262." that continue the
    # council's yearly numbering): the first item may have any number.
    minutes_doc: bool = False
    after_minutes_mark: bool = False
    # The last thing said was a lead-in ("... and RESOLVED to:"): numbered lines after it are its
    # list, not the next agenda items.
    lead_in_open: bool = False
    paragraphs: int = 0
    bullets: int = 0
    resolutions: int = 0
    # Where the last heading went ("item" title or "section") while nothing stands under it yet.
    open_heading: str | None = None
    units: list[Unit] = field(default_factory=list)

    def enter_item(self, number: str | None, title: str | None) -> None:
        self.item, self.item_title = number, title
        self.section = None
        self.lead_in_open = False
        self.paragraphs = self.bullets = self.resolutions = 0
        self.open_heading = None

    def add_heading(self, heading: str) -> None:
        """A heading titles what follows it: in a letter or article (no item number) it is the
        title cited ("Main findings, paragraph 2"); inside an item's minutes (an agenda-item
        page's too: its title is the item's, from the top of the page), a section.

        A heading straight after another, with nothing between ("Focused visit to Anytown
        children's services" then "Main findings"), is joined to it with " – ": the first is the
        wider title and the second narrows it, and a councillor cites both; keeping only the
        last would lose the first heading's text from every passage.
        """
        if not heading:
            return  # a line that was only a download link's text titles nothing
        self.lead_in_open = False
        if self.open_heading == "item":
            self.item_title = f"{self.item_title} – {heading}"
        elif self.open_heading == "section":
            self.section = f"{self.section} – {heading}"
        elif self.item is None and not self.meeting_page and not (self.item_page and self.item_title):
            self.enter_item(None, heading)
            self.open_heading = "item"
        else:
            self.section = heading
            self.paragraphs = self.bullets = 0
            self.open_heading = "section"


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(raw, pos))
        pos += len(raw) + 1
    return _without_captions(_without_contents(out))


# A news page's picture: its alt text and its caption run together on one line ("The council's
# offices.The council's offices."), often with the caption again on a line of its own. A line that
# is one text twice over is a caption, and so is any line holding only that text: they describe a
# picture and say nothing of the story. So are adverts' labels. (Each becomes a blank line,
# keeping every offset.) A caption is words, and short: a space and a letter among its
# characters, ten to 300 of them.
_CAPTION_CHARS = (10, 300)


def _once_of_twice(line: str) -> str | None:
    """The text a line holds twice over ("X.X.", "X. X."), or None."""
    line = line.strip()
    for gap in range(0, 3):
        half, odd = divmod(len(line) - gap, 2)
        if odd or not _CAPTION_CHARS[0] <= half <= _CAPTION_CHARS[1]:
            continue
        text, between = line[:half], line[half:half + gap]
        if line[half + gap:] == text and (not between or between.isspace()) and " " in text \
                and any(c.isalpha() for c in text):
            return text.strip()
    return None


def captions(lines: list[str]) -> set[str]:
    """The captions among a page's lines (`_without_captions`): the text of each line that is one
    text twice over."""
    return {text for line in lines if (text := _once_of_twice(line))}


def is_caption(line: str, found: set[str]) -> bool:
    return line.strip() in found or _once_of_twice(line) is not None


# An advert's label, one to a line and often several in a row ("Hide Ad", "Advertisement").
AD_LABEL = re.compile(r"^\s*(?:hide ad|[-–—]* ?advertisement ?[-–—]*)\s*$", re.IGNORECASE)


def _without_captions(lines: list[_Line]) -> list[_Line]:
    """The lines without pictures' captions and adverts' labels."""
    found = captions([line.text for line in lines])
    return [_Line("", line.start) if is_caption(line.text, found) or AD_LABEL.match(line.text) else line
            for line in lines]


# A report's contents page: a "Contents" line and the entries under it, each ending in its page
# number ("Overall effectiveness 6"), an entry perhaps wrapped onto a second line. They name the
# report's sections and say nothing of them, so they are no passages.
CONTENTS = re.compile(r"^(?:table of )?contents:?$", re.IGNORECASE)
CONTENTS_ENTRY = re.compile(r"^\S.{0,150}\s\d{1,3}$")
CONTENTS_MIN_ENTRIES = 3


def _without_contents(lines: list[_Line]) -> list[_Line]:
    out = list(lines)
    for i, line in enumerate(lines):
        if not CONTENTS.match(line.text):
            continue
        nonblank = [k for k in range(i + 1, len(lines)) if lines[k].text]
        entries: list[int] = []
        for n, k in enumerate(nonblank):
            text = lines[k].text
            if CONTENTS_ENTRY.match(text):
                entries.append(k)
                continue
            wrapped = (n + 1 < len(nonblank) and CONTENTS_ENTRY.match(lines[nonblank[n + 1]].text)
                       and not _ends_sentence(text))
            if not wrapped:
                break
        if len(entries) >= CONTENTS_MIN_ENTRIES:
            for k in range(i, entries[-1] + 1):
                out[k] = _Line("", lines[k].start)
    return out


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        if line.text:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


# A block going on with a lower-case word ("changes members ask for.") after one that stops
# short of a sentence's end ("... be agreed, subject to"): a page that put a blank line inside a
# sentence. A list's letter ("a) ...", "i. ...") starts a new block as it stands.
_GOES_ON = re.compile(r"^[a-z][a-z'’-]*\b(?![.)])")
_STOPS_SHORT = re.compile(r"[^.!?:;\"”’)\]]\s*$")


def _rejoined(blocks: list[list[_Line]]) -> list[list[_Line]]:
    """The blocks, a sentence a blank line cut in two made whole again."""
    out: list[list[_Line]] = []
    for block in blocks:
        # A heading stops short too ("Next steps"), but it is short: a sentence runs on.
        if (out and _STOPS_SHORT.search(out[-1][-1].text) and _GOES_ON.match(block[0].text)
                and sum(len(line.text.split()) for line in out[-1]) >= 8):
            out[-1] = [*out[-1], *block]
        else:
            out.append(block)
    return out


# ------------------------------------------------------------------ hard-wrapped runs
# Minutes or a letter copied out of a PDF into a .txt keep the PDF's line breaks (every line ends
# at the page width, mid-sentence) and lose its paragraph spacing: the whole document is one
# blank-line block, so every heading, item and resolution would be glued into one passage.
# `_unwrap_runs` puts back the blank lines a reader sees, by the line's shape alone, and the parser
# below then reads the pieces exactly as it reads a document that kept its blank lines.

# A run has at least this many lines, of which at least RUN_MIN_WRAPPED are plainly wrapped
# (a line broken mid-sentence: no closing punctuation and the next line goes on in lower case).
# A paragraph of a document that kept its blank lines may be wrapped too, but the rules below
# only cut where the layout itself shows a break, which a single paragraph does not have.
RUN_MIN_LINES = 4
RUN_MIN_WRAPPED = 2
RUN_MIN_PIECES = 3
RUN_MIN_WIDTH = 40
# "Clearly shorter": a copied PDF's lines are set in a proportional font, so the characters a
# full line holds vary by several from line to line (a line of "m"s holds fewer than one of
# "i"s); a line counts as short only when it falls below the run's measure by this margin.
SHORT_LINE_SHARE = 0.9
# The end of a sentence at the end of a line: a full stop, ! or ?, optionally inside a closing
# quote or bracket, after a word of two or more small letters or digits, so an initial ("D.")
# or an abbreviation in capitals ("No.") does not count.
_LINE_ENDS_SENTENCE = re.compile(r"(?:[a-z0-9%)\]]{2}|[a-z0-9][)\]])[.!?][\"”’')\]]*$")
# A sentence ending inside a line and another beginning: the line is prose, not a title.
_SENTENCE_INSIDE = re.compile(r"[a-z0-9%)][.!?][\"”’')]*\s+[\"“‘'(]?[A-Z]")
# Titles written with a full stop: never the end of a sentence.
_TITLE_ABBREVIATION = re.compile(r"\b(?:mr|mrs|ms|dr|cllr|st|prof|rev|no|nos|para|paras|ref|cf|vs|etc\.?\s*al)\.$", re.I)
# A line that opens a sentence: a capital or a figure, or a quote or bracket before one.
_OPENS_SENTENCE = re.compile(r"^[\"“‘'(\[]?[A-Z0-9]")
# The label of a field line ("PRESENT:", "Inspection dates:") is a few words, not a clause.
_FIELD_LABEL = re.compile(r"^[A-Z][A-Za-z'’]*(?: [A-Za-z'’]+){0,3}:\s+\S")


def _unwrap_runs(blocks: list[list[_Line]]) -> list[list[_Line]]:
    """The blocks with every hard-wrapped run cut where its own layout shows a break.

    A block that is not a run (too few lines, or no line wrapped mid-sentence) is returned as it
    is, so a document that kept its blank lines parses exactly as before.
    """
    out: list[list[_Line]] = []
    for block in blocks:
        measure = _run_measure(block)
        if measure is None:
            out.append(block)
            continue
        run = _Run(block, measure)
        pieces: list[list[_Line]] = [[block[0]]]
        for j in range(1, len(block)):
            if run.breaks_before(j):
                pieces.append([])
            pieces[-1].append(block[j])
        # One cut is what a block of a document that kept its blank lines may hold (a heading
        # printed straight above its paragraph), and such a block is read as it always was;
        # several cuts show a run of units that lost the blank lines between them.
        out.extend(pieces if len(pieces) >= RUN_MIN_PIECES else [block])
    return out


def _run_measure(block: list[_Line]) -> float | None:
    """The run's measure, or None when the block is not a run.

    The measure is the fewest characters any plainly wrapped line would have taken with the
    next line's first word added: the page had no room for that word, so a line that would
    still have had room for its next word, by the run's own evidence, was broken on purpose
    (a paragraph's last line, a heading). Read from the run itself, it holds for any page width
    and font; one oddly short wrapped line only makes the measure smaller, so fewer lines count
    as short (the cautious side).
    """
    if len(block) < RUN_MIN_LINES:
        return None
    wrapped = [
        (len(line.text), len(line.text) + 1 + len(after.text.split(" ", 1)[0]))
        for line, after in zip(block, block[1:])
        if line.text[-1] not in ".!?:;" and after.text[0].islower()
    ]
    if len(wrapped) < RUN_MIN_WRAPPED:
        return None
    lengths = sorted(length for length, _ in wrapped)
    # Prose wrapped at a page's width runs to tens of characters a line; shorter lines that go
    # on in lower case are an address or a contact block, whose lines are not sentences.
    if lengths[len(lengths) // 2] < RUN_MIN_WIDTH:
        return None
    return float(min(overflow for _, overflow in wrapped))


def _is_short(block: list[_Line], j: int, measure: float) -> bool:
    """Line j was broken on purpose: with the next line's first word it would still be clearly
    shorter than any wrapped line of the run with the word that did not fit on it."""
    if j + 1 >= len(block):
        return True
    next_word = block[j + 1].text.split(" ", 1)[0]
    return len(block[j].text) + 1 + len(next_word) <= SHORT_LINE_SHARE * measure


def _ends_sentence(text: str) -> bool:
    return bool(_LINE_ENDS_SENTENCE.search(text)) and not _TITLE_ABBREVIATION.search(text)


def _closes(block: list[_Line], j: int, measure: float) -> bool:
    """Line j ends what it says: a sentence, a lead-in ("... as follows:"), or a line broken on
    purpose. A line wrapped mid-sentence does none of these."""
    text = block[j].text
    return _ends_sentence(text) or text.endswith(":") or _is_short(block, j, measure)


def _is_caps_line(text: str) -> bool:
    """A line in capitals ("12 APOLOGIES FOR ABSENCE", "BARSETSHIRE COUNTY COUNCIL"): minutes and
    letters set headings so; running prose is never written in capitals to the page's width."""
    letters = [c for c in text if c.isalpha()]
    # It opens with a word or a number and ends without a stop: an acronym closing a wrapped
    # sentence ("(MASH).") is in capitals too, but is the end of that sentence.
    return (len(letters) >= 4 and not any(c.islower() for c in letters) and len(text) <= 120
            and text[0].isalnum() and text[-1] not in ".,;)")


def _is_numbered_heading(block: list[_Line], j: int, measure: float) -> bool:
    """An item's number and title on one line ("13 OFSTED FOCUSED VISIT", "13. Ofsted focused
    visit", "45/23 Ofsted visit", "Item 6: Ofsted visit"): a title, not a sentence, on a line
    broken on purpose. A paragraph's wrapped line that happens to open with a number runs to the
    page's width, so it is not one."""
    text = block[j].text
    if _SENTENCE_INSIDE.search(text):
        # "6. Workforce instability is a barrier. Agency workers make up": a numbered paragraph's
        # first line, with a sentence ending inside it, is no title.
        return False
    if ITEM_ALONE.match(text):
        # "4." alone opens an item only after a line that closed: after "... in paragraph" it is
        # the end of that sentence.
        return j == 0 or _closes(block, j - 1, measure)
    m = ITEM_LABEL.match(text)
    if m:
        # "Item 6: Ofsted visit" with its capital and on a line of its own; a sentence wrapped
        # before "item 6 on the agenda ..." goes on to the width.
        title = clean_title(m.group("title"))
        return text[0].isupper() and (not title or _is_title(title)) and _is_short(block, j, measure)
    m = MINUTE_NUMBER.match(text) or ITEM_NUMBER_TITLE.match(text)
    return bool(m) and _is_title(clean_title(m.group("title"))) and _is_short(block, j, measure)


class _Run:
    """A hard-wrapped run's lines, with what each line is, read once from the top down (whether
    a line is a heading depends on how the line above it ended)."""

    def __init__(self, block: list[_Line], measure: float) -> None:
        self.block, self.measure = block, measure
        self.field = [bool(_FIELD_LABEL.match(line.text)) for line in block]
        self.alone: list[bool] = []
        for j in range(len(block)):
            self.alone.append(self._stands_alone(j))

    def short(self, j: int) -> bool:
        return _is_short(self.block, j, self.measure)

    def closes(self, j: int) -> bool:
        return _closes(self.block, j, self.measure)

    def _stands_alone(self, j: int) -> bool:
        """Line j is a block of its own in any layout: a heading, an item's number and title, a
        document heading line or a piece of page furniture."""
        text = self.block[j].text
        if _is_front_line(text) or MEETING_LINE.match(text) or MINUTES_MARK.match(text):
            return True
        if _is_furniture(text) or CONTACT_LINE.match(text):
            return True
        if is_page_furniture_line(text) and (j == 0 or self.closes(j - 1)):
            # A page number or a date line, unless it is the end of a sentence wrapped at the
            # width ("... was issued on" / "4 September 2019.").
            return True
        if BARE_RESOLUTION.match(text):
            # "RESOLVED:" alone: the parser joins it to the paragraph below, as when blank lines
            # part them.
            return True
        if _is_caps_line(text) or _is_numbered_heading(self.block, j, self.measure):
            return True
        return self._is_shaped_heading(j)

    def _is_shaped_heading(self, j: int) -> bool:
        """A heading in ordinary case ("Main findings", "What needs to improve"): a short line
        with no closing punctuation, after the end of a sentence (or of a heading) and before a
        line that opens one.

        A sentence wrapped onto a short last line ends with its full stop; a line broken
        mid-sentence follows a line that does not close; a list of names or addresses, one to a
        line, follows a line that is no sentence either; so none of them is taken for a heading.
        """
        text = self.block[j].text
        if j + 1 >= len(self.block) or not _OPENS_SENTENCE.match(text) or not _OPENS_SENTENCE.match(self.block[j + 1].text):
            return False
        if len(text) > 90 or len(text.split()) > 14 or text[-1] in ".:;,-–—?!\"”'’" or " | " in text:
            return False
        if _SENTENCE_INSIDE.search(text):
            return False  # a sentence ends inside it: the first line of a paragraph
        if self.field[j] or LETTERED.match(text) or BULLET.match(text) or NUMBERED.match(text) or RESOLUTION.match(text):
            return False
        if not self.short(j):
            return False
        if j == 0:
            return True
        before = self.block[j - 1].text
        return _ends_sentence(before) or before.endswith(":") or self.alone[j - 1] or self.field[j - 1]

    def _next_paragraph_number(self, j: int) -> bool:
        m = NUMBERED_SIMPLE.match(self.block[j].text)
        if not m or int(m.group(1)) < 2:
            return False
        for k in range(j - 1, -1, -1):
            earlier = NUMBERED_SIMPLE.match(self.block[k].text)
            if earlier:
                return int(earlier.group(1)) == int(m.group(1)) - 1
        return False

    def breaks_before(self, j: int) -> bool:
        """Whether line j starts a new block (the blank line a reader sees before it)."""
        if self.alone[j] or self.alone[j - 1]:
            return True
        text, before = self.block[j].text, self.block[j - 1].text
        if not _OPENS_SENTENCE.match(text):
            return False
        if self.field[j] or self.field[j - 1]:
            # Fields ("PRESENT: ...", "Inspection dates: ...") one to a line stay together, as the
            # parser reads a block of fields as one finding each; the run of them starts after a
            # line that closes and ends at a field line broken on purpose.
            if self.field[j] and self.field[j - 1]:
                return False
            return self.closes(j - 1) if self.field[j] else self.short(j - 1)
        if (RESOLUTION.match(text) or RECOMMENDATION.match(text) or ACTION.match(text)
                or NUMBERED_SIMPLE.match(text)) and self.closes(j - 1):
            # A resolution, an action or a numbered paragraph opens its own unit when the line
            # above it has closed: a new line that goes on from a sentence broken at the width
            # ("... and the" / "Committee agreed ...") is not one.
            return True
        if self._next_paragraph_number(j):
            # "5. ..." at a line's start after paragraph 4 began a line: the numbering itself
            # shows the new paragraph, whatever the line above it (a heading set at full width).
            return True
        # A paragraph's last line: it ends a sentence and is clearly short of the width, so the
        # next word would have fitted had the paragraph gone on. A sentence that happens to end
        # at the full width leaves no such trace, so its paragraph is kept whole (the cautious
        # side).
        return _ends_sentence(before) and self.short(j - 1)


def clean_title(line: str) -> str:
    """A title line without its download-link furniture."""
    return FILE_ICON.sub("", line).strip()


def strip_link(line: str) -> str:
    """A line without a download link at its end; unlike `clean_title`, text after a mention of
    "PDF 2 MB" is kept, as a line that goes on is a sentence, not a link."""
    return LINK_SUFFIX.sub("", line).strip()


# An organisation's name on a line of its own ("Barsetshire County Council"): capitalised words
# ending in the kind of body, so a headline ("Ofsted criticises Barsetshire Council") is not one.
ORGANISATION_LINE = re.compile(r"^(?:(?:[A-Z][\w'’.-]*|of|and|the|upon|on|for|&),?\s+){0,8}"
                               r"(?:Council|Authority|Trust|Partnership)$")


def _is_front_line(line: str) -> bool:
    """A line of a document's heading: a page header, a minutes title or heading field, or the
    name of the council or body alone."""
    return bool(PAGE_HEADERS.match(line) or HEADER_LINE.match(line) or ORGANISATION_LINE.match(line))


def is_page_furniture_line(line: str) -> bool:
    """A page number or a bare date line: never a passage, never a sentence of an answer."""
    return bool(PAGE_NUMBER_LINE.match(line) or DATE_LINE.match(line))


def _is_furniture(line: str) -> bool:
    """Page furniture, also with a download link after it ("Additional documents: pdf icon PDF 1 MB")."""
    return bool(FURNITURE.match(line) or FURNITURE.match(strip_link(line) or "x"))


def _is_download_link(line: str) -> bool:
    """A line that is a link to a file ("... pdf icon PDF 245 KB"), not a sentence of content: the
    size marker ends the line. A sentence that mentions "the PDF 2 MB report" is content."""
    return len(line) <= 250 and LINK_SUFFIX.search(line) is not None


def _is_heading(block: list[_Line], next_block: list[_Line] | None, after_row: bool = False) -> bool:
    """A one-line block that reads as a heading: short, no closing punctuation, followed by text.
    `after_row`: the block before it ends in a grade, as a judgement table's row does."""
    if len(block) != 1 or next_block is None:
        return False
    text = block[0].text
    if len(text) > 90 or len(text.split()) > 14 or text[-1] in ".:;,-–—?!)\"”'’":
        return False
    if LETTERED.match(text) or BULLET.match(text) or NUMBERED.match(text) or not text[0].isupper():
        return False
    if BARE_RESOLUTION.match(text):
        # "Resolved" on its own line is the resolution marker, whose text is the next paragraph,
        # as when both share a line ("Resolved - That ..."); not a heading over what follows.
        return False
    if GRADE_ALONE.match(text):
        # A grade on its own line is a judgement table's cell, the value of the row above it.
        return False
    if after_row and JUDGEMENT_ROW.match(text) and ":" not in text:
        # A judgement table's row ("Overall effectiveness Inadequate") after the rows above it is
        # a finding; a section heading giving its grade is written with a colon ("Children in
        # care: good"), and a headline naming a grade ("Barsetshire requires improvement to be
        # good") opens no table.
        return False
    if " | " in text or RECORD_FIELD.match(text) or OFSTED_FIELD.match(text):
        # A table row ("Visit dates | 26 and 27 November 2019") or a front-page field ("Date of
        # review: 3rd March 2014", "Reporting inspector A Person HMI") is a record of its own,
        # not the title of what follows it.
        return False
    return True


def parse_structure(text: str, kind: str | None = None) -> list[Unit]:
    """The passages of a normalised text, in order, as spans with their locators.

    `kind` is the document's kind when known: in minutes, numbered items may start at any number.
    """
    lines = _lines(text)
    blocks = _judgement_rows(_unwrap_runs(_rejoined(_blocks(lines))))
    state = _State(minutes_doc=kind == "minutes")
    page_item = _page_item_number(lines)
    pending_resolution: Unit | None = None
    seen_content = False
    i = 0
    while i < len(blocks):
        block = blocks[i]
        first = block[0].text
        next_block = blocks[i + 1] if i + 1 < len(blocks) else None

        if len(block) == 1 and TAIL_FURNITURE.match(first):
            _drop_trailing_links(state, text)
            break
        if len(block) == 1 and (_is_furniture(first) or is_page_furniture_line(first)):
            i += 1
            continue
        if len(block) == 1 and MEETING_LINE.match(first):
            # The agenda-item page's meeting line: its "(Item 25)" numbers the page's item.
            state.item_page = True
            if page_item and state.item is None:
                state.item = page_item
            i += 1
            continue
        if all(CONTACT_LINE.match(line.text) for line in block):
            # A letterhead's phone numbers and addresses: nothing a question is answered from.
            i += 1
            continue
        if len(block) == 1 and _is_download_link(first):
            # An attachment under "Supporting documents:" ("Appendix 1, item 27. pdf icon PDF 1 MB");
            # an item's own title line with such a link is taken with its item number above.
            i += 1
            continue
        if len(block) == 1 and MEETING_PAGE.match(first):
            state.meeting_page = True
            i += 1
            i = _skip_meeting_header(blocks, i)
            continue
        if len(block) == 1 and ITEM_PAGE.match(first):
            state.item_page = True
            if next_block is not None and len(next_block) == 1 and not MEETING_LINE.match(next_block[0].text):
                state.enter_item(page_item, clean_title(next_block[0].text))
                i += 2
            else:
                i += 1
            continue
        item = _item_header(block, next_block, state)
        if item is not None:
            number, title, consumed = item
            state.enter_item(number, title)
            pending_resolution = None
            i += consumed
            continue
        if len(block) == 1 and MINUTES_MARK.match(first):
            state.section = "minutes"
            state.open_heading = None
            state.after_minutes_mark = True
            i += 1
            continue
        if not seen_content and (
                (len(block) == 1 and (PAGE_HEADERS.match(first) or HEADER_LINE.match(first)))
                or (any(HEADER_LINE.match(line.text) for line in block) and all(_is_front_line(line.text) for line in block))):
            # The document's heading before anything is said: "Minutes of the meeting ... held on
            # ...", with the council's name on the line above it when no blank line parts them.
            i += 1
            continue
        after_row = i > 0 and bool(_ENDS_IN_GRADE.search(blocks[i - 1][-1].text))
        if _heading_allowed(state, blocks, i) and _is_heading(block, next_block, after_row):
            state.add_heading(clean_title(first))
            i += 1
            continue

        state.after_minutes_mark = False
        state.open_heading = None
        for unit_lines in _split_block(block):
            unit_text = " ".join(line.text for line in unit_lines)
            if BARE_NUMBER.match(unit_text):
                # A number standing alone (a page number, a contents entry's page, a footnote's
                # mark) says nothing.
                continue
            # "Decision" above a page's title, before anything is said, names the kind of page (a
            # published decision), not a resolution of a meeting: it takes in nothing after it.
            opens_resolution = bool(BARE_RESOLUTION.match(unit_text)) and seen_content
            seen_content = True
            # A lead-in opens its list; the list's numbered lines keep it open.
            state.lead_in_open = unit_text.rstrip().endswith(":") or (
                state.lead_in_open and bool(NUMBERED_SIMPLE.match(unit_text)))
            if pending_resolution is not None:
                pending_resolution.end = unit_lines[-1].end
                pending_resolution = None
                continue
            unit = Unit(
                start=unit_lines[0].start,
                end=unit_lines[-1].end,
                point=_label(unit_text, state),
                item=state.item,
                item_title=state.item_title,
                section=state.section,
            )
            if DISCUSSION.match(unit_text):
                state.section = "discussion"
            if opens_resolution:
                pending_resolution = unit
            state.units.append(unit)
        i += 1

    return [part for unit in state.units for part in _split_long(unit, text)]


def _judgement_rows(blocks: list[list[_Line]]) -> list[list[_Line]]:
    """A judgement table copied from a PDF puts each row's label and its grade in blocks of their
    own ("The experiences and progress of children in care" / "Good"): the two are one row, one
    finding, not a heading and a line under it."""
    out: list[list[_Line]] = []
    for block in blocks:
        # The grade may be wrapped ("Requires improvement to" / "be good") and may open a block of
        # further rows ("Overall effectiveness Inadequate"): the grade ends its label's row, and
        # the rows after it are rows of their own.
        lines = 2 if len(block) > 1 and GRADE_ALONE.match(f"{block[0].text} {block[1].text}") else (
            1 if GRADE_ALONE.match(block[0].text) else 0)
        if (out and lines and len(out[-1]) <= 3
                and not _ends_sentence(out[-1][-1].text) and not GRADE_ALONE.match(out[-1][-1].text)):
            out[-1] = [*out[-1], *block[:lines]]
            if block[lines:]:
                out.append(block[lines:])
        else:
            out.append(block)
    return out


def _page_item_number(lines: list[_Line]) -> str | None:
    """The item number an agenda-item page's "Meeting: ... (Item 25)" line gives, if any."""
    for line in lines[:30]:
        m = MEETING_LINE.match(line.text)
        if m:
            return m.group("item")
    return None


def _heading_allowed(state: _State, blocks: list[list[_Line]], i: int) -> bool:
    """Headings are sought in letters and articles, and inside an item's minutes; never in a
    meeting page's agenda text, as the first line after "Minutes:", or just before an item."""
    if state.after_minutes_mark:
        return False
    if (state.meeting_page or state.item_page) and state.section is None:
        return False
    if i + 1 < len(blocks):
        following = blocks[i + 1]
        after = blocks[i + 2] if i + 2 < len(blocks) else None
        if LETTERED.match(following[0].text) or _item_header(following, after, state) is not None:
            return False
        if len(following) == 1 and (MINUTES_MARK.match(following[0].text) or FURNITURE.match(following[0].text)):
            return False
    return True


def _skip_meeting_header(blocks: list[list[_Line]], i: int) -> int:
    """Skip a meeting page's header: committee name, date and time, venue, contact, up to its
    items table's "No. | Item" line. The header ends early at anything said: copied as text, a
    page can lose its item numbers, and its minutes must not be skipped as header."""
    while i < len(blocks):
        block = blocks[i]
        if _item_header(block, blocks[i + 1] if i + 1 < len(blocks) else None, _State(meeting_page=True)):
            return i
        text = " ".join(line.text for line in block)
        if len(block) > 2 or len(text) > 300:
            return i
        if len(block) == 1 and ITEMS_TABLE_HEADER.match(text):
            # "Items" then "No. | Item": the table's heads, however many, end the header.
            while i < len(blocks) and len(blocks[i]) == 1 and ITEMS_TABLE_HEADER.match(blocks[i][0].text):
                i += 1
            return i
        if _SAYS.search(text) and len(text.split()) >= 6 and not HEADER_LINE.match(text):
            return i
        i += 1
    return i


def _item_header(block: list[_Line], next_block: list[_Line] | None, state: _State) -> tuple[str, str | None, int] | None:
    """(number, title, blocks consumed) if the block opens an agenda item of a meeting page.

    Item numbers run in sequence, which tells an item "4." from a numbered paragraph "4. The ...";
    and a numbered line straight after a lead-in ("The Cabinet RESOLVED to:") is one of its list's.
    """
    first = block[0].text
    if state.lead_in_open and not ITEM_LABEL.match(first):
        return None
    alone = ITEM_ALONE.match(first)
    if alone and len(block) == 1:
        number = alone.group(1)
        if not _next_in_sequence(number, state):
            return None
        if next_block is not None and _is_title_block(next_block):
            # A long title wraps onto two or three lines in a PDF: they are one title.
            return number, clean_title(" ".join(line.text for line in next_block)), 2
        if len(block) == 1 and next_block is not None and len(next_block) > 1:
            # "4." then the title and its first lines in one block: the title is the first line.
            return None
        return number, None, 1
    if alone and len(block) > 1:
        number = alone.group(1)
        if _next_in_sequence(number, state):
            return number, clean_title(block[1].text), 1 if len(block) == 2 else 0
    with_title = ITEM_WITH_TITLE.match(first)
    if with_title and len(block) == 1 and state.meeting_page:
        number, title = with_title.groups()
        title = clean_title(title)
        # A numbered paragraph is no title however it ends (a page cut off mid-sentence): a
        # title is short.
        if _next_in_sequence(number, state) and title[-1:] not in ".;," and _is_title(title.rstrip(":")):
            return number, title, 1
    labelled = ITEM_LABEL.match(first)
    if labelled and not state.item_page:
        # "Item 6." names itself an item: no sequence is needed to tell it from a paragraph.
        number, title = labelled.group("number"), clean_title(labelled.group("title"))
        if not title and len(block) == 1:
            if next_block is not None and _is_title_block(next_block) and not ITEM_LABEL.match(next_block[0].text):
                return number, clean_title(" ".join(line.text for line in next_block)), 2
            return number, None, 1
        if _is_title(title) and len(block) == 1:
            return number, title, 1
    if len(block) == 1 and (state.meeting_page or state.minutes_doc) and not state.item_page:
        numbered = MINUTE_NUMBER.match(first) or ITEM_NUMBER_TITLE.match(first)
        if numbered:
            number, title = numbered.group("number"), clean_title(numbered.group("title"))
            if _is_title(title) and _next_in_sequence(number, state):
                return number, title, 1
    return None


def _is_title(title: str) -> bool:
    """An item title: short, not a sentence (no closing punctuation), not a point or bullet."""
    return (0 < len(title) <= 150 and title[-1] not in ".;,:" and not LETTERED.match(title)
            and not BULLET.match(title) and len(title.split()) <= 20)


def _is_title_block(block: list[_Line]) -> bool:
    """One to three short lines that are not a point, bullet or sentence: an item's title."""
    text = " ".join(line.text for line in block)
    if len(block) > 3 or len(text) > 250 or LETTERED.match(text) or BULLET.match(text):
        return False
    return len(block) == 1 or not clean_title(text).endswith((".", ":", ";"))


def _next_in_sequence(number: str, state: _State) -> bool:
    if state.item is None:
        return state.meeting_page or (state.minutes_doc and not state.item_page) or _leading_int(number) == 1
    now, new = _leading_int(state.item), _leading_int(number)
    return now is not None and new == now + 1


def _leading_int(number: str) -> int | None:
    """6 of "6", "6a" or "6/23" (a minute number within the council's year)."""
    m = re.match(r"\d+", number)
    return int(m.group(0)) if m else None


def _split_block(block: list[_Line]) -> list[list[_Line]]:
    """A block's units: each lettered point, bullet or numbered paragraph starts a new one;
    other lines continue the unit above them (soft-wrapped lines of one paragraph)."""
    if len(block) >= 2 and all(JUDGEMENT_ROW.match(x.text) or FIELD_LINE.match(x.text) for x in block):
        # A report's front page or judgement table: each field or row is its own finding.
        return [[line] for line in block]
    units: list[list[_Line]] = []
    for line in block:
        starts_unit = bool(LETTERED.match(line.text) or BULLET.match(line.text) or NUMBERED.match(line.text))
        if not units or starts_unit:
            units.append([line])
        else:
            units[-1].append(line)
    return units


def _label(text: str, state: _State) -> str:
    lettered = LETTERED.match(text)
    if lettered:
        return lettered.group(1)
    numbered = NUMBERED.match(text)
    if numbered:
        return numbered.group(1)
    if BULLET.match(text):
        state.bullets += 1
        return f"bullet {state.bullets}"
    if ACTION.match(text):
        return "action"
    if RECOMMENDATION.match(text):
        return "recommendation"
    if RESOLUTION.match(text):
        state.resolutions += 1
        return "resolution" if state.resolutions == 1 else f"resolution {state.resolutions}"
    simple = NUMBERED_SIMPLE.match(text)
    if simple:
        return simple.group(1)
    state.paragraphs += 1
    return f"¶ {state.paragraphs}"


def _drop_trailing_links(state: _State, text: str) -> None:
    """Bullets just before "Related Articles" are headlines of other stories, not content."""
    while state.units:
        unit = state.units[-1]
        body = text[unit.start:unit.end]
        if not (unit.point or "").startswith("bullet") or len(body) > 200 or body.rstrip().endswith("."):
            break
        state.units.pop()


_SENTENCE_END = re.compile(r"(?<=[.!?;])[\"”’']?\s+(?=[\"“‘']?[A-Z(0-9])")


def _split_long(unit: Unit, text: str) -> list[Unit]:
    """A long point split at sentence boundaries into parts of about TARGET_PART_CHARS."""
    if unit.end - unit.start <= MAX_PASSAGE_CHARS:
        return [unit]
    body = text[unit.start:unit.end]
    cuts = [m.end() for m in _SENTENCE_END.finditer(body)]
    pieces: list[tuple[int, int]] = []
    start = 0
    for cut in cuts:
        if cut - start >= TARGET_PART_CHARS:
            pieces.append((start, cut))
            start = cut
    if len(body) - start < TARGET_PART_CHARS // 3 and pieces:
        pieces[-1] = (pieces[-1][0], len(body))
    else:
        pieces.append((start, len(body)))
    # A sentence with no boundary for thousands of characters is cut at a space or hard.
    hard: list[tuple[int, int]] = []
    for a, b in pieces:
        while b - a > MAX_PASSAGE_CHARS * 2:
            space = body.rfind(" ", a + TARGET_PART_CHARS, a + MAX_PASSAGE_CHARS)
            cut = space + 1 if space > a else a + MAX_PASSAGE_CHARS
            hard.append((a, cut))
            a = cut
        hard.append((a, b))
    if len(hard) == 1:
        return [unit]
    parts = []
    for n, (a, b) in enumerate(hard, start=1):
        seg = body[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        parts.append(
            Unit(
                start=unit.start + a + lead,
                end=unit.start + b - trail,
                point=unit.point,
                item=unit.item,
                item_title=unit.item_title,
                section=unit.section,
                part=n,
            )
        )
    return parts
