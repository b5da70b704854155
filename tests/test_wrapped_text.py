"""Documents copied out of a PDF into .txt: every line ends at the page's width, mid-sentence, and
there is no blank line between paragraphs, items or headings. The parser must still find the
items, resolutions, headings and paragraphs a reader sees (issue 10).

The documents here are invented, in our own words, in the shapes such copies take.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from ofsted_rag.parsing import ParsedDocument, parse_bytes

# Minutes of an invented meeting, copied as they print: capitals for the council, committee and
# item headings, the attendance line, then items numbered from 7 (minutes continue the council's
# yearly numbering), each wrapped at 84 characters with no blank lines at all.
WRAPPED_MINUTES = """\
WESSEXSHIRE COUNTY COUNCIL
CHILDREN'S SERVICES SCRUTINY PANEL
MINUTES of the meeting held on Wednesday 8 November 2023 at 2.00 pm
PRESENT: Councillor R Okoye (Chair), Councillors L Varga, M Patel and S Doyle
7 DECLARATIONS OF INTEREST
No declarations of interest were made.
8 OFSTED MONITORING VISIT
The Assistant Director for Children's Social Care introduced the letter Ofsted sent
after its third monitoring visit in September 2023, which looked at the front door and
at children in need of help and protection. Inspectors found that referrals were
screened quickly and strategy meetings were prompt.
Inspectors also found that the quality of supervision varied between teams and that
some managers did not record the reasons for their decisions. The panel heard that a
new supervision template had been introduced in October 2023.
Members asked how many children were waiting for an assessment, and were told that
there were 61, none of them for more than ten working days.
RESOLVED: That the monitoring visit letter be noted and that the Assistant Director
report progress on supervision to the panel in March 2024.
9 FOSTERING RECRUITMENT
The Fostering Service Manager said that 14 new fostering households had been approved
since April, against a target of 20.
RESOLVED: That the update be noted.
"""

# The same minutes as a document that kept its blank lines: the parser's reading of this is the
# reading the wrapped copy must give.
SPACED_MINUTES = """\
WESSEXSHIRE COUNTY COUNCIL

CHILDREN'S SERVICES SCRUTINY PANEL

MINUTES of the meeting held on Wednesday 8 November 2023 at 2.00 pm

PRESENT: Councillor R Okoye (Chair), Councillors L Varga, M Patel and S Doyle

7 DECLARATIONS OF INTEREST

No declarations of interest were made.

8 OFSTED MONITORING VISIT

The Assistant Director for Children's Social Care introduced the letter Ofsted sent
after its third monitoring visit in September 2023, which looked at the front door and
at children in need of help and protection. Inspectors found that referrals were
screened quickly and strategy meetings were prompt.

Inspectors also found that the quality of supervision varied between teams and that
some managers did not record the reasons for their decisions. The panel heard that a
new supervision template had been introduced in October 2023.

Members asked how many children were waiting for an assessment, and were told that
there were 61, none of them for more than ten working days.

RESOLVED: That the monitoring visit letter be noted and that the Assistant Director
report progress on supervision to the panel in March 2024.

9 FOSTERING RECRUITMENT

The Fostering Service Manager said that 14 new fostering households had been approved
since April, against a target of 20.

RESOLVED: That the update be noted.
"""

# An invented letter after a focused visit, its paragraphs wrapped at 76 characters by the
# `letter` helper below, with headings in ordinary case and nothing between the lines.
LETTER_PARAGRAPHS = [
    "12 October 2023",
    "Ms Dana Whitcombe",
    "Director of Children's Services",
    "Dear Ms Whitcombe",
    "Focused visit to Northmoor children's services",
    "This letter summarises the findings of the focused visit to Northmoor children's services "
    "on 19 and 20 September 2023. Inspectors looked at the arrangements for children in care "
    "who live at a distance from their home area.",
    "Headline findings",
    "Most children in care who live away from Northmoor are visited regularly by social workers "
    "who know them well. Their plans are reviewed on time and their views are recorded.",
    "Health assessments for children placed out of the area are often late. Leaders know this "
    "and have agreed a new arrangement with neighbouring health providers.",
    "What needs to improve in this area of social work practice",
    "The timeliness of health assessments for children placed away from Northmoor.",
    "Yours sincerely",
    "Tomas Ferreira",
    "His Majesty's Inspector",
]


def letter(width: int = 76) -> str:
    """The letter's paragraphs hard-wrapped at `width`, with no blank line between them."""
    return "\n".join(line for paragraph in LETTER_PARAGRAPHS for line in textwrap.wrap(paragraph, width)) + "\n"


def parse(text: str, name: str) -> ParsedDocument:
    return parse_bytes(text.encode(), name)


def rows(parsed: ParsedDocument) -> list[tuple[str | None, str | None, str | None, str]]:
    return [(p.item, p.point, p.item_title, p.text) for p in parsed.passages]


def test_wrapped_minutes_items_are_numbered_and_titled_from_their_heading_lines():
    parsed = parse(WRAPPED_MINUTES, "panel-minutes.txt")
    items = {(p.item, p.item_title) for p in parsed.passages if p.item}
    assert items == {("7", "DECLARATIONS OF INTEREST"), ("8", "OFSTED MONITORING VISIT"), ("9", "FOSTERING RECRUITMENT")}
    visit = [p for p in parsed.passages if p.item == "8"]
    assert visit[0].text.startswith("The Assistant Director for Children's Social Care introduced")


def test_a_resolution_in_wrapped_minutes_is_its_own_passage_with_its_wrapped_line():
    parsed = parse(WRAPPED_MINUTES, "panel-minutes.txt")
    resolutions = [p for p in parsed.passages if p.point == "resolution"]
    assert [(p.item, p.text) for p in resolutions] == [
        ("8", "RESOLVED: That the monitoring visit letter be noted and that the Assistant Director "
              "report progress on supervision to the panel in March 2024."),
        ("9", "RESOLVED: That the update be noted."),
    ]


def test_wrapped_paragraphs_split_where_a_sentence_ends_on_a_short_line():
    parsed = parse(WRAPPED_MINUTES, "panel-minutes.txt")
    paragraphs = [p.text for p in parsed.passages if p.item == "8" and p.point.startswith("¶")]
    assert len(paragraphs) == 3
    assert paragraphs[0].endswith("screened quickly and strategy meetings were prompt.")
    assert paragraphs[1].startswith("Inspectors also found that the quality of supervision varied")
    assert paragraphs[1].endswith("introduced in October 2023.")
    assert paragraphs[2].startswith("Members asked how many children were waiting")


def test_wrapped_minutes_read_as_the_same_minutes_with_blank_lines():
    assert rows(parse(WRAPPED_MINUTES, "panel-minutes.txt")) == rows(parse(SPACED_MINUTES, "panel-minutes.txt"))


def test_a_hard_wrapped_sentence_is_kept_whole_even_across_a_capital_and_a_full_width_sentence_end():
    # The second line ends a sentence at the full width, and the fourth breaks before a name in
    # capitals: neither is a paragraph's end, so the paragraph is one passage.
    text = (
        "11 SUFFICIENCY OF PLACEMENTS\n"
        "The Head of Commissioning reported that the council had opened two small children's\n"
        "homes during the year, each for up to three children with complex needs in the county.\n"
        "Members welcomed the homes and asked whether a third home was planned, and were told\n"
        "that a site had been identified with the help of the Wessexshire Housing Partnership\n"
        "and that a decision would follow in the spring.\n"
        "RESOLVED: That the report be noted.\n"
        "12 ANY OTHER BUSINESS\n"
        "There was no other business.\n"
    )
    parsed = parse(text, "panel-minutes.txt")
    item_11 = [p for p in parsed.passages if p.item == "11"]
    assert [p.point for p in item_11] == ["¶ 1", "resolution"]
    assert item_11[0].text.startswith("The Head of Commissioning reported")
    assert item_11[0].text.endswith("a decision would follow in the spring.")


def test_header_lines_of_wrapped_minutes_are_headings_and_metadata_not_passages():
    parsed = parse(WRAPPED_MINUTES, "panel-minutes.txt")
    texts = " ".join(p.text for p in parsed.passages)
    assert "WESSEXSHIRE COUNTY COUNCIL" not in texts
    assert "SCRUTINY PANEL" not in texts
    assert "MINUTES of the meeting" not in texts
    # The attendance line is a passage of its own, as in minutes that kept their blank lines:
    # it answers who sat on the panel. It is not glued to the first item.
    present = [p for p in parsed.passages if p.text.startswith("PRESENT:")]
    assert len(present) == 1 and present[0].item is None
    assert present[0].text.endswith("M Patel and S Doyle")
    meta = parsed.document.meta
    assert meta.date == dt.date(2023, 11, 8)
    assert meta.body == "CHILDREN'S SERVICES SCRUTINY PANEL"
    assert meta.kind == "minutes"


def test_a_wrapped_letters_headings_title_its_paragraphs():
    parsed = parse(letter(), "northmoor-focused-visit.txt")
    by_title: dict[str, list[str]] = {}
    for p in parsed.passages:
        by_title.setdefault(p.item_title or "", []).append(p.text)
    findings = [title for title in by_title if title.endswith("Headline findings")]
    assert len(findings) == 1
    assert [t[:40] for t in by_title[findings[0]]] == [
        "Most children in care who live away from",
        "Health assessments for children placed o",
    ]
    improve = [title for title in by_title if title.endswith("What needs to improve in this area of social work practice")]
    assert by_title[improve[0]] == ["The timeliness of health assessments for children placed away from Northmoor."]


def test_a_wrapped_letters_salutation_sign_off_and_date_line_are_not_passages():
    parsed = parse(letter(), "northmoor-focused-visit.txt")
    texts = [p.text for p in parsed.passages]
    assert not any(t.startswith(("Dear ", "Yours sincerely", "12 October 2023")) for t in texts)
    assert parsed.document.meta.date == dt.date(2023, 10, 12)
    assert parsed.document.meta.kind == "ofsted_letter"


def test_a_wrapped_letter_reads_as_the_same_letter_with_blank_lines():
    spaced = "\n\n".join("\n".join(textwrap.wrap(paragraph, 76)) for paragraph in LETTER_PARAGRAPHS) + "\n"
    assert rows(parse(letter(76), "letter.txt")) == rows(parse(spaced, "letter.txt"))


def test_a_block_of_a_document_with_blank_lines_is_not_recut():
    # A heading printed straight above its wrapped paragraph, in a document that keeps blank
    # lines between its paragraphs: the block is read as it always was, as one passage.
    text = (
        "Inspection of Northmoor local authority children's services\n"
        "\n"
        "Leaders and managers: good\n"
        "Leaders have a precise understanding of the quality of social work practice, and\n"
        "their plans for improvement are the right ones. Elected members hold officers to\n"
        "account through a well attended scrutiny panel that meets every six weeks and\n"
        "receives a detailed report on performance.\n"
        "\n"
        "Social workers said that their managers are visible and that supervision is regular.\n"
    )
    parsed = parse(text, "northmoor-report.txt")
    assert [p.text[:40] for p in parsed.passages] == [
        "Leaders and managers: good Leaders have ",
        "Social workers said that their managers ",
    ]
