"""A question, analysed once: the `Query` record that scope, retrieval, rerank, both answerers,
the eval and calibration all read.

What a question is read for, and from where:
- the councils it names (the gazetteer in places.py) and the years it names;
- its topic: the field's terms (resources/vocabulary.toml: "CP" | "child protection") and its other
  content words, council names and question words removed;
- the kind of answer it asks for (resources/questions.toml: a date for "when", a figure for "how
  many", a sum for "how much ... spend", a person or a body for "who");
- whether it asks across councils ("which councils ...");
- a judgement it presumes ("why was X rated inadequate"), which the documents can contradict;
- its parts, when it asks several things ("what grade was given, and when?"), each read as a
  question of its own about the same councils and period;
- the texts it is searched and compared with: the vocabulary-expanded question for retrieval, its
  subject (no council names or question words) and the whole question without council names for
  sentence similarity.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Collection, Sequence, Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from ofsted_rag import places
from ofsted_rag.parsing.metadata import month_number
from ofsted_rag.reading import chairs, counts, frequencies, people_named, posts_named, tone, transfer
from ofsted_rag.support import STOP_WORDS, content_words

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
# A span of years, as councils write their financial and school years ("2006/07", "2020-21",
# "2019 to 2022"): it names each year in it. A date in figures ("2011-12-05") is not one.
# "between 2016 and 2019" names each year from the first to the last too.
_YEAR_SPAN = re.compile(r"\b((?:19|20)\d\d)\s*(?:/|-|\u2013|to)\s*(\d\d|(?:19|20)\d\d)\b(?![-/.]\d)"
                        r"|(?<=between )((?:19|20)\d\d)\s+and\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_LONGEST_SPAN = 10


def years_named(text: str) -> list[int]:
    """The years a text names, in text order, with every year of a span it names."""
    found = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(text)]
    for m in _YEAR_SPAN.finditer(text):
        first, last = int(m.group(1) or m.group(3)), m.group(2) or m.group(4)
        end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
        if first < end <= first + _LONGEST_SPAN:
            found += [(m.start(), year) for year in range(first + 1, end + 1)]
    return list(dict.fromkeys(year for _, year in sorted(found)))


# A month cut short ("Nov", "Sept."): read as a month only with its year, as "mar" or "dec" alone
# may be other words.
_MONTH_SHORT = r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
# A period named as a bound ("before 2023", "since March 2020", "after dec 2021", "until 2019",
# "graded before its March 2021 inspection", "the grade which succeeded its 2019 one"; not
# "after its 2018 visit", which asks what it found) is not the period the question asks about: the
# answer lies on the other side of it, so it does not narrow the search.
_RELATIVE_PERIOD = re.compile(
    r"\b(?:(?:before|prior to|followed|succeeded)\s+(?:the|its|their)\s+|"
    r"(?:before|prior to|until|till|up to|since|after|from)\s+(?:(?:the\s+)?(?:end|start|beginning)\s+of\s+)?)"
    r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|december"
    rf"|(?:{_MONTH_SHORT})\.?),?\s+)?"
    # "from 2016 to 2019" is a span, not a bound.
    r"(?:19|20)\d\d\b(?!\s*(?:to|-|\u2013)\s*(?:19|20)\d\d)", re.IGNORECASE)
# A year that names a law, a reform or a framework rather than a time asked about or written of:
# "the 2014 SEND reforms", "the Children and Families Act 2014", "reforms which came into force
# in 2014", "the framework introduced in 2018".
_LAW = r"(?:reforms?|act|legislation|regulations?|code of practice|framework|white paper|green paper)"
_NAMED_BY_YEAR = re.compile(rf"\b(?:19|20)\d\d\s+(?:[\w'’-]+\s+){{0,2}}?{_LAW}\b|\bact\s+(?:19|20)\d\d\b"
                            rf"|\b{_LAW}\s+(?:(?:which|that)\s+)?(?:came into (?:force|effect)|(?:was|were)\s+introduced"
                            rf"|introduced|took effect)\s+(?:in\s+)?(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d\b", re.IGNORECASE)
_YEARS_AND_MONTHS = re.compile(r"\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|august|"
                               r"september|october|november|december)\b"
                               rf"|\b(?:{_MONTH_SHORT})\.?(?=,?\s+(?:19|20)\d\d\b)",
                               re.IGNORECASE)


@dataclass(frozen=True)
class AreaOutcome:
    """One outcome of a joint inspection of a local area's SEND arrangements (questions.toml
    [area_outcomes]): its key, its name, and how a text and a question say it."""

    key: str
    name: str
    stated: re.Pattern
    said: re.Pattern


@dataclass(frozen=True)
class Cues:
    """The patterns of resources/questions.toml, compiled."""

    question_words: frozenset[str]
    judgement_asking: frozenset[str]
    money_asking: frozenset[str]
    across_councils: re.Pattern
    which_councils: re.Pattern
    presumes_judgement: re.Pattern
    presumes_failure: re.Pattern
    presumes_decline: re.Pattern
    presumes_upgrade: re.Pattern
    presumes_criticism: re.Pattern
    presumes_ongoing: re.Pattern
    presumes_rise: re.Pattern
    presumes_rejection: re.Pattern
    presumes_acceptance: re.Pattern
    presumes_fall: re.Pattern
    # (pattern, relation): "downgraded to X" presumes X (""), "downgraded from X" one "below" X.
    presumes_move: tuple[tuple[re.Pattern, str], ...]
    # (pattern, template): "what caused X to fall?" read as "why did X fall?" (`as_why`).
    reason_asking: tuple[tuple[re.Pattern, str], ...]
    judgement_ranks: tuple[frozenset[str], ...]
    prospective: re.Pattern
    kinds: dict[str, re.Pattern]
    organisation_heads: frozenset[str]
    which_body: re.Pattern
    judgements: dict[str, tuple[str, ...]]
    area_outcomes: tuple[AreaOutcome, ...]
    polarity: dict[str, re.Pattern]
    yes_no: re.Pattern
    procedure: re.Pattern
    housekeeping: dict[str, re.Pattern]
    items: re.Pattern
    found: re.Pattern
    part_boundary: re.Pattern
    part_start: re.Pattern
    setting_clause: re.Pattern


@lru_cache(maxsize=1)
def cues() -> Cues:
    data = tomllib.loads(resources.files("ofsted_rag").joinpath("resources/questions.toml").read_text("utf-8"))
    return Cues(
        question_words=frozenset(content_words(data["question_words"])),
        judgement_asking=frozenset(content_words(data["judgement_asking"])),
        money_asking=frozenset(content_words(data["money_asking"])),
        across_councils=re.compile(data["across_councils"], re.IGNORECASE),
        which_councils=re.compile(data["which_councils"], re.IGNORECASE),
        presumes_judgement=re.compile(data["presumes_judgement"], re.IGNORECASE),
        presumes_failure=re.compile(data["presumes_failure"], re.IGNORECASE),
        presumes_decline=re.compile(data["presumes_decline"], re.IGNORECASE),
        presumes_upgrade=re.compile(data["presumes_upgrade"], re.IGNORECASE),
        presumes_criticism=re.compile(data["presumes_criticism"], re.IGNORECASE),
        presumes_ongoing=re.compile(data["presumes_ongoing"], re.IGNORECASE),
        presumes_rise=re.compile(data["presumes_rise"], re.IGNORECASE),
        presumes_rejection=re.compile(data["presumes_rejection"], re.IGNORECASE),
        presumes_acceptance=re.compile(data["presumes_acceptance"], re.IGNORECASE),
        presumes_fall=re.compile(data["presumes_fall"], re.IGNORECASE),
        presumes_move=tuple((re.compile(data[key], re.IGNORECASE), relation) for key, relation in
                            (("presumes_move_to", ""), ("presumes_fall_from", "below"), ("presumes_rise_from", "above"))),
        reason_asking=tuple((re.compile(e["pattern"], re.IGNORECASE), e["why"]) for e in data["reason_asking"]),
        judgement_ranks=tuple(frozenset(rank) for rank in data["judgement_ranks"]["ranks"]),
        prospective=re.compile(data["prospective"], re.IGNORECASE),
        kinds={k: re.compile(v, re.IGNORECASE) for k, v in data["answer_kind"].items()},
        organisation_heads=frozenset(data["organisation"]["heads"]),
        which_body=re.compile(data["organisation"]["which_body"], re.IGNORECASE),
        judgements={k: tuple(v) for k, v in data["judgements"].items()},
        area_outcomes=tuple(AreaOutcome(k, v["name"], re.compile(v["stated"], re.IGNORECASE),
                                        re.compile(rf"(?P<judgement>{v['said']})", re.IGNORECASE))
                            for k, v in data["area_outcomes"].items()),
        polarity={k: re.compile(data["polarity"][k], re.IGNORECASE) for k in ("negative", "positive")},
        yes_no=re.compile(data["polarity"]["yes_no"], re.IGNORECASE),
        procedure=re.compile(data["asks"]["procedure"], re.IGNORECASE),
        housekeeping={k: re.compile(v, re.IGNORECASE) for k, v in data["housekeeping"].items()},
        items=re.compile(data["asks"]["items"], re.IGNORECASE),
        found=re.compile(data["asks"]["found"], re.IGNORECASE),
        part_boundary=re.compile(data["part_boundary"], re.IGNORECASE),
        part_start=re.compile(data["part_start"], re.IGNORECASE),
        setting_clause=re.compile(data["setting_clause"], re.IGNORECASE),
    )


def form_words(form: str) -> set[str]:
    """A form's content words plus its acronyms ("CP plans" -> {"cp", "plan"})."""
    acronyms = {w.lower() for w in re.findall(r"\b[A-Za-z]{2,6}\b", form) if sum(ch.isupper() for ch in w) >= 2}
    return (content_words(form) | acronyms) or {form.lower()}


@lru_cache(maxsize=1)
def _judgement_words() -> frozenset[str]:
    """The words of the judgements' names, as `passage_words` gives them."""
    return frozenset(passage_words(" ".join(f for forms in cues().judgements.values() for f in forms)))


def passage_words(text: str) -> set[str]:
    """Content words of a text plus its acronyms in lower case ("CP" -> "cp"), and `A_SUM` when it
    states a sum of money ("£2 million")."""
    return content_words(text) | {w.lower() for w in re.findall(r"\b[A-Za-z]{2,6}\b", text) if sum(ch.isupper() for ch in w) >= 2} \
        | ({A_SUM} if _A_SUM.search(text) else set())


# The word a text carries for stating a sum of money, which no text spells.
A_SUM = "£"
_A_SUM = re.compile(r"£\s?\d|\b\d+(?:\.\d+)?\s?(?:million|thousand|pounds|bn|m|k)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Grading:
    """How an item reports the one inspection that gives a grade without naming it: it is dated
    `since` or later, states a grade, and names none of the `ungraded` visits. An undated item is
    read so only when every year it names is `since` or later: one naming an earlier year may
    report the grade of an earlier inspection, whatever later year it also names ("a re-inspection
    is expected in 2018")."""

    since: int
    ungraded: tuple[str, ...] = ()

    # Kept for the items of a few questions' hits: item texts can be long.
    @lru_cache(maxsize=256)
    def reported_by(self, text: str, date: dt.date | None) -> bool:
        years = [date.year] if date else [int(y) for y in _YEAR.findall(text)]
        if not years or min(years) < self.since:
            return False
        if self._names_ungraded_visit(text, max(years)):
            return False
        return bool(judgements_in(text))

    def _names_ungraded_visit(self, text: str, written: int) -> bool:
        """Whether the item names an ungraded visit it may be reporting. One dated more than a
        year before the item was written ("the focused visit of 2020", in a 2023 story) is recalled
        in passing: a story or letter on a visit comes out within the year after it."""
        for form in self.ungraded:
            pattern = r"(?<![\w-])" + re.escape(form).replace(r"\ ", r"[\s-]+") + r"(?![\w-])"
            for m in re.finditer(pattern, text, re.IGNORECASE):
                # Its year: the first after it ("a focused visit in 2020"), else the last before it
                # ("the 2020 focused visit").
                after = _YEAR.findall(text[m.end():m.end() + _VISIT_YEAR_REACH])
                before = _YEAR.findall(text[max(0, m.start() - _VISIT_YEAR_REACH):m.start()])
                year = int(after[0]) if after else int(before[-1]) if before else None
                if year is None or year >= written - 1:
                    return True
        return False


# How far from the name of a visit its year is looked for ("the focused visit held in 2020").
_VISIT_YEAR_REACH = 30


# A clause after the question's ask that sets its scene in time: "who led children's services when
# the council was last rated as needing to improve", "what did the panel fund after the care leavers
# review", "were the plans in place by the time inspectors returned"; says who said it: "...,
# according to the director"; or says which report or visit it means: "how was fostering described in the inspection that judged the council inadequate". Not
# a question opening with "when", nor "... and when?" (a clause opening the question is
# `setting_clause` in questions.toml).
_SETTING_CLAUSE = re.compile(r"(?:(?<=\w)[,\s]+(?:when|after|following|before|since|by\s+the\s+time|according\s+to)|(?:(?<=report)|(?<=letter)|(?<=review)|(?<=visit)"
                             r"|(?<=inspection))\s+(?:that|which))\s+(?=\S+\s+\S)", re.IGNORECASE)


@dataclass(frozen=True)
class Topic:
    """What a question is about: each concept is a set of alternative word sets, one of which a
    text must contain ("care leavers" | "leaving care"; "CP" | "child protection"). `terms` are the
    concepts that are field terms (from the vocabulary)."""

    concepts: tuple[tuple[frozenset[str], ...], ...]
    terms: tuple[tuple[frozenset[str], ...], ...] = ()
    # The terms naming the kind of inspection a document reports ("ILACS"): the words of the
    # sentence's whole item may carry them.
    item_terms: tuple[tuple[frozenset[str], ...], ...] = ()
    # Of the item terms, those naming the one inspection that gives a grade, with how an item
    # reports it by its grade alone.
    gradings: tuple[tuple[tuple[frozenset[str], ...], Grading], ...] = ()
    # The terms of a clause setting the question's scene ("... when the council was last rated as
    # needing to improve"): the sentence's item must name them, the sentence need not.
    setting_terms: tuple[tuple[frozenset[str], ...], ...] = ()

    def grading(self, alts: tuple[frozenset[str], ...]) -> Grading | None:
        return next((g for a, g in self.gradings if a == alts), None)

    def terms_covered(self, words: set[str], named_in_item: Collection = (), item_words: AbstractSet[str] = frozenset()) -> float:
        """The share of the question's field terms that the words carry (1.0 with none); a term
        naming the kind of inspection (one of `item_terms`) may be named by the sentence's item
        instead (`named_in_item`), and so may a term of the clause setting the scene
        (`setting_terms`, named anywhere in `item_words`)."""
        if not self.terms:
            return 1.0
        return sum(1 for alts in self.terms
                   if alts in named_in_item or any(alt <= words for alt in alts)
                   or (alts in self.setting_terms and any(alt <= item_words for alt in alts))) / len(self.terms)

    def coverage(self, words: set[str]) -> float:
        """The share of the question's concepts that the words carry (0.0 with none)."""
        if not self.concepts:
            return 0.0
        return sum(1 for alts in self.concepts if any(alt <= words for alt in alts)) / len(self.concepts)

    def describe(self) -> str:
        return "; ".join("|".join(" ".join(sorted(a)) for a in alts) for alts in self.concepts) or "(none)"


@dataclass(frozen=True)
class Query:
    """One question, analysed. Built by `QueryAnalyser.analyse`; never re-derived downstream."""

    text: str
    councils: tuple[places.Authority, ...]
    years: tuple[int, ...]
    # (year, month) for each "March 2022" the question names: it asks about that month.
    months: tuple[tuple[int, int], ...]
    topic: Topic
    kinds: frozenset[str]
    across_councils: bool
    # The judgement it takes for granted (a key of questions.toml [judgements]) and how the one
    # given stands to it: "" (that one), "below" ("downgraded from outstanding") or "above".
    presumed_judgement: str | None
    # Council names as written with a slip of spelling ("bradfrod"), read as `councils`.
    misread: tuple[str, ...]
    # The question as retrieval searches for it: the text, misspelt council names corrected.
    search_text: str
    # It asks what was planned or expected ("when will ...", "what was due in May"), so a document
    # written before the period it names can answer it.
    prospective: bool
    # (year, month) the earliest period it names begins ("autumn 2020": September 2020), if any.
    starts: tuple[int, int] | None
    expanded: str
    subject: str
    whole: str
    asked_words: frozenset[str]
    # "negative" when it asks what was weak or needed work, "positive" when it asks what was
    # strong or praised, None otherwise (and for yes/no questions, which either kind answers).
    polarity: str | None = None
    # Whether it asks how a meeting ran or what it decided (procedural sentences then answer).
    asks_procedure: bool = False
    # The parts of a meeting's running it asks about ("were any interests declared?" ->
    # {"interests"}); sentences recording only another part are no answer to it.
    housekeeping: frozenset[str] = frozenset()
    # The plural noun phrase whose members it asks for ("what were the key strengths" -> "key
    # strengths"), None when it asks no such thing.
    items: str | None = None
    # What a question asking why it was found takes as found ("why did inspectors find children
    # unsafe?" -> "children unsafe"), None when it asks no such thing.
    found: str | None = None
    # The question as the "why" question it stands for when it asks what caused something ("what
    # led to the unit being closed?" -> "why was the unit closed?"; `as_why`), else its text: what
    # it takes for granted is read from this.
    premise: str = ""
    # What a question asking more than one thing asks in each part ("what grade, and when?"), each
    # analysed as a question of its own about the same councils and period; () when it asks one.
    parts: tuple["Query", ...] = ()

    presumed_relation: str = ""
    # It takes for granted that something got worse or failed to improve ("why have return
    # interviews got worse?"): passages saying only that it improved gainsay it.
    presumes_decline: bool = False
    # It takes for granted that a grade went up ("why was the service upgraded?").
    presumes_upgrade: bool = False
    # It takes for granted that something was criticised ("why was the adoption service
    # criticised?"): passages that only speak well of it gainsay it.
    presumes_criticism: bool = False
    # What it says was criticised (`criticised_subject`), "" when it names nothing or presumes no
    # criticism.
    criticised: str = ""
    # It takes for granted that a number went "up" ("why have referrals to the hub gone
    # up?") or "down"; None when it takes neither for granted.
    presumed_direction: str | None = None
    # The judgements its answer's sentences state (`judgements_sought`).
    sought_judgements: frozenset[str] = frozenset()
    # Grades it names as alternatives to the one it says was given ("rated good or inadequate").
    judgement_alternatives: frozenset[str] = frozenset()
    # The clause saying the judgement it presumes (`presumption_clause`): what that judgement is of.
    judged: str = ""
    # It takes for granted that someone "rejected" something ("why did the cabinet turn down the
    # policy?") or "accepted" it; None when it takes neither for granted (`presumed_stance`).
    presumed_stance: str | None = None
    # It takes for granted that a service was brought in-house ("in") or handed to another body
    # to run ("out"): "why did the borough outsource its fostering service?" (`reading.transfer`).
    presumed_transfer: str | None = None
    # Who it says chairs a body, and that body, as written ("the lead member", "the improvement
    # board" of "why does the lead member chair the improvement board?"; `presumed_chair`).
    chair: tuple[str, str] | None = None
    # The counts it states as facts ("why does the respite unit have ten beds?" -> (10,
    # "beds")), which the documents can contradict (`counts_stated`).
    counted: tuple[tuple[int, str], ...] = ()
    # How often it says as a fact that something happens: (how often, as written), as
    # `reading.frequencies` reads them ("why does the fostering panel sit only every two months?").
    frequency: tuple[tuple[str, str], ...] = ()
    # The posts it says people hold: (surname, post as written) ("why did DCS Ann Lee leave?").
    posts: tuple[tuple[str, str], ...] = ()
    # The people it names, as written ("Cllr Ray Hunt"): the documents answer for them only if
    # they name them.
    people: tuple[str, ...] = ()
    # The regions or areas it asks across ("authorities in Yorkshire", "the Tees Valley's councils"),
    # when it names no council: it asks about every council there.
    regions: tuple[str, ...] = ()

    @property
    def presumed(self) -> str:
        """The presumed judgement as words ("below outstanding"), "" with none."""
        said = judgement_name(self.presumed_judgement) if self.presumed_judgement else ""
        return f"{self.presumed_relation} {said}".strip() if said else ""

    @property
    def presumed_judgements(self) -> frozenset[str]:
        """The judgements any of which would bear out what the question takes for granted."""
        presumed = judgements_presumed(self.presumed_judgement, self.presumed_relation)
        return presumed | self.judgement_alternatives if presumed else presumed

    @property
    def area_terms(self) -> tuple[tuple[frozenset[str], ...], ...]:
        """The field terms naming the area of work it asks about ("child protection"): not the
        kind of inspection, a judgement's name ("RI"), a term of a clause setting its scene, nor,
        when it presumes a judgement, a term outside the clause saying so."""
        judgement = _judgement_words()
        # A presumed judgement is of what its own clause names: "the inspection that judged the
        # council inadequate" grades the council, whatever else the question asks about.
        judged = passage_words(self.judged) if self.judged else None
        return tuple(alts for alts in self.topic.terms
                     if alts not in self.topic.item_terms and alts not in self.topic.setting_terms
                     and not any(alt <= judgement for alt in alts)
                     and (judged is None or any(alt <= judged for alt in alts)))

    @property
    def presumes_downgrade(self) -> bool:
        """It takes for granted that a grade fell ("why was it downgraded?", "why did its rating
        drop?"): a council given only the top grade was not moved down to it."""
        return self.presumes_decline and (
            any("downgrad" in m.group(0).lower() for m in cues().presumes_decline.finditer(self.premise or self.text))
            or bool(passage_words(self.premise or self.text) & RATING_WORDS))

    def _concepts_besides(self, words: AbstractSet[str]) -> tuple[tuple[frozenset[str], ...], ...]:
        """Its concepts but the kind of inspection, a clause setting the scene, and those that
        name any of `words` (the words saying what happened to the rest)."""
        return tuple(alts for alts in self.topic.concepts
                     if alts not in self.topic.item_terms and alts not in self.topic.setting_terms
                     and not any(alt & words for alt in alts))

    @property
    def declined(self) -> tuple[tuple[frozenset[str], ...], ...]:
        """The concepts a question taking a decline for granted says declined ("front", "door" of
        "why did the front door get worse?"): not the words saying so, the kind of inspection, nor
        a clause setting the scene. () when it presumes no decline."""
        if not self.presumes_decline:
            return ()
        said: set[str] = set()
        for m in cues().presumes_decline.finditer(self.premise or self.text):
            said |= content_words(m.group(0))
        return self._concepts_besides(said)

    @property
    def decided(self) -> tuple[tuple[frozenset[str], ...], ...]:
        """The concepts a question taking a stance for granted says were accepted or turned down
        ("cabinet", "policy" of "why did the cabinet turn down the policy?"): not the words of
        deciding, nor a clause setting the scene. () when it presumes no stance."""
        if not self.presumed_stance:
            return ()
        return self._concepts_besides(_DECIDING)

    @property
    def transferred(self) -> tuple[tuple[frozenset[str], ...], ...]:
        """The concepts a question taking a transfer for granted says were moved ("fostering",
        "service" of "why did the borough outsource its fostering service?"): not the words of
        moving, nor a clause setting the scene. () when it presumes no transfer."""
        if not self.presumed_transfer:
            return ()
        return self._concepts_besides(_TRANSFERRING | _DECIDING)

    @property
    def moved(self) -> tuple[tuple[frozenset[str], ...], ...]:
        """The concepts a question taking a direction for granted says moved ("referrals", "hub"
        of "why have referrals to the hub gone up?"): not the words of moving, nor a
        clause setting the scene. () when it presumes no direction."""
        if not self.presumed_direction:
            return ()
        return self._concepts_besides(_MOVING)

    @property
    def continued(self) -> tuple[tuple[frozenset[str], ...], ...]:
        """The concepts a question taking for granted that something goes on says go on
        ("care", "leavers", "hostels" of "why is the borough still housing care leavers in
        hostels?"): not the words saying it goes on, nor the doing said to go on
        (a page may say it stopped in other words), the kind of inspection or a clause setting the
        scene. () when it presumes nothing goes on."""
        m = ongoing_presumed(self.premise or self.text, self.across_councils)
        if m is None:
            return ()
        said = content_words(" ".join(w for w in (m.group("ongoing"), m.group("verb")) if w))
        return self._concepts_besides(said)

    @property
    def forms(self) -> tuple[str, str]:
        """The two texts a sentence is compared with: the subject and the whole question."""
        return (self.subject, self.whole)

    def describe(self) -> str:
        bits = [f"topic: {self.topic.describe()}"]
        if self.councils:
            bits.append("councils: " + ", ".join(a.name for a in self.councils)
                        + (f" (read from {', '.join(repr(w) for w in self.misread)})" if self.misread else ""))
        if self.regions:
            bits.append("councils in: " + ", ".join(self.regions))
        if self.months:
            bits.append("months: " + ", ".join(f"{MONTH_NAMES[m - 1]} {y}" for y, m in self.months))
        elif self.years:
            bits.append("years: " + ", ".join(map(str, self.years)))
        if self.kinds:
            bits.append("asks for: " + ", ".join(sorted(self.kinds)))
        if self.across_councils:
            bits.append("across councils")
        if self.presumed_judgement:
            bits.append(f"presumes: {self.presumed}")
        if self.presumes_decline:
            bits.append("presumes: a decline")
        if self.presumes_upgrade:
            bits.append("presumes: an upgrade")
        if self.presumes_criticism:
            bits.append("presumes: a criticism")
        if self.continued:
            bits.append("presumes: it goes on")
        if self.prospective:
            bits.append("asks what was planned")
        if self.polarity:
            bits.append(f"polarity: {self.polarity}")
        if self.asks_procedure:
            bits.append("about procedure")
        if self.items:
            bits.append(f"asks what the {self.items} were")
        if self.parts:
            bits.append("parts: " + " | ".join(p.text for p in self.parts))
        return "; ".join(bits)


class QueryAnalyser:
    """Turns a question into a `Query`, with the field's vocabulary (retrieve.Vocabulary)."""

    def __init__(self, vocabulary, *, is_word: Callable[[str], bool] | None = None,
                 held: Callable[[places.Authority], bool] | None = None,
                 written_as_name: Callable[[str], bool] | None = None) -> None:
        """`is_word`: whether the documents use a word (so it is no misspelt council name);
        `held`: whether anything stored names an authority; `written_as_name`: whether the
        documents write a word only as a name, never in lower case. Without them, misspelt council
        names, and council names that are also words typed in lower case ("bury"), are not read."""
        self.vocabulary = vocabulary
        self.is_word = is_word
        self.held = held
        self.written_as_name = written_as_name

    def analyse(self, question: str) -> Query:
        query = self._analyse(" ".join(question.split()))
        prefix, clauses = question_parts(query.text)
        if len(clauses) < 2:
            # "how were the IRO service and the MASH described?" asks about each field term
            # it joins: a sentence on the IRO service and another on the MASH answer it between them.
            clauses = self._subjects(query.text)
            prefix = ""
        if len(clauses) < 2:
            return query
        return replace(query, parts=tuple(self._part(query, prefix, clause) for clause in clauses))

    def _subjects(self, text: str) -> list[str]:
        """The question once for each of the field terms it joins by "and", "or" or commas ("the
        EDT and care leavers" -> "the EDT", "care leavers"); [] when it joins none."""
        spans: list[tuple[int, int]] = []
        for start, end, _ in sorted(self.vocabulary.matches(text), key=lambda m: (m[0], m[0] - m[1])):
            if not spans or start >= spans[-1][1]:
                spans.append((start, end))
        for n in range(len(spans) - 1):
            chain = [spans[n]]
            for following in spans[n + 1:]:
                if not _JOIN.fullmatch(text[chain[-1][1]:following[0]]):
                    break
                chain.append(following)
            if len(chain) >= 2:
                head, tail = text[:chain[0][0]], text[chain[-1][1]:]
                return [f"{head}{text[start:end]}{tail}" for start, end in chain]
        return []

    def _part(self, whole: Query, prefix: str, clause: str) -> Query:
        """One part of a question asking several things: read with the words before its first part
        ("Barsetshire's 2019 visit - ..."), about the whole question's councils and period, its text
        the part as asked. A part about nothing, with no words before it either ("... and
        when?"), keeps the whole question's topic and asks only for its own kind of answer; one
        read with words before it ("X's annual conversation - which month, and who took part?")
        is about what they name, not about what the other parts ask."""
        part = self._analyse(f"{prefix} {clause}".strip())
        if not part.topic.concepts:
            part = replace(part, topic=whole.topic, subject=whole.subject, whole=whole.whole, expanded=whole.expanded,
                           search_text=whole.search_text)
        return replace(part, text=clause, councils=whole.councils, misread=whole.misread,
                       years=part.years or whole.years, months=part.months or whole.months,
                       starts=part.starts or whole.starts, across_councils=whole.across_councils,
                       presumed_judgement=whole.presumed_judgement, presumed_relation=whole.presumed_relation,
                       presumes_decline=whole.presumes_decline, presumes_upgrade=whole.presumes_upgrade,
                       presumes_criticism=whole.presumes_criticism,
                       sought_judgements=whole.sought_judgements, judgement_alternatives=whole.judgement_alternatives)

    def _analyse(self, text: str) -> Query:
        c = cues()
        # A region or area named ("Greater Manchester") is not the council its name holds.
        regions = places.region_spans(text)
        named = [(a, any(rs <= s and e <= r_end for rs, r_end, _ in regions)) for s, e, a in places.spans(text)]
        swallowed = {a for a, inside in named if inside} - {a for a, inside in named if not inside}
        councils = tuple(a for a in places.mentioned(text) if a not in swallowed)
        # What it is about and what it takes for granted are read from the "why" question it
        # stands for: "what caused" asks, as "why" does, and names nothing it is about.
        premise = as_why(text)
        blanked = premise
        for start, end, _ in reversed(places.region_spans(premise)):
            blanked = f"{blanked[:start]} {blanked[end:]}"
        stripped = places.strip_places(blanked)
        # Searched for by the name documents write: a council named by an abbreviation or initials
        # ("Notts", "ESCC") is searched for by its place name, which the documents use.
        search = text
        for start, end, authority in reversed(places.spans(text)):
            if authority.name.lower() not in text[start:end].lower():
                search = search[:start] + authority.name + search[end:]
        misread: tuple[str, ...] = ()
        if self.written_as_name is not None and self.held is not None:
            # "what is bury doing ...": a held council whose name the documents only write as a
            # name is that council, typed in lower case.
            for written, authority in places.lowercase_names(text, self.written_as_name):
                if self.held(authority) and authority not in councils:
                    councils = (*councils, authority)
                    stripped = re.sub(rf"(?<![\w-]){re.escape(written)}(?![\w-])", " ", stripped)
        if not councils and self.is_word is not None and self.held is not None:
            # A council named with a slip of spelling is read as that council only when the
            # store holds it: a guess never makes the answer "they do not cover ...".
            found = [(w, a) for w, a in places.misspelt(text, self.is_word) if self.held(a)]
            councils = tuple(dict.fromkeys(a for _, a in found))
            misread = tuple(w for w, _ in found)
            for written, authority in found:
                stripped = stripped.replace(written, " ")
                # Searched for as it is spelt in the documents.
                possessive = "'s" if re.search(r"['’]s$", written) else ""
                search = search.replace(written, authority.name + possessive)
        kinds = answer_kinds(text)
        # One council named in a question asking which councils is a relation of those asked for.
        across = bool(c.across_councils.search(text)) and (len(councils) != 1 or bool(c.which_councils.search(text)))
        # Named with no council, a region asks about its councils, as "which councils" does.
        in_regions = () if councils else tuple(dict.fromkeys(name for *_, name in regions))
        across = across or bool(in_regions)
        # The periods asked about, not those named as bounds ("since 2019") or naming a law or
        # reform ("the 2014 SEND reforms", "the Children Act 1989").
        periods = _NAMED_BY_YEAR.sub(" ", _RELATIVE_PERIOD.sub(" ", text))
        # A grade said in other words ("the top grade", "the lowest rating") is read as the grade.
        graded = self.vocabulary.said_as(premise, c.judgements)
        presumed = presumed_judgement(graded)
        criticism = presumes_criticism(premise, across)
        return Query(
            text=text,
            councils=councils,
            years=tuple(years_named(periods)),
            months=months_in(periods),
            topic=self.topic(stripped, kinds),
            kinds=kinds,
            across_councils=across,
            presumed_judgement=presumed[0],
            presumed_relation=presumed[1],
            presumes_decline=presumes_decline(premise, across),
            presumes_upgrade=presumes_upgrade(premise, across),
            presumes_criticism=criticism,
            criticised=criticised_subject(stripped) if criticism else "",
            presumed_direction=presumed_direction(premise, across),
            sought_judgements=(sought := judgements_sought(graded)) and sought | judgement_alternatives(graded),
            judgement_alternatives=judgement_alternatives(graded),
            judged=presumption_clause(graded) if presumed[0] else "",
            regions=in_regions,
            counted=counts_stated(premise, across),
            frequency=frequency_stated(premise, across),
            posts=posts_presumed(premise, across),
            people=tuple(people_named(text)),
            presumed_stance=presumed_stance(premise, across),
            presumed_transfer=presumed_transfer(premise, across),
            chair=presumed_chair(premise, across),
            misread=misread,
            search_text=search,
            prospective=bool(c.prospective.search(text)),
            starts=period_start(periods),
            expanded=self.vocabulary.expand(search),
            subject=self._subject(stripped, text),
            whole=" ".join(self._expand(stripped).split()),
            asked_words=frozenset(w.lower() for w in re.findall(r"[A-Za-z]+", self._expand(text))),
            polarity=question_polarity(text, kinds),
            asks_procedure=bool(c.procedure.search(text)),
            housekeeping=frozenset(k for k, p in c.housekeeping.items() if p.search(text)),
            items=None if across or kinds else items_asked(text),
            found=None if across else (m.group("thing") if (m := c.found.search(premise)) else None),
            premise=premise,
        )

    def topic(self, text: str, kinds: frozenset[str] = frozenset()) -> Topic:
        """Vocabulary phrases as groups of equivalent forms, then the remaining content words. In a
        question asking for a judgement, a word asking for one ("rating") is said by any of those
        words or any grade's name."""
        concepts: list[tuple[frozenset[str], ...]] = []
        item_terms: list[tuple[frozenset[str], ...]] = []
        gradings: list[tuple[tuple[frozenset[str], ...], Grading]] = []
        taken: list[tuple[int, int]] = []
        for start, end, forms in sorted(self.vocabulary.matches(text), key=lambda m: m[0] - m[1]):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            concepts.append(tuple(frozenset(form_words(f)) for f in forms if form_words(f)))
            if self.vocabulary.item_term(forms):
                item_terms.append(concepts[-1])
                if graded := self.vocabulary.graded(forms):
                    gradings.append((concepts[-1], Grading(*graded)))
        # An ordinal names one of a series ("the third monitoring visit"): evidence about another
        # of the series does not answer, so it is held to like a field term. Like a clause setting
        # the scene, it says which visit the item is about: the sentence's item must name it, the
        # sentence need not ("the summer visit looked at ...", in a story on the second visit).
        ordinals = []
        for m in _ORDINAL.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                taken.append((m.start(), m.end()))
                concepts.append(tuple(frozenset([w]) for w in _ORDINAL_FORMS[m.group(0).lower()]))
                ordinals.append(concepts[-1])
        terms = tuple(x for x in concepts if x)
        setting = _SETTING_CLAUSE.search(text)
        opening = cues().setting_clause.match(text)
        setting_terms = tuple(concepts[n] for n, (start, _) in enumerate(taken) if concepts[n] and (
            (setting and start >= setting.start()) or (opening and start < opening.end())))
        setting_terms += tuple(x for x in ordinals if x not in setting_terms)
        rest = "".join(" " if any(s <= i < e for s, e in taken) else ch for i, ch in enumerate(text))
        rest = _YEARS_AND_MONTHS.sub(" ", rest)
        words = sorted(content_words(rest) - cues().question_words)
        asking = cues().judgement_asking if "judgement" in kinds else frozenset()
        said_as = tuple(frozenset([w]) for w in sorted(asking)) + tuple(
            frozenset(passage_words(f)) for forms in cues().judgements.values() for f in forms) + tuple(
            frozenset(passage_words(o.name)) for o in cues().area_outcomes)
        money = cues().money_asking if "money" in kinds else frozenset()
        sum_said = tuple(frozenset([w]) for w in sorted(money)) + (frozenset([A_SUM]),)
        concepts.extend(said_as if w in asking else sum_said if w in money else (frozenset([w]),) for w in words)
        # A plain word named only in a clause setting the scene ("after the March inspection")
        # sets it too, as a field term there does.
        lo, hi = (opening.end() if opening else 0), (setting.start() if setting else len(rest))
        if lo or hi < len(rest):
            asked = content_words(rest[lo:hi])
            setting_terms += tuple((frozenset([w]),) for w in words if w not in asked)
        return Topic(tuple(x for x in concepts if x), terms, tuple(x for x in item_terms if x),
                     tuple((a, g) for a, g in gradings if a), setting_terms)

    def _subject(self, stripped: str, text: str) -> str:
        """The question's subject, without council names and question words (the framing of a
        question asking what Ofsted said would make every sentence naming Ofsted look relevant),
        acronyms spelt out (the model knows "safeguarding hub", not "MASH")."""
        words = re.findall(r"[\w'’-]+", stripped)
        kept = [w for w in words if w.lower() not in STOP_WORDS and (
            (w.isupper() and len(w) >= 2) or not (content_words(w) <= cues().question_words))]
        return " ".join(self._expand(" ".join(kept) or text).split())

    def _expand(self, text: str) -> str:
        return f"{text} {' '.join(self.vocabulary.expansions(text))}"


# What joins field terms in a list: "and", "or", "&", "/" or commas, a determiner after it.
_JOIN = re.compile(r"\s*(?:,\s*(?:and|or|&)?|and|or|&|/)\s*(?:(?:the|its|their|our|his|her)\s+)?", re.IGNORECASE)


def question_parts(question: str) -> tuple[str, list[str]]:
    """A question split where it starts asking something more ("what grade was given, and when?"):
    the words before its first part that ask nothing themselves, which belong to every part, and its
    parts. One part for a question asking one thing."""
    c = cues()
    pieces = [p.strip() for p in c.part_boundary.split(question) if p.strip(" ,;:-–—?")]
    prefix = ""
    if pieces and (not c.part_start.match(pieces[0]) or c.setting_clause.match(question)):
        prefix = pieces.pop(0).strip(" ,;:-–—")
    return prefix, pieces


def answer_kinds(question: str) -> frozenset[str]:
    """The kinds of answer a question asks for; "person" and "organisation" refine "who"."""
    c = cues()
    # "When X was inspected, what did it find?" asks what the clause after the comma asks.
    question = c.setting_clause.sub("", question)
    kinds = {k for k, pattern in c.kinds.items() if k != "share" and pattern.search(question)}
    if "judgement" in kinds and (scene := _SETTING_CLAUSE.search(question)) \
            and not c.kinds["judgement"].search(question[:scene.start()]):
        # "Which partner was named after the inadequate judgement?": a judgement named only in the
        # clause setting the scene says when, not what is asked for.
        kinds.discard("judgement")
    if c.kinds["share"].search(question):
        kinds.discard("money")
    if "money" in kinds and not c.kinds["money"].search(_ABOUT.sub("", question)):
        # "what did the group say about the budget?": money is what it is about, not what it asks.
        kinds.discard("money")
    if "count" in kinds:
        kinds.add("number")
    if "person" in kinds:
        kinds.add("who")
    if c.which_body.search(question) and not c.across_councils.search(question):
        # "which charity runs the advocacy service?" asks for a body by its name ("named"): "run by
        # a local charity" does not say which.
        kinds |= {"who", "named"}
    if "who" in kinds and (_asks_for_organisation(question) or c.which_body.search(question)):
        kinds.add("organisation")
        kinds.discard("person")
    if "person" in kinds and _WHO_IS_DOING.search(question):
        # "who was running the service?", "who is taking over?": "is" helps a verb, and a body
        # does things as often as a person ("the county council", "a new trust").
        kinds.discard("person")
    if "person" in kinds and (m := _WHO_IS_WHAT.search(question)) and _ENDS_IN_PREPOSITION.search(question) \
            and not _ANOTHER_CLAUSE.search(question[m.end(1):].rstrip(" ?.!")):
        # "who was the review carried out with?", "who were the papers sent to?": "was" helps a
        # passive verb and "who" is the object of the last word, which a body answers as often as a
        # person ("with the health trust", "to the scrutiny panel"). Not when the preposition ends
        # another clause ("who was the director that the letter went to?" asks for the director).
        kinds.discard("person")
    if "judgement" in kinds and kinds & {"who", "date", "number", "money", "statement"}:
        # "Who is the cabinet member quoted on the outstanding rating?" names a judgement but asks
        # for a person: the question word decides what kind of answer it wants.
        kinds.discard("judgement")
    return frozenset(kinds)


_WHO_IS_WHAT = re.compile(r"^\s*who(?:'s| is| are| was| were)\s+(.*?)(?:\s+(?:under|at|in|for|of|on|with|from|to|by|"
                          r"within|during|behind|that|which|who)\b|[?.!]|$)", re.IGNORECASE)


# "who is/was" before a verb's -ing form: a progressive verb, not a role asked for.
_WHO_IS_DOING = re.compile(r"^\s*who(?:'s| is| are| was| were)\s+(?:now\s+|currently\s+|still\s+)?(?:being\s+)?[a-z]+ing\b(?!['’])",
                           re.IGNORECASE)


# A question ending in a preposition, whose object "who" is.
_ENDS_IN_PREPOSITION = re.compile(r"\b(?:to|by|with|between|from|for|among|against|on|at|of|about)\s*[?.!]*\s*$",
                                  re.IGNORECASE)


# Where another clause or part of a question starts: a relative word, "and", a punctuation mark.
_ANOTHER_CLAUSE = re.compile(r"\b(?:that|which|who|whom|whose|when|where|while|because|if|and)\b|[,;:()]", re.IGNORECASE)


# "about ..." to the end of a question: the topic it asks about.
_ABOUT = re.compile(r"\babout\b.*$", re.IGNORECASE)


def _asks_for_organisation(question: str) -> bool:
    """"who is the partner authority under ...?" asks for a body (a council, an agency), whose name
    is not a person's: the head of the phrase after "who is" says which."""
    m = _WHO_IS_WHAT.search(question)
    words = re.findall(r"[a-z]+", m.group(1).lower()) if m else []
    return bool(words) and words[-1] in cues().organisation_heads


def question_polarity(question: str, kinds: frozenset[str] = frozenset()) -> str | None:
    """"negative" for a question asking what was weak, needed work or caused concern; "positive"
    for one asking what was strong or praised; None for one asking neither or both, a yes/no
    question (a sentence of either polarity answers it) and one asking for a judgement (whatever
    the judgement was is the answer)."""
    c = cues()
    if c.yes_no.search(question) or "judgement" in kinds:
        return None
    found = [k for k, pattern in c.polarity.items() if pattern.search(question)]
    return found[0] if len(found) == 1 else None


_NOT_PLURAL = re.compile(r"(?:ss|us|is|['’]s)$", re.IGNORECASE)


# Words after which a noun phrase's "for"/"of" postmodifier ends ("areas for improvement in the
# letter" -> "areas for improvement").
_PHRASE_ENDS = frozenset(STOP_WORDS) | {"did", "do", "does", "were", "was", "are", "is", "has", "have", "had",
                                        "in", "at", "by", "from", "on", "since", "after", "before", "during"}


def items_asked(question: str) -> str | None:
    """The plural noun phrase whose members a question asks for: up to its first plural noun
    within four words of "what were (the)" or "which ... did", with a "for"/"of" phrase after it
    ("areas for improvement"). A possessive ("the council's plans") is part of the phrase, not its
    head; a council or other body is a place to look, not a thing listed (which councils ... asks
    across councils)."""
    m = cues().items.search(question)
    if not m:
        return None
    words = re.findall(r"[\w'’-]+", m.group("after") or m.group("before") or "")
    for n, word in enumerate(words[:4]):
        if word.lower().endswith("s") and not _NOT_PLURAL.search(word) and len(word) > 3:
            if word.lower() in cues().organisation_heads:
                return None
            phrase = words[:n + 1]
            if n + 1 < len(words) and words[n + 1].lower() in ("for", "of"):
                tail = []
                for w in words[n + 2:n + 5]:
                    if w.lower() in _PHRASE_ENDS:
                        break
                    tail.append(w)
                if tail:
                    phrase += [words[n + 1], *tail]
            return " ".join(phrase)
    return None


def items_head(items: str) -> str:
    """The head of a noun phrase `items_asked` gave: its plural noun ("areas" of "two areas for
    improvement")."""
    return next(w for w in items.split() if w.lower().endswith("s") and not _NOT_PLURAL.search(w) and len(w) > 3)


def judgement_name(key: str) -> str:
    """A judgement's key as words after "judged": "requires improvement", "performing poorly";
    an area SEND outcome's name ("inconsistent experiences and outcomes")."""
    outcome = next((o for o in cues().area_outcomes if o.key == key), None)
    return outcome.name if outcome else key.replace("performs_", "performing_").replace("_", " ")


def judgement_scale(key: str) -> str:
    """The scale a judgement is given on: "area SEND" for the outcomes of a joint inspection of a
    local area's SEND arrangements, "services" for the grades of a council's children's services. A
    grade on one scale neither bears out nor gainsays one on the other."""
    return "area SEND" if any(o.key == key for o in cues().area_outcomes) else "services"


def presumed_judgement(question: str) -> tuple[str | None, str]:
    """The Ofsted judgement a question takes for granted ("why was it rated inadequate?",
    "why was it downgraded to requires improvement?"), as the key of resources/questions.toml
    [judgements], and its relation to the judgement given: "" (that one), "below" ("why was it
    downgraded from outstanding?") or "above" ("upgraded from inadequate")."""
    c = cues()
    named = _judgement_named(question)
    if named is None:
        return ("inadequate" if c.presumes_failure.search(question) else None), ""
    m, relation = named
    if _asked_whether(question, m.start()):
        # "what was the overall grade, and was any area rated outstanding?" asks whether one was.
        return None, ""
    if _WHICH_PART.search(question[:m.end()]):
        # "which judgement was only good?", "which area was rated outstanding?" take for granted
        # that some part was given it, which the council's overall judgement cannot gainsay.
        return None, ""
    if _COUNTED.search(presumption_clause(question)):
        # "what share of the borough's schools are rated good?", "of the homes judged inadequate,
        # how many were closed?": the grade sorts the things counted, it is no judgement of the
        # council taken for granted.
        return None, ""
    return _judgement_key(m), relation


# A further grade named as an alternative to the first ("rated good in 2017 or inadequate in
# 2019", "judged good or outstanding"): after an optional time, "or" or "and", and the grade.
_ALTERNATIVE_GRADE = re.compile(
    r"\A[\"'’”]?(?:\s+(?:in|at|by|during|since|after|before|from)\s+(?:[\w'’-]+\s+){0,2}?[\w'’-]+)?\s*,?\s*(?:or|and|and/or)\s+"
    r"(?:(?:was|were|been|being|is|are)\s+)?(?:(?:rated|judged|graded|deemed)\s+)?(?:as\s+)?(?:an?\s+)?[\"'‘“]?"
    r"(?P<judgement>outstanding|good|requires improvement|requiring improvement|inadequate|failing)\b", re.IGNORECASE)


def judgement_alternatives(question: str) -> frozenset[str]:
    """The grades a question names as alternatives to the one it says was given ("which boroughs
    rated good in 2017 or inadequate in 2019 ..."): any of them bears out what it takes for granted."""
    named = _judgement_named(question)
    if named is None:
        return frozenset()
    found: set[str] = set()
    rest = question[named[0].end():]
    while (m := _ALTERNATIVE_GRADE.search(rest)) and (key := _judgement_key(m)):
        found.add(key)
        rest = rest[m.end():]
    return frozenset(found)


def _asked_whether(question: str, at: int) -> bool:
    """Whether a later part of a question, the one holding position `at`, asks whether something
    is so ("what was the overall grade, and was any area rated outstanding?"): it takes nothing
    for granted, and the part before it asks something else plainly. (A question that only asks
    whether a grade was given is answered by the grade stated, as a presumption is.)"""
    c = cues()
    starts = [b.end() for b in c.part_boundary.finditer(question) if b.end() <= at]
    # The part before must ask something itself: "Leeds - was it rated good?" is one question.
    return (bool(starts) and bool(c.part_start.match(question[:min(starts)]))
            and bool(c.yes_no.match(question[max(starts):])))


def presumption_clause(question: str) -> str:
    """The clause saying the judgement a question takes for granted: "why was child protection
    rated inadequate" of "... when care leavers were praised?", "that judged the council
    inadequate" of "how was fostering described in the inspection that judged the council
    inadequate?" (the council's grade, not fostering's); "" when it presumes none."""
    named = _judgement_named(question)
    m = named[0] if named else cues().presumes_failure.search(question)
    if m is None:
        return ""
    starts = [b.end() for b in _CLAUSE_BOUNDARY.finditer(question[:m.start()])]
    end = next((m.end() + b.start() for b in _CLAUSE_BOUNDARY.finditer(question[m.end():])), len(question))
    return question[max(starts, default=0):end].strip()


# Where a clause of a question begins: a relative or subordinate word, or a punctuation mark.
_CLAUSE_BOUNDARY = re.compile(r"\b(?:that|which|who|whom|whose|when|where|while|after|before|following|since|until|because|although|though|if)\b"
                              r"|[,;:?!()]|\s[-–—]+\s", re.IGNORECASE)


def presumes_decline(question: str, across_councils: bool = False) -> bool:
    """Whether a question takes for granted that something got worse or failed to improve: it
    says so as a fact, not as a yes/no question ("did it get worse?"), a possibility or of
    councils in general ("which councils got worse?": some may have)."""
    c = cues()
    return bool(c.presumes_decline.search(question)) and not (
        across_councils or c.yes_no.search(question) or _HYPOTHETICAL.search(question))


def presumes_upgrade(question: str, across_councils: bool = False) -> bool:
    """Whether a question takes for granted that a grade went up ("why was it upgraded?"): it
    says so as a fact, not as a yes/no question, a possibility or of councils in general."""
    c = cues()
    return bool(c.presumes_upgrade.search(question)) and not (
        across_councils or c.yes_no.search(question) or _HYPOTHETICAL.search(question))


def presumed_direction(question: str, across_councils: bool = False) -> str | None:
    """"up" or "down" when a question says as a fact that a number went that way ("why did
    referrals fall?", "what caused the rise in caseloads?"); None when it says neither, both, or
    asks it as a yes/no question, a possibility or of councils in general."""
    c = cues()
    if across_councils or c.yes_no.search(question) or _HYPOTHETICAL.search(question):
        return None
    up, down = bool(c.presumes_rise.search(question)), bool(c.presumes_fall.search(question))
    return "up" if up and not down else "down" if down and not up else None


# The words saying a number moved, which are not what moved.
_MOVING = frozenset(content_words("bring brings brought bringing go goes went gone going up down rise rises risen rising rose increase increased "
                                  "increasing grow grown growing growth climb climbed jump jumped double doubled surge "
                                  "fall fallen falling fell drop dropped dropping decrease decreased decreasing reduce "
                                  "reduced reduction shrink shrunk shrank plummet plummeted decline"))


# A number given as a bound or a guess ("more than 10", "about 40", "up to a dozen"): no count
# taken for granted.
_APPROXIMATE = re.compile(r"\b(?:(?:more|fewer|less)\s+than|over|under|at\s+least|at\s+most|about|around|nearly|almost|"
                          r"up\s+to|some|roughly|approximately|as\s+many\s+as)\s+\S+", re.IGNORECASE)


def counts_stated(question: str, across_councils: bool = False) -> tuple[tuple[int, str], ...]:
    """The counts of things a question states as facts ("why does the respite unit have ten
    beds?" -> ((10, "beds"),)); none for a yes/no question, a possibility, one asking of
    councils in general, or a number given as a bound or a guess."""
    if across_councils or cues().yes_no.search(question) or _HYPOTHETICAL.search(question):
        return ()
    return tuple(counts(_APPROXIMATE.sub(" ", question)))


# The words saying something was accepted or turned down, which are not what was.
_DECIDING = frozenset(content_words("reject rejects rejected rejecting refuse refuses refused refusing turn turns turned "
                                    "turning down dispute disputes disputed disputing contest contests contested contesting "
                                    "vote votes voted voting against accept accepts accepted accepting approve approves "
                                    "approved approving endorse endorses endorsed endorsing adopt adopts adopted adopting "
                                    "ratify ratifies ratified ratifying sign signs signed off decide decides decided "
                                    "deciding decision"))


def frequency_stated(question: str, across_councils: bool = False) -> tuple[tuple[str, str], ...]:
    """How often a "why" question says as a fact that something happens ("why does the fostering
    panel sit only every two months?" -> (("every two months", "every two months"),)); none for
    any other question, where a frequency more often describes what is asked about ("the yearly
    report") than says how often it comes, nor for a question asking how often, a possibility,
    or one asking of councils in general."""
    if (across_councils or not _WHY.match(question) or _HOW_OFTEN.search(question)
            or _HYPOTHETICAL.search(question)):
        return ()
    return tuple(frequencies(question))


def posts_presumed(question: str, across_councils: bool = False) -> tuple[tuple[str, str], ...]:
    """The posts a question says people hold, as `reading.posts_named` reads them ("why did DCS
    Ann Lee leave?" -> (("Lee", "DCS"),)); none for a yes/no question, a possibility, one asking
    of councils in general, or one placing the post in time ("former", "interim", "new"), as
    people come and go from posts."""
    if (across_councils or cues().yes_no.search(question) or _HYPOTHETICAL.search(question)
            or _POST_IN_TIME.search(question)):
        return ()
    return tuple(posts_named(question))


_POST_IN_TIME = re.compile(r"\b(?:former|ex|previous(?:ly)?|outgoing|then|new|newly|incoming|interim|acting|"
                           r"temporary|used\s+to|at\s+the\s+time|until|before|after|since|replaced?|succeed\w*)\b", re.IGNORECASE)


_HOW_OFTEN = re.compile(r"\bhow (?:often|frequently|regularly)\b|\bwhat (?:frequency|intervals?)\b", re.IGNORECASE)


def presumed_stance(question: str, across_councils: bool = False) -> str | None:
    """"rejected" or "accepted" when a "why" question says as a fact that someone turned something
    down or accepted it; None when it says neither or both, or asks of councils in general or of
    a possibility."""
    c = cues()
    if across_councils or _HYPOTHETICAL.search(question):
        return None
    rejected, accepted = bool(c.presumes_rejection.search(question)), bool(c.presumes_acceptance.search(question))
    return "rejected" if rejected and not accepted else "accepted" if accepted and not rejected else None


# The words saying a service moved to or from another body's hands, which are not what moved.
_TRANSFERRING = frozenset(content_words("bring brings brought bringing back house in-house inhouse insource insourced "
                                        "outsource outsources outsourced outsourcing contract contracts contracted out "
                                        "hand hands handed transfer transfers transferred move moves moved pass passed "
                                        "trust company charity provider external externalise externalised privatise privatised "
                                        "take took taken control"))


def presumed_transfer(question: str, across_councils: bool = False) -> str | None:
    """"in" or "out" when a question says as a fact that a service was brought in-house or handed
    to another body to run (`reading.transfer`); None when it says neither or both, or asks it as
    a yes/no question, a possibility or of councils in general."""
    if across_councils or cues().yes_no.search(question) or _HYPOTHETICAL.search(question):
        return None
    return transfer(question)


def presumed_chair(question: str, across_councils: bool = False) -> tuple[str, str] | None:
    """(who, what) when a question says as a fact who chairs something ("why was the DCS made
    chair of the safeguarding board?" -> ("the DCS", "the safeguarding board")); None when it says
    no one ("who chairs the board?"), names nothing chaired, or asks it as a yes/no question, a
    possibility or of councils in general."""
    if across_councils or cues().yes_no.search(question) or _HYPOTHETICAL.search(question):
        return None
    return next(((who, what) for who, what in chairs(question) if what), None)


def presumes_criticism(question: str, across_councils: bool = False) -> bool:
    """Whether a question asks why something was criticised, found wanting or failed a revisit,
    taking that for granted ("why did inspectors say review meetings were poorly run?": a
    "why" question whose words only find fault); not as a yes/no question, a possibility or of
    councils in general."""
    c = cues()
    if across_councils or c.yes_no.search(question) or _HYPOTHETICAL.search(question):
        return False
    if c.presumes_criticism.search(question):
        return True
    said = tone(question)
    return bool(_WHY.match(question)) and said.negative > 0 and not said.positive and not said.contrasted


def ongoing_presumed(question: str, across_councils: bool = False) -> re.Match | None:
    """Where a "why" question takes for granted that something goes on ("why is the council still
    using agency managers?"): the words saying so and the doing said to go on; None for
    one that does not, or asks it of councils in general or as a possibility."""
    if across_councils or _HYPOTHETICAL.search(question):
        return None
    return cues().presumes_ongoing.search(question)


_WHY = re.compile(r"^\s*(?:why|how come)\b", re.IGNORECASE)


def as_why(question: str) -> str:
    """The "why" question a question asking what caused something stands for ("what led to the
    unit being closed?" -> "why was the unit closed?", "what's behind the rise in referrals?" ->
    "why the rise in referrals?"; resources/questions.toml [[reason_asking]]); the question itself
    when it asks no cause or already says "why"."""
    if _WHY.match(question):
        return question
    for pattern, why in cues().reason_asking:
        if pattern.search(question):
            return pattern.sub(why, question, count=1)
    return question
# What a "why" question says was found wanting: the clause a finding reports ("why did inspectors
# say [review meetings were poorly run]?"), else the question after "why" and its verb ("why
# were [plans for children in need so poor]?"); its subject runs to its first verb.
_REPORTED = re.compile(r"\b(?:say|says|said|find|finds|found|think|thought|conclude|concluded|report|reported|note|noted|"
                       r"judge|judged|consider|considered|feel|felt)\s+(?:that\s+)?(?P<clause>.+)$", re.IGNORECASE)
_AFTER_WHY = re.compile(r"^\s*(?:(?:why|how come)\s+(?:(?:was|were|is|are|did|do|does|has|have|had)\s+)?|"
                        r"what\s+(?:went|has\s+gone|had\s+gone|was\s+going|is\s+going)\s+wrong\s+(?:with|in|at)\s+)(?P<clause>.+)$",
                        re.IGNORECASE)
_FIRST_VERB = re.compile(r"\b(?:was|were|is|are|had|has|have|been|being|did|do|does|could|would|should|can|will|"
                         r"get|got|gets|so|too|not|still|at|during|after|when|since|following|by|[a-z]+ed)\b", re.IGNORECASE)


# What a question says was named as a fault: the object of "flag ... as a weakness", "rated ... as
# weak", "described ... as poor" ("the exploitation team" of "why did Ofsted flag the exploitation
# team as a weakness?").
_NAMED_AS_FAULT = re.compile(r"\b(?:flag|rate|judge|describe|regard|consider|identif(?:y|ie)|highlight|cite|single\s+out|list|call|see|saw|seen)"
                             r"\w*\s+(?P<clause>.+?)\s+as\s+(?:an?\s+)?(?:[\w'’-]+\s+)?(?:weakness\w*|weak|poor|failing|inadequate|"
                             r"concerns?|problems?|ineffective|a\s+cause\s+for\s+concern)\b", re.IGNORECASE)


def criticised_subject(question: str) -> str:
    """What a question taking a criticism for granted says was criticised or found wanting
    ("review meetings in notts" of "why did the inspection say review meetings in notts were
    poorly run?", "the exploitation team" of "why did Ofsted flag the exploitation team as a
    weakness?"); "" when it names nothing before its first verb."""
    text = question.strip().rstrip("?!. ")
    if m := _NAMED_AS_FAULT.search(text):
        return " ".join(re.findall(r"[\w'’-]+", m.group("clause")))
    m = _REPORTED.search(text) or _AFTER_WHY.match(text)
    clause = m.group("clause") if m else ""
    words = re.findall(r"[\w'’-]+", clause)
    # The subject ends at its verb, a preposition of time, or the first word finding fault.
    end = next((i for i, w in enumerate(words) if _FIRST_VERB.fullmatch(w) or tone(w).negative), None)
    return " ".join(words[:end]) if end else ""


def judgements_sought(question: str) -> frozenset[str]:
    """The judgements the sentences answering a question state: the one it says was given ("why
    was it rated inadequate?", "what did it still need to improve when rated outstanding?"), or
    whose holders it asks for ("which boroughs hold a good grade?"), or those a move it names
    leads to ("downgraded from good"). Empty for one asking what came before or after a judgement
    ("what was it rated before the inadequate judgement?"): another judgement answers it."""
    named = _judgement_named(question)
    if named is None or _BEFORE_OR_AFTER.search(_SINCE_OR_UNTIL_YEAR.sub(" ", question)):
        return frozenset()
    return judgements_presumed(_judgement_key(named[0]), named[1])


def _judgement_named(question: str) -> tuple[re.Match, str] | None:
    """The first judgement a question says was given (or moved to or from) and its relation, when
    it says so as a fact: not denied ("why was it not judged outstanding?") nor a possibility."""
    c = cues()
    found = [(m, "") for m in [c.presumes_judgement.search(question)] if m]
    found += [(m, relation) for pattern, relation in c.presumes_move if (m := pattern.search(question))]
    # An area SEND outcome named in a question is taken as found ("why did the inspection find
    # widespread failings in its SEND services?"): its set words say nothing else. "no" before it
    # denies it ("why were no systemic failings found?").
    found += [(m, "") for o in c.area_outcomes if (m := o.said.search(question))
              and not re.search(r"\bno\s+(?:[\w'’-]+\s+)?$", question[:m.start()], re.IGNORECASE)]
    if not found:
        return None
    m, relation = min(found, key=lambda f: f[0].start())
    if re.search(r"\b(?:not|never)\b|n['’]t\b", question[:m.start()], re.IGNORECASE):
        # "why was it not judged outstanding?", "why wasn't it rated good?" take for granted that
        # it was not.
        return None
    if _HYPOTHETICAL.search(question):
        # "what would losing a good judgement cost?", "what if it were rated inadequate?" speak of
        # a judgement that might be given, and take none for granted.
        return None
    return m, relation


def _judgement_key(m: re.Match) -> str | None:
    return _grade_key(m.group("judgement"))


# "since 2018", "until March 2020": a time bound, not a judgement before or after another.
_SINCE_OR_UNTIL_YEAR = re.compile(r"\b(?:since|until|till|up to|from)\s+(?:[A-Za-z]+\.?\s+)?(?:19|20)\d\d\b", re.IGNORECASE)
_BEFORE_OR_AFTER = re.compile(r"\b(?:before|after|previous(?:ly)?|prior|earlier|since|until|later|next)\b", re.IGNORECASE)
_HYPOTHETICAL = re.compile(r"\b(?:would|might|if|whether|risk(?:s|ed|ing)?|cost\s+of|avoid(?:s|ed|ing)?|prevent(?:s|ed|ing)?)\b",
                           re.IGNORECASE)
# A clause counting things by their grade: "how many", "what proportion of", "the number of",
# "per cent of", or one opening "of the" and naming what it takes a part of.
_COUNTED = re.compile(r"\bhow\s+many\b|\b(?:proportion|percentage|share|number|fraction|majority|minority)\s+of\b|"
                      r"\bper\s*cent\s+of\b|%\s+of\b|\A\s*of\s+(?:the|those|these|its|their)\b", re.IGNORECASE)
_WHICH_PART = re.compile(r"\bwhich\s+(?:[\w'’-]+\s+){1,3}?(?:was|were|is|are|got|get|gets|received|had)\b", re.IGNORECASE)


def judgements_presumed(judgement: str | None, relation: str) -> frozenset[str]:
    """The judgements any of which a presumption holds for: the one named, or those ranked below
    or above it."""
    if judgement is None:
        return frozenset()
    if not relation:
        return frozenset({judgement})
    ranks = cues().judgement_ranks
    at = next(n for n, rank in enumerate(ranks) if judgement in rank)
    return frozenset().union(*(ranks[at + 1:] if relation == "below" else ranks[:at]))


_JUDGEMENT_CUE = r"(?:judged|judgements?|judgments?|rated|ratings?|graded|grades?|grading|assessed|found to be|deemed|effectiveness|overall)"
# What Ofsted gives judgements on: a council's services for children and its areas of work.
_JUDGED_THING = (r"(?:services?|leadership|management|governance|arrangements|practice|protection|"
                 r"effectiveness|experiences?|board|lscb|authority|department|agency|agencies)")
# "judged the overall effectiveness of services in X to be good": a link word before the judgement.
_LINK = r"(?:to be|as|was|were|is|are|remains|remained|remain|which is|which was)"


# A judgement table's row, or a list of them: a label's last word in lower case, then its grade with
# a capital, straight after it or after a dash or colon ("children in care – Good; leadership –
# Requires improvement", "care leavers: Good"), ending the text or followed by a number, the next
# label or a ";".
_TABLE_GRADE = re.compile(r"\b([a-z][a-z'’]+)(?:\s*[-\u2013\u2014:]\s*|\s+)(Outstanding|Good|Requires improvement(?: to be good)?|Inadequate)"
                          r"(?=\s*$|\s+\d|\s+[A-Z]|\s*;)")


_GRADE = r"['\"]?(?:outstanding|good|requires improvement|requiring improvement|inadequate|adequate)['\"]?"
_GRADE_SCALE = re.compile(rf"{_GRADE}(?:\s*(?:,|/|\bor\b|\band\b|,\s*(?:or|and)\b)\s*{_GRADE}){{2,}}")
# The annual performance assessment's scale: "performing poorly, adequately, well or excellently".
_PERFORMING = r"(?:poorly|adequately|well|excellently)"
_PERFORMANCE_SCALE = re.compile(rf"\bperform(?:s|ing)?\s+{_PERFORMING}(?:\s*(?:,|/|\bor\b|\band\b|,\s*(?:or|and)\b)\s*{_PERFORMING}){{2,}}")


# Either end of a grading scale named by its rank ("the highest possible inspection outcome").
_SCALE_END = re.compile(r"\b(highest|top|lowest|worst)\s+(?:possible\s+)?(?:ofsted\s+)?"
                        r"(?:ratings?|grades?|judge?ments?|inspection\s+outcomes?)\b")
# The words naming a grade as such ("rating", "judgement"), as `passage_words` gives them.
RATING_WORDS = frozenset(passage_words("grade grades grading rating ratings judgement judgements judgment judgments"))
_GRADE_WORDS = r"(?:outstanding|good|adequate|inadequate|requir(?:es|ing) improvement(?: to be good)?)"
# A judgement moved from ("moved up from a 'requires improvement' rating to 'good'", "up from
# inadequate", "good, following a previous rating of 'inadequate'", "rated 'inadequate' in 2019, have
# moved up to ...", "good, three years after it was rated inadequate", "since it was judged
# inadequate"): the one given before, not the one the text reports.
_MOVED_FROM = re.compile(
    r"\b(?:(?:up|down|risen|rose|improved|moved|climbed|fallen|fell|dropped|slipped)\s+)?from\s+(?:(?:an?|its|the|their)\s+)?"
    rf"(?:overall\s+)?(?:ofsted\s+)?(?:(?:rating|judge?ment|grade|grading)\s+(?:of\s+)?)?[\"'‘“]?{_GRADE_WORDS}[\"'’”]?(?=\s*,?\s*(?:to|into)\b)"
    rf"|{_GRADE_WORDS}[\"'’”]?(?=[^.;:]{{0,40}}?\b(?:moved|risen|rose|improved|climbed|upgraded|downgraded|dropped|fallen|fell|slipped)"
    rf"\s+(?:up\s+|down\s+)?to\s+(?:an?\s+)?(?:(?:overall\s+)?(?:ofsted\s+)?(?:rating|judge?ment|grade|grading)\s+(?:of\s+)?)?[\"'‘“]?{_GRADE_WORDS})"
    rf"|\b(?:up|down)\s+from\s+(?:(?:an?|its|the|their)\s+)?[\"'‘“]?{_GRADE_WORDS}\b"
    rf"|\b(?:following|after|replacing)\s+(?:an?|its|the|their)\s+(?:previous|earlier|former)\s+(?:ofsted\s+)?"
    rf"(?:rating|judge?ment|grade|grading)\s+(?:of\s+)?[\"'‘“]?{_GRADE_WORDS}\b"
    rf"|\b(?:(?:years?|months?)\s+after|since)\s+(?:[\w'’-]+\s+){{0,4}}?(?:was|were|had\s+been|has\s+been|have\s+been)\s+"
    rf"(?:rated|judged|graded|deemed)\s+(?:to\s+be\s+|as\s+)?[\"'‘“]?{_GRADE_WORDS}\b", re.IGNORECASE)

_MOVED_TO = re.compile(rf"\bfrom\s+(?:[\w'’‘\"“”-]+\s+){{0,5}}?[\"'‘“]?{_GRADE_WORDS}[\"'’”]?\s*,?\s*(?:to|into)\s+(?:an?\s+)?"
                       rf"[\"'‘“]?({_GRADE_WORDS})\b", re.IGNORECASE)


# A move told by its verb ("has slipped to requires improvement", "moved up to a grade of good").
_MOVED_UP_TO = re.compile(r"\b(?:moved|risen|rose|improved|climbed|upgraded|downgraded|dropped|fallen|fell|slipped)\s+(?:up\s+|down\s+)?"
                          r"to\s+(?:an?\s+)?(?:(?:overall\s+)?(?:ofsted\s+)?(?:rating|judge?ment|grade|grading)\s+(?:of\s+)?)?"
                          rf"[\"'‘“]?({_GRADE_WORDS})\b", re.IGNORECASE)


def judgements_reached(text: str) -> set[str]:
    """The judgements a text states as given: the one a move reaches ("moved up from
    'requires improvement' to 'good'"), not the one it was moved from (`_MOVED_FROM`)."""
    reached = {_grade_key(m.group(1)) for pattern in (_MOVED_TO, _MOVED_UP_TO) for m in pattern.finditer(text)}
    return (judgements_in(_MOVED_FROM.sub(" ", text)) | reached) - {None}


def grades_denied(text: str) -> set[str]:
    """The grades a text says were not given ("no areas were judged to be inadequate" ->
    {"inadequate"}): an answer to whether they were."""
    folded = text.lower().replace("’", "'").replace("‘", "'")
    return {_grade_key(m.group("grade")) for m in _denied_grades().finditer(folded)} - {None}


@lru_cache(maxsize=1)
def _denied_grades() -> re.Pattern:
    """A grade said not to have been given: a word of denial a few words before a verb giving it."""
    forms = "|".join(re.escape(f) for f in sorted({f for fs in cues().judgements.values() for f in fs}, key=len, reverse=True))
    return re.compile(rf"(?:\b(?:no|none|not|never|nor)\b|n't)(?:\W+(?!and\b|but\b)[\w']+){{0,6}}?\W+"
                      rf"(?:judged|rated|graded|found|assessed)\W+(?:to\s+be\s+|as\s+)?['\"]?(?P<grade>{forms})\b")


def _grade_key(said: str) -> str | None:
    said = re.sub(r"\s+to be good$", "", said.lower())
    return next((k for k, forms in cues().judgements.items() if said in forms), None) or next(
        (o.key for o in cues().area_outcomes if o.said.fullmatch(said)), None)


def judgements_in(text: str) -> set[str]:
    """The judgements a text states as judgements ("judged to be good", "Overall effectiveness:
    requires improvement to be good", "rated X outstanding", "judged the overall effectiveness of
    services to be good"): a judgement word within three words after a word that gives a judgement,
    or after a link ("to be", "was") within eight; not "good progress" or "inadequate housing"."""
    folded = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    # "requires improvement to be good" says requires improvement, not good; a "good" beside it may
    # still be given ("moving from 'requires improvement' to 'good'").
    folded = re.sub(r"\b(requir(?:es|ed|e|ing) improvement) to be good\b", r"\1", folded)
    # The scale itself, three grades or more in a row ("four possible ratings – outstanding, good,
    # requires improvement or inadequate", "performing poorly, adequately, well or excellently"),
    # gives none of them.
    folded = _PERFORMANCE_SCALE.sub(" ", _GRADE_SCALE.sub(" ", folded))
    # A grade denied gives none: "there were no areas judged to be inadequate", "it was not rated
    # outstanding", "no longer judged inadequate".
    folded = _denied_grades().sub(" ", folded)
    found: set[str] = set()
    for key, forms in cues().judgements.items():
        alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        # A grade given by a verb phrase straight before it: "found to require improvement",
        # "found by the inspectorate to be good", "marked as good", "described as inadequate" (not
        # "found to have good links"); or by inspectors of the whole ("inspectors find the service
        # good overall, but ...").
        if re.search(rf"\b(?:found to(?: be)?|found by (?:[\w'-]+\s+){{1,6}}?to be|marked as|classed as|classified as|described as)"
                     rf"\s+['\"]?(?:{alternatives})\b", folded) or re.search(
                         rf"\b(?:inspect\w*|ofsted|hmi\w*|judg\w*|rated|f(?:ou|i)nds?)\b.*\b(?:{alternatives})['\"]?\s+overall"
                         rf"(?=\s*(?:[,.;:)]|$)|\s+(?:but|and|with|although|while|whilst)\b)", folded):
            found.add(key)
        # A grade as the name of a rating: "received an 'outstanding' rating", "its inadequate
        # judgement", "a good overall grade", "a third successive outstanding rating".
        elif re.search(rf"\b(?:an?|its|their|the|two|three|four|five|second|third|fourth|fifth)\s+"
                       rf"(?:(?:consecutive|successive|straight)\s+)?['\"]?(?:{alternatives})['\"]?\s+(?:overall\s+)?"
                       rf"(?:ratings?|judgements?|judgments?|grades?|grading|inspections?)\b", folded):
            found.add(key)
        elif re.search(rf"\b{_JUDGEMENT_CUE}\W+(?:(?:[\w']+\W+){{0,3}}?|(?:[\w']+\W+){{0,8}}?{_LINK}\W+)(?:{alternatives})\b",
                     folded):
            found.add(key)
        # A judgement in quotation marks is given as one ("Children's Services 'Inadequate'"), but
        # not one quoted as a word describing what follows it ("'outstanding' practice"); so
        # is "inadequate" or "requires improvement" said of what Ofsted judges ("its services for
        # children ... are inadequate"), not of anything ("some housing was inadequate"). Never
        # "good" or "outstanding" after "is": "it is good to see", "9 were outstanding" (not done).
        elif any(not _describes_next(folded, m.end())
                 for m in re.finditer(rf"['\"]\s*(?:{alternatives})\s*['\"]", folded)) or (
                key in ("inadequate", "requires_improvement", "adequate")
                and re.search(rf"\b{_JUDGED_THING}\b(?:\W+[\w']+){{0,8}}?\W+(?:is|are|was|were|remains?|remained|been|be)"
                              rf"\s+(?:still\s+|now\s+)?(?:{alternatives})\b", folded)):
            found.add(key)
    # The end of a scale named by its rank ("the highest possible inspection outcome", "top
    # ratings", "the lowest possible grade"), on any scale: not "the best possible outcomes for
    # children", which is no grade.
    for m in _SCALE_END.finditer(folded):
        found.add("outstanding" if m.group(1) in ("highest", "top") else "inadequate")
    # "services required improvement": the grade as the verb said of what Ofsted judges.
    if re.search(rf"\b{_JUDGED_THING}\b(?:\W+[\w']+){{0,3}}?\W+(?:still\s+|now\s+)?requir(?:es|ed|e) improvement\b", folded):
        found.add("requires_improvement")
    # "good" or "outstanding" said straight of what Ofsted judges, a place or two words between
    # ("its fostering agency is outstanding.", "'children's services in Sheffield are good'"), and
    # nothing more said of it: not "the service is good at listening".
    for m in re.finditer(rf"\b{_JUDGED_THING}(?:\s+(?:in|at|of|for|across)\s+(?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?)?"
                         r"\s+(?:is|are|was|were|remains?|remained)\s+(?:now\s+|still\s+)?"
                         r"(good|outstanding)(?=['\"]?\s*(?:[.;,]|and\b|['\"]|$))", folded):
        found.add(m.group(1))
    # A grade what Ofsted judges has come to, said with "now" ("The borough's services, judged good
    # three years ago after a long climb, are now outstanding."), however far back in the sentence
    # it was named; nothing more said of it: not "it is now good practice to ...", nor of what
    # Ofsted does not judge ("the weather is now good").
    for m in re.finditer(rf"\b{_JUDGED_THING}\b[^.;:!?]*?\b(?:is|are|was|were|has been|have been)\s+now\s+"
                         r"(?:rated\s+|judged\s+)?(good|outstanding|inadequate)(?=['\"]?\s*(?:[.;,]|and\b|['\"]|$))", folded):
        found.add(m.group(1))
    # The annual assessments' grade said of the council or its services ("children's services in X
    # Council perform well", "the council performs adequately."), a few words between, and nothing
    # more said of it: not "performing poorly on attendance".
    for m in re.finditer(r"\b(?:council|authority|services?)\b(?:\W+[\w']+){0,3}?\W+perform(?:s|ing)?\s+"
                         r"(excellently|well|adequately|poorly)(?=['\"]?\s*(?:[.;,]|and\b|['\"]|$))", folded):
        found.add(f"performs_{m.group(1)}")
    # A judgement table's rows run together in one line ("Adoption performance Requires improvement
    # 2.2 Experiences and progress of care leavers Good"): a grade with a capital straight after a
    # label's last word in lower case, ending the text or followed by a number or the next label.
    for m in _TABLE_GRADE.finditer(text):
        if m.group(1).lower() not in STOP_WORDS:
            found.add(m.group(2).lower().replace(" to be good", "").replace(" ", "_"))
    # An area SEND outcome in its set words gives that outcome, wherever it stands; a text naming
    # two or more names the scale ("one of three outcomes: ...").
    outcomes = {o.key for o in cues().area_outcomes if o.stated.search(folded)}
    if len(outcomes) == 1:
        found |= outcomes
    return found


def _describes_next(text: str, end: int) -> bool:
    """Whether the word after a quoted grade is what it describes ("'outstanding' practice"): a
    word that is not a function word."""
    m = re.match(r"\s+([a-z][a-z'-]*)", text[end:])
    return bool(m) and m.group(1) not in STOP_WORDS and m.group(1) not in _NOT_DESCRIBED


# Words after a quoted grade that do not make it a mere description: what Ofsted grades ("its
# 'inadequate' children's services"), the grade itself, and times.
_NOT_DESCRIBED = frozenset({"overall", "rating", "ratings", "judgement", "judgment", "grade", "grading", "after",
                            "following", "since", "until", "last", "again", "across", "today", "yesterday",
                            "children's", "childrens", "children", "services", "service", "social", "council",
                            "authority", "department", "leadership"})


MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
# A month with its year, its name written out or cut short as people type it ("Nov 2023", "Sept. 2019"),
# or with the day between them as many web pages print dates ("January 24, 2024").
_MONTH_YEAR = re.compile(r"\b(" + "|".join(MONTH_NAMES) + rf"|(?:{_MONTH_SHORT})\.?),?\s+"
                         r"(?:(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+)?(?:of\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)

# A span of months ending in a year ("March to June 2021", "27 June to 8 July 2022", "between
# November and February 2023"): it names each month in it, the first in the year before when it
# comes later in the calendar than the last.
_MONTH = "|".join(MONTH_NAMES) + rf"|(?:{_MONTH_SHORT})\.?"
_DAY = r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
_MONTH_RANGE = re.compile(rf"\b({_MONTH})\s+{_DAY}(?:to|until|and|-|\u2013|\u2014)\s+{_DAY}({_MONTH}),?\s+((?:19|20)\d\d)\b",
                          re.IGNORECASE)

# A season with its year ("autumn 2020", "spring of 2021"), and its first month.
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON_YEAR = re.compile(r"\b(spring|summer|autumn|fall|winter),?\s+(?:of\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)
# A date written in figures, day first as English councils write it: "24/09/2021", "24.09.2021".
_NUMERIC_DATE = re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])([/.-])(0?[1-9]|1[0-2])\1((?:19|20)\d\d)\b")
_ORDINAL_FORMS = {w: (w, n) for w, n in (("second", "2nd"), ("third", "3rd"), ("fourth", "4th"), ("fifth", "5th"),
                                          ("sixth", "6th"), ("seventh", "7th"), ("eighth", "8th"), ("ninth", "9th"),
                                          ("tenth", "10th"))}
_ORDINAL_FORMS.update({n: forms for forms in list(_ORDINAL_FORMS.values()) for n in forms[1:]})
# "First" has other senses ("at first", "the first time", "first-hand"), so it is an ordinal of a
# series only before what comes in a series of visits: "the first monitoring visit".
_ORDINAL_FORMS.update({"first": ("first", "1st"), "1st": ("first", "1st")})
_ORDINAL = re.compile(r"\b(?:" + "|".join(w for w in _ORDINAL_FORMS if w not in ("first", "1st"))
                      + r"|(?:first|1st)(?=\s+(?:[a-z-]+\s+){0,2}?(?:visit|inspection|revisit|re-inspection)s?\b))\b",
                      re.IGNORECASE)


def period_start(text: str) -> tuple[int, int] | None:
    """The earliest (year, month) the text's periods begin at: a month named ("March 2022"), a
    season's first month ("autumn 2020": September), else January of a year named."""
    starts = list(months_in(text))
    starts += [(int(m.group(2)), _SEASONS[m.group(1).lower()]) for m in _SEASON_YEAR.finditer(text)]
    starts += [(int(y), 1) for y in _YEAR.findall(_NUMERIC_DATE.sub(" ", _SEASON_YEAR.sub(" ", _MONTH_YEAR.sub(" ", text))))]
    return min(starts, default=None)


def months_in(text: str) -> tuple[tuple[int, int], ...]:
    """(year, month) of each "March 2022", "July, 2018" or "24/09/2021" in a text, in text order."""
    found = [(m.start(), (int(m.group(2)), month_number(m.group(1)))) for m in _MONTH_YEAR.finditer(text)]
    found += [(m.start(), (int(m.group(3)), int(m.group(2)))) for m in _NUMERIC_DATE.finditer(text)]
    for m in _MONTH_RANGE.finditer(text):
        first, last, year = month_number(m.group(1)), month_number(m.group(2)), int(m.group(3))
        start = (year if first <= last else year - 1) * 12 + first - 1
        found += [(m.start(), (n // 12, n % 12 + 1)) for n in range(start, year * 12 + last)]
    return tuple(dict.fromkeys(month for _, month in sorted(found)))


# A month named without its year, capitalised as a month is ("in July"); "May" only after a day,
# a preposition or "this"/"last" ("this May"), as it is otherwise the verb.
_MONTH_ALONE = re.compile(r"(?:\b(" + "|".join(m.title() for m in MONTH_NAMES if m != "may") + r")|"
                          r"(?:\b(?:in|on|since|during|from|until|by|of|early|mid|late|this|last)\s+|"
                          r"\b\d{1,2}(?:st|nd|rd|th)?\s+)(May))"
                          r"\b(?!,?\s+(?:of\s+)?(?:19|20)\d\d)")


def months_alone(text: str) -> tuple[int, ...]:
    """The months (1-12) a text names without their year ("in July", "this May")."""
    return tuple(dict.fromkeys(MONTH_NAMES.index((m.group(1) or m.group(2)).lower()) + 1
                               for m in _MONTH_ALONE.finditer(text)))


def months_of_dated(text: str, date) -> tuple[tuple[int, int], ...]:
    """The months a dated text names, a month written without its year ("an inspection across
    three weeks in July", in a story of 4 September 2025) being the last such month up to the
    text's own date."""
    bare = [(date.year if month <= date.month else date.year - 1, month) for month in months_alone(text)]
    return tuple(dict.fromkeys([*months_in(text), *bare]))


# A time a dated text names by its own date: "last year", "the previous year", "a year ago",
# "last summer".
_LAST_YEAR = re.compile(r"\b(?:last|previous|past)\s+year\b|\ba\s+year\s+ago\b", re.IGNORECASE)
_LAST_SEASON = re.compile(r"\blast\s+(spring|summer|autumn|fall|winter)\b", re.IGNORECASE)


def years_of_dated(text: str, date) -> set[int]:
    """The years a dated text names by its own date: "last year" the year before it; "last
    summer" the last summer before it (the year before, in a text of May; its own year, in a text
    of October); "last winter", which runs over the new year, both years it may be."""
    years = {date.year - 1} if _LAST_YEAR.search(text) else set()
    for m in _LAST_SEASON.finditer(text):
        first = _SEASONS[m.group(1).lower()]
        if first == 12:
            years |= {date.year - 1, date.year} if date.month > 2 else {date.year - 1}
        else:
            years.add(date.year if date.month > first + 2 else date.year - 1)
    return years


def years_in(texts: Sequence[str]) -> set[int]:
    return {y for t in texts for y in years_named(t)}


def years_written_of(texts: Sequence[str]) -> set[int]:
    """The years texts name as times they speak of: not those naming a law or reform ("the
    Children and Families Act 2014")."""
    return years_in([_NAMED_BY_YEAR.sub(" ", t) for t in texts])


# A year named as that of an earlier inspection: "since the last inspection in 2018", "at its
# previous inspection (March 2014)", "last inspected in 2019".
_EARLIER_INSPECTION = re.compile(
    r"\b(?:(?:the|its|their|our|a)\s+(?:last|previous|prior|earlier)\s+(?:full\s+|ofsted\s+|standard\s+)?"
    r"(?:inspection|judgement|judgment)|(?:last|previously)\s+inspected)"
    r"\s*(?:(?:held|carried\s+out|conducted|undertaken)\s+)?(?:in|of|during|\()?\s*(?:(?:\d{1,2}\s+)?[A-Z][a-z]+\s+)?"
    r"(19[5-9]\d|20\d\d)\b", re.IGNORECASE)

# A year that starts a span running up to the time of writing: "in place since 2019", "has
# declined since March 2012", "improved since a focused visit in November 2023". The text was
# written after it.
_SPAN_START = re.compile(r"\bsince\s+(?:(?:the|a|an|its|their|our)\s+(?:[\w'’-]+\s+){1,3}?(?:in|of)\s+)?"
                         r"(?:(?:\d{1,2}\s+)?[A-Za-z]+\s+)?(19[5-9]\d|20\d\d)\b", re.IGNORECASE)


# A year named as that of something still to come at the time of writing: "ahead of its formal
# introduction in January 2018", "the report will go to cabinet in 2024", "due in 2019".
_AHEAD = re.compile(r"\b(?:ahead\s+of|will|(?:is|are)\s+(?:due|expected|set)\s+to|(?:is|are)\s+due)\b"
                    r"[^.;:?!]{0,60}?\b(?:in|by|from|during)\s+(?:(?:\d{1,2}\s+)?[A-Z][a-z]+\s+)?(19[5-9]\d|20\d\d)\b",
                    re.IGNORECASE)


# A month named as that of something still to come ("progress to be reported to the board in
# October 2022", "the annual conversation scheduled for March 2019", "will visit in June 2021").
_MONTH_AHEAD = re.compile(r"\b(?:ahead\s+of|will|(?:is|are|was|were)\s+(?:due|expected|set)\s+to|(?:is|are)\s+due|"
                          r"(?:be|being)\s+(?:reported|presented|brought|considered|submitted|reviewed|held|discussed)|"
                          r"(?:scheduled|planned|booked|timetabled)\s+(?:for|in))\b[^.;:?!]{0,80}?\b(?:in|by|from|during|for|at)?\s*"
                          r"(?:\d{1,2}\s+)?(?=(?:" + "|".join(MONTH_NAMES) + r")\b)", re.IGNORECASE)


def months_besides_ahead(text: str) -> tuple[tuple[int, int], ...]:
    """The (year, month)s a text names other than as those of something still to come when it
    was written (`_MONTH_AHEAD`)."""
    kept = _MONTH_AHEAD.sub(lambda m: m.group(0) + "[ahead] ", text)
    return tuple(m for m in months_in(re.sub(r"\[ahead\]\s+\w+\.?,?\s+\d{4}", " ", kept)))


def years_ahead(texts: Sequence[str]) -> set[int]:
    """The years texts name as those of something still to come when they were written."""
    return {int(m.group(1)) for t in texts for m in _AHEAD.finditer(t)}


def years_besides_earlier(texts: Sequence[str]) -> set[int]:
    """The years texts speak of, other than those named as an earlier inspection's, a law's, or
    as the start of a span running up to the writing ("since 2019")."""
    return years_written_of([_SPAN_START.sub(" ", _EARLIER_INSPECTION.sub(" ", t)) for t in texts])
