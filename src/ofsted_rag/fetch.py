"""Bring documents in by web address: `ofsted-rag fetch URL...`.

Each address is fetched politely (a User-Agent naming the project, robots.txt honoured, at most
`fetch_rate` requests a second to one host, a timeout per request, bounded retries with a
growing pause after a timeout or a 5xx answer). The raw bytes are kept under the data folder's
`fetched/`, named by their content hash, and ingested under a name made from the address, with
the address as the document's URL and origin "url": a citation then links to the page a
councillor can open. Asking again sends the ETag / Last-Modified the site gave, so an unchanged
page is not even downloaded; a page downloaded again with the same bytes is not embedded again
(the ingest's fingerprint); a changed page replaces its passages.

An address that fails (refused by robots.txt, timed out, 404, 500, not a supported type) is
reported in one line and the others go on; a failure never touches what is stored.
HTML is only ever parsed as text, never rendered or run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ofsted_rag import __version__, audit
from ofsted_rag.config import Settings
from ofsted_rag.documents import DocumentMeta
from ofsted_rag.embedding import Embedder
from ofsted_rag.ingest import FileOutcome, IngestReport, NamedSource, default_actor, ingest
from ofsted_rag.parsing import SUPPORTED_SUFFIXES, size_reason
from ofsted_rag.store import PassageStore

# robots.txt rules are matched against this product token.
AGENT_TOKEN = "ofsted-rag"
USER_AGENT = f"{AGENT_TOKEN}/{__version__} (council minutes and Ofsted letters assistant; python-urllib)"
STATE_NAME = "addresses.json"
KINDS = ("minutes", "ofsted_letter", "news")

# What a server says a body is, to the suffix the parsers know it by.
_CONTENT_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
}
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._=&-]+")
_MAX_NAME = 150


class FetchError(Exception):
    """One address could not be fetched; `reason` is the one line shown for it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: bytes
    url: str


class _NoOddRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: urllib would also follow one to ftp://."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirect to a non-web address {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class HttpClient:
    """GET with the politeness rules above. One client per run: it remembers each host's
    robots.txt and when it was last asked."""

    def __init__(self, settings: Settings, *, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = settings.fetch_timeout
        self.retries = settings.fetch_retries
        self.interval = 1.0 / settings.fetch_rate
        self.max_bytes = settings.max_file_bytes
        self.max_mb = settings.max_file_mb
        self.backoff = backoff
        self._sleep, self._clock = sleep, clock
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        # No proxies from the environment: a fetch goes where its address says.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoOddRedirects())

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """The response to one GET (a 304 included), after robots.txt allows it.

        Raises:
            FetchError: robots.txt forbids it, or it failed after its retries (the reason says how).
        """
        if not self.allowed(url):
            raise FetchError(f"robots.txt of {urlsplit(url).netloc} does not allow {AGENT_TOKEN} to fetch it")
        return self._request(url, headers or {}, self.retries)

    def allowed(self, url: str) -> bool:
        """What the host's robots.txt says (RFC 9309): no file (4xx) allows everything; a file
        that cannot be reached (5xx, timeout) forbids everything until it can."""
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._robots:
            robots_url = root + "/robots.txt"
            rules: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser(robots_url)
            try:
                response = self._request(robots_url, {}, 0)
                rules.parse(response.body.decode("utf-8", errors="replace").splitlines())
            except FetchError as exc:
                if exc.reason.startswith("HTTP 4"):
                    rules.allow_all = True
                else:
                    rules = None
            self._robots[root] = rules
        rules = self._robots[root]
        return rules is not None and rules.can_fetch(AGENT_TOKEN, url)

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = last + self.interval - self._clock()
            if pause > 0:
                self._sleep(pause)
        self._last[host] = self._clock()

    def _request(self, url: str, headers: dict[str, str], retries: int) -> Response:
        host = urlsplit(url).netloc.lower()
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
        for attempt in range(retries + 1):
            self._wait_turn(host)
            try:
                with self._opener.open(request, timeout=self.timeout) as reply:
                    body = reply.read(self.max_bytes + 1)
                    if len(body) > self.max_bytes:
                        raise FetchError(size_reason(len(body), self.max_bytes, self.max_mb).replace("is ", "is over ", 1))
                    return Response(reply.status, reply.headers, body, reply.geturl())
            except urllib.error.HTTPError as exc:
                if exc.code == 304:
                    return Response(304, exc.headers, b"", url)
                if 500 <= exc.code < 600 and attempt < retries:
                    self._sleep(self.backoff * 2 ** attempt)
                    continue
                tries = f" after {attempt + 1} tries" if attempt else ""
                raise FetchError(f"HTTP {exc.code} {exc.reason}{tries}") from None
            except (TimeoutError, urllib.error.URLError) as exc:
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                if isinstance(reason, TimeoutError):
                    if attempt < retries:
                        self._sleep(self.backoff * 2 ** attempt)
                        continue
                    raise FetchError(f"timed out after {self.timeout:g} s ({attempt + 1} tries)") from None
                raise FetchError(f"cannot connect ({reason})") from None
            except OSError as exc:  # the connection dropped mid-reply
                raise FetchError(f"the connection failed ({exc})") from None
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class FetchOutcome:
    """What became of one address: an ingest status ("added", "updated", "unchanged",
    "duplicate", "skipped") or "failed"; `reason` says why it failed or was skipped."""

    url: str
    status: str
    file_name: str | None = None
    passages: int = 0
    new_passages: int = 0
    reason: str | None = None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchReport:
    outcomes: tuple[FetchOutcome, ...]
    ingest: IngestReport | None = None
    not_modified: tuple[str, ...] = ()

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def nothing_landed(self) -> bool:
        return bool(self.outcomes) and all(o.status in ("failed", "skipped") for o in self.outcomes)


def normalise_url(url: str) -> str:
    """The address as it is stored and compared: scheme and host in lower case, no fragment.

    Raises:
        FetchError: not an http(s) address.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError("not an http:// or https:// address")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def url_file_name(url: str, suffix: str) -> str:
    """The document name an address is stored under: host, then path and query, in the form a
    saved ModernGov page already has ("democracy.example.gov.uk__mgAi.aspx_ID=5123.html"), so
    the file-name rules of metadata inference read it as they read a saved page."""
    parts = urlsplit(url)
    host = (parts.hostname or "site") + (f"-{parts.port}" if parts.port else "")
    rest = parts.path.strip("/") + ("?" + parts.query if parts.query else "")
    stem = _NAME_UNSAFE.sub("_", f"{host}__{rest}" if rest else host).strip("._")
    if stem.lower().endswith(suffix):
        stem = stem[: -len(suffix)]
    if len(stem) > _MAX_NAME:
        stem = stem[:_MAX_NAME] + "~" + hashlib.sha256(url.encode()).hexdigest()[:10]
    return stem + suffix


def suffix_for(response: Response) -> str | None:
    """The parser a body needs: from its Content-Type, else the address's own suffix, else its
    first bytes; None when it is none of HTML, PDF, .docx or text."""
    ctype = (response.headers.get_content_type() or "").lower() if response.headers else ""
    if ctype in _CONTENT_TYPES:
        return _CONTENT_TYPES[ctype]
    path_suffix = Path(urlsplit(response.url).path).suffix.lower()
    if path_suffix in SUPPORTED_SUFFIXES:
        return path_suffix
    head = response.body[:512].lstrip().lower()
    if head.startswith(b"%pdf"):
        return ".pdf"
    if head.startswith(b"pk\x03\x04") and b"word/" in response.body[:4096]:
        return ".docx"
    if head.startswith((b"<!doctype html", b"<html")):
        return ".html"
    return None


def _load_state(settings: Settings) -> dict[str, dict]:
    path = settings.fetched / STATE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # lost or damaged: every address is simply fetched in full again
    return data if isinstance(data, dict) else {}


def _save_state(settings: Settings, state: dict[str, dict]) -> None:
    settings.fetched.mkdir(parents=True, exist_ok=True)
    path = settings.fetched / STATE_NAME
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _keep_raw(settings: Settings, data: bytes, suffix: str) -> tuple[str, Path]:
    digest = hashlib.sha256(data).hexdigest()
    settings.fetched.mkdir(parents=True, exist_ok=True)
    path = settings.fetched / f"{digest}{suffix}"
    if not path.exists():
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return digest, path


def _unique_name(url: str, suffix: str, state: dict[str, dict]) -> str:
    """The address's name, kept from last time; two addresses whose names would be the same
    (they differ only in characters a file name cannot hold) are told apart by a hash."""
    known = state.get(url)
    if known and known.get("suffix") == suffix and known.get("file"):
        return known["file"]
    name = url_file_name(url, suffix)
    taken = {v.get("file") for u, v in state.items() if u != url}
    if name in taken:
        name = name[: -len(suffix)] + "~" + hashlib.sha256(url.encode()).hexdigest()[:10] + suffix
    return name


def fetch(
    urls: Sequence[str],
    store: PassageStore,
    embedder: Embedder,
    settings: Settings,
    *,
    council: str | None = None,
    kind: str | None = None,
    added_by: str | None = None,
    client: HttpClient | None = None,
    on_fetched: Callable[[str, str], None] | None = None,
    on_embed_start: Callable[[int], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
) -> FetchReport:
    """Fetch each address and ingest what came back, in one ingest.

    Args:
        council, kind: given for every address (over what the pages say about themselves).
        added_by: recorded with each document and in the audit log; default "cli:<user>".
        on_fetched: `on_fetched(url, "fetched" | "not modified" | "failed")` for a progress line.

    Returns:
        One outcome per address, in the order given (an address given twice counts once).
    """
    client = client or HttpClient(settings)
    actor = added_by or default_actor()
    state = _load_state(settings)
    failed: dict[str, str] = {}
    sources: dict[str, NamedSource] = {}
    fresh: dict[str, dict] = {}
    not_modified: list[str] = []
    order: list[str] = []
    for given in urls:
        try:
            url = normalise_url(given)
        except FetchError as exc:
            order.append(given)
            failed[given] = exc.reason
            continue
        if url in order:
            continue
        order.append(url)
        try:
            source, entry, unchanged = _fetch_one(url, client, settings, state, council, kind)
        except FetchError as exc:
            failed[url] = exc.reason
            if on_fetched:
                on_fetched(url, "failed")
            continue
        sources[url], fresh[url] = source, entry
        if unchanged:
            not_modified.append(url)
        if on_fetched:
            on_fetched(url, "not modified" if unchanged else "fetched")

    report = None
    by_name: dict[str, FileOutcome] = {}
    if sources:
        report = ingest([], store, embedder, settings, sources=list(sources.values()), what=order, action="fetch",
                        added_by=actor, failed=list(failed.items()),
                        on_embed_start=on_embed_start, on_embedded=on_embedded)
        by_name = {o.file_name: o for o in report.outcomes}
        for url, source in sources.items():
            outcome = by_name.get(source.name)
            if outcome is not None and outcome.status != "skipped":
                state[url] = fresh[url]
        _save_state(settings, state)
    elif failed:
        # Failures are part of what this run did: the log shows which addresses did not land.
        audit.append(settings, audit.AuditEntry(
            time=audit.now(), who=actor, action="fetch", what=tuple(order),
            files=tuple((url, "failed") for url in failed),
            extra={"failed": {url: reason for url, reason in failed.items()}},
        ))

    outcomes = []
    for url in order:
        if url in failed:
            outcomes.append(FetchOutcome(url, "failed", reason=failed[url]))
            continue
        o = by_name.get(sources[url].name)
        if o is None:  # not reported by the ingest: cannot happen, but never drop an address silently
            outcomes.append(FetchOutcome(url, "failed", reason="the ingest did not report it"))
            continue
        outcomes.append(FetchOutcome(url, o.status, o.file_name, o.passages, o.new_passages, o.reason, o.missing))
    return FetchReport(tuple(outcomes), report, tuple(not_modified))


def _fetch_one(url: str, client: HttpClient, settings: Settings, state: dict[str, dict],
               council: str | None, kind: str | None) -> tuple[NamedSource, dict, bool]:
    """The raw file for one address and what to remember about it; True when the site said
    it had not changed since last time (its bytes are then the copy already kept)."""
    known = state.get(url) or {}
    kept = settings.fetched / f"{known.get('sha256')}{known.get('suffix')}" if known.get("sha256") else None
    headers: dict[str, str] = {}
    if kept is not None and kept.is_file():
        # Only ask "changed since?" when the copy it would fall back on is still here.
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
    response = client.get(url, headers)
    if response.status == 304:
        if kept is None or not kept.is_file() or not headers:
            raise FetchError("the site answered 304 Not Modified to a request for the whole page")
        suffix, digest, path, unchanged = known["suffix"], known["sha256"], kept, True
        etag, modified = known.get("etag"), known.get("last_modified")
    else:
        suffix = suffix_for(response)
        if suffix is None:
            ctype = response.headers.get_content_type() if response.headers else "unknown"
            raise FetchError(f"unsupported content ({ctype}); fetch HTML pages, PDFs or .docx files")
        if not response.body.strip():
            raise FetchError("the page is empty")
        digest, path = _keep_raw(settings, response.body, suffix)
        unchanged = False
        etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    name = _unique_name(url, suffix, state)
    meta = DocumentMeta(council=council or None, kind=kind or None, url=url)
    entry = {"file": name, "suffix": suffix, "sha256": digest, "etag": etag, "last_modified": modified}
    return NamedSource(name, path, meta, "url"), entry, unchanged
