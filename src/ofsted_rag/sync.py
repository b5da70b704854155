"""Keep a council's committees and Ofsted letters in step: `ofsted-rag sync` with sources.toml.

A ModernGov site is read through its web service (`mgWebService.asmx`): GetCommittees names the
committees, GetMeetings lists a committee's meetings since the start date, and GetMeeting gives
each meeting's agenda items with their minutes (as HTML) and linked documents. Each agenda item
with minutes becomes one document in the shape of the site's own agenda-item page (heading,
`Meeting: DD/MM/YYYY - Committee (Item N)`, "Minutes:", the minutes), so it is parsed and cited
exactly as a fetched mgAi.aspx page, with the page's address as its URL.

Incremental: a meeting whose minutes were taken once is not asked for again; a meeting listed
without minutes yet is asked again at the next sync. Letter addresses go through `fetch`, whose
conditional requests make an unchanged letter cost one short request.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from ofsted_rag.config import Settings
from ofsted_rag.documents import DocumentMeta
from ofsted_rag.embedding import Embedder
from ofsted_rag.errors import UsageError
from ofsted_rag.fetch import FetchError, HttpClient, _keep_raw, fetch, normalise_url, url_file_name
from ofsted_rag.ingest import NamedSource, default_actor, ingest
from ofsted_rag.store import PassageStore

SYNC_STATE = "sync.json"


@dataclass(frozen=True)
class ModernGovSite:
    council: str
    base_url: str
    committees: tuple[str, ...]
    since: dt.date


@dataclass(frozen=True)
class LetterSet:
    council: str
    urls: tuple[str, ...]


@dataclass(frozen=True)
class SyncSources:
    sites: tuple[ModernGovSite, ...]
    letters: tuple[LetterSet, ...]


@dataclass(frozen=True)
class SyncLine:
    """One row of the summary: a site's committee, or a council's letters."""

    source: str
    what: str
    status: str  # an ingest status, "failed", or "no new meetings"
    detail: str = ""


def read_sources(path: Path) -> SyncSources:
    """The sources file.

    Raises:
        UsageError: it is missing or malformed; the message names the line or the field.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist; write one (see README, 'Keeping in step')") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}") from None
    sites, letters = [], []
    for n, row in enumerate(data.get("moderngov", []), start=1):
        where = f"{path}: [[moderngov]] number {n}"
        missing = [k for k in ("council", "base_url", "committees", "since") if k not in row]
        if missing:
            raise UsageError(f"{where} has no {', '.join(missing)}")
        since = row["since"]
        if not isinstance(since, dt.date) or isinstance(since, dt.datetime):
            raise UsageError(f"{where}: since = {since!r} is not a date (write since = 2019-01-01)")
        if not isinstance(row["committees"], list) or not all(isinstance(c, str) for c in row["committees"]):
            raise UsageError(f"{where}: committees must be a list of names")
        try:
            base = normalise_url(str(row["base_url"])).rstrip("/")
        except FetchError as exc:
            raise UsageError(f"{where}: base_url {row['base_url']!r} is {exc.reason}") from None
        sites.append(ModernGovSite(str(row["council"]), base, tuple(row["committees"]), since))
    for n, row in enumerate(data.get("letters", []), start=1):
        if "council" not in row or not isinstance(row.get("urls"), list):
            raise UsageError(f"{path}: [[letters]] number {n} needs council and urls = [...]")
        letters.append(LetterSet(str(row["council"]), tuple(str(u) for u in row["urls"])))
    if not sites and not letters:
        raise UsageError(f"{path} lists no [[moderngov]] site and no [[letters]]")
    return SyncSources(tuple(sites), tuple(letters))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _elements(root: ET.Element, name: str) -> list[ET.Element]:
    """Elements of this name at any depth, namespace and case aside (installs vary in both)."""
    return [e for e in root.iter() if _local(e.tag) == name]


def _text(element: ET.Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _service(client: HttpClient, base: str, method: str, settings: Settings | None = None, **params: str) -> ET.Element:
    """One web-service call's XML; with `settings`, its raw bytes are kept under fetched/ too."""
    url = f"{base}/mgWebService.asmx/{method}" + (f"?{urlencode(params)}" if params else "")
    response = client.get(url)
    if settings is not None:
        _keep_raw(settings, response.body, ".xml")
    try:
        return ET.fromstring(response.body)
    except ET.ParseError as exc:
        raise FetchError(f"{method} did not answer with XML ({exc})") from None


def _uk_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value.split()[0], "%d/%m/%Y").date()
    except (ValueError, IndexError):
        return None


def item_page(committee: str, date: dt.date, number: str, title: str, minutes_html: str) -> bytes:
    """One agenda item in the shape of ModernGov's own agenda-item page (mgAi.aspx)."""
    item = f" (Item {html.escape(number)})" if number else ""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Agenda item</title></head><body><main>\n"
        f"<h1>Agenda item</h1>\n<h2>{html.escape(title)}</h2>\n"
        f"<p>Meeting: {date.strftime('%d/%m/%Y')} - {html.escape(committee)}{item}</p>\n"
        f"<h3>Minutes:</h3>\n{minutes_html}\n</main></body></html>\n"
    ).encode("utf-8")


def _load_state(settings: Settings) -> dict:
    try:
        data = json.loads((settings.fetched / SYNC_STATE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_state(settings: Settings, state: dict) -> None:
    settings.fetched.mkdir(parents=True, exist_ok=True)
    path = settings.fetched / SYNC_STATE
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def sync(
    sources: SyncSources,
    store: PassageStore,
    embedder: Embedder,
    settings: Settings,
    *,
    today: dt.date | None = None,
    added_by: str | None = None,
    client: HttpClient | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> list[SyncLine]:
    """Bring every source up to date; a site or committee that fails is one line and the rest go on."""
    client = client or HttpClient(settings)
    actor = added_by or default_actor()
    today = today or dt.date.today()
    state = _load_state(settings)
    lines: list[SyncLine] = []
    say = on_progress or (lambda _: None)
    for site in sources.sites:
        done: set[str] = set(state.get(site.base_url, []))
        try:
            committees = {_text(c, "committeetitle").casefold(): (_text(c, "committeeid"), _text(c, "committeetitle"))
                          for c in _elements(_service(client, site.base_url, "GetCommittees"), "committee")}
        except FetchError as exc:
            lines.append(SyncLine(site.base_url, "committees", "failed", exc.reason))
            continue
        new_sources: list[NamedSource] = []
        meetings_of: dict[str, list[str]] = {}
        taken: list[str] = []
        for wanted in site.committees:
            found = committees.get(wanted.strip().casefold())
            if not found:
                lines.append(SyncLine(site.base_url, wanted, "failed", "no committee of this name on the site"))
                continue
            cid, title = found
            try:
                listed = _service(client, site.base_url, "GetMeetings", lCommitteeId=cid,
                                  sFromDate=site.since.strftime("%d/%m/%Y"), sToDate=today.strftime("%d/%m/%Y"))
            except FetchError as exc:
                lines.append(SyncLine(site.base_url, title, "failed", exc.reason))
                continue
            fresh = [mid for m in _elements(listed, "meeting") if (mid := _text(m, "meetingid")) and mid not in done
                     and (_uk_date(_text(m, "meetingdate")) or site.since) >= site.since]
            meetings_of[title] = fresh
            for mid in fresh:
                say(f"meeting {mid} of {title}")
                try:
                    meeting = _service(client, site.base_url, "GetMeeting", settings, lMeetingId=mid)
                except FetchError as exc:
                    lines.append(SyncLine(site.base_url, f"{title}, meeting {mid}", "failed", exc.reason))
                    continue
                made = _meeting_sources(site, cid, title, mid, meeting, settings)
                new_sources += made
                if made:
                    taken.append(mid)
        outcomes = {}
        if new_sources:
            report = ingest([], store, embedder, settings, sources=new_sources, what=[site.base_url], action="sync",
                            added_by=actor)
            outcomes = {o.file_name: o for o in report.outcomes}
        for title, fresh in meetings_of.items():
            if not fresh:
                lines.append(SyncLine(site.base_url, title, "no new meetings"))
        for source in new_sources:
            o = outcomes.get(source.name)
            lines.append(SyncLine(site.base_url, source.meta.url if source.meta else source.name,
                                  o.status if o else "failed", (o.reason or "") if o else "not reported"))
        stored_ok = all(o.status != "skipped" for o in outcomes.values())
        if taken and stored_ok:
            state[site.base_url] = sorted(done | set(taken))
            _save_state(settings, state)
    for letters in sources.letters:
        report = fetch(letters.urls, store, embedder, settings, council=letters.council, kind="ofsted_letter",
                       added_by=actor, client=client)
        for o in report.outcomes:
            lines.append(SyncLine(letters.council, o.url, o.status, o.reason or ""))
    return lines


def _meeting_sources(site: ModernGovSite, cid: str, committee: str, mid: str, meeting: ET.Element,
                     settings: Settings) -> list[NamedSource]:
    """One agenda-item page per item with minutes; none while the minutes are unpublished."""
    root = next(iter(_elements(meeting, "meeting")), meeting)
    date = _uk_date(_text(root, "meetingdate"))
    if date is None:
        return []
    out = []
    for n, item in enumerate(_elements(root, "agendaitem"), start=1):
        minutes = _text(item, "minutesnonemptyhtmlbody") or _text(item, "minuteshtmlbody")
        if not minutes:
            continue
        item_id = _text(item, "agendaitemid")
        number = _text(item, "agendaitemnumber").rstrip(".") or str(n)
        # The page a councillor can open: the item's own page where the service gives its id,
        # else the meeting's page.
        if item_id:
            url = f"{site.base_url}/mgAi.aspx?ID={item_id}"
            name = url_file_name(url, ".html")
        else:
            url = f"{site.base_url}/ieListDocuments.aspx?CId={cid}&MId={mid}"
            name = url_file_name(url, ".html")[: -len(".html")] + f"_item{number}.html"
        page = item_page(committee, date, number, _text(item, "agendaitemtitle") or f"Item {number}", minutes)
        _, path = _keep_raw(settings, page, ".html")
        meta = DocumentMeta(council=site.council, body=committee, date=date, kind="minutes", url=url)
        out.append(NamedSource(name, path, meta, "url"))
    return out
