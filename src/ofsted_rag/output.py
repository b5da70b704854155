"""Answers as the CLI prints them: human text, or one JSON object of a fixed shape."""

from __future__ import annotations

from ofsted_rag.documents import Answer, StoredPassage


def passage_to_json(p: StoredPassage, n: int | None = None) -> dict:
    row = {
        "passage_id": p.id,
        "document": p.file_name,
        "council": p.council,
        "body": p.body,
        "date": p.date.isoformat() if p.date else None,
        "item": p.item,
        "item_title": p.item_title,
        "point": p.point,
        "text": p.text,
        "url": p.url,
    }
    return {"n": n, **row} if n is not None else row


def answer_to_json(answer: Answer) -> dict:
    """{"question", "answer", "refused", "notes", "citations": [...], "closest": [...]} as
    documented in the README; closest passages are numbered from 1 in their own list. `notes` are
    the answer's sentences of the system's own (what the documents do not say), never quotations."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "refused": answer.refused,
        "notes": list(answer.notes),
        "citations": [passage_to_json(c.passage, c.n) for c in answer.citations],
        "closest": [passage_to_json(p, n) for n, p in enumerate(answer.closest, start=1)],
    }


def answer_to_text(answer: Answer) -> str:
    lines = [answer.text, ""]
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.label}")
            also = [s.file_name for s in c.passage.sources[1:]]
            if also:
                lines.append(f"     (also published in {', '.join(also)})")
    if answer.closest:
        lines.append("Closest passages (not an answer):")
        for n, p in enumerate(answer.closest, start=1):
            lines.append(f"  {n}. {p.citation_label()}")
            lines.append(f"     \"{p.text[:240]}{'...' if len(p.text) > 240 else ''}\"")
    return "\n".join(lines).rstrip()
