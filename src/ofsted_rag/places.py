"""Which councils a question names, from a gazetteer of English children's-services authorities
(resources/authorities.toml), and which of the corpus's councils they are.

This is what lets the assistant say "the documents I have do not cover Leeds" instead of answering
a question about Leeds with passages about Nottingham.
"""

from __future__ import annotations

import re
import tomllib
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

    def forms(self) -> tuple[str, ...]:
        return (self.name, self.official, *self.aliases)


@lru_cache(maxsize=1)
def authorities() -> tuple[Authority, ...]:
    path = resources.files("ofsted_rag").joinpath("resources/authorities.toml")
    data = tomllib.loads(path.read_text("utf-8"))
    return tuple(
        Authority(a["name"], a.get("official", a["name"]), tuple(a.get("aliases", [])), bool(a.get("ambiguous", False)))
        for a in data.get("authority", [])
    )


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern, Authority], ...]:
    out = []
    for a in authorities():
        for form in sorted(set(a.forms()), key=len, reverse=True):
            body = re.escape(form).replace(r"\ ", r"[\s-]+")
            # A name that is also an ordinary word ("Reading") counts only when capitalised.
            flags = 0 if a.ambiguous and form == a.name else re.IGNORECASE
            out.append((re.compile(rf"(?<![\w-]){body}(?![\w-])", flags), a))
    return tuple(out)


def spans(text: str) -> list[tuple[int, int, Authority]]:
    """(start, end, authority) of each council name in the text, in text order, longest match
    first without overlaps ("Nottinghamshire" is not also "Nottingham"; "North Yorkshire" is not
    also "York")."""
    taken: list[tuple[int, int, Authority]] = []
    matches = [(m.start(), m.end(), a) for pattern, a in _patterns() for m in pattern.finditer(text)]
    for start, end, a in sorted(matches, key=lambda m: (-(m[1] - m[0]), m[0])):
        if any(start < e and s < end for s, e, _ in taken):
            continue
        taken.append((start, end, a))
    return sorted(taken, key=lambda m: m[0])


def mentioned(text: str) -> list[Authority]:
    """Authorities the text names, each once, in text order (see `spans`)."""
    found: list[Authority] = []
    for _, _, a in spans(text):
        if a not in found:
            found.append(a)
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
    for pattern, _ in _patterns():
        text = pattern.sub(" ", text)
    return text
