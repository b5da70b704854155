"""An answer as a file for a committee pack (export.py): Markdown and a Word document that
python-docx can open, each with numbered references, from the app's engine and from the CLI."""

from __future__ import annotations

import io
import os
import re

import pytest
from docx import Document

from ofsted_rag import cli
from ofsted_rag.documents import format_date, point_display
from ofsted_rag.engine import Engine
from ofsted_rag.export import answer_to_docx, answer_to_markdown

QUESTION = "How many Priority Actions followed Ofsted's focused visit to Nottingham City?"


@pytest.fixture(scope="module")
def answer(corpus_settings, embedder):
    engine = Engine(corpus_settings, embedder=embedder)
    engine.warm_up()
    found = engine.ask(QUESTION)
    assert not found.refused and found.citations
    return found


def _expected_reference(c) -> list[str]:
    p = c.passage
    return [x for x in (p.council, p.body, format_date(p.date), f"Item: {p.item}" if p.item else None,
                        point_display(p.point).removeprefix("point ") if p.point else None, p.url) if x]


def test_markdown_keeps_the_markers_and_numbers_each_reference(answer):
    md = answer_to_markdown(answer, read_as="a longer reading")
    assert md.startswith("# How many Priority Actions") and "*Read as: a longer reading*" in md
    for c in answer.citations:
        assert f"[{c.n}]" in md
        line = next(line for line in md.splitlines() if line.startswith(f"- **\\[{c.n}\\]** "))
        for part in _expected_reference(c):
            assert part in line.replace("\\", ""), (part, line)


def test_word_document_opens_with_the_answer_and_its_citations(answer):
    doc = Document(io.BytesIO(answer_to_docx(answer)))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == QUESTION
    body = "\n".join(paragraphs)
    assert set(re.findall(r"\[(\d+)\]", answer.text)) <= set(re.findall(r"\[(\d+)\]", body))
    assert "References" in paragraphs
    for c in answer.citations:
        ref = next(p for p in paragraphs if p.startswith(f"[{c.n}] "))
        assert all(part in ref for part in _expected_reference(c)), ref


def test_cli_writes_markdown_and_docx(corpus_settings, monkeypatch, tmp_path, capsys):
    for name in list(os.environ):
        if name.startswith("OFSTED_RAG_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OFSTED_RAG_HOME", str(corpus_settings.home))
    monkeypatch.setenv("OFSTED_RAG_CORPUS", str(corpus_settings.corpus))
    out = tmp_path / "answer.docx"
    assert cli.main(["ask", QUESTION, "--format", "docx", "--output", str(out)]) == 0
    refs = [p.text for p in Document(str(out)).paragraphs if p.text.startswith("[1] ")]
    assert refs and "Nottingham City Council" in refs[0]

    assert cli.main(["ask", QUESTION, "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# How many Priority Actions")

    # A Word document cannot go to the terminal: one line saying what to add.
    assert cli.main(["ask", QUESTION, "--format", "docx"]) == 2
    assert "--output" in capsys.readouterr().err
