"""The audit log: who changed the library, when, and how much.

One JSON object per line in `<data folder>/audit.jsonl`, only ever appended to: every ingest,
upload, prune and re-label, with the time (UTC), who (an editor's name, or "cli:<OS user>"), what (the files
and what became of each) and the passages added and removed. `ofsted-rag log` prints it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field

from ofsted_rag.config import Settings

LOG_NAME = "audit.jsonl"


@dataclass(frozen=True)
class AuditEntry:
    """One change to the library.

    Attributes:
        time: ISO 8601, UTC, seconds.
        who: "cli:<OS user>", or the editor signed in to the app.
        action: "ingest", "upload", "fetch", "prune" or "relabel" (`extra` then holds the
            document's id and each field changed, {"council": {"from": ..., "to": ...}}).
        what: the paths named, or the file names affected.
        files: (file name, status) for each file whose state changed or was refused.
        passages_added, passages_removed: passages embedded and deleted.
    """

    time: str
    who: str
    action: str
    what: tuple[str, ...]
    files: tuple[tuple[str, str], ...] = ()
    passages_added: int = 0
    passages_removed: int = 0
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        out = asdict(self)
        out["what"], out["files"] = list(self.what), [{"file": f, "status": s} for f, s in self.files]
        return out


def log_path(settings: Settings):
    return settings.home / LOG_NAME


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def append(settings: Settings, entry: AuditEntry) -> None:
    """Add one line. O_APPEND and a lock keep concurrent writers' lines whole; fsync makes the
    line survive a crash right after the change it records."""
    settings.home.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry.to_json(), ensure_ascii=False) + "\n"
    fd = os.open(log_path(settings), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read(settings: Settings) -> Iterator[dict]:
    """The entries, oldest first. A line that is not JSON (a torn write) is given as
    {"unreadable": line number} rather than hidden."""
    path = log_path(settings)
    if not path.is_file():
        return
    with open(path, encoding="utf-8", errors="replace") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                yield {"unreadable": n}


def summary(files: Sequence[tuple[str, str]], limit: int = 4) -> str:
    """"3 added, 1 skipped: a.txt (added), ..." for a table cell."""
    counts: dict[str, int] = {}
    for _, status in files:
        counts[status] = counts.get(status, 0) + 1
    head = ", ".join(f"{n} {status}" for status, n in counts.items())
    names = ", ".join(f"{f} ({s})" for f, s in files[:limit]) + (" …" if len(files) > limit else "")
    return f"{head}: {names}" if names else "no changes"
