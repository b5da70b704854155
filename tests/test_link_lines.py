"""A news page prints links to its other stories in its text ("Read more: ...", a "Related
stories" label above a list of them) and its byline ("By Jane Smith 4th May 2022"): the other
story's headline is not evidence for this one, and neither is the byline; neither is ever quoted
in an answer.

The pages below are invented, in the shape of a local paper's stories.
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


def test_a_byline_and_a_related_stories_label_are_never_quoted(tmp_path, embedder):
    engine = engine_over({
        "www.barset-echo.co.uk__news_fostering-barsetshire.txt":
            "Barsetshire's fostering service praised by inspectors\n\n"
            "By Nell Carver\n9th March 2023\n\n"
            "Inspectors said Barsetshire's foster carers were well trained and well supported by the fostering team.\n\n"
            "The council plans to recruit forty more foster carers by next spring.\n\n"
            "Related stories\n\n"
            "- Library opening hours cut across the county\n"
            "- New bus route for the ring road\n",
    }, tmp_path / "pages", embedder)
    answer = engine.ask("What did inspectors say about Barsetshire's foster carers in 2023?")
    assert not answer.refused
    assert "well trained" in answer.text
    assert "Nell Carver" not in answer.text
    assert "Related stories" not in answer.text
