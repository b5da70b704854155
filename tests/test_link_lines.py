"""A news page prints links to its other stories in its text ("Read more: ..."): the other
story's headline is not evidence for this one, and is never quoted in an answer.

The page below is invented, in the shape of a local paper's story with a link line in it.
"""

from __future__ import annotations

from conftest import engine_over


def test_a_read_more_line_is_never_quoted(tmp_path, embedder):
    engine = engine_over({
        "www.barset-echo.co.uk__news_send-inspection-barsetshire.txt":
            "A joint inspection has found weaknesses in Barsetshire's support for children with special needs.\n\n"
            "Read more: Special needs school plan approved for Barsetshire\n\n"
            "Inspectors said families waited too long for education, health and care plans.\n\n"
            "The lead inspector wrote to the council and the health board with the findings.\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("What did the SEND inspection find about special needs support in Barsetshire?")
    assert not answer.refused
    assert "Read more" not in answer.text
    assert "waited too long" in answer.text or "weaknesses" in answer.text
