"""How a document's sentence is read when an answer is composed (answer.py): whether it praises,
criticises or both (its polarity), whether it only records the running of a meeting (procedure),
and whether it counts a subject without saying what its members were; and whether it says
something got better or worse, or that there were none of a thing (engine.py, for a question
taking a decline, or the things it asks for, for granted).

The word lists and forms are data, in resources/sentences.toml: the general English of inspection
letters, reports and minutes, each with the reason it holds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ofsted_rag.support import STOP_WORDS, content_words

_WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*|n't")


@dataclass(frozen=True)
class Lexicon:
    """The patterns of resources/sentences.toml, compiled."""

    phrases: dict[str, re.Pattern]       # "positive" / "negative" / "neutral"
    words: dict[str, re.Pattern]         # "positive" / "negative": one word, whole
    negators: frozenset[str]
    window: int
    contrast: frozenset[str]
    clear_marks: int
    # (whole-sentence form, why it is procedural, the housekeeping it records or "")
    procedure: tuple[tuple[re.Pattern, str, str], ...]
    change: dict[str, re.Pattern]        # "worse" / "better"
    in_time: re.Pattern                  # a share done within a time limit
    goes_on: dict[str, re.Pattern]       # "ended" / "ongoing" / "not_ended"
    direction: dict[str, re.Pattern]     # "up" / "down"
    stance: dict[str, re.Pattern]        # "accepted" / "rejected"
    transfer: dict[str, re.Pattern]      # "in" (brought in-house) / "out" (handed to another body)
    chair: dict[str, re.Pattern]         # "by" (who chairs comes after) / "verb" (who chairs comes before)
    chair_stops: frozenset[str]
    frequency: dict[str, re.Pattern]     # "weekly", "monthly", "quarterly", ...
    none_determiners: frozenset[str]
    any_after: frozenset[str]
    none_window: int


def _words_pattern(words: list[str]) -> re.Pattern:
    forms = [re.escape(w[:-1]) + r"[a-z'-]*" if w.endswith("*") else re.escape(w) for w in words]
    return re.compile(r"(?:" + "|".join(forms) + r")")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = tomllib.loads(resources.files("ofsted_rag").joinpath("resources/sentences.toml").read_text("utf-8"))
    pol = data["polarity"]
    return Lexicon(
        phrases={k: re.compile("|".join(f"(?:{p})" for p in pol[f"{k}_phrases"]), re.IGNORECASE)
                 for k in ("positive", "negative", "neutral")},
        words={k: _words_pattern(pol[k]) for k in ("positive", "negative")},
        negators=frozenset(pol["negators"]),
        window=int(pol["negation_window"]),
        contrast=frozenset(pol["contrast"]),
        clear_marks=int(pol["clear_marks"]),
        procedure=tuple((re.compile(f["pattern"], re.IGNORECASE), f["reason"], f.get("housekeeping", ""))
                        for f in data["procedure"]),
        change={k: re.compile(data["change"][k], re.IGNORECASE) for k in ("worse", "better")},
        in_time=re.compile(data["change"]["in_time"], re.IGNORECASE),
        goes_on={k: re.compile(data["change"][k], re.IGNORECASE) for k in ("ended", "ongoing", "not_ended")},
        direction={k: re.compile(data["direction"][k], re.IGNORECASE) for k in ("up", "down")},
        stance={k: re.compile(data["stance"][k], re.IGNORECASE) for k in ("accepted", "rejected")},
        transfer={k: re.compile(data["transfer"][k], re.IGNORECASE) for k in ("in", "out")},
        chair={k: re.compile(data["chair"][k], re.IGNORECASE) for k in ("by", "verb")},
        chair_stops=frozenset(data["chair"]["stops"].split()),
        frequency={k: re.compile(v, re.IGNORECASE) for k, v in data["frequency"].items()},
        none_determiners=frozenset(data["none"]["determiners"]),
        any_after=frozenset(data["none"]["any_after"]),
        none_window=int(data["none"]["none_window"]),
    )


def _fold(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


@dataclass(frozen=True)
class Tone:
    """How many evaluative marks of each polarity a sentence carries, and whether it sets one
    thing against another ("but", "although"), which makes it mixed whatever its words."""

    positive: int
    negative: int
    contrasted: bool = False

    @property
    def polarity(self) -> str | None:
        """"positive" or "negative" when the sentence speaks only one way, else None (neutral or
        mixed)."""
        if self.contrasted:
            return None
        if self.positive and not self.negative:
            return "positive"
        if self.negative and not self.positive:
            return "negative"
        return None

    def opposes(self, polarity: str | None, clearly: bool = False) -> bool:
        """Whether the sentence speaks only the other way from `polarity` (None opposes nothing);
        `clearly`: with at least the lexicon's `clear_marks` marks of that other way."""
        if polarity is None or self.polarity is None or self.polarity == polarity:
            return False
        return not clearly or max(self.positive, self.negative) >= lexicon().clear_marks


def tone(sentence: str) -> Tone:
    """The evaluative marks of a sentence: phrases first (their words are not counted again), then
    single words, each turned round by a negator a few words before it ("not effective")."""
    lex = lexicon()
    text = _fold(sentence)
    counts = {"positive": 0, "negative": 0}
    for kind in ("neutral", "negative", "positive"):
        def blank(m: re.Match, kind: str = kind) -> str:
            if kind != "neutral":
                counts[kind] += 1
            return " " * len(m.group(0))
        text = lex.phrases[kind].sub(blank, text)
    words = _WORD.findall(text.replace("n't", " n't"))
    for i, word in enumerate(words):
        kind = next((k for k, p in lex.words.items() if p.fullmatch(word)), None)
        if kind is None:
            continue
        if any(w in lex.negators for w in words[max(0, i - lex.window):i]):
            kind = "negative" if kind == "positive" else "positive"
        counts[kind] += 1
    return Tone(counts["positive"], counts["negative"], contrasted=any(w in lex.contrast for w in words))


def change(sentence: str) -> str | None:
    """"worse" when a sentence says something declined, stalled or made too little progress;
    otherwise "better" when it says something improved; None when it says neither. Without such
    words, a share of things done within a time limit that went up ("seen within 72 hours in 91%
    of cases, up from 64%") says timeliness got better, and one that went down that it got worse."""
    text = _fold(sentence)
    said = next((k for k in ("worse", "better") if lexicon().change[k].search(text)), None)
    if said or not _PERCENT.search(text) or not (m := lexicon().in_time.search(text)) \
            or _NOT_IN_TIME.search(text[:m.start()]):
        return said
    return {"up": "better", "down": "worse"}.get(direction(sentence))


def goes_on(sentence: str) -> str | None:
    """"ended" when a sentence says something stopped or ended ("stop housing care leavers in
    hostels", "the notice will be withdrawn") and nothing goes on; "ongoing" when it
    says something goes on ("still", "continues to") or denies a stop ("has not stopped"); None
    when it says neither."""
    text = _fold(sentence)
    patterns = lexicon().goes_on
    stops = [m for m in patterns["ended"].finditer(text)]
    if patterns["ongoing"].search(text) or any(patterns["not_ended"].search(text[:m.start()]) for m in stops):
        return "ongoing"
    return "ended" if stops else None


_PERCENT = re.compile(r"\d\s*%|\bper\s*cent\b")
# "not seen within 72 hours": the share is of things late, where more is worse.
_NOT_IN_TIME = re.compile(r"\b(?:not|n't|never|outside|beyond|over|more than|longer than)\s+(?:[\w'-]+\s+){0,3}?$")


_FIGURE = r"(\d[\d,]*(?:\.\d+)?)"
# Figures of a move: "from 40% to 75%", "from 90 in May 2022 to 60"; "62% ... compared with 48%".
_FROM_TO = re.compile(rf"\bfrom\s+{_FIGURE}\s*(?:%|per\s*cent)?\s+(?:[\w,]+\s+){{0,4}}?to\s+{_FIGURE}")
_COMPARED = re.compile(rf"{_FIGURE}\s*(?:%|per\s*cent)[^.;]{{0,100}}?\bcompared\s+(?:with|to)\s+{_FIGURE}\s*(?:%|per\s*cent)")


def direction(sentence: str) -> str | None:
    """"up" when a sentence says a number went up ("had risen from 40% to 75%"), "down" when it
    says one went down; from its words, else from its figures ("from 90 to 60", "62%, compared
    with 48% the year before"). None when it says neither or both."""
    text = _fold(sentence)
    said = {k for k, pattern in lexicon().direction.items() if pattern.search(text)}
    if len(said) == 1:
        return said.pop()
    if said:
        return None
    m = _FROM_TO.search(text) or _COMPARED.search(text)
    if not m:
        return None
    first, second = (float(g.replace(",", "")) for g in m.groups())
    if m.re is _COMPARED:
        first, second = second, first
    return "up" if second > first else "down" if second < first else None


def stance(sentence: str) -> str | None:
    """"accepted" when a sentence says someone accepted, approved or adopted something, "rejected"
    when it says someone turned it down or disputed it; None when it says neither or both ("did
    not accept": a denial of acceptance, read as neither)."""
    return _the_one_kind(lexicon().stance, sentence)


def transfer(text: str) -> str | None:
    """"in" when a sentence says a service was brought (back) in-house, "out" when it says one was
    handed to another body to run ("outsourced", "transferred to a trust"); None when it says
    neither or both."""
    return _the_one_kind(lexicon().transfer, text)


def acronyms(text: str) -> dict[str, str]:
    """The short forms a text defines, each with its words: a capitalised name followed by its
    initials in brackets ("the Eastmere Kinship Carers Network (EKCN)" -> {"EKCN": "Eastmere
    Kinship Carers Network"}). Small joining words ("and", "of") need no letter."""
    found = {}
    for m in re.finditer(r"\(([A-Z][A-Za-z&]{1,9})\)", text):
        letters = [c for c in m.group(1) if c.isupper()]
        words = re.findall(r"[\w'’-]+", text[max(0, m.start() - 200):m.start()])
        named: list[str] = []
        for word in reversed(words):
            if word.lower() in _JOINING and named:
                named.append(word)
                continue
            if not word[0].isupper() or len([w for w in named if w.lower() not in _JOINING]) == len(letters):
                break
            named.append(word)
        named.reverse()
        while named and named[0].lower() in _JOINING:
            named.pop(0)
        parts = [w for w in named if w.lower() not in _JOINING]
        # Hyphenated words give a letter a part ("Asylum-Seeking" -> A S).
        initials = [piece[0].upper() for w in parts for piece in w.split("-") if piece]
        if initials == letters or [w[0].upper() for w in parts] == letters:
            found[m.group(1)] = " ".join(named)
    return found


_JOINING = frozenset("and of for the in on to &".split())


def chairs(text: str) -> list[tuple[str, str]]:
    """(who chairs, what they chair) for each time a text says who chairs something, as written
    ("an improvement board, chaired by Dr Ann Rowe, meets monthly" -> [("Dr Ann Rowe", "")]; "why
    was the DCS made chair of the safeguarding board?" -> [("the DCS", "the safeguarding board")]).
    What is chaired is read only after a chairing verb, up to where another clause begins."""
    lex = lexicon()
    found = []
    for m in lex.chair["by"].finditer(text):
        found.append((_run(text[m.end():], lex.chair_stops), _chaired(text[:m.start()], backwards=True)))
    for m in lex.chair["verb"].finditer(text):
        # "Ann Lee, who chairs", "Ann Lee was appointed chair of": who comes before "who" or the auxiliary.
        before = re.sub(r"(?:,?\s+who|\s+(?:was|were|is|are|has\s+been|had\s+been|have\s+been|will\s+be|would\s+be))\s*$", "",
                        text[:m.start()])
        who = _run(before, lex.chair_stops, backwards=True)
        if m.group(0).lower().startswith("as"):
            # "what did Ann Lee say as chair of ...": what they did stands between them and "as".
            who = re.sub(r"^(.*\b[A-Z][\w'’-]*) [a-z]+$", r"\1", who)
        found.append((who, _chaired(text[m.end():])))
    for m in (m for pattern in _CHAIR_BESIDE_NAME for m in pattern.finditer(text)):
        what = m.groupdict().get("what") or ""
        if not re.search(r"\bvice\W*$", what, re.IGNORECASE):
            found.append((" ".join(m.group("who").split()), " ".join(f"{what} {m.group('of') or ''}".split())))
    return [(who, what) for who, what in found if who]


def _chaired(text: str, *, backwards: bool = False) -> str:
    """What is chaired: the words beside a chairing verb up to a comma, a stop word or a year."""
    part = text.split(",")
    what = _run(part[-1] if backwards else part[0], lexicon().chair_stops, backwards=backwards)
    return re.split(r"\s(?:19|20)\d\d\b", what)[-1 if backwards else 0].strip()


def _run(text: str, stops: frozenset[str], *, backwards: bool = False, most: int = 14) -> str:
    """The words from one end of a text up to the first stop word or mark ending a clause (;:()?
    or quotation marks), at most `most` of them: who chairs, or what they chair."""
    part = re.split(r"[;:()?!\"“”]|\.(?:\s|$)", text)
    words = (part[-1] if backwards else part[0]).split()
    taken: list[str] = []
    for word in reversed(words) if backwards else words:
        if word.lower().strip(",") in stops or len(taken) == most:
            break
        taken.append(word)
    if backwards:
        taken.reverse()
    return " ".join(taken).strip(" ,")


def _the_one_kind(patterns: dict[str, re.Pattern], text: str) -> str | None:
    """The one kind whose pattern a text matches; None when it matches none or several."""
    said = {kind for kind, pattern in patterns.items() if pattern.search(_fold(text))}
    return said.pop() if len(said) == 1 else None


# Where one clause ends and the next begins, for `says_none` and for reading which grade a clause gives.
CLAUSE = re.compile(r"[,;:()–—]|\s-\s|\b(?:but|although|though|however|whereas|while|whilst|yet)\b", re.IGNORECASE)


def says_none(sentence: str, thing: frozenset[str]) -> bool | None:
    """Whether a sentence says there were none of a thing (True), that there were some (False),
    or names no such thing (None). `thing` is its content words as support.content_words gives
    them ("priority actions" -> {"prioriti", "action"}); a clause naming them all speaks of it, and
    denies it when a determiner saying none stands a few words before the first of them."""
    lex = lexicon()
    found = None
    for clause in CLAUSE.split(_fold(sentence)):
        words = _WORD.findall(clause.replace("n't", " n't"))
        stems = [next(iter(content_words(w)), "") for w in words]
        if not thing or not thing <= set(stems):
            continue
        first = min(stems.index(w) for w in thing)
        before = words[max(0, first - lex.none_window):first]
        denied = any(w in lex.none_determiners for w in before) or (
            "any" in before and any(w in lex.any_after for w in words[:first]))
        if not denied:
            return False
        found = True
    return found


def procedural(sentence: str) -> str | None:
    """Why a sentence only records the running of a meeting (apologies, minutes agreed, a paper
    appended or noted), or None when it says something of substance. A form must cover the whole
    sentence, so one that goes on to say more is not procedural."""
    form = _procedure_form(sentence)
    return form[1] if form else None


def frequencies(text: str) -> list[tuple[str, str]]:
    """(how often, as written) for each frequency a text gives ("the board meets monthly" ->
    [("monthly", "monthly")]; "every three months" -> [("quarterly", "every three months")])."""
    return [(key, m.group(0)) for key, pattern in lexicon().frequency.items() for m in pattern.finditer(text)]


def housekeeping(sentence: str) -> str | None:
    """The part of a meeting's running a sentence records and nothing else ("attendance",
    "interests", "minutes", "meeting", "public": the names in sentences.toml), or None. Such a
    sentence answers only a question about that part."""
    form = _procedure_form(sentence)
    return form[2] or None if form else None


def _procedure_form(sentence: str) -> tuple[re.Pattern, str, str] | None:
    text = " ".join(_fold(sentence).split()).rstrip(" .;")
    return next((form for form in lexicon().procedure if form[0].fullmatch(text)), None)


# A count of things, or words that say there were several: "two", "12", "a number of".
_COUNT = (r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
          r"twenty|a number of|several|a few|a series of|various")
# What, after the counted noun, starts to say what the things were: a colon or list, "namely",
# "including", "relating to", "about", "to improve ...", "that ...", "such as", a bracket or dash.
_DETAIL = re.compile(r"[:;(–—]|\s-\s|\b(?:namely|includ\w*|relat\w*|concern\w*|about|regarding|around|cover\w*|"
                     r"focus\w*|in respect of|such as|e\.g|i\.e|that|which|where|whereby|were|was|are|is)\b"
                     r"|\bto (?!(?:the|it|them|us|this|its|their|him|her|council|be)\b)\w+"
                     r"|\bfor \w+ing\b|\bon (?!(?:\d|the \d|january|february|march|april|may|june|july|august|september|"
                     r"october|november|december)\b)\w+", re.IGNORECASE)
# What, right after the noun, says what the things were, for `describes`: a list, a bracket or
# dash, "is/was/were the ...", "was to/for/that/about ...", or one of the words below within
# _WINDOW words. A bare "were directed ..." or "was issued" is not among them: it says something
# about them, not what they were.
_WINDOW = 6
_DESCRIBED = re.compile(r"^\s*(?:[:;(–—]|-\s|(?:is|are|was|were|being)\s+(?:(?:the|a|an|to|that|for|about|on|around)\b))",
                        re.IGNORECASE)
_DETAIL_CUE = re.compile(r"[:(–—]|\b(?:namely|includ\w*|related to|relating to|relates to|concern\w*|about|regarding|"
                         r"in respect of|such as|focus\w* on|covering|covered)\b", re.IGNORECASE)
# A closing remark on a count: "..., which is significant." or "and this was noted."
_REMARK = re.compile(r"^\s*,?\s*(?:which|and this|this)\s+(?:is|was)\s+(?:[\w'’-]+\s+){0,2}[\w'’-]+\s*\.?\s*$",
                     re.IGNORECASE)
_EXISTED = r"(?:were|have been|had been|are)\s+(?:also\s+)?(?:issued|identified|set|raised|made|given|agreed|found|recorded|received|imposed)"


@dataclass(frozen=True)
class Count:
    """A sentence that counts a subject, or says it exists, without saying what its members were:
    `span` is the words that count it ("two Priority Actions"), or None when it only says they
    exist."""

    span: str | None


def counts_without_detail(sentence: str, head: str, after: str = "") -> Count | None:
    """A `Count` when the sentence mentions the plural noun `head` only as a number of things, or
    as things that were issued, identified or made, and says nothing after it of what they were;
    None otherwise (no mention, or a mention that goes on to the detail). `after` is the rest of
    the noun phrase asked about ("for improvement" after "areas"), counted as part of the mention
    when the sentence has it too."""
    text = " ".join(sentence.split())
    h = re.escape(head) + (rf"(?:\s+{re.escape(after)})?" if after else "")
    counted = re.search(rf"\b(?:{_COUNT})\s+(?:[\w'’-]+\s+){{0,3}}?{h}\b", text, re.IGNORECASE)
    existed = re.search(rf"\b{h}\s+{_EXISTED}\b", text, re.IGNORECASE)
    m = counted or existed
    if not m:
        return None
    tail = text[(existed or m).end():]
    # "two actions were issued" says only that they exist; what follows that may still say more.
    tail = re.sub(rf"^\s+{_EXISTED}\b", "", tail, flags=re.IGNORECASE)
    # A closing remark on the count ("..., which is significant.") says nothing of what they were.
    tail = _REMARK.sub("", tail)
    # The mention must be the sentence's only one, and nothing after it may give the detail.
    if len(re.findall(rf"\b{re.escape(head.rstrip('s'))}s?\b", text, re.IGNORECASE)) > 1 or _DETAIL.search(tail):
        return None
    return Count(m.group(0) if counted else None)


def mentions(sentence: str, head: str) -> bool:
    """Whether a sentence names the noun `head`, singular or plural."""
    return bool(re.search(rf"\b{re.escape(head.rstrip('s'))}s?\b", sentence, re.IGNORECASE))


def describes(sentence: str, head: str) -> bool:
    """Whether a sentence starts to say what the things named by `head` are: one of them singled
    out ("the first priority action"), or, within a few words after the noun, a list, "is the ...",
    "was to ...", "related to", "about" and their kin. A sentence that only refers to them ("the
    priority actions were directed at the council") does not."""
    text = " ".join(sentence.split())
    noun = rf"{re.escape(head.rstrip('s'))}s?"
    if re.search(rf"\b(?:first|second|third|fourth|fifth|last|other|another|one of the|each)\s+(?:[\w'’-]+\s+){{0,2}}?{noun}\b",
                 text, re.IGNORECASE):
        return True
    for m in re.finditer(rf"\b{noun}\b", text, re.IGNORECASE):
        window = " ".join(text[m.end():].split()[:_WINDOW])
        if _DESCRIBED.match(" " + window) or _DETAIL_CUE.search(window):
            return True
    return False


# A number counting things ("12 carers", "four priority actions", "up to six beds which ..."):
# the number in figures or words, then the noun phrase it counts, ended by its first plural noun
# within three words. Not a year, a share, a sum, an age or a length of time: those say how much,
# not how many.
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
            "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_COUNTING = re.compile(r"(?<![£$€\w.,/'’-])(?<!level )(?<!grade )(?<!tier )(?<!stage )(?<!phase )(?<!step )(\d{1,3}(?:,\d{3})*|" + "|".join(_NUMBERS) + r")(?![\w%.,'’-]|\s*(?:%|per\s*cent))"
                       r"((?:\s+[“\"‘']?[A-Za-z][\w’'-]*){1,3})", re.IGNORECASE)
_IRREGULAR_PLURALS = frozenset({"children", "people", "men", "women", "staff"})
_NOT_COUNTED = frozenset(content_words("hours days weeks months years minutes times cent percent millions "
                                       "thousands billions pounds miles olds"))


def _plural(word: str) -> bool:
    w = word.lower()
    # An acronym ending in S names a thing ("ILACS", "SEND"), it is no plural.
    return w in _IRREGULAR_PLURALS or (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))
                                       and not word.isupper())


# "One" counting a thing ("contained one priority action", "only one recommendation"), not the
# pronoun ("one of the homes", "no one", "one another", "one-off"): read as the figure 1.
_ONE = re.compile(r"(?<![\w'’-])(?<!\bno )(?<!\bany )(?:only\s+|just\s+|a\s+single\s+)?one(?=\s+(?!of\b|another\b|or\b|and\b|to\b|in\b)[A-Za-z])",
                  re.IGNORECASE)


# What makes a count one of each of something: "in each", "for every", "per".
_EACH = re.compile(r"\s+(?:(?:in|for|at|to)\s+(?:each|every)|per|a\s+(?:week|month|year|day))\b", re.IGNORECASE)


def counts(text: str) -> list[tuple[int, str]]:
    """(number, the noun phrase it counts) for each count of things in a text ("a unit with up
    to six beds" -> (6, "beds"); "three priority actions were set" -> (3, "priority
    actions")). A year or a length of time counts nothing here."""
    found = []
    text = _ONE.sub("1", text)
    for m in _COUNTING.finditer(text):
        said = m.group(1).lower().replace(",", "")
        if re.fullmatch(r"(?:19|20)\d\d", said):
            continue
        words = [w.strip("“\"‘’'") for w in m.group(2).split()]
        end = next((n for n, w in enumerate(words) if _plural(w)), None)
        if end is None and said == "1":
            # One thing named in the singular ("1 priority action"): its noun phrase runs to the
            # first word that is no noun's.
            end = next((n - 1 for n, w in enumerate(words) if w.lower() in STOP_WORDS), len(words) - 1)
            if end < 0:
                continue
        # An age ("the 12 and 13 year olds") counts no things.
        if end is None or content_words(words[end]) & _NOT_COUNTED or any("year" in w.lower() for w in words[:end + 1]):
            continue
        if _EACH.match(text, m.start(2) + m.group(2).find(words[end]) + len(words[end])):
            # "one hub in each locality", "two visits per child": so many of each, no total.
            continue
        found.append((_NUMBERS.get(said) or int(said), " ".join(words[:end + 1])))
    return found


# Who holds which post, as minutes, letters and news write it: a post's name (its head: director,
# lead member, chair ...; what it is of or for after it) beside a person's name. A name with a title
# ("Cllr Pike", "Dr Ann Lee") or two capitalised words ("Tom Bell").
_TITLE = r"(?:Cllrs?|Councillors?|Mr|Mrs|Ms|Miss|Dr|Professor|Sir|Dame)\.?"
_TITLED_NAME = rf"{_TITLE}\s+(?:[A-Z][a-z'’-]+\s+)?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
_NAME = (rf"(?:{_TITLED_NAME}"
         r"|[A-Z][a-z]+\s+(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?)")
_POST_HEAD = (r"(?i:director(?:\s+of\s+children['’]?s\s+services)?|dcs|lead\s+member|cabinet\s+member|executive\s+member"
              r"|portfolio\s+holder|deputy\s+leader|council\s+leader|leader|chair(?:man|woman|person)?|chief\s+executive|commissioner"
              r"|minister|mayor|principal\s+social\s+worker)")
# What the post is of or for: "for Young People and Skills", "of Children's Services"; not the
# title of the name after it ("Lead Member for Schools, Cllr Hale").
_POST_OF = (r"(?:\s+(?i:of|for)\s+(?:the\s+)?[A-Z][\w'’&-]*(?:(?:,\s+|\s+(?i:and|&)\s+|\s+)"
            rf"(?!{_TITLE}\s)[A-Z][\w'’&-]*){{0,5}})?")
_POST = rf"(?P<post>{_POST_HEAD}{_POST_OF})"
# Whose post it is, when said: "Eastmere's", "the council's".
_WHOSE = r"(?:(?:the\s+)?(?:[A-Z][\w-]*\s+){0,3}?[\w-]+['’]s\s+)?"
_POSTS = (
    # "Executive Member Cllr Pike", "children's minister Ann Rowe", "Director of Children's Services Jane Smith"
    re.compile(rf"{_POST},?\s+(?P<name>{_NAME})"),
    # "Jane Smith, Director of Children's Services", "Cllr Ray Hunt, the leader"
    # "Cllr Ray Hunt (Con, Hillside), council leader": a party and ward in brackets may follow the name
    re.compile(rf"(?P<name>{_NAME})(?:\s*\([^()]{{1,40}}\))?,\s+(?:the\s+|its\s+|our\s+|(?i:interim|acting)\s+)?{_POST}"),
    # "Cllr Pike taking over as Cabinet Member ...", "Jane Smith, who became DCS",
    # "Tom Bell was appointed lead member"
    re.compile(rf"(?P<name>{_NAME})(?:,\s+who)?\s+(?:[a-z]+\s+){{0,3}}?(?:as|became|becomes|become|is|was|being|had\s+been|has\s+been"
               rf"|appointed|named)\s+(?:the\s+|its\s+|new\s+|(?i:interim|acting)\s+)?{_WHOSE}{_POST}"),
)


# A person named beside the chair they hold, as attendance lists and minutes' headings give them
# ("Cllr Ann Lee: Chairman of the Task Group", "Dr Sam Hart, Independent Chair of the
# Partnership", "Insp Ray Cole, Youth Justice Board Chair", "the chairman of the task group, Cllr Lee");
# a vice chair is not the chair.
_CHAIR_BESIDE_NAME = (
    re.compile(rf"(?P<who>{_NAME})\s*[,:]\s*(?:the\s+)?(?P<what>(?:[A-Z][\w'’&-]*\s+){{0,5}}?)(?:Independent\s+|Interim\s+)?"
               r"Chair(?:man|woman|person)?\b(?:\s+of\s+(?:the\s+)?(?P<of>[A-Z][\w'’&-]*(?:\s+(?:[A-Z][\w'’&-]*|and|&|for|of)){0,6}))?"),
    re.compile(rf"(?<![Vv]ice )(?<![Vv]ice-)\b(?i:chair(?:man|woman|person)?)\s+of\s+(?:the\s+)?(?P<of>(?:[\w'’&-]+\s+){{0,6}}?[\w'’&-]+),\s+"
               rf"(?P<who>{_NAME})"),
)


def posts_named(text: str) -> list[tuple[str, str]]:
    """(the person's surname, the post as written) for each person a text names beside a post
    ("Cllr Pike taking over as Cabinet Member for Young People" -> [("Pike",
    "Cabinet Member for Young People")])."""
    found = []
    for pattern in _POSTS:
        for m in pattern.finditer(text):
            name = m.group("name").split()
            if not {_bare(w) for w in name} & _NOT_A_NAME:
                found.append((name[-1], " ".join(m.group("post").split())))
    return list(dict.fromkeys(found))


# Capitalised words that name bodies, places' kinds and services, never a person ("Scrutiny Panel").
_NOT_A_NAME = frozenset(
    "panel committee sub-committee board partnership council councils services service trust group forum team scrutiny "
    "children young people education care safeguarding borough county city district cabinet executive member members "
    "families family health social department government ofsted agency authority the".split())


def people_named(text: str) -> list[str]:
    """The people a text names with a title, as written ("Cllr Ray Hunt", "Dr Ann Lee"). Two
    capitalised words alone are too often something else to be read as a person here (a region,
    "the Square Mile", a project's name)."""
    names = [" ".join(m.group(0).split()) for m in re.finditer(_TITLED_NAME, text)]
    return list(dict.fromkeys(n for n in names if not {_bare(w) for w in n.split()} & _NOT_A_NAME))


def name_words(person: str) -> list[str]:
    """A person's name without its title or a possessive ("Cllr Ray Hunt's" -> ["Ray", "Hunt"])."""
    return [re.sub(r"['’]s$", "", w) for w in person.split() if not re.fullmatch(_TITLE, w, re.IGNORECASE)]


def _bare(word: str) -> str:
    """A word in lower case without its possessive ("Children's" -> "children")."""
    return re.sub(r"['’]s?$", "", word.lower())


def post_key(post: str) -> tuple[str, frozenset[str]]:
    """A post as compared: its head, and the content words of what it is of or for ("DCS" and
    "Director of Children's Services" are one post; "leader" and "deputy leader" are not)."""
    folded = _DCS.sub(_DCS_SPELT, " ".join(post.lower().replace("’", "'").split()))
    # "council leader" is the leader of the council.
    folded = re.sub(r"^council\s+leader\b", "leader of the council", folded)
    head = re.match(_POST_HEAD, folded)
    name = " ".join(head.group(0).split()) if head else folded
    return name, frozenset(content_words(folded[head.end():] if head else ""))


_DCS = re.compile(r"\bdcs\b")
_DCS_SPELT = "director of children's services"


def post_words(text: str) -> list[str]:
    """The words of a post or a person as written, in lower case, a post's short forms spelt out
    ("chief exec" -> chief executive, "DCS" -> director of children's services)."""
    folded = re.sub(r"\bexec\b", "executive", _DCS.sub(_DCS_SPELT, text.lower()))
    return [re.sub(r"['’]s$", "", w) for w in re.findall(r"[a-z][a-z'’-]*", folded)]


def post_head(who: str) -> str:
    """The word naming a post or a person, without whose post it is or what it is of or for
    ("Eastmere's director of early help" -> "director", "Dr Ann Lee" -> "lee"); "" for words
    that name no one in particular ("it", "the council", "an independent chair")."""
    bare = re.sub(r"^(?:the\s+)?[\w-]+['’]s\s+", "", who.strip(), flags=re.IGNORECASE)
    bare = re.split(r"\s(?:of|for|on)\s", bare, maxsplit=1, flags=re.IGNORECASE)[0]
    head = next(reversed(post_words(bare)), "")
    return "" if head in _NOBODY else head


# Words naming no one in particular: a question saying "an independent chair" chairs the board
# says nothing of who.
_NOBODY = frozenset("it they he she someone somebody anyone council authority county borough city government "
                    "chair chairman chairwoman chairperson person officer".split())
# Words many posts share, which do not tell one holder from another.
SHARED_POST_WORDS = frozenset(
    "the a an of for and on to council county borough city children childrens services service social "
    "care young people families education executive member director chief lead cabinet portfolio "
    "holder leader deputy chair chairman chairwoman chairperson independent interim acting "
    "commissioner minister mayor principal worker councillor cllr mr mrs ms dr new".split())


def same_post(a: str, b: str) -> bool:
    """Whether two posts as written are the same one: the same head, and what one is of or for
    takes in the other's (a post said without it may be either)."""
    (head_a, of_a), (head_b, of_b) = post_key(a), post_key(b)
    return head_a == head_b and (of_a <= of_b or of_b <= of_a)
