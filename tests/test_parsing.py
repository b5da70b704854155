"""Parsing: from a corpus file to typed passages, one minute point each, with the right locators.

No model and no store here: these tests read the shipped corpus (and small texts built below) and
check the structure a reader sees on the page.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from ofsted_rag.documents import DocumentMeta, Passage, sentence_units, split_sentences
from ofsted_rag.errors import DocumentError
from ofsted_rag.manifest import read_manifest
from ofsted_rag.parsing import ParsedDocument, parse_bytes, parse_file
from ofsted_rag.parsing.structure import MAX_PASSAGE_CHARS
from ofsted_rag.parsing.text import to_text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ITEM_PAGE_5 = "000_35ec4a2651ba769a.txt"  # item 5 of the 30 July 2020 meeting, on its own page
BRADFORD = "001_35aac8e21a7ebd18.txt"  # one item: paragraphs, bullets, "Resolved -", "ACTION:"
NEWS = "002_bdeaae82982530c6.txt"  # a news article with an advertisement and related links
WINDSOR = "003_acc0905617071dce.txt"  # one item whose long paragraph is split
MEETING = "004_398205c18d3ff3d7.txt"  # the whole 30 July 2020 meeting: items 1-6

# (a) ... (z), (aa) ... (ee): the 31 points of items 4 and 5.
LETTERS = list(string.ascii_lowercase) + ["aa", "bb", "cc", "dd", "ee"]
FURNITURE = re.compile(
    r"pdf icon|\bPDF \d+ ?[KM]B\b|Additional documents|Supporting documents|View directions|"
    r"Advertisement|Related Articles|Latest Articles",
    re.IGNORECASE,
)


def parse(name: str, meta: DocumentMeta | None = None) -> ParsedDocument:
    """A corpus file parsed without its manifest entry unless one is given."""
    return parse_file(CORPUS / name, meta)


def item(parsed: ParsedDocument, number: str) -> list[Passage]:
    return [p for p in parsed.passages if p.item == number]


def lettered(passages: list[Passage]) -> list[str]:
    return [p.point for p in passages if p.point and re.fullmatch(r"[a-z]{1,2}", p.point)]


def folded(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the whole meeting (004)


def test_meeting_page_has_items_1_to_6_with_clean_titles():
    parsed = parse(MEETING)
    titles = {p.item: p.item_title for p in parsed.passages}
    assert titles == {
        "1": "Apologies for absence",
        "2": "Declarations of Interests",
        "3": "Minutes",
        "4": "Impact of Coronavirus on Children's Services",
        "5": "Children's Integrated Services Ofsted Focussed Visit and Improvement Programme",
        "6": "Work Programme 2020/21",
    }
    assert [p.item for p in parsed.passages] == sorted((p.item for p in parsed.passages), key=int)


def test_item_5_has_the_31_points_then_its_closing_request():
    passages = item(parse(MEETING), "5")
    assert lettered(passages) == LETTERS
    last = passages[-1]
    assert last.point == "resolution"
    assert last.text.startswith("The Committee requested that outcomes of the Ofsted assurance visit")
    # Nothing of the next item leaks into item 5's last passage.
    assert "Work Programme" not in last.text
    # The opening paragraph is a passage of its own, before the points.
    assert passages[0].point == "¶ 1"
    assert passages[0].text.startswith("Councillor Barnard")


def test_item_4_has_points_a_to_ee_and_its_resolution():
    passages = item(parse(MEETING), "4")
    assert lettered(passages) == LETTERS
    resolutions = [p for p in passages if p.point == "resolution"]
    assert len(resolutions) == 1
    assert resolutions[0].text.startswith("Resolved to recommend to the Portfolio Holder")
    assert resolutions[0] is passages[-1]


def test_points_after_the_discussion_preamble_are_marked_as_discussion():
    passages = item(parse(MEETING), "5")
    by_point = {p.point: p for p in passages}
    preamble = next(p for p in passages if p.text.startswith("During discussion the following points"))
    assert passages.index(preamble) == passages.index(by_point["u"]) + 1
    assert by_point["u"].section != "discussion"
    assert all(by_point[x].section == "discussion" for x in LETTERS[LETTERS.index("v"):])


def test_point_written_without_a_space_is_found():
    for number, start in (("4", "(m)The main impact on adoption services"), ("5", "(m)The role of Principal")):
        point_m = [p for p in item(parse(MEETING), number) if p.point == "m"]
        assert len(point_m) == 1
        assert point_m[0].text.startswith(start)
        # (l) ends where (m) starts: (m) was not swallowed by the point above it.
        point_l = next(p for p in item(parse(MEETING), number) if p.point == "l")
        assert "(m)" not in point_l.text


def test_item_page_gives_the_same_passages_as_item_5_of_the_meeting():
    page = parse(ITEM_PAGE_5).passages
    meeting_item = item(parse(MEETING), "5")
    assert [(p.text, p.point, p.part) for p in page] == [(p.text, p.point, p.part) for p in meeting_item]
    assert {p.item_title for p in page} == {meeting_item[0].item_title}
    assert all(p.item is None for p in page)


def test_item_page_and_meeting_share_content_keys_under_the_manifest():
    """With the same council and date, the two publications of a point get one store id."""
    manifest = read_manifest(CORPUS)
    page = parse(ITEM_PAGE_5, manifest[ITEM_PAGE_5]).passages
    meeting_item = item(parse(MEETING, manifest[MEETING]), "5")
    assert [p.content_key for p in page] == [p.content_key for p in meeting_item]
    assert len({p.content_key for p in page}) == len(page) == 34


# --------------------------------------------------------------------------- a single-item page (001)


def test_bullets_are_numbered_within_the_item():
    bullets = [p for p in parse(BRADFORD).passages if p.point and p.point.startswith("bullet")]
    assert [p.point for p in bullets] == [f"bullet {n}" for n in range(1, 13)]
    assert bullets[0].text.startswith("• Leaders having achieved some positive steps")
    assert bullets[6].text.startswith("• The delivery of improvements being slow")


def test_resolved_dash_is_merged_with_its_that_paragraph():
    passages = parse(BRADFORD).passages
    resolutions = [p for p in passages if p.point == "resolution"]
    assert len(resolutions) == 1
    assert resolutions[0].text == (
        "Resolved - That the progress and challenges that need to be addressed be noted and that the "
        "Improvement Plan and Vital Signs be presented to the Committee early in the new Municipal Year."
    )
    assert not any(p.text.startswith("That the progress") for p in passages)
    assert not any(p.text in ("Resolved -", "Resolved") for p in passages)


def test_action_line_is_labelled_action():
    actions = [p for p in parse(BRADFORD).passages if p.point == "action"]
    assert [p.text for p in actions] == ["ACTION: Strategic Director of Children’s Service"]


def test_recommended_dash_is_merged_with_its_paragraph():
    recs = [p for p in parse(BRADFORD).passages if p.point == "recommendation"]
    assert [p.text for p in recs] == ["Recommended - That this Committee notes the contents of this report and the progress being made."]


# --------------------------------------------------------------------------- a news article (002)


def test_news_advertisement_and_related_links_are_not_passages():
    passages = parse(NEWS).passages
    texts = " ".join(p.text for p in passages)
    for furniture in ("Advertisement", "Related Articles", "Latest Articles",
                      "East Midlands Railways", "crime-ridden", "alleyways"):
        assert furniture not in texts
    # The article's own last paragraph is kept: dropping the links must not eat content.
    assert passages[-1].text.startswith("Members of the children and young people’s select committee")
    assert not any(p.point and p.point.startswith("bullet") for p in passages)


def test_a_pictures_caption_and_advert_labels_are_not_passages():
    # Invented, in the shape of a local paper's page: a picture's alt text and caption run
    # together, the caption again below, and "Hide Ad" labels between paragraphs.
    story = ("Borough's children's services criticised\n\n"
             "The town hall in Anytown.The town hall in Anytown.\n"
             "The town hall in Anytown.\n"
             "Officials must draw up a plan\n\n"
             "Inspectors said the borough was too slow to act on some referrals.\n\n"
             "Hide Ad\nHide Ad\n\n"
             "The council said it accepted the findings.\n")
    passages = parse_bytes(story.encode(), "anytown-news.txt").passages
    texts = " ".join(p.text for p in passages)
    assert "town hall" not in texts and "Hide Ad" not in texts
    assert "too slow to act" in texts and "accepted the findings" in texts


# --------------------------------------------------------------------------- every corpus file


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_page_furniture_is_never_in_a_passage(name):
    parsed = parse(name)
    for p in parsed.passages:
        assert not FURNITURE.search(p.text), (p.locator, p.text)
        assert not FURNITURE.search(p.item_title or ""), p.item_title


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_spans_point_at_the_passage_in_the_normalised_text(name):
    parsed = parse(name)
    text = parsed.document.text
    previous_end = 0
    for p in parsed.passages:
        assert 0 <= p.start < p.end <= len(text)
        assert folded(text[p.start:p.end]) == p.text
        assert p.start >= previous_end, "passages overlap or are out of order"
        previous_end = p.end


def test_download_links_under_supporting_documents_are_not_passages():
    page = (
        "Agenda item\n\nAnnual Report of the Fostering Service pdf icon PDF 120 KB\n\nMinutes:\n\n"
        "The Committee received the annual report of the fostering service for the year.\n\n"
        "Resolved -\n\nThat the report be noted.\n\nSupporting documents:\n\n"
        "Annual report, item 27. pdf icon PDF 336 KB\n\nAppendix 1 - Ofsted letter, item 27. pdf icon PDF 1 MB\n"
    )
    passages = parse_bytes(page.encode(), "fostering.txt").passages
    assert [(p.item_title, p.point) for p in passages] == [
        ("Annual Report of the Fostering Service", "¶ 1"),
        ("Annual Report of the Fostering Service", "resolution"),
    ]


# --------------------------------------------------------------------------- shapes built here


def test_long_point_is_split_at_sentences_with_part_numbers():
    sentences = [f"Sentence {n} records what the committee heard about placements and caseloads." for n in range(40)]
    point_a = "(a) " + " ".join(sentences)
    text = f"Children in Care Panel\n\n{point_a}\n\n(b) A short point that stays whole as it is.\n"
    passages = parse_bytes(text.encode(), "panel.txt").passages
    parts = [p for p in passages if p.point == "a"]
    assert len(parts) >= 3
    assert [p.part for p in parts] == list(range(1, len(parts) + 1))
    assert " ".join(p.text for p in parts) == point_a
    for p in parts:
        assert len(p.text) <= MAX_PASSAGE_CHARS
        assert p.text.endswith("caseloads."), "a part ends at a sentence boundary"
    point_b = [p for p in passages if p.point == "b"]
    assert len(point_b) == 1 and point_b[0].part is None


def test_corpus_long_paragraph_is_split_with_one_label():
    parts = [p for p in parse(WINDSOR).passages if p.part]
    assert [p.part for p in parts] == [1, 2]
    assert parts[0].point == parts[1].point
    assert parts[0].text.endswith(".")
    assert parts[1].text[0].isupper()


def test_numbered_paragraphs_keep_their_numbers():
    text = (
        "Corporate Parenting Panel\n\n"
        "20.1 The Panel received the report of the Director of Children's Services.\n\n"
        "20.1.1 Members noted that caseloads had fallen since the last meeting in March.\n\n"
        "20.1.2 Members asked about agency staff and were told numbers were reducing.\n"
    )
    passages = parse_bytes(text.encode(), "panel.txt").passages
    assert [p.point for p in passages] == ["20.1", "20.1.1", "20.1.2"]
    assert passages[1].text.startswith("20.1.1 Members noted")


def test_lettered_points_without_items():
    text = (
        "(a) The first point about children in care and their placements being stable.\n\n"
        "(b) The second point about the workforce and the use of agency staff.\n\n"
        "(c)The third point, written without a space after the letter.\n"
    )
    passages = parse_bytes(text.encode(), "points.txt").passages
    assert [(p.item, p.point) for p in passages] == [(None, "a"), (None, "b"), (None, "c")]


def test_bullets_of_every_kind():
    text = "Areas for improvement\n\n• Supervision of social workers.\n· Quality of plans.\n- Use of audits.\n"
    passages = parse_bytes(text.encode(), "letter.txt").passages
    assert [p.point for p in passages] == ["bullet 1", "bullet 2", "bullet 3"]
    assert {p.item_title for p in passages} == {"Areas for improvement"}


def test_consecutive_headings_are_one_title():
    """A letter's title straight above its first section heading: both are kept, joined, and a
    later heading after text starts a new title as before."""
    text = (
        "Focused visit to Anytown children's services\n\nMain findings\n\n"
        "Leaders have acted on the findings of the last inspection.\n\n"
        "Next steps\n\nThe local authority will publish its action plan.\n"
    )
    passages = parse_bytes(text.encode(), "letter.txt").passages
    assert [(p.item_title, p.point) for p in passages] == [
        ("Focused visit to Anytown children's services – Main findings", "¶ 1"),
        ("Next steps", "¶ 1"),
    ]
    assert passages[0].locator == (
        "Focused visit to Anytown children's services – Main findings · paragraph 1"
    )


def test_consecutive_section_headings_inside_an_item_are_one_section():
    text = (
        "Agenda and minutes\n\nScrutiny Committee\n\n4.\n\nImprovement Plan\n\nMinutes:\n\n"
        "The Director introduced the report.\n\nWorkforce\n\nAgency staff\n\n"
        "Members asked how many social workers were agency staff.\n"
    )
    passages = parse_bytes(text.encode(), "minutes.txt").passages
    assert [(p.item_title, p.section) for p in passages] == [
        ("Improvement Plan", "minutes"),
        ("Improvement Plan", "Workforce – Agency staff"),
    ]


@pytest.mark.parametrize("marker", ["Resolved", "RESOLVED", "RESOLVED:", "Resolved -", "Agreed", "Decision"])
def test_bare_resolved_line_takes_the_next_paragraph_as_its_resolution(marker):
    """"Resolved" alone on its line is the resolution marker, not a heading, as when the text
    shares its line: the paragraph under it is the resolution, and the item keeps its title."""
    page = (
        "Agenda item\n\nAnnual Report of the Fostering Service\n\nMinutes:\n\n"
        "Members asked about the number of foster carers recruited this year.\n\n"
        f"{marker}\n\nThat the report be noted.\n"
    )
    passages = parse_bytes(page.encode(), "fostering.txt").passages
    assert [(p.item_title, p.point, p.text) for p in passages] == [
        ("Annual Report of the Fostering Service", "¶ 1",
         "Members asked about the number of foster carers recruited this year."),
        ("Annual Report of the Fostering Service", "resolution", f"{marker} That the report be noted."),
    ]


def test_heading_inside_an_agenda_item_page_is_a_section_not_the_item_title():
    """An agenda-item page names its item at the top; a heading in its minutes narrows a part of
    them. Citations keep the item's title (the same point on the whole-meeting page has it too)."""
    page = (
        "Agenda item\n\nBudget Monitoring\n\nMinutes:\n\n"
        "Members received the quarter two budget report.\n\n"
        "Placements overspend\n\n"
        "The overspend on external placements was 1.2 million pounds.\n"
    )
    passages = parse_bytes(page.encode(), "budget.txt").passages
    assert [(p.item_title, p.section) for p in passages] == [
        ("Budget Monitoring", "minutes"),
        ("Budget Monitoring", "Placements overspend"),
    ]


def test_a_letters_salutation_and_sign_off_title_nothing():
    """"Dear Ms Smith" and "Yours sincerely" are not headings: the letter's subject line titles its
    first paragraph, and the inspector's name after the sign-off is kept as text."""
    letter = (
        "Dear Ms Smith\n\nFocused visit to Anytown children's services\n\n"
        "Inspectors looked at the local authority's arrangements for care leavers.\n\n"
        "Yours sincerely\n\nJane Doe\nHis Majesty's Inspector\n"
    )
    passages = parse_bytes(letter.encode(), "letter.txt").passages
    assert [(p.item_title, p.text) for p in passages] == [
        ("Focused visit to Anytown children's services",
         "Inspectors looked at the local authority's arrangements for care leavers."),
        ("Focused visit to Anytown children's services", "Jane Doe His Majesty's Inspector"),
    ]


def test_a_letterheads_contact_block_is_furniture():
    """Phone numbers and web addresses on their own are dropped; a sentence giving a number is kept."""
    letter = (
        "T 0300 123 1231\nTextphone 0161 618 8524\nenquiries@ofsted.gov.uk\nwww.gov.uk/ofsted\n\n"
        "Focused visit to Anytown children's services\n\n"
        "Parents can call the duty team on 01234 567890 at any time.\n"
    )
    passages = parse_bytes(letter.encode(), "letter.txt").passages
    assert [p.text for p in passages] == ["Parents can call the duty team on 01234 567890 at any time."]


def test_short_sentence_mentioning_a_pdf_size_is_content_not_a_download_link():
    """Only a line that ends in the size marker is a link; a sentence that mentions one is kept."""
    page = (
        "Agenda item\n\nBudget Monitoring\n\nMinutes:\n\n"
        "The 12-page PDF 2 MB report was circulated late, members said.\n\n"
        "Background papers PDF 2 MB were not published with the agenda.\n\n"
        "Members noted the report.\n\nSupporting documents:\n\nReport.pdf PDF 2 MB\n\n"
        "Appendix 1, item 27. pdf icon PDF 1 MB\n"
    )
    passages = parse_bytes(page.encode(), "budget.txt").passages
    assert [p.text for p in passages] == [
        "The 12-page PDF 2 MB report was circulated late, members said.",
        "Background papers PDF 2 MB were not published with the agenda.",
        "Members noted the report.",
    ]


# --------------------------------------------------------------------------- metadata


def test_meeting_metadata_is_inferred_from_its_header():
    meta = parse(MEETING).document.meta
    assert meta.date == dt.date(2020, 7, 30)
    assert meta.body == "Children and Young People Scrutiny Committee"
    assert meta.kind == "minutes"
    # The page never names its own council at the top; "Essex County Council" further down is a
    # partner, not the author.
    assert meta.council is None


def test_dates_in_sentences_are_not_meeting_dates():
    """001 mentions the visit of 15 to 17 December 2020; that is not when the committee met."""
    meta = parse(BRADFORD).document.meta
    assert meta.date is None
    assert meta.council is None
    assert meta.kind == "minutes"


def test_council_named_at_the_top_is_inferred():
    meta = parse(NEWS).document.meta
    assert meta.council == "Nottinghamshire County Council"
    assert meta.kind == "news"
    assert meta.date is None


def test_manifest_values_win_over_inferred_ones():
    given = DocumentMeta(council="Test Borough Council", date=dt.date(2021, 1, 2), kind="minutes")
    parsed = parse(MEETING, given)
    assert parsed.document.meta.council == "Test Borough Council"
    assert parsed.document.meta.date == dt.date(2021, 1, 2)
    # What the manifest leaves out is still inferred.
    assert parsed.document.meta.body == "Children and Young People Scrutiny Committee"
    assert {(p.council, p.date, p.body) for p in parsed.passages} == {
        ("Test Borough Council", dt.date(2021, 1, 2), "Children and Young People Scrutiny Committee")
    }


def test_corpus_manifest_gives_every_file_its_council_and_kind():
    manifest = read_manifest(CORPUS)
    assert set(manifest) == {p.name for p in CORPUS.glob("*.txt")}
    for name, meta in manifest.items():
        parsed = parse(name, meta)
        assert parsed.document.meta.council == meta.council
        assert parsed.document.meta.kind == meta.kind
    assert parse(BRADFORD, manifest[BRADFORD]).document.meta.date is None


# --------------------------------------------------------------------------- encodings


def test_cp1252_text_decodes():
    data = b"The Council\x92s plan \x96 \x93improving\x94 services costs \x80100.\n"
    assert to_text(data, "a.txt") == "The Council’s plan – “improving” services costs €100.\n"


def test_cp1252_file_parses_into_passages():
    data = (b"Agenda item\r\n\r\nThe Council\x92s Improvement Plan\r\n\r\nMinutes:\r\n\r\n"
            b"(a) The Director said the Council\x92s plan was on track.\r\n")
    passages = parse_bytes(data, "cp1252.txt").passages
    assert [p.text for p in passages] == ["(a) The Director said the Council’s plan was on track."]
    assert passages[0].item_title == "The Council’s Improvement Plan"


def test_mixed_utf8_and_cp1252_lines_both_decode():
    data = "Café minutes – the Council’s view\n".encode() + b"The Council\x92s reply \x96 noted.\n"
    assert to_text(data, "mixed.txt") == "Café minutes – the Council’s view\nThe Council’s reply – noted.\n"


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"", "empty"), (b" \r\n\t\n", "empty"), (b"\x00\x01\x02binary\x00" * 50, "binary")],
)
def test_unreadable_text_is_refused_with_a_reason(data, words):
    with pytest.raises(DocumentError) as exc:
        parse_bytes(data, "bad.txt")
    assert words in exc.value.reason
    assert exc.value.file_name == "bad.txt"


# --------------------------------------------------------------------------- item numbering


def _items(text: str, name: str = "minutes.txt") -> list[tuple[str | None, str | None]]:
    """The numbered items the passages fall under (the attendance above the first item has none)."""
    passages = parse_bytes(text.encode(), name).passages
    return list(dict.fromkeys((p.item, p.item_title) for p in passages if p.item))


def test_a_minutes_title_line_is_a_header_not_a_passage():
    text = "Minutes of the meeting held on 2 May 2023\n\nItem 6: Care leavers\n\nThe panel discussed housing."
    assert [(p.item, p.text) for p in parse_bytes(text.encode(), "m.txt").passages] == [
        ("6", "The panel discussed housing.")]


def test_printed_minutes_items_may_start_at_any_number():
    text = ("Minutes of the meeting held on 14 March 2023\n\nPresent: Councillors A and B\n\n"
            "262. Apologies for absence\n\nNone were received.\n\n263. Fostering update\n\n"
            "1. The committee heard that recruitment had risen.\n\nRESOLVED: That the update be noted.")
    assert _items(text) == [("262", "Apologies for absence"), ("263", "Fostering update")]


def test_items_labelled_item_n_are_items():
    text = ("Minutes of the meeting held on 2 May 2022\n\nItem 6.\n\nCare leavers\n\nThe panel discussed housing.\n\n"
            "Item 7: Any other business\n\nThere was none.")
    assert _items(text) == [("6", "Care leavers"), ("7", "Any other business")]


def test_minute_numbers_within_the_year_are_items():
    text = ("Minutes of the meeting held on 2 May 2023\n\nPresent: Councillor A\n\n45/23 Ofsted focused visit\n\n"
            "The panel noted the letter.\n\n46/23 Date of next meeting\n\nThe next meeting is in June.")
    assert _items(text) == [("45/23", "Ofsted focused visit"), ("46/23", "Date of next meeting")]


def test_a_number_alone_above_a_title_line_opens_an_item():
    text = ("Minutes of the meeting held on 2 May 2023\n\nPresent: Councillor A\n\n6\n\nSchool place planning\n\n"
            "Members asked about new places.")
    assert _items(text) == [("6", "School place planning")]


def test_the_meeting_lines_item_number_numbers_an_agenda_item_page():
    text = ("Agenda item\n\nAdoption service report\n\nMeeting: 04/02/2021 - Corporate Parenting Panel (Item 14)\n\n"
            "Minutes:\n\nThe panel received the annual report.")
    passages = parse_bytes(text.encode(), "item.txt").passages
    assert [(p.item, p.item_title, p.text) for p in passages] == [
        ("14", "Adoption service report", "The panel received the annual report.")]


# --------------------------------------------------------------------------- page furniture


def test_page_numbers_and_bare_date_lines_are_not_passages():
    text = "Scrutiny report\n\n14 March 2023\n\nThe panel met.\n\nPage 2 of 3\n\nIt noted the plan."
    texts = [p.text for p in parse_bytes(text.encode(), "r.txt").passages]
    assert texts == ["The panel met.", "It noted the plan."]


def test_a_running_header_glued_to_a_pages_first_sentence_is_removed():
    header = "Inspection of Anytown children's services"
    text = (f"{header}\n\nThe first page reports on help.\n\n{header} 2 The second page reports on care.\n\n"
            f"{header} 3 The third page reports on leavers.")
    texts = [p.text for p in parse_bytes(text.encode(), "report.txt").passages]
    assert "The second page reports on care." in texts and "The third page reports on leavers." in texts
    assert not any(t.startswith(header) and t != header for t in texts)


def test_a_heading_repeated_without_page_numbers_is_kept():
    from ofsted_rag.parsing.text import remove_running_headers

    text = "Children's services update\n\nThe plan is on track.\n\nChildren's services update\n\nStaffing is stable."
    assert remove_running_headers(text) == text


def test_report_front_page_fields_and_judgement_rows_are_passages_of_their_own():
    text = ("Inspection of Anytown children's services\n\nInspection dates: 9 to 20 October 2017\n"
            "Report published: 14 December 2017\n\nOverall effectiveness Good\n"
            "The experiences and progress of children in care Requires improvement to be good")
    texts = [p.text for p in parse_bytes(text.encode(), "report.txt").passages]
    assert texts == ["Inspection dates: 9 to 20 October 2017", "Report published: 14 December 2017",
                     "Overall effectiveness Good",
                     "The experiences and progress of children in care Requires improvement to be good"]


def test_a_running_header_ending_in_page_n_of_m_is_removed():
    header = "Review of health services for children in care in Anytown"
    text = (f"{header} Page 1 of 3\n\nThe first page reports on help.\n\n{header} Page 2 of 3\n\n"
            f"The second page reports on care.\n\n{header} Page 3 of 3\n\nThe third page reports on leavers.")
    passages = parse_bytes(text.encode(), "review.txt").passages
    assert [p.text for p in passages] == ["The first page reports on help.", "The second page reports on care.",
                                          "The third page reports on leavers."]
    assert not any("Page" in (p.item_title or "") for p in passages)


def test_front_page_fields_set_apart_by_blank_lines_are_passages_not_headings():
    text = ("Review of health services in Anytown\n\nDate of review: 3 March to 7 March 2014\n\n"
            "Name(s) of inspector: A Person\n\nIs key decision?: No\n\nThe review looked at early help.")
    passages = parse_bytes(text.encode(), "review.txt").passages
    assert [p.text for p in passages] == ["Date of review: 3 March to 7 March 2014", "Name(s) of inspector: A Person",
                                          "Is key decision?: No", "The review looked at early help."]
    assert {p.item_title for p in passages} == {"Review of health services in Anytown"}


def test_a_judgement_tables_label_and_grade_on_lines_apart_are_one_row():
    text = ("Inspection of Anytown children's services\n\nInspection dates: 4 to 15 March 2019\n\n"
            "The experiences and progress of children who need help and\nprotection\n\nInadequate\n\n"
            "The experiences and progress of children in care\n\nRequires improvement to\nbe good\n"
            "Overall effectiveness Inadequate\n\nServices for children in Anytown are inadequate.")
    passages = parse_bytes(text.encode(), "report.txt").passages
    assert [p.text for p in passages][1:] == [
        "The experiences and progress of children who need help and protection Inadequate",
        "The experiences and progress of children in care Requires improvement to be good",
        # The next row, copied under the wrapped grade, is a row of its own.
        "Overall effectiveness Inadequate",
        "Services for children in Anytown are inadequate."]
    assert {p.item_title for p in passages} == {"Inspection of Anytown children's services"}


# --------------------------------------------------------------------------- sentence units


def test_run_on_front_page_fields_are_separate_sentences():
    assert split_sentences("Inspection dates: 9 to 20 October 2017 Report published: 14 December 2017") == [
        "Inspection dates: 9 to 20 October 2017", "Report published: 14 December 2017"]


def test_a_page_number_is_never_a_sentence():
    assert split_sentences("Page 3 of 12") == []


def test_a_photographs_credit_line_is_never_a_sentence():
    assert split_sentences("Picture: the county council") == []
    assert split_sentences("Image credit: a local paper. Inspectors found drift.") == ["Inspectors found drift."]
    # A credit run on into a sentence, over a line break, is kept with it.
    assert split_sentences("Photo: the council\nInspectors found drift.") == ["Photo: the council\nInspectors found drift."]


def test_a_lead_in_ending_in_a_colon_brings_its_list():
    units = sentence_units("Inspectors found two strengths:\n• stable staffing;\n• clear plans.\nThe panel thanked them.")
    assert units == ["Inspectors found two strengths: • stable staffing; • clear plans.", "The panel thanked them."]


def test_a_lead_in_ending_in_a_colon_and_dash_or_a_dash_brings_its_list():
    units = sentence_units("The panel asked about the following:-\n• referrals;\n• assessments.")
    assert units == ["The panel asked about the following:- • referrals; • assessments."]
    units = sentence_units("The areas inspected are \u2013\n\u2022 help and protection\n\u2022 leadership")
    assert units == ["The areas inspected are \u2013 \u2022 help and protection \u2022 leadership"]


def test_a_sentence_opening_with_an_unresolved_pronoun_joins_the_one_before():
    units = sentence_units("Two actions were set. These were about planning. The board met.")
    assert units == ["Two actions were set. These were about planning.", "The board met."]


def test_a_demonstrative_naming_its_noun_stands_alone():
    assert sentence_units("Two actions were set. This visit was short.") == [
        "Two actions were set.", "This visit was short."]


def test_a_table_row_is_not_a_heading_over_what_follows():
    from ofsted_rag.parsing.structure import parse_structure

    text = ("Focused visit to Barsetshire children's services\n\nVisit dates | 3 and 4 May 2022\n\n"
            "Inspectors looked at the front door and found decisions were timely.\n")
    units = parse_structure(text, "ofsted_letter")
    after = [u for u in units if "front door" in text[u.start:u.end]]
    assert after and all("Visit dates" not in (u.item_title or "") for u in after)


def test_a_council_line_above_the_minutes_title_is_heading_not_a_passage():
    text = ("Barsetshire County Council\nMinutes of the meeting of the Children's Scrutiny Panel held on 10 March 2021\n\n"
            "5. Social work workforce\n\nThe Assistant Director presented an update on recruitment.\n")
    parsed = parse_bytes(text.encode(), "panel-minutes.txt")
    assert [(p.item, p.item_title, p.text) for p in parsed.passages] == [
        ("5", "Social work workforce", "The Assistant Director presented an update on recruitment.")]


def test_a_headline_naming_a_council_is_a_passage():
    text = "Ofsted criticises Barsetshire County Council\n\nInspectors found that assessments were too slow.\n"
    parsed = parse_bytes(text.encode(), "barsetshire-news.txt")
    assert any("Ofsted criticises" in p.text or p.item_title == "Ofsted criticises Barsetshire County Council"
               for p in parsed.passages)


MEETING_PAGE_WITHOUT_NUMBERS = """Agenda and minutes

Fostering Panel - Tuesday, 14th March, 2017 2.00 pm

Venue: Committee Room 2, County Hall. View directions

Contact: A Clerk  01234 567890

No. Item



Minutes of the meeting of the Panel held on 10 January 2017 pdf icon PDF 120 KB


RESOLVED that the minutes of the meeting held on 10 January 2017 were correctly recorded.


Fostering recruitment update


The Head of Fostering reported that nine new fostering households had been approved since January.
"""


def test_a_meeting_page_copied_without_item_numbers_keeps_its_minutes():
    parsed = parse_bytes(MEETING_PAGE_WITHOUT_NUMBERS.encode(), "democracy.example.gov.uk__ieListDocuments.txt")
    texts = [p.text for p in parsed.passages]
    assert any("nine new fostering households" in t for t in texts)
    assert any(t.startswith("RESOLVED that the minutes") for t in texts)
    assert not any(t.startswith(("Venue:", "Contact:", "No. Item")) for t in texts)


def test_a_numbered_paragraph_on_a_meeting_page_is_no_item_title_even_cut_off():
    # A page saved up to a fixed length ends mid-sentence; its last numbered paragraph is still
    # a paragraph (a title is short), so what it says is kept.
    text = MEETING_PAGE_WITHOUT_NUMBERS + (
        "\n\nCabinet Member priorities\n\n\n"
        "Cllr Jane Example, Cabinet Member for Education, gave an update, highlighting the following:\n\n"
        "1. Exam results: despite changes to how grades are expressed, the county's schools have done well. "
        "Overall, 72% of the county's students a")
    texts = [p.text for p in parse_bytes(text.encode(), "democracy.example.gov.uk__ieListDocuments.txt").passages]
    assert any(t.startswith("1. Exam results") for t in texts)


def test_numbered_lines_after_a_resolution_lead_in_are_its_list_not_new_items():
    text = MEETING_PAGE_WITHOUT_NUMBERS + (
        "\n\nThe Panel considered the report and RESOLVED to:\n\n\n"
        "1.\u00a0\u00a0 Approve the fostering recruitment plan for the coming year; and\n\n"
        "2.\u00a0\u00a0 Receive a progress report at its meeting in the autumn\n")
    passages = parse_bytes(text.encode(), "democracy.example.gov.uk__ieListDocuments.txt").passages
    lead_in = next(p for p in passages if p.text.endswith("RESOLVED to:"))
    listed = [p for p in passages if "Approve the fostering" in p.text or "Receive a progress" in p.text]
    assert len(listed) == 2
    assert {(p.item, p.item_title) for p in listed} == {(lead_in.item, lead_in.item_title)}


def test_a_decision_label_above_a_published_pages_title_is_no_resolution():
    text = ("Decision\n\nDirection issued to Barsetshire County Council\n\n"
            "A direction issued to Barsetshire County Council after a monitoring visit in May.\n\n"
            "Applies to England\n\nThe direction requires the council to work with an improvement adviser.\n")
    passages = parse_bytes(text.encode(), "page.txt").passages
    assert not any("Decision Direction" in p.text for p in passages)
    first = next(p for p in passages if "monitoring visit in May" in p.text)
    assert first.text.startswith("A direction issued") and first.point != "resolution"


def test_a_saved_pages_date_stamp_dates_it_and_is_no_part_of_its_headline_or_first_sentence():
    text = ("date 2023-03-23 Children's services in Barsetshire were rated outstanding by Ofsted.\n\n"
            "Inspectors praised the help given to care leavers.")
    parsed = parse_bytes(text.encode(), "news.txt")
    assert parsed.document.meta.date == dt.date(2023, 3, 23)
    assert parsed.document.meta.title.startswith("Children's services in Barsetshire")
    first = parsed.passages[0]
    assert first.text.startswith("Children's services in Barsetshire")
    assert parsed.document.text[first.start:first.end] == first.text


def test_a_link_to_earlier_minutes_does_not_date_a_meeting_page():
    parsed = parse_bytes(MEETING_PAGE_WITHOUT_NUMBERS.encode(), "democracy.example.gov.uk__ieListDocuments.txt")
    assert parsed.document.meta.date == dt.date(2017, 3, 14)


def test_a_number_standing_alone_is_not_a_passage():
    text = ("Contents\n\nThe local authority\n3\nWhat needs to improve\n4\n\nThe panel met.\n\n7\n\n"
            "It noted the plan.")
    texts = [p.text for p in parse_bytes(text.encode(), "r.txt").passages]
    assert not any(re.fullmatch(r"\d+", t) for t in texts)
    assert "It noted the plan." in texts


def test_a_news_groups_video_banner_and_a_crown_copyright_line_are_not_passages():
    text = ("Council praised by inspectors\n\ndate 2024-05-17 Watch more of our videos on Shots! and live on Freeview\n\n"
            "Inspectors praised the council's work with care leavers.\n\n© Crown copyright 2010")
    texts = [p.text for p in parse_bytes(text.encode(), "news.txt").passages]
    assert "Inspectors praised the council's work with care leavers." in texts
    assert not any("videos" in t or "copyright" in t for t in texts)


def test_a_reports_contents_page_is_not_passages():
    text = ("Inspection of Anytown children's services\n\nContents\n\nAbout this inspection 2\n\n"
            "1. Overall effectiveness 6\n\n2. Capacity for improvement 6\n\na. The effectiveness of services in taking steps\n\n"
            "to keep children safe 8\n\nRecord of main findings 30\n\n"
            "Overall effectiveness\n\nThe overall effectiveness of services is adequate.")
    passages = parse_bytes(text.encode(), "report.txt").passages
    assert [p.text for p in passages] == ["The overall effectiveness of services is adequate."]


def test_ofsted_front_page_fields_copied_without_their_colons_are_passages():
    text = ("Inspection of safeguarding services in Anytown\n\nInspection dates 4-15 March 2011\n\n"
            "Reporting inspector A Person HMI\n\nThe inspection looked at safeguarding.")
    passages = parse_bytes(text.encode(), "report.txt").passages
    assert [p.text for p in passages][:2] == ["Inspection dates 4-15 March 2011", "Reporting inspector A Person HMI"]


def test_a_document_sites_page_header_and_page_count_are_removed():
    header = "8/7/2019 Anytown inspection report 2011"
    text = (f"{header}\n\n1/3\n\nThe first page reports on help.\n\n{header}\n\n2/3\n\n"
            f"The second page reports on care.\n\n{header}\n\n3/3\n\nThe third page reports on leavers.")
    passages = parse_bytes(text.encode(), "report.txt").passages
    assert [p.text for p in passages] == ["The first page reports on help.", "The second page reports on care.",
                                          "The third page reports on leavers."]


def test_a_sentence_a_blank_line_cuts_in_two_is_one_passage():
    text = ("RESOLVED that the draft terms of reference for the review be agreed, subject to\n\n"
            "changes the members may ask for as it goes on.\n\n"
            "a) The panel noted the timetable.\n\n"
            "Next steps\n\n"
            "officers will send the dates to members.")
    texts = [p.text for p in parse_bytes(text.encode(), "r.txt").passages]
    assert any(t.endswith("subject to changes the members may ask for as it goes on.") for t in texts)
    assert "a) The panel noted the timetable." in texts
    assert not any(t.startswith("Next steps") for t in texts)
