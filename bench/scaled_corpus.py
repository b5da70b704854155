"""A larger corpus made from the real one: each copy of the shipped documents is given another
English council, other meeting dates and other wording, so no copy repeats the original's text
(which deduplication would drop) while keeping its structure (items, lettered points, bullets).

Used by `bench/run.py` and by the crash-safety tests (a corpus big enough that ingesting it takes
several seconds).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

from ofsted_rag.manifest import MANIFEST_NAME, read_manifest
from ofsted_rag.parsing.structure import clean_title

# English councils with children's services (county, unitary, metropolitan and London borough).
COUNCILS = [
    "Barnsley Metropolitan Borough Council", "Birmingham City Council", "Blackburn with Darwen Borough Council",
    "Blackpool Council", "Bolton Council", "Bournemouth, Christchurch and Poole Council", "Bracknell Forest Council",
    "Brighton and Hove City Council", "Bristol City Council", "Buckinghamshire Council", "Bury Council",
    "Calderdale Council", "Cambridgeshire County Council", "Central Bedfordshire Council", "Cheshire East Council",
    "Cheshire West and Chester Council", "Cornwall Council", "Coventry City Council", "Cumberland Council",
    "Darlington Borough Council", "Derby City Council", "Derbyshire County Council", "Devon County Council",
    "Doncaster Council", "Dorset Council", "Dudley Metropolitan Borough Council", "Durham County Council",
    "East Riding of Yorkshire Council", "East Sussex County Council", "Essex County Council", "Gateshead Council",
    "Gloucestershire County Council", "Halton Borough Council", "Hampshire County Council", "Hartlepool Borough Council",
    "Herefordshire Council", "Hertfordshire County Council", "Isle of Wight Council", "Kent County Council",
    "Kingston upon Hull City Council", "Kirklees Council", "Knowsley Council", "Lancashire County Council",
    "Leeds City Council", "Leicester City Council", "Leicestershire County Council", "Lincolnshire County Council",
    "Liverpool City Council", "Luton Borough Council", "Manchester City Council", "Medway Council",
    "Middlesbrough Council", "Milton Keynes City Council", "Newcastle City Council", "Norfolk County Council",
    "North East Lincolnshire Council", "North Lincolnshire Council", "North Northamptonshire Council",
    "North Somerset Council", "North Tyneside Council", "North Yorkshire Council", "Northumberland County Council",
    "Oldham Council", "Oxfordshire County Council", "Peterborough City Council", "Plymouth City Council",
    "Portsmouth City Council", "Reading Borough Council", "Redcar and Cleveland Borough Council", "Rochdale Borough Council",
    "Rotherham Metropolitan Borough Council", "Rutland County Council", "Salford City Council", "Sandwell Council",
    "Sefton Council", "Sheffield City Council", "Shropshire Council", "Slough Borough Council", "Solihull Council",
    "Somerset Council", "South Gloucestershire Council", "South Tyneside Council", "Southampton City Council",
    "Southend-on-Sea City Council", "St Helens Borough Council", "Staffordshire County Council", "Stockport Council",
    "Stockton-on-Tees Borough Council", "Stoke-on-Trent City Council", "Suffolk County Council", "Sunderland City Council",
    "Surrey County Council", "Swindon Borough Council", "Tameside Council", "Telford and Wrekin Council",
    "Thurrock Council", "Torbay Council", "Trafford Council", "Wakefield Council", "Walsall Council",
    "Warrington Borough Council", "Warwickshire County Council", "West Berkshire Council", "West Northamptonshire Council",
    "Westmorland and Furness Council", "Wigan Council", "Wiltshire Council", "Wirral Council", "Wokingham Borough Council",
    "Wolverhampton City Council", "Worcestershire County Council", "York City Council", "London Borough of Barking and Dagenham",
    "London Borough of Barnet", "London Borough of Bexley", "London Borough of Brent", "London Borough of Bromley",
    "London Borough of Camden", "London Borough of Croydon", "London Borough of Ealing", "London Borough of Enfield",
    "Royal Borough of Greenwich", "London Borough of Hackney", "London Borough of Hammersmith and Fulham",
    "London Borough of Haringey", "London Borough of Harrow", "London Borough of Havering", "London Borough of Hillingdon",
    "London Borough of Hounslow", "London Borough of Islington", "Royal Borough of Kensington and Chelsea",
    "Royal Borough of Kingston upon Thames", "London Borough of Lambeth", "London Borough of Lewisham",
    "London Borough of Merton", "London Borough of Newham", "London Borough of Redbridge",
    "London Borough of Richmond upon Thames", "London Borough of Southwark", "London Borough of Sutton",
    "London Borough of Tower Hamlets", "London Borough of Waltham Forest", "London Borough of Wandsworth",
    "Westminster City Council", "Bath and North East Somerset Council", "Bedford Borough Council",
    "City of Bradford Metropolitan District Council", "Nottingham City Council", "Nottinghamshire County Council",
    "Royal Borough of Windsor and Maidenhead", "East Sussex County Council", "Hertfordshire County Council",
]
COUNCILS = list(dict.fromkeys(COUNCILS))

# The councils the real documents are about, longest spelling first, mapped to their short form.
_ORIGINAL_NAMES = [
    ("City of Bradford Metropolitan District Council", None), ("Royal Borough of Windsor and Maidenhead", None),
    ("Nottinghamshire County Council", None), ("Nottingham City Council", None), ("Nottinghamshire", "short"),
    ("Nottingham City", "short"), ("Nottingham", "short"), ("Bradford", "short"), ("Royal Borough", "short"),
]

# Pairs of interchangeable wordings in minutes; each occurrence is swapped or not by the copy's
# random draw. Words the structure parser keys on ("Resolved", "noted", "Minutes") are left alone.
SYNONYMS = [
    ("improvement", "progress"), ("improvements", "gains"), ("members", "councillors"), ("Members", "Councillors"),
    ("significant", "considerable"), ("concerns", "worries"), ("caseloads", "workloads"), ("quality", "standard"),
    ("ensure", "make sure"), ("support", "help"), ("identified", "found"), ("weaknesses", "shortcomings"),
    ("partners", "partner agencies"), ("programme", "plan"), ("officers", "staff"), ("asked", "queried"),
    ("explained", "clarified"), ("important", "vital"), ("children", "young people"), ("Children", "Young people"),
    ("families", "households"), ("report", "paper"), ("visit", "inspection visit"), ("challenging", "difficult"),
    ("positive", "encouraging"), ("effective", "successful"), ("managers", "team leaders"), ("workforce", "staff group"),
    ("social workers", "practitioners"), ("consistent", "uniform"), ("oversight", "supervision"), ("progress", "headway"),
    ("recognised", "acknowledged"), ("informed", "told"), ("received", "considered"), ("particularly", "especially"),
    ("however", "but"), ("also", "additionally"), ("including", "such as"), ("current", "present"),
    ("services", "provision"), ("practice", "casework"), ("staff", "employees"), ("areas", "aspects"),
    ("good", "sound"), ("team", "unit"), ("issues", "matters"), ("funding", "finance"), ("focus", "emphasis"),
    ("impact", "effect"), ("plan", "strategy"), ("colleagues", "co-workers"), ("taken", "undertaken"),
    ("learning", "development"), ("strong", "robust"), ("feedback", "comments"), ("anticipated", "expected"),
    ("across", "throughout"), ("said", "stated"), ("stated", "said"), ("key", "main"), ("high", "elevated"),
    ("improve", "strengthen"), ("address", "tackle"), ("delivery", "provision"), ("challenges", "difficulties"),
    ("concern", "worry"), ("really", "truly"), ("highlighted", "emphasised"), ("further", "additional"),
    ("develop", "build"), ("capacity", "resource"), ("best", "most effective"), ("permanent", "substantive"),
    ("needed", "required"), ("increase", "rise"), ("continued", "persisted"), ("changes", "amendments"),
    ("vulnerable", "at-risk"), ("senior", "leading"), ("raised", "voiced"), ("presented", "introduced"),
    ("necessary", "required"), ("time", "period"), ("about", "regarding"), ("able", "in a position"),
    ("most", "the majority of"), ("during", "throughout"), ("following", "after"), ("number", "quantity"),
    ("new", "fresh"), ("health", "wellbeing"), ("made", "achieved"), ("level", "degree"), ("response", "reply"),
    # Tense and function words: nearly every point has some, so short points vary too.
    ("is", "was"), ("are", "were"), ("has", "had"), ("will", "would"), ("which", "that"), ("It", "This"),
    ("the Council", "the authority"), ("the council", "the local authority"), ("take place", "happen"),
    ("prefer", "favour"), ("beneficial", "helpful"), ("encourage", "urge"), ("Ensuring", "Making sure"),
    ("activity", "work"), ("Partnership", "Joint"), ("virtually", "remotely"), ("guidance", "advice"),
]
_SWAP = re.compile(r"\b(" + "|".join(re.escape(a) for a, _ in SYNONYMS) + r")\b")
_SWAP_TO = dict(SYNONYMS)
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3})(?![\d.])")
_YEAR = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")
_LINE_START_NUMBER = re.compile(r"^\(?\d")


def short_name(council: str) -> str:
    """"Leeds City Council" -> "Leeds"; "London Borough of Camden" -> "Camden"."""
    name = re.sub(r"^(?:London Borough of|Royal Borough of|City of)\s+", "", council)
    name = re.sub(r"\s+(?:Metropolitan Borough|Metropolitan District|City|County|Borough)?\s*Council$", "", name)
    return name


def vary_text(text: str, council: str, seed: str, year_shift: int) -> str:
    """The document's text with the council renamed, years shifted, some numbers changed and
    about half of the swappable words swapped. Structure lines (item numbers, "(a)") are kept.

    Each line's changes are drawn from `seed` and the line itself, so a point published on two
    pages of one meeting (the item page and the whole-meeting page) stays identical in both.
    """
    short = short_name(council)
    for original, form in _ORIGINAL_NAMES:
        text = text.replace(original, short if form else council)
    out = []
    for line in text.split("\n"):
        rng = random.Random(f"{seed}|{' '.join(clean_title(line).split())}")
        line = _SWAP.sub(lambda m: _SWAP_TO[m.group(1)] if rng.random() < 0.5 else m.group(1), line)
        line = _YEAR.sub(lambda m: str(int(m.group(1)) + year_shift), line)
        if not _LINE_START_NUMBER.match(line):
            # Numbers inside sentences (counts, percentages, days), never a point or item label.
            line = _NUMBER.sub(lambda m: str(max(1, int(m.group(1)) + rng.randint(-3, 5))) if rng.random() < 0.7
                               else m.group(1), line)
        out.append(line)
    return "\n".join(out)


def write_scaled_corpus(source: Path, target: Path, copies: int, seed: int = 7, include_original: bool = True) -> list[Path]:
    """Write `copies` versions of the corpus in `source` to `target` (with a manifest).

    With `include_original`, copy 0 is the real corpus unchanged, so "1x" is the shipped corpus.
    Returns the files written.
    """
    target.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(source)
    files = sorted(p for p in source.glob("*.txt"))
    rng = random.Random(seed)
    councils = COUNCILS[:]
    rng.shuffle(councils)
    written: list[Path] = []
    entries: list[str] = []
    for k in range(copies):
        if k == 0 and include_original:
            for f in files:
                shutil.copyfile(f, target / f.name)
                written.append(target / f.name)
                entries.append(_entry(f.name, manifest.get(f.name)))
            continue
        council = councils[k % len(councils)]
        round_ = k // len(councils)
        year_shift = rng.randint(-2, 3) + 4 * round_
        day_shift = rng.randint(-40, 40)
        for f in files:
            meta = manifest.get(f.name)
            # One meeting's pages (the item page and the whole-meeting page) share a council and a
            # date in every copy, as they do in the original.
            text = vary_text(f.read_text(encoding="utf-8"), council, f"{seed}-{k}", year_shift)
            name = f"c{k:04d}_{f.name}"
            (target / name).write_text(text, encoding="utf-8")
            written.append(target / name)
            date = None
            if meta is not None and meta.date:
                date = _shift(meta.date, year_shift, day_shift)
            entries.append(_entry(name, meta, council=council, date=date))
    (target / MANIFEST_NAME).write_text("\n".join(entries), encoding="utf-8")
    return written


def _shift(date: dt.date, years: int, days: int) -> dt.date:
    try:
        moved = date.replace(year=date.year + years)
    except ValueError:  # 29 February
        moved = date.replace(year=date.year + years, day=28)
    return moved + dt.timedelta(days=days)


def _entry(name: str, meta, council: str | None = None, date: dt.date | None = None) -> str:
    lines = ["[[document]]", f"file = {_q(name)}"]
    if meta is not None:
        values = {"council": council or meta.council, "body": meta.body, "kind": meta.kind, "title": meta.title,
                  "url": meta.url}
        if council and meta.title:
            values["title"] = meta.title + f" [{short_name(council)}]"
        for key, value in values.items():
            if value:
                lines.append(f"{key} = {_q(value)}")
        when = date or (meta.date if council is None else None)
        if when:
            lines.append(f"date = {when.isoformat()}")
    elif council:
        lines.append(f"council = {_q(council)}")
    return "\n".join(lines) + "\n"


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
