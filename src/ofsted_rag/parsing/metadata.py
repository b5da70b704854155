"""Metadata a document gives about itself: its council, date, committee and kind.

Sources, strongest first: the manifest (or upload form), the source URL, the file name, the
header lines at the top of the text, then the text's opening paragraph. Each source fills only
what the stronger ones left unknown (`DocumentMeta.merged_over`).

Only what is stated plainly is taken; anything uncertain stays None rather than guessed. A
council merely mentioned in a document's body (a partner authority, a peer reviewer, a
neighbour) is not its council, and a date inside a sentence (when a visit took place) is not
its date. Councils are reported by the gazetteer's official name (`canonical_council`), so a
council found in a URL, a file name or a header gives the same string and its documents group
together.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from ofsted_rag.documents import DocumentMeta
from ofsted_rag.parsing.structure import (
    CONTACT_LINE,
    ITEM_PAGE,
    LINK_SUFFIX,
    MEETING_LINE,
    MEETING_PAGE,
    PAGE_NUMBER_LINE,
    clean_title,
)
from ofsted_rag.places import Authority, authorities, lineage, mentioned

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTH_NAMES = "|".join([*MONTHS, "sept", *(m[:3] for m in MONTHS)])
_WEEKDAY_NAMES = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# "14 March 2023", "18th January, 2023", "14-march-2023" (file names use hyphens for spaces).
_TEXT_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?[\s_-]+({_MONTH_NAMES})\.?,?[\s_-]+(\d{{4}})(?!\d)", re.IGNORECASE
)
# "January 24, 2024", "Jan 24th 2024": month first, as many web pages' templates print dates.
_MONTH_FIRST_DATE = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
# "2019-01-22", "2019_01_22", "2019.01.22".
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)")
# "22/01/2019", "22.01.19", "22-01-2019": day first, as dates are written in England.
_DMY_DATE = re.compile(r"(?<![\d.])(\d{1,2})[/._-](\d{1,2})[/._-](\d{4}|\d{2})(?![\d.])")
# "20230314": eight digits with nothing else numeric around them.
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
# The same, day first as English sites write it ("news/14032023/..."): read when the eight digits
# are no date year first.
_COMPACT_DATE_DAY_FIRST = re.compile(r"(?<!\d)(\d{2})(\d{2})((?:19|20)\d{2})(?!\d)")

_HEADER_LINES = 15
# A line that ends the header: the attendance list and the first item belong to the meeting's
# record, where partner councils and officers' employers are named.
_HEADER_STOP = re.compile(
    r"^(?:present|in attendance|also (?:in attendance|present)|apologies|attendees|members present|"
    r"minutes\s*:?$|1\.?\s*$|1\.\s+\S|item 1\b)",
    re.IGNORECASE,
)

# ------------------------------------------------------------------ header line forms
# "Minutes of the meeting held on 14 March 2023", "Minutes of a meeting of the Children's
# Scrutiny Committee of Wiltshire Council held on Tuesday, 7 March 2023 at 10.00 am".
_MINUTES_OF = re.compile(
    r"^minutes of (?:the |a )?(?:(?:\w+ )?meeting|proceedings)(?: of (?:the )?(?P<body>.+?))?"
    r"(?: held)?(?: (?:on|at) (?P<rest>.+))?$",
    re.IGNORECASE,
)
# "Date: Wednesday, 18 March 2020", "Date of meeting: 18/03/2020", "Meeting date - ...", and a
# decision page's "Date of decision: 24/09/2021" (when it was decided, not when published).
_DATE_FIELD = re.compile(r"^(?:date(?: of (?:the )?(?:meeting|decision))?|(?:meeting|decision) date|decision made)"
                         r"\s*[:\-–]\s*(?P<value>.+)$", re.I)
# "Date 14/03/2018", "date 2018-03-14 Much improved ...": the label without its colon, as a table's
# cells or a page's date stamp run into the text, is a date field only when a date follows at once.
_BARE_DATE_FIELD = re.compile(
    rf"^(?:date|published)\s+(?P<value>(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_NAMES})\.?,?\s+\d{{4}})(?!\d))", re.I)
# A saved page's date stamp run into its first line ("date 2018-03-14 Much improved ..."): the
# document's date, and no part of its headline or its first sentence.
_DATE_STAMP = re.compile(r"^date \d{4}-\d{1,2}-\d{1,2} (?=\S)", re.I)


def date_stamp_length(text: str) -> int:
    """How many characters a date stamp takes at the start of a text (0 with none)."""
    m = _DATE_STAMP.match(text)
    return m.end() if m else 0


# A report's publication date is its date; the inspection dates are when inspectors visited. A
# blog's "Posted 11 June 2024 by ..." is its publication date too.
_PUBLISHED_FIELD = re.compile(
    r"^(?:report published|date published|published(?: on)?|posted(?: on)?|publication date|date of publication)"
    r"\s*:?\s*(?P<value>.+)$",
    re.I,
)
# "Children's Scrutiny Committee - Wednesday, 18th January, 2023 10.00 am": a meeting page title.
_COMMITTEE_DATE_TITLE = re.compile(rf"^(?P<body>.+?)\s+[-–—]\s+(?P<rest>{_WEEKDAY_NAMES}\b.+)$", re.I)
_WEEKDAY_LINE = re.compile(rf"^{_WEEKDAY_NAMES}\b", re.I)
# A line that is nothing but a date: a letter's or a notice's date line.
# A news page prints it in figures too, day first ("06/10/22").
_DATE_ONLY_LINE = re.compile(rf"^(?:{_WEEKDAY_NAMES},?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_NAMES}),?\s+\d{{4}}\.?"
                             r"|\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2}))$", re.I)

# ------------------------------------------------------------------ council line forms
# A council's formal name ("Kirklees Council", "London Borough of Enfield", "Devon County
# Council"): how a council names itself in a letterhead, a heading or an address block.
_FORMAL_COUNCIL = re.compile(
    r"\b(?:(?:Royal|London) Borough of [A-Z][\w'-]+(?:(?: and| upon| on|-on-|-upon-)? [A-Z][\w'-]+){0,3}"
    r"|City of [A-Z][\w'-]+(?: [A-Z][\w'-]+){0,2}(?: (?:Metropolitan )?(?:District |Borough )?Council)?"
    r"|[A-Z][\w'-]+(?:(?: and| upon| on| of)? [A-Z][\w'-]+){0,3} (?:(?:City|County|Borough|District|Metropolitan Borough|"
    r"Metropolitan District|Metropolitan) )?Council)\b"
)
# Ofsted names the authority it inspected in the title and subject line: "Inspection of Devon
# local authority children's services", "Focused visit to Somerset children's services".
_INSPECTED = re.compile(
    r"\b(?:inspection|visit|review)s? (?:of|to|in)\s+(?P<name>.+?)(?:'s?)?\s+(?:local authority\s+)?children['’]?s services\b",
    re.IGNORECASE,
)
_FIELD_AUTHORITY = re.compile(r"^(?:local authority|council|authority)\s*:\s*(?P<name>.+)$", re.IGNORECASE)

# ------------------------------------------------------------------ kind cues
# Structural cues only, each a line's form: a minutes page quoting an Ofsted letter still has
# its "RESOLVED" and attendance lines, while a letter never does; topic words ("Ofsted",
# "priority action") are shared by all three kinds and decide nothing.
_MINUTES_CUES = {
    "page": re.compile(r"^(?:agenda item|agenda and (?:draft )?minutes|issue details?)$", re.I),
    "minutes_mark": re.compile(r"^minutes\s*:?$|^(?:draft |confirmed |unconfirmed )?minutes of\b", re.I),
    "resolution": re.compile(r"^(?:resolved|it was resolved|(?:the )?(?:committee|panel|board) (?:resolved|agreed))\b", re.I),
    "attendance": re.compile(r"^(?:present|in attendance|also present|apologies(?: for absence)?|members present)\b", re.I),
    "interests": re.compile(r"^declarations? of (?:pecuniary |personal |disclosable )?interests?\b", re.I),
    "chair": re.compile(r"^(?:chair|chairman|chairperson|vice[- ]chair)\s*:|\(chair\)|in the chair\b", re.I),
}
_LETTER_CUES = {
    "salutation": re.compile(r"^dear\s+\S", re.I),
    "sign_off": re.compile(r"^yours (?:sincerely|faithfully)", re.I),
    "inspector": re.compile(r"(?:his|her) majesty['’]s inspector|^hmi\b|\bhmi$|^(?:lead |senior )?(?:social care )?inspector$", re.I),
    "report_title": re.compile(r"^(?:inspection of|focused visit to|monitoring visit (?:to|of)|joint targeted area|area send)\b", re.I),
    "front_page": re.compile(r"^(?:inspection dates?|report published|lead inspector|dates? of (?:the )?visit)\b", re.I),
    "judgement": re.compile(r"^(?:overall effectiveness|the impact of leaders|the experiences and progress of children)\b", re.I),
}
_NEWS_CUES = {
    "advert": re.compile(r"^[-–—]*\s*advertisement\s*[-–—]*$", re.I),
    "related": re.compile(r"^(?:related|latest|more) (?:articles|stories|news)$", re.I),
    "reporter": re.compile(r"\blocal democracy reporter\b|^by [A-Z][a-z]+ [A-Z][a-z]+$", re.I),
    "press": re.compile(r"^(?:press release|news release|notes to editors?|media enquiries|ends)\b", re.I),
    "share": re.compile(r"^share (?:this|on)\b", re.I),
}


# ================================================================== public entry points


def infer_meta(text: str, file_name: str | None = None, url: str | None = None,
               site: Sequence[str] = ()) -> DocumentMeta:
    """Everything known without a manifest: URL over file name over the site's name in a saved
    page's title (`site`: the title's parts, see `council_of_site`) over header lines over text.

    A council's own web site names it by its host ("democracy.kirklees.gov.uk"); a place in the
    path of an address is often a site's section ("bbc.co.uk/news/uk-england-shropshire-...": a
    regional news page about its neighbour), so a council read from the path of an address (or of
    a file named after one) counts only when the text names none: neither in its header lines nor
    formally anywhere ("lancs.live/news/lancashire-news/..." about "Blackburn with Darwen
    Council"); nor, in any form, another authority only ("bbc.co.uk/news/uk-england-birmingham-..."
    on a story that speaks of "Sandwell" and never of Birmingham). Another site named after a place (a local paper's "lancs.live") names its region,
    not its publisher: it yields to a text formally naming other councils and never that one."""
    from_url = meta_from_url(url) if url else DocumentMeta()
    from_name = meta_from_file_name(file_name) if file_name else DocumentMeta()
    from_text = meta_from_text(text)
    # The councils the text names formally, with those that took over their services or handed
    # them on (a page on "Northamptonshire" naming "North Northamptonshire Council" speaks of it).
    formal = {k.official for a in _formal_authorities(text.split("\n")) for k in (a, *lineage(a))}
    named: set[str] = set()

    def unnamed(council: str) -> bool:
        """Whether the text names other authorities, in any form, and never this one."""
        if not named:
            named.update(k.official for a in mentioned(text) for k in (a, *lineage(a)))
        return bool(named) and council not in named

    def yields(host: str, council: str) -> bool:
        if not _names_host(host, council):
            opening = _opening_councils(text)
            if not from_text.council and council in opening:
                # The address and the story's headline name the same place: that is its subject,
                # and another council named formally further down is a partner or a neighbour.
                return False
            if opening and not _named_in_a_sentence(text, council):
                # The headline names another place, and no sentence names the address's: the
                # address names the site's section ("news/uk-england-stoke-staffordshire-...", over
                # a story on Staffordshire tagged "Stoke & Staffordshire").
                return True
            return bool(from_text.council) or bool(formal) and council not in formal or unnamed(council)
        return not _COUNCIL_HOST.search(host) and bool(formal) and council not in formal

    if from_url.council and yields(urlsplit(url or "").hostname or "", from_url.council):
        from_url = replace(from_url, council=None)
    saved_page = _FILE_HOST.match(re.sub(r"\.(?:txt|html?|pdf|docx)$", "", file_name or "", flags=re.IGNORECASE))
    if from_name.council and saved_page and yields(saved_page.group(1), from_name.council):
        from_name = replace(from_name, council=None)
    from_site = DocumentMeta(council=council_of_site(site))
    meta = from_url.merged_over(from_name).merged_over(from_site).merged_over(from_text)
    if meta.council is None and (own := _council_of_own_site(text)) and (not formal or own in formal):
        meta = replace(meta, council=own)
    return meta


def council_of_site(parts: Sequence[str]) -> str | None:
    """The council a page title's parts name as the site's own: a part that is nothing but one
    council's formal name ("Issue details | Barsetshire Council"). A council publishes its pages
    under its own name, so the page is that council's though its body never names it; a part that
    says more ("Barsetshire Council rated good") is a headline, not a site's name."""
    found = {a.official for part in parts if (m := _FORMAL_COUNCIL.fullmatch(part.strip(" .")))
             for a in mentioned(m.group(0))[:1]}
    return found.pop() if len(found) == 1 else None


# A council's own web address written in a text ("Web: www.barsetshire.gov.uk" on an agenda's front
# sheet, a contact line's "democracy.barsetshire.gov.uk").
_OWN_SITE = re.compile(r"(?<![\w@.-])(?:https?://)?((?:[a-z0-9-]+\.)+gov\.uk)\b", re.IGNORECASE)


def _council_of_own_site(text: str) -> str | None:
    """The council whose own web address a text gives, when it gives one council's only: an agenda
    or report re-hosted on a document site, naming its council nowhere but in its contact lines,
    is that council's. The weakest source: used only when nothing else names a council."""
    found = {a.official for host in _OWN_SITE.findall(text) if (a := _authority_in_host(host))}
    return found.pop() if len(found) == 1 else None


# Hosts a council publishes on: its own (".gov.uk") and its committee system's ("barnet.moderngov.co.uk").
_COUNCIL_HOST = re.compile(r"(?:\.gov\.uk|\.moderngov\.co\.uk)$", re.IGNORECASE)


def _names_host(address: str, council: str) -> bool:
    """Whether the host of an address (or a bare host) names this council."""
    host = urlsplit(address).hostname if "://" in address else address
    found = _authority_in_host(host or "")
    return found is not None and found.official == council


def meta_from_text(text: str) -> DocumentMeta:
    """What the normalised text's header lines (and opening paragraph) say."""
    # Page numbers and a letterhead's phone numbers and addresses would only push the real
    # header lines out of the header's reach.
    lines = [line for line in text.split("\n") if line and not PAGE_NUMBER_LINE.match(line) and not CONTACT_LINE.match(line)]
    head = header_lines(lines)
    kind = infer_kind(lines)
    header = _read_header(head)
    meeting_dates = {m.group("date") for line in lines if (m := MEETING_LINE.match(line))}
    if len(meeting_dates) > 1:
        # An issue page listing the item at several meetings has no single date.
        header = HeaderFacts(None, header.body, header.item)
    council = council_from_header(head, kind)
    if council and kind == "news" and not _named_in_a_title(head, council) and len(_formal_authorities(lines)) > 1:
        # A story naming several councils is about none of them in particular unless its
        # headline names one; an opening paragraph naming one first is not enough.
        council = None
    if council is None and kind in (None, "news"):
        # A story (or a page of no known kind) naming one council and no other is about it.
        council = _only_council_named(text)
    return DocumentMeta(
        council=council or _council_from_venue(head),
        body=header.body or _infer_body(lines),
        date=header.date,
        kind=kind,
        title=_infer_title(lines),
    )


# Longer than any news story: a report or a set of minutes.
_STORY_CHARS = 30_000


def _only_council_named(text: str) -> str | None:
    """The council a news story names, when it names one and no other in any form, and names it in
    a sentence ("inspectors found help for children in Barsetshire good"): a story about one council
    that never gives its formal name in a headline is still about it. A place alone on a short
    line (a section tag, a caption) is not enough. A council and those that took over from it or
    handed over to it count as one."""
    if len(text) > _STORY_CHARS:
        # Longer than any story: a report or a set of minutes, whose council the header gives.
        return None
    lines = [(line, mentioned(line)) for line in text.split("\n")]
    named = [a for _, found in lines for a in found]
    if not named:
        return None
    first = named[0]
    family = {first, *lineage(first)}
    if not all(a in family for a in named):
        return None
    in_a_sentence = any(set(found) & family for line, found in lines if len(line.split()) >= _OPENING_WORDS)
    return first.official if in_a_sentence else None


def meta_from_url(url: str) -> DocumentMeta:
    """The council named by a web address's host or path ("democracy.kirklees.gov.uk") and a
    date written in its path; the address itself is kept as the document's URL."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    path = unquote(parts.path + ("?" + parts.query if parts.query else ""))
    authority = _authority_in_host(host) or _authority_in_tokens(path)
    return DocumentMeta(council=authority.official if authority else None, date=date_in_name(path), url=url)


# A file saved from a web page and named after its address ("barnet.moderngov.co.uk__mgAi.aspx_ID=4017.txt",
# "www.lancs.live__news_..."): a host of a common domain, or of any domain before the "__" that
# stands for the address's first slash.
_FILE_HOST = re.compile(r"^(?:https?_*)?((?:[a-z0-9-]+\.)+(?:(?:uk|com|org|net|gov)(?=_|$)|[a-z]{2,12}(?=__|$)))",
                        re.IGNORECASE)


def meta_from_file_name(file_name: str) -> DocumentMeta:
    """The council and date a file name carries ("kirklees-corporate-parenting-2019-01-22.html",
    "barnet.moderngov.co.uk__mgAi.aspx_ID=4017.txt", "Minutes - Calderdale Council 14 March 2023.pdf")."""
    stem = re.sub(r"\.(?:txt|html?|pdf|docx)$", "", file_name, flags=re.IGNORECASE)
    host = _FILE_HOST.match(stem)
    authority = (_authority_in_host(host.group(1)) if host else None) or _authority_in_tokens(stem)
    return DocumentMeta(council=authority.official if authority else None, date=date_in_name(stem))


def canonical_council(name: str | None) -> str | None:
    """The gazetteer's official name for a council named any way ("Kirklees Metropolitan
    Council", "Kirklees" -> "Kirklees Council"); a name naming no single authority unchanged."""
    if not name:
        return name
    found = mentioned(name)
    return found[0].official if len(found) == 1 else name


# ================================================================== dates


def parse_date(text: str) -> dt.date | None:
    """The first whole date written in `text`, in any common English form, or None."""
    candidates: list[tuple[int, dt.date]] = []
    for m in _TEXT_DATE.finditer(text):
        month = month_number(m.group(2))
        _add_date(candidates, m.start(), int(m.group(3)), month, int(m.group(1)))
    for m in _MONTH_FIRST_DATE.finditer(text):
        _add_date(candidates, m.start(), int(m.group(3)), month_number(m.group(1)), int(m.group(2)))
    for m in _ISO_DATE.finditer(text):
        _add_date(candidates, m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for m in _DMY_DATE.finditer(text):
        year = int(m.group(3))
        _add_date(candidates, m.start(), year if year > 99 else 2000 + year, int(m.group(2)), int(m.group(1)))
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


def date_in_name(name: str) -> dt.date | None:
    """A date in a file name or URL path, also written as eight digits ("20230314", "14032023")."""
    found = parse_date(name)
    if found:
        return found
    candidates: list[tuple[int, dt.date]] = []
    for m in _COMPACT_DATE.finditer(name):
        _add_date(candidates, m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if not candidates:
        for m in _COMPACT_DATE_DAY_FIRST.finditer(name):
            _add_date(candidates, m.start(), int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return candidates[0][1] if candidates else None


# A year standing alone as a segment of a web address, or of a file named after one
# ("/news/2023/fostering-praised", "News_2019_July_2019_council_praised_..."): news
# sites and councils file their stories under the year they came out.
_ADDRESS_YEAR = re.compile(r"(?:^|[/_])((?:19|20)\d\d)(?=[/_]|$)")


def year_in_address(name: str) -> int | None:
    """The year a web address or a file named after one files its page under, when it names one
    year so (None when none, or several different ones)."""
    for _ in range(2):  # "...News_2019_July_story.aspx.txt": the extensions go
        name = re.sub(r"\.[A-Za-z][A-Za-z0-9]{0,4}$", "", name)
    years = {int(m.group(1)) for m in _ADDRESS_YEAR.finditer(name)}
    years = {y for y in years if 1974 <= y <= 2100}
    return years.pop() if len(years) == 1 else None


def month_number(word: str) -> int:
    """1 to 12 for a month's name, written out or cut short ("Sept.", "nov")."""
    word = word.lower().rstrip(".")
    return MONTHS.get(word) or next(n for m, n in MONTHS.items() if m.startswith(word[:3]))


def _add_date(out: list[tuple[int, dt.date]], pos: int, year: int, month: int, day: int) -> None:
    # A council document dated before local government reorganisation or far in the future is a
    # misread number (a reference "12.10.1234"), not a date.
    if not 1974 <= year <= 2100:
        return
    try:
        out.append((pos, dt.date(year, month, day)))
    except ValueError:
        pass


# ================================================================== header lines


@dataclass(frozen=True)
class HeaderFacts:
    date: dt.date | None = None
    body: str | None = None
    item: str | None = None


def header_lines(lines: list[str]) -> list[str]:
    """The document's header: its first lines, up to the attendance list or first item."""
    head: list[str] = []
    for i, line in enumerate(lines[:_HEADER_LINES]):
        if i and _HEADER_STOP.match(line):
            break
        head.append(line)
    return head


def _read_header(head: list[str]) -> HeaderFacts:
    """Date and committee from the header's labelled lines, the most explicit form first:
    a ModernGov "Meeting:" line, "Minutes of the meeting held on", "Date:", "Report published:",
    a meeting page's "Committee - Weekday, date" title, a line starting with a weekday, then a
    line holding only a date (a letter's date line). "Inspection dates:" is never the date."""
    for line in head:
        m = MEETING_LINE.match(line)
        if m:
            return HeaderFacts(parse_date(m.group("date")), m.group("body").strip() or None, m.group("item"))
    for line in head:
        m = _MINUTES_OF.match(line)
        # "Minutes of the meeting held on 20 January 2017 pdf icon PDF 149 KB" on a meeting page
        # is an item linking the previous meeting's minutes, not this document's title.
        if m and (m.group("rest") or "held" in line.lower()) and not LINK_SUFFIX.search(line):
            body = m.group("body")
            if body:
                # "... of the Children's Scrutiny Committee of Wiltshire Council": the body ends
                # where the council's name begins.
                body = re.split(r"\s+(?:of|held)\s+(?=[A-Z]|held)", body)[0].strip()
            date = parse_date(line)
            if date:
                return HeaderFacts(date, body if body and _BODY.search(body) else None)
    for pattern in (_DATE_FIELD, _PUBLISHED_FIELD, _BARE_DATE_FIELD):
        for line in head:
            m = pattern.match(line)
            if m and parse_date(m.group("value")):
                return HeaderFacts(parse_date(m.group("value")))
    for line in head:
        m = _COMMITTEE_DATE_TITLE.match(line)
        if m and parse_date(m.group("rest")) and len(m.group("body")) < 120:
            return HeaderFacts(parse_date(m.group("rest")), m.group("body").strip())
    for line in head:
        if (_WEEKDAY_LINE.match(line) or _DATE_ONLY_LINE.match(line)) and len(line) < 80 and parse_date(line):
            return HeaderFacts(parse_date(line))
    for line in [*head[:8], " ".join(_first_fragments(head))]:
        # A story's byline: a short line near the top giving its date beside its author or
        # section ("Coventry Editorial 3rd Apr, 2019 Updated: 3rd Apr, 2019"), or its day, month
        # and year set one to a line by the page's layout.
        if len(line.split()) <= 12 and _TEXT_DATE.search(line) and not _NOT_A_BYLINE.search(line):
            return HeaderFacts(parse_date(line))
    return HeaderFacts()


def _first_fragments(lines: list[str]) -> list[str]:
    """The page's first lines when three or more are of one or two words each ("30", "June",
    "2014", "|", "11:09"): a date or a menu set one part to a line."""
    fragments = []
    for line in lines:
        if len(line.split()) > 2:
            break
        fragments.append(line)
    return fragments if len(fragments) >= 3 else []


# Lines with a date that is not the document's own: when inspectors visited, a meeting to come,
# a deadline, a period reported on.
_NOT_A_BYLINE = re.compile(r"\b(?:inspection|visit|dates?\s*:|next|due|deadline|until|between|from|to\b|"
                           r"period|ending|ended|before|after|since|held)", re.IGNORECASE)


# ================================================================== councils


def council_from_header(head: list[str], kind: str | None = None) -> str | None:
    """The council the header names as the document's own.

    Taken from lines that name a council the way a document names its author: a formal name
    ("Kirklees Council", "London Borough of Enfield") in a letterhead, title, address block or
    "Minutes of a meeting ... of Wiltshire Council" line; the authority an Ofsted title says was
    inspected; a "Local authority:" field. Each authority is reported by its official name.
    When the header names several (a news story about three councils), one is chosen only if it
    is named in the first line and more often than any other; otherwise none is.
    """
    counts: Counter[Authority] = Counter()
    first_line: set[Authority] = set()
    for i, line in enumerate(head):
        for authority in _authorities_in_line(line):
            counts[authority] += 1
            if i == 0:
                first_line.add(authority)
    if not counts:
        return _named_alone(head) if kind == "ofsted_letter" else None
    if len(counts) == 1:
        only = next(iter(counts))
        # A story opening on one council ("Rutland's fostering service ...") that names
        # another formally further down (a partner: "help from Leicestershire County Council") is not the
        # partner's: record neither rather than the wrong one. The opening is the first headline
        # or sentence naming a place: a saved news page may begin with a photo's caption, a letter
        # with its sender's address, whose lines are short or carry a postcode ("Manchester",
        # "Store Street, Manchester M1 2WD").
        if only in first_line:
            return only.official
        opening = next((found for line in head if len(line.split()) >= _OPENING_WORDS and not _POSTCODE.search(line)
                        and (found := set(mentioned(line[:_OPENING_CHARS])))), set())
        return None if opening and only not in opening else only.official
    ranked = counts.most_common()
    top, n = ranked[0]
    if n > ranked[1][1] and top in first_line:
        return top.official
    return None


# A UK postcode ("M1 2WD", "NG1 6HJ"): the line is an address.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
# Fewer words than a headline or a sentence: an address line, a tag, a name. Where the opening
# names its place, within its first characters (a page saved as one long line names it early).
_OPENING_WORDS = 4
_OPENING_CHARS = 600


def _opening_councils(text: str) -> set[str]:
    """The councils (official names, with those that took over from them or handed over to them)
    that a text's opening names: its first headline or sentence naming a place, within its first
    characters, as `council_from_header` reads it."""
    lines = [line for line in text.split("\n") if line.strip()]
    for line in header_lines(lines):
        if len(line.split()) >= _OPENING_WORDS and not _POSTCODE.search(line):
            found = mentioned(line[:_OPENING_CHARS])
            if found:
                return {k.official for a in found for k in (a, *lineage(a))}
    return set()


def _named_in_a_sentence(text: str, council: str) -> bool:
    """Whether a line long enough to be a headline or a sentence names the council (in any form,
    or by one that took over from it or handed over to it): not a section tag or a caption."""
    return any(council in {k.official for a in mentioned(line) for k in (a, *lineage(a))}
               for line in text.split("\n") if len(line.split()) >= _OPENING_WORDS)


def _named_alone(head: list[str]) -> str | None:
    """The one authority a report's front page names on a line of its own, in any of its forms
    ("Wiltshire", "Kirklees"), as Ofsted's reports set the inspected authority above their
    title. Read only for an inspection report or letter: a news page's line naming a place alone
    is a section or a tag."""
    found = {a for line in head[:8] for a in mentioned(line)
             if line.strip(" .").lower() in {f.lower() for f in a.forms()}}
    return found.pop().official if len(found) == 1 else None


def _formal_authorities(lines: list[str]) -> set[Authority]:
    return {a for line in lines for m in _FORMAL_COUNCIL.finditer(line) for a in mentioned(m.group(0))[:1]}


def _named_in_a_title(head: list[str], council: str) -> bool:
    return any(len(line) < 150 and any(a.official == council for a in _authorities_in_line(line)) for line in head)


_VENUE = re.compile(r"^(?:venue|place|location)\s*:\s*(?P<place>.+)$|\bheld (?:on .+? )?at (?P<at>.+)$", re.IGNORECASE)


def _council_from_venue(head: list[str]) -> str | None:
    """A council meets in its own buildings: the one authority named in the meeting's venue
    ("Venue: Town Hall, Croydon", "held on ... at Tameside One, Market Place") is its council.
    Used only when no header line names the council itself."""
    named: set[Authority] = set()
    for line in head:
        m = _VENUE.search(line)
        if m:
            named.update(mentioned(m.group("place") or m.group("at")))
    return next(iter(named)).official if len(named) == 1 else None


def _authorities_in_line(line: str) -> list[Authority]:
    named: list[Authority] = []
    for m in _FORMAL_COUNCIL.finditer(line):
        named += mentioned(m.group(0))[:1]
    for pattern in (_INSPECTED, _FIELD_AUTHORITY):
        m = pattern.search(line)
        if m:
            named += [a for a in mentioned(m.group("name"))[:1] if a not in named]
    return named


@lru_cache(maxsize=1)
def _squashed_forms() -> dict[str, Authority]:
    """Each authority's names as they are written in host names and file names: lower case,
    without spaces or hyphens, also without the joining words ("windsormaidenhead",
    "eastsussex", "newcastleupontyne", "newcastletyne")."""
    joining = {"and", "upon", "on", "the", "of", "with"}
    out: dict[str, Authority] = {}
    for authority in authorities():
        for form in authority.forms():
            words = re.findall(r"[a-z0-9]+", form.lower().replace("&", " and "))
            for variant in ("".join(words), "".join(w for w in words if w not in joining)):
                # Short abbreviations ("kcc") and ordinary words ("reading") are too likely to
                # be something else in a host or file name.
                if len(variant) >= 4 and not (authority.ambiguous and variant == authority.name.lower()):
                    out.setdefault(variant, authority)
    return out


@lru_cache(maxsize=1)
def _host_initials() -> dict[str, Authority]:
    """Councils by the initials of a full name of theirs, as their own sites' hosts spell them
    ("rcbc" for Redcar and Cleveland Borough Council, "lbhf" for the London Borough of Hammersmith
    and Fulham): four letters or more, without the joining words, and only initials no other
    council's names share. Not a name with "Metropolitan" in it: every such borough's initials end
    alike ("...mbc"), and the gazetteer does not hold every borough in that form."""
    joining = {"and", "upon", "on", "the", "of", "with"}
    found: dict[str, set[Authority]] = {}
    for authority in authorities():
        for form in authority.forms():
            words = [w for w in re.findall(r"[a-z]+", form.lower().replace("&", " and ")) if w not in joining]
            if len(words) >= 3 and "metropolitan" not in words:
                found.setdefault("".join(w[0] for w in words), set()).add(authority)
    return {key: next(iter(named)) for key, named in found.items() if len(key) >= 4 and len(named) == 1}


def _authority_in_host(host: str) -> Authority | None:
    """An authority named by one label of a host ("democracy.kirklees.gov.uk",
    "windsor-maidenhead.gov.uk", "barnet.moderngov.co.uk"); an ambiguous name counts here,
    as a host label is a name, not a word in a sentence."""
    forms = _squashed_forms()
    by_name = {a.name.lower(): a for a in authorities() if a.ambiguous}
    initials = _host_initials()
    for label in host.lower().split("."):
        key = label.replace("-", "")
        if key in forms:
            return forms[key]
        if key in initials:
            return initials[key]
        if (m := _COMPASS_LABEL.fullmatch(label)) and (full := "".join(_COMPASS[c] for c in m.group(1)) + m.group(2).replace("-", "")) in forms:
            # "n-somerset", "ne-lincs": a compass point shortened to its initial, as in "N Yorks".
            return forms[full]
        if label in by_name:
            return by_name[label]
        # A council's own host may add the kind of council to its name ("barnsleymbc").
        if (m := _COUNCIL_SUFFIX.search(key)) and key[:m.start()] in forms:
            return forms[key[:m.start()]]
    for label in host.lower().split("."):
        # "democracy.example-devon.gov.uk": a place as one hyphenated part of a label.
        if "-" in label and (found := _authority_in_tokens(label)):
            return found
    return None


# A host label opening with a compass point's initial before a hyphen ("n-somerset").
_COMPASS_LABEL = re.compile(r"([nsew]{1,2})-([a-z][a-z-]+)")
_COMPASS = {"n": "north", "s": "south", "e": "east", "w": "west"}


# Letters a council's host name may carry after its place name: metropolitan borough, borough,
# county, city, district council, or "council" or "county" itself ("rutlandcounty").
_COUNCIL_SUFFIX = re.compile(r"(?:mbc|mdc|rbc|bc|cc|dc|council|county|gov)$")


def authorities_in_address(address: str) -> list[Authority]:
    """The authorities a file name or web address names, for deciding which documents speak of
    a council (not for recording one): the council its host or path names (`meta_from_url`,
    `meta_from_file_name`), and a place its host name begins with, glued to other words as host
    names are ("shropshirestar.com", "kentonline.co.uk": a local paper or site named after the
    place), or after a town within the council ("leighjournal.co.uk", in Wigan). The longest place
    wins, and one followed by "shire" is not named ("yorkshire..." does not name York)."""
    found: list[Authority] = []
    text = address.strip()
    url_host = urlsplit(text).hostname if re.match(r"^https?://", text, re.IGNORECASE) else None
    stem_host = _FILE_HOST.match(text)
    host = url_host or (stem_host.group(1) if stem_host else "")
    meta = meta_from_url(text) if url_host else meta_from_file_name(text)
    if meta.council:
        found.extend(mentioned(meta.council)[:1])
    forms = {**_squashed_towns(), **_squashed_forms()}
    for label in host.lower().split("."):
        # "thewestmorlandgazette.co.uk": a paper's name may keep its article.
        key = re.sub(r"^the(?=[a-z]{5})", "", label.replace("-", ""))
        prefixes = [f for f in forms if len(f) >= 4 and key.startswith(f) and not key[len(f):].startswith("shire")]
        if prefixes:
            authority = forms[max(prefixes, key=len)]
            if authority not in found:
                found.append(authority)
    return found


@lru_cache(maxsize=1)
def _squashed_towns() -> dict[str, Authority]:
    """The towns local papers and sites are named after, as host names write them ("leigh",
    "hemelhempstead"), with their councils."""
    return {re.sub(r"[^a-z0-9]", "", town.lower()): a for a in authorities() for town in a.towns}


def _authority_in_tokens(text: str) -> Authority | None:
    """An authority named in a file name or path: words split at any separator, the longest
    run of words that spells an authority's name winning ("north-yorkshire" is not "York")."""
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]
    forms = _squashed_forms()
    best: tuple[int, int, Authority] | None = None
    for i in range(len(words)):
        for j in range(min(len(words), i + 6), i, -1):
            key = "".join(words[i:j])
            if key in forms:
                if best is None or j - i > best[0]:
                    best = (j - i, i, forms[key])
                break
    return best[2] if best else None


# ================================================================== kind, body, title


def infer_kind(lines: list[str]) -> str | None:
    """minutes, ofsted_letter or news, from the form of the document's own lines.

    Minutes win when two of their structural marks are present (or a ModernGov page header):
    a letter has no "RESOLVED", attendance or "Minutes:" lines, while minutes often quote or
    append a letter. A letter needs two of its own marks and Ofsted named; news one of its page
    furniture lines. Otherwise the kind is unknown.
    """
    def score(cues: dict[str, re.Pattern]) -> set[str]:
        return {name for name, cue in cues.items() for line in lines if len(line) < 200 and cue.search(line)}

    minutes = score(_MINUTES_CUES)
    if "page" in minutes or any(MEETING_LINE.match(line) for line in lines[:5]) or len(minutes) >= 2:
        return "minutes"
    letter = score(_LETTER_CUES)
    text = "\n".join(lines)
    if len(letter) >= 2 and re.search(r"\bofsted\b|majesty['’]s inspector|\bHMI\b", text, re.IGNORECASE):
        return "ofsted_letter"
    if score(_NEWS_CUES):
        return "news"
    if minutes and not letter:
        return "minutes"
    return None


_BODY = re.compile(r"\b(committee|sub-committee|panel|board|cabinet|forum)\b", re.IGNORECASE)


def _infer_body(lines: list[str]) -> str | None:
    for i, line in enumerate(lines[:6]):
        if MEETING_PAGE.match(line) and i + 1 < len(lines) and _BODY.search(lines[i + 1]):
            return lines[i + 1]
    for line in lines[:4]:
        if _BODY.search(line) and len(line) < 100 and not line.endswith(".") and not MEETING_LINE.match(line):
            return line
    return None


_SALUTATION = re.compile(r"^Dear\s+[A-Z][\w.'’ -]{1,60},?$")


def _reads_as_title(line: str) -> bool:
    return len(line) < 150 and not line.endswith(".")


def _infer_title(lines: list[str]) -> str | None:
    """A ModernGov page's item or meeting; else a line naming what Ofsted inspected ("Focused
    visit to Norfolk County Council children's services") near the top, or a letter's subject
    line below its letterhead ("Ofsted", an address) and salutation; else the first line."""
    for i, line in enumerate(lines[:6]):
        if ITEM_PAGE.match(line) and i + 1 < len(lines):
            return clean_title(lines[i + 1])
        if MEETING_PAGE.match(line) and i + 1 < len(lines):
            return "Agenda and minutes: " + lines[i + 1]
    for line in lines[:8]:
        if _reads_as_title(line) and _INSPECTED.search(line):
            return clean_title(line)
    for i, line in enumerate(lines[:25]):
        # A letter's subject line follows its salutation, below the letterhead and address.
        if _SALUTATION.match(line) and i + 1 < len(lines) and _reads_as_title(lines[i + 1]):
            return clean_title(lines[i + 1])
    # Not a date set one part to a line above the headline ("30", "June", "2014").
    rest = lines[len(_first_fragments(lines)):]
    if rest and len(rest[0]) < 200:
        return clean_title(rest[0][date_stamp_length(rest[0]):])
    return None
