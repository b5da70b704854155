"""An answer as a file for a committee pack: Markdown or a Word document, with numbered references
that give council, committee, meeting date, agenda item, minute point and address, so a reader
without the app can find each source.

The answer's own [n] markers are kept in its text; the references are numbered to match. The
answerer's own sentences (`Answer.notes`: what the documents do not say) are set in italics, apart
from the quotations. A refused answer says so and lists the closest passages, marked as not an
answer.
"""

from __future__ import annotations

import io
import re

from ofsted_rag.documents import Answer, StoredPassage, format_date, notes_paragraph, point_display

MARKDOWN_MIME = "text/markdown"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Characters that would turn a quoted minute into Markdown formatting or HTML.
_MD_SPECIAL = re.compile(r"([\\`*_<>#|])")


def reference_fields(p: StoredPassage) -> list[tuple[str, str]]:
    """(name, value) for each detail a reader needs to find the passage; absent ones left out."""
    item = f"{p.item} ({p.item_title})" if p.item and p.item_title else (p.item or p.item_title)
    point = point_display(p.point).removeprefix("point ") if p.point else None
    fields = [("Council", p.council), ("Committee", p.body), ("Meeting date", format_date(p.date)),
              ("Item", item), ("Point", point),
              ("Part", str(p.part) if p.part else None), ("Document", p.file_name), ("URL", p.url)]
    return [(k, v) for k, v in fields if v]


def _references(answer: Answer) -> tuple[str, list[tuple[int, StoredPassage]]]:
    if answer.citations:
        return "References", [(c.n, c.passage) for c in answer.citations]
    return "Closest passages (they do not answer the question)", list(enumerate(answer.closest, start=1))


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def answer_to_markdown(answer: Answer, read_as: str | None = None) -> str:
    """The question, the answer with its [n] markers, and the numbered references."""
    lines = [f"# {_md(answer.question)}", ""]
    if read_as and read_as != answer.question:
        lines += [f"*Read as: {_md(read_as)}*", ""]
    # The answerer's own sentences (what the documents do not say) in italics, apart from quotations.
    own = notes_paragraph(answer.notes) if answer.notes else None
    lines += [(f"*{_md(p.strip())}*" if p.strip() == own else _md(p.strip())) + "\n"
              for p in re.split(r"\n\s*\n", answer.text) if p.strip()]
    heading, refs = _references(answer)
    if refs:
        lines += [f"## {heading}", ""]
        for n, p in refs:
            fields = "; ".join(f"{k}: {v if k == 'URL' else _md(v)}" for k, v in reference_fields(p))
            lines.append(f"- **\\[{n}\\]** {fields}")
    return "\n".join(lines).rstrip() + "\n"


def answer_to_docx(answer: Answer, read_as: str | None = None) -> bytes:
    """The same as `answer_to_markdown`, as a Word document's bytes (python-docx)."""
    from docx import Document

    doc = Document()
    doc.add_heading(answer.question, level=1)
    if read_as and read_as != answer.question:
        doc.add_paragraph().add_run(f"Read as: {read_as}").italic = True
    own = notes_paragraph(answer.notes) if answer.notes else None
    for paragraph in re.split(r"\n\s*\n", answer.text):
        if paragraph.strip() == own:
            doc.add_paragraph().add_run(own).italic = True
        elif paragraph.strip():
            doc.add_paragraph(" ".join(paragraph.split()))
    heading, refs = _references(answer)
    if refs:
        doc.add_heading(heading, level=2)
        for n, p in refs:
            para = doc.add_paragraph()
            para.add_run(f"[{n}] ").bold = True
            para.add_run("; ".join(f"{k}: {v}" for k, v in reference_fields(p)))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
