"""Which councils a question names, from a gazetteer of English children's-services authorities
(resources/authorities.toml), and which of the corpus's councils they are.

This is what lets the assistant say "the documents I have do not cover Leeds" instead of answering
a question about Leeds with passages about Nottingham.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ofsted_rag.documents import fold


@dataclass(frozen=True)
class Authority:
    name: str
    official: str
    aliases: tuple[str, ...]
    ambiguous: bool = False
    # The councils that took over a former authority's children's services.
    succeeded_by: tuple[str, ...] = ()
    # The English region it is in, and the groupings people name it by ("Merseyside").
    region: str = ""
    areas: tuple[str, ...] = ()
    # Towns within it that local papers and sites are named after (read in host names only).
    towns: tuple[str, ...] = ()
    # Short forms that are also ordinary words, counted only as written with a capital ("Bucks").
    capitalised: tuple[str, ...] = ()

    def forms(self) -> tuple[str, ...]:
        return (self.name, self.official, *self.aliases)


@dataclass(frozen=True)
class Region:
    """An English region or an area people name councils by ("the North West", "Merseyside")."""
    name: str
    forms: tuple[str, ...]
    # A region made of others ("the Midlands": East and West).
    within: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _gazetteer() -> dict:
    return tomllib.loads(resources.files("ofsted_rag").joinpath("resources/authorities.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def authorities() -> tuple[Authority, ...]:
    return tuple(
        Authority(a["name"], a.get("official", a["name"]), tuple(a.get("aliases", [])), bool(a.get("ambiguous", False)),
                  tuple(a.get("succeeded_by", [])), a.get("region", ""), tuple(a.get("areas", [])),
                  tuple(a.get("towns", [])), tuple(a.get("capitalised", [])))
        for a in _gazetteer().get("authority", [])
    )


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    return tuple(Region(r["name"], tuple(r["forms"]), tuple(r.get("within", []))) for r in _gazetteer().get("region", []))


@lru_cache(maxsize=1)
def _region_patterns() -> tuple[tuple[re.Pattern, Region], ...]:
    return tuple((re.compile(r"(?<![\w-])" + re.escape(form).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+") + r"(?![\w-])",
                             re.IGNORECASE), r)
                 for r in regions() for form in r.forms)


_COMPASS_REGIONS = frozenset({"North East", "North West", "South East", "South West"})
_EXCEPT = re.compile(r"\b(?:outside|beyond|except|excluding|other than|apart from|away from|not in|rather than)"
                     r"(?:\s+(?:of|the|those|ones|councils|authorities|in))*\s*$", re.IGNORECASE)
_BEFORE_LONDON = re.compile(r"[\s-]+london\b", re.IGNORECASE)


def region_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, region name) of each region or area the text names, in text order, longest
    first without overlaps. Not a form inside a council's longer name ("North East Lincolnshire",
    "Bath and North East Somerset"), nor one the text excludes ("outside London"); a compass point
    before "London" names part of London ("south-east London boroughs")."""
    councils = spans(text)
    matches = []
    for pattern, region in _region_patterns():
        for m in pattern.finditer(text):
            if _EXCEPT.search(text[:m.start()]):
                # "outside London", "councils other than those in the North West": the question
                # asks about councils elsewhere, which a region cannot stand for.
                continue
            name = "London" if region.name in _COMPASS_REGIONS and _BEFORE_LONDON.match(text, m.end()) else region.name
            matches.append((m.start(), m.end(), name))
    taken: list[tuple[int, int, str]] = []
    for start, end, name in sorted(matches, key=lambda m: (-(m[1] - m[0]), m[0])):
        if any(start < e and s < end for s, e, _ in taken) or any(
                s <= start and end <= e and e - s > end - start for s, e, _ in councils):
            continue
        taken.append((start, end, name))
    return sorted(taken)


def councils_in(names: tuple[str, ...]) -> tuple[Authority, ...]:
    """The authorities in any of the regions or areas named (a region made of others, in them)."""
    wanted = set(names) | {w for r in regions() if r.name in names for w in r.within}
    return tuple(a for a in authorities() if a.region in wanted or wanted & set(a.areas))


def lineage(authority: Authority) -> tuple[Authority, ...]:
    """The councils that took over this one's children's services, and those it took them over
    from (Cumbria -> Cumberland, Westmorland and Furness; Cumberland -> Cumbria)."""
    return tuple(a for a in authorities()
                 if a.name in authority.succeeded_by or authority.name in a.succeeded_by)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern, Authority], ...]:
    out = []
    for a in authorities():
        for form in sorted(set(a.forms()), key=len, reverse=True):
            # Headlines shorten a compass point to its consonants ("Sth Glos", "Nth Yorkshire"): a
            # pattern of its own, as one pattern with alternatives at its start would lose the
            # regex engine's search for its first letters, and scan long texts far slower.
            short = re.sub(r"^(n)orth(?= )|^(s)outh(?= )", lambda m: f"{m.group(1) or m.group(2)}th", form, flags=re.IGNORECASE)
            for written in dict.fromkeys((form, short)):
                body = re.escape(written).replace(r"\ ", r"[\s-]+")
                # A name that is also an ordinary word ("Reading") counts only when capitalised.
                flags = 0 if a.ambiguous and form == a.name else re.IGNORECASE
                out.append((re.compile(rf"(?<![\w-]){body}(?![\w-])", flags), a))
            # People typing shorten it to its initial ("N Yorks", "W Berks", "E. Sussex").
            if compass := _COMPASS.match(form):
                rest = re.escape(form[compass.end():]).replace(r"\ ", r"[\s-]+")
                out.append((re.compile(rf"(?<![\w-]){compass.group(1)}\.?[\s-]+{rest}(?![\w-])", re.IGNORECASE), a))
        out.extend((re.compile(rf"(?<![\w-]){re.escape(form)}(?![\w-])"), a) for form in a.capitalised)
    return tuple(out)


_COMPASS = re.compile(r"([nsew])(?:orth|outh|ast|est)\s+", re.IGNORECASE)


# A place's name before a newspaper's title word is the paper ("the York Press", "Sunderland
# Echo", "Manchester Evening News", "Kent Live"), not its council; a council's own name is ("Oldham
# Council news"). Not a bare "news": "Cumbria news" may be a council's own page.
_NEWSPAPER = re.compile(r"[\s-]+(?:(?:evening|daily|weekly)\s+)?(?:press(?!\s+(?:release|office|statement|notice|conference|team))|"
                        r"post|echo|gazette|herald|telegraph|argus|chronicle|advertiser|courier|observer|mercury|examiner|"
                        r"star|times|mail|live|standard|journal|citizen|sentinel|(?<=evening )news|(?<=daily )news)(?![\w-])",
                        re.IGNORECASE)
# So is a place's name before an institution's ("Liverpool Crown Court", "Manchester Airport",
# "Leeds Teaching Hospitals") or a street's ("Dorset Road"): the institution or the address, not
# the council.
_INSTITUTION = re.compile(r"['’]?s?[\s-]+(?:crown\s+courts?|magistrates['’]?\s+courts?|county\s+courts?|family\s+courts?|"
                          r"combined\s+courts?|airport|university|(?:teaching\s+)?hospitals?|royal\s+infirmary|infirmary|"
                          r"cathedral|prison|railway\s+station|football\s+club|fc|"
                          # A street named after a place ("Dorset Road", "Kent Street"): an address.
                          r"road|street|lane|avenue|crescent|terrace)(?![\w-])", re.IGNORECASE)
_COUNCIL_WORD = re.compile(r"\b(?:council|borough|county|city|district|metropolitan|royal)\b", re.IGNORECASE)
# A place's name after a person's title and given names is their surname ("Coun Simon Blackburn",
# "Cllr Jo Bury", "Mr Dudley"), not a council.
_TITLED = re.compile(r"(?<![\w-])(?:Coun|Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Baroness|Professor|Prof)\.?"
                     r"\s+(?:[A-Z][\w'’-]*\.?\s+){0,2}$")


def spans(text: str) -> list[tuple[int, int, Authority]]:
    """(start, end, authority) of each council name in the text, in text order, longest match
    first without overlaps ("Nottinghamshire" is not also "Nottingham"; "North Yorkshire" is not
    also "York")."""
    taken: list[tuple[int, int, Authority]] = []
    matches = [(m.start(), m.end(), a) for pattern, a in _patterns() for m in pattern.finditer(text)
               if not ((_NEWSPAPER.match(text, m.end()) or _INSTITUTION.match(text, m.end())) and not _COUNCIL_WORD.search(m.group(0)))
               and not (m.group(0)[:1].isupper() and _TITLED.search(text, max(0, m.start() - 40), m.start()))]
    for start, end, a in sorted(matches, key=lambda m: (-(m[1] - m[0]), m[0])):
        if any(start < e and s < end for s, e, _ in taken):
            continue
        taken.append((start, end, a))
    return sorted(taken, key=lambda m: m[0])


# Two places sharing their last word, the first left out: "North and West Northamptonshire",
# "East and West Sussex".
_SHARED_NAME = re.compile(r"\b((?:north|south|east|west)(?:[\s-]+(?:east|west))?)\s+(?:and|&)\s+"
                          r"(?:north|south|east|west)(?:[\s-]+(?:east|west))?\s+([A-Za-z]+)", re.IGNORECASE)


def mentioned(text: str) -> list[Authority]:
    """Authorities the text names, each once, in text order (see `spans`), with the first of two
    sharing their last word ("North and West Northamptonshire" names North Northamptonshire too)."""
    found: list[Authority] = []
    for _, _, a in spans(text):
        if a not in found:
            found.append(a)
    for m in _SHARED_NAME.finditer(text):
        for _, _, a in spans(f"{m.group(1)} {m.group(2)}"):
            if a not in found:
                found.insert(0, a)
    return found


def corpus_councils_for(authority: Authority, councils: list[str]) -> list[str]:
    """The corpus council names that are this authority ("Bradford" -> "City of Bradford
    Metropolitan District Council")."""
    out = []
    for council in councils:
        c = fold(council)
        if fold(authority.official) == c or any(
            re.search(rf"(?<![\w-]){re.escape(fold(form))}(?![\w-])", c) for form in (authority.name, *authority.aliases)
            if len(form) > 3
        ):
            out.append(council)
    return out


@lru_cache(maxsize=4096)
def strip_places(text: str) -> str:
    """The text without the authority names in it (so a council's name is not a topic word)."""
    text = _SHARED_NAME.sub(lambda m: " " if spans(f"{m.group(1)} {m.group(2)}") else m.group(0), text)
    # The longest names first, as `spans` reads them: "North Lincs" goes whole, where the shorter
    # "Lincs" taken first would leave "North" behind as a topic word.
    for start, end, _ in reversed(spans(text)):
        text = f"{text[:start]} {text[end:]}"
    for pattern, _ in _patterns():
        text = pattern.sub(" ", text)
    return text


def lowercase_names(text: str, written_as_name: Callable[[str], bool]) -> list[tuple[str, Authority]]:
    """(the word as written, authority) for each council whose name is also an ordinary word
    ("Bury", "Reading") written in lower case in the text, where `written_as_name` says the
    documents only ever write that word as a name (capitalised, never in lower case): there, the
    word can only be the place. Questions are often typed all in lower case."""
    out: list[tuple[str, Authority]] = []
    for a in authorities():
        if not a.ambiguous:
            continue
        for m in re.finditer(rf"(?<![\w-]){re.escape(a.name.lower())}(?:['’]s)?(?![\w-])", text):
            if written_as_name(a.name.lower()):
                out.append((m.group(0), a))
                break
    return out


def misspelt(text: str, is_word: Callable[[str], bool] = lambda word: False) -> list[tuple[str, Authority]]:
    """(the words as written, authority) for each council a question names with a slip in its
    spelling ("Bradfrod", "Nottingam"): a run of words within one edit (a letter added, dropped,
    changed, or two swapped) of an authority's name of six letters or more ("Oldam" for Oldham),
    two edits for a name of nine or more, the nearest name deciding. Never a word the documents
    themselves use (`is_word`), an ambiguous name, or a run as near to two authorities. For
    questions only: documents are not misspelt this way."""
    words = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[A-Za-z]+(?:['’][a-z]+)?", text)]
    out: list[tuple[int, str, Authority]] = []
    taken: list[tuple[int, int]] = []
    for size in (3, 2, 1):  # the longest run first: "windsor and maidenhed" before "maidenhed"
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            start, end = run[0][0], run[-1][1]
            written = text[start:end]
            key = re.sub(r"['’]s$", "", written.lower())
            # Only a run holding a word the documents never use can be a slip; its first and last
            # words are not joining words ("and maidenhed" is not a run to try).
            if (len(key.replace(" ", "")) < 5 or not any(len(w) >= 4 and not is_word(w.lower()) for _, _, w in run)
                    or run[0][2].lower() in _JOINING or run[-1][2].lower() in _JOINING
                    or any(start < e and s < end for s, e in taken)):
                continue
            found = [(_edits(k, f), a) for k in _spellings(key) for n in range(len(k) - 2, len(k) + 3)
                     for f, bag, a in _forms_by_length().get(n, ()) if _within(Counter(k), bag, k, f)]
            # The nearest name decides: "Hertfrdshire" is one edit from Hertfordshire and two from
            # Herefordshire. A run as near to two authorities is left unread.
            nearest = min((d for d, _ in found), default=None)
            near = {a for d, a in found if d == nearest}
            if len(near) == 1:
                out.append((start, written, near.pop()))
                taken.append((start, end))
    return [(written, a) for _, written, a in sorted(out, key=lambda x: x[0])]


_JOINING = {"and", "of", "the", "upon", "on", "in", "with", "&"}


def _spellings(key: str) -> tuple[str, ...]:
    """A run as written and, ending in "boro", the informal spelling of "borough", also spelt out
    ("peterboro" as "peterborough", "middlesboro" as "middlesborough", one slip from the name)."""
    if key.endswith("boro"):
        return key, key + "ugh"
    return (key,)


@lru_cache(maxsize=1)
def _forms_by_length() -> dict[int, tuple[tuple[str, Counter, Authority], ...]]:
    """Every unambiguous authority's names of six letters or more, lower case, with their letters
    counted, by length."""
    out: dict[int, list[tuple[str, Counter, Authority]]] = {}
    for a in authorities():
        if not a.ambiguous:
            for f in dict.fromkeys(x.lower() for x in a.forms()):
                if len(f.replace(" ", "")) >= 6:
                    out.setdefault(len(f), []).append((f, Counter(f), a))
    return {n: tuple(v) for n, v in out.items()}


def _within(letters: Counter, bag: Counter, key: str, form: str) -> bool:
    """Whether `key` is within the allowed edits of `form`. Counting letters first is cheap: each
    edit changes at most one letter's count on each side, so a larger difference rules it out.
    A run of as many words as the name is held to that word by word too: two edits in one short
    word are no slip of a long name ("boro council" is not "york council")."""
    allowed = _allowed(form)
    if max(sum((letters - bag).values()), sum((bag - letters).values())) > allowed:
        return False
    if _edits(key, form) > allowed:
        return False
    written, name = key.split(), form.split()
    return len(written) != len(name) or all(_edits(w, n) <= _allowed(n) for w, n in zip(written, name))


def _allowed(form: str) -> int:
    return 1 if len(form) < 9 else 2


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
