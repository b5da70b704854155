"""How a document's council, date, committee and kind are read without a manifest.

Each test states one behaviour. The documents are short invented texts in the shapes councils and
Ofsted publish (ModernGov pages, printed minutes, letters, report front pages, news); no sentence
is taken from a real page.
"""

from __future__ import annotations

import datetime as dt

from ofsted_rag.documents import DocumentMeta
from ofsted_rag.parsing import parse_bytes
from ofsted_rag.parsing.metadata import (
    authorities_in_address,
    canonical_council,
    date_in_name,
    infer_meta,
    meta_from_file_name,
    meta_from_url,
    year_in_address,
)

ITEM_PAGE = """Agenda item

Update on the children's improvement plan

Meeting: 23/01/2020 - Children and Families Scrutiny Panel (Item 25)

Minutes:

The Panel received an update on the improvement plan and asked how caseloads were tracked.

RESOLVED: That the update be noted.
"""

PRINTED_MINUTES = """Minutes of the meeting held on 14 March 2023

Present: Councillors A Green (Chair), B Brown and C White

262. Apologies for absence

Apologies were received from Councillor D Black.

263. Ofsted focused visit letter

The Director introduced the letter Ofsted sent after its visit. Dear Director, the letter began, and it
closed Yours sincerely, as letters do.

RESOLVED: That the letter be noted and a progress report brought in six months.
"""


def meta(text: str, file_name: str = "document.txt", url: str | None = None) -> DocumentMeta:
    return infer_meta(text, file_name, url)


# ------------------------------------------------------------------ councils


def test_a_moderngov_host_names_the_council():
    assert meta_from_url("https://democracy.kirklees.gov.uk/mgAi.aspx?ID=1234").council == "Kirklees Council"


def test_a_hyphenated_host_without_joining_words_names_the_council():
    assert meta_from_url("https://www.windsor-maidenhead.gov.uk/meetings/1").council == (
        "Royal Borough of Windsor and Maidenhead")


def test_a_file_name_saved_from_a_moderngov_address_names_the_council():
    assert meta_from_file_name("barnet.moderngov.co.uk__mgAi.aspx_ID=4017.txt").council == "London Borough of Barnet"


def test_a_hyphenated_file_name_names_the_council():
    assert meta_from_file_name("kirklees-corporate-parenting-2019-01-22.html").council == "Kirklees Council"


def test_a_file_name_with_spaces_names_the_council():
    assert meta_from_file_name("Minutes - Calderdale Council 14 March 2023.pdf").council == "Calderdale Council"


def test_the_longest_place_in_a_file_name_wins_over_a_place_inside_it():
    assert meta_from_file_name("north-yorkshire-scrutiny.txt").council == "North Yorkshire Council"


def test_an_ordinary_word_in_a_file_name_is_not_a_council():
    assert meta_from_file_name("reading-list-for-members.txt").council is None


def test_every_spelling_of_a_council_gives_the_same_name():
    names = {canonical_council(x) for x in ("Kirklees Council", "Kirklees Metropolitan Council", "Kirklees")}
    assert names == {"Kirklees Council"}


def test_a_council_found_in_a_url_a_file_name_or_a_header_is_the_same_string():
    from_url = meta_from_url("https://democracy.kirklees.gov.uk/ieListDocuments.aspx?MId=1").council
    from_name = meta_from_file_name("kirklees-panel.txt").council
    from_header = meta("Kirklees Metropolitan Council\n\nCorporate Parenting Board\n\nThe board met.").council
    assert from_url == from_name == from_header


def test_a_council_name_on_its_own_header_line_is_the_council():
    assert meta("London Borough of Enfield\n\nChildren's Scrutiny Panel\n\nMembers discussed the plan.").council == (
        "London Borough of Enfield")


def test_a_minutes_of_a_meeting_line_names_the_council_and_the_committee():
    m = meta("Minutes of a meeting of the Children's Scrutiny Committee of Wiltshire Council held on "
             "Tuesday, 7 March 2023 at 10.00 am\n\nThe committee met.")
    assert (m.council, m.body, m.date) == ("Wiltshire Council", "Children's Scrutiny Committee", dt.date(2023, 3, 7))


def test_a_letters_address_block_names_the_council():
    letter = ("Ofsted\n\n22 March 2023\n\nDear Ms Example, Director of Children's Services, Somerset Council\n\n"
              "Focused visit to Somerset children's services\n\nInspectors looked at help and protection.\n\n"
              "Yours sincerely\n\nA Person\nHis Majesty's Inspector")
    assert meta(letter).council == "Somerset Council"


def test_an_inspection_title_names_the_inspected_council():
    assert meta("Inspection of Devon County Council children's services\n\nThe findings follow.").council == (
        "Devon County Council")


def test_a_council_named_only_in_the_body_is_not_the_documents_council():
    page = ("Agenda item\n\nPartnership update\n\nMinutes:\n\n" + "The Committee heard that Essex County "
            "Council had acted as the improvement partner. " * 3)
    assert meta(page).council is None


def test_a_formal_name_joined_by_of_is_the_council():
    assert meta("Isle of Wight Council\n\nCorporate Scrutiny Committee\n\nMembers discussed the plan.").council == (
        "Isle of Wight Council")


def test_a_story_opening_on_one_council_is_not_the_partner_it_names_formally_below():
    story = ("Rutland's fostering service has been told it must improve faster.\n\n"
             "The council has asked Leicestershire County Council to lend it two senior managers.\n\n"
             "More follows.")
    assert meta(story).council is None


def test_a_story_under_a_photo_caption_opens_on_the_first_line_naming_a_place():
    story = ("Two children reading in a library\n\nRutland council praised for its fostering service\n\n"
             "Inspectors credited the help given by Leicestershire County Council.\n\nMore follows.")
    assert meta(story).council is None


def test_a_letters_sender_address_is_not_its_opening():
    letter = ("Ofsted\nPiccadilly Gate\nStore Street\nManchester M1 2WD\n\n3 May 2022\n\nDirector of Children's "
              "Services\nRutland County Council\nCatmose\n\nDear Director\n\nThis letter sets out what we found.")
    assert meta(letter).council == "Rutland County Council"


def test_a_reports_front_page_line_naming_the_authority_alone_is_the_council():
    report = ("Inspection of services for children in need of help and protection, children looked after "
              "and care leavers\n\nWiltshire\n\nInspection dates: 3 to 14 May 2021\n\nReport published: 20 June 2021\n\n"
              "Children's services in Wiltshire are good.\n\nHer Majesty's Inspector")
    assert meta(report).kind == "ofsted_letter"
    assert meta(report).council == "Wiltshire Council"
    # A news page's line naming a place alone is a section tag, not its council.
    assert meta("News\n\nWiltshire\n\nA new bus route opens next week.").council is None


def test_news_naming_several_councils_in_its_header_has_no_single_council():
    story = ("Three councils told to improve help for children\n\nInspectors visited Leeds City Council, "
             "Bradford Council and Calderdale Council this spring.\n\n- Advertisement -\n\nMore follows.")
    assert meta(story).council is None


def test_news_whose_headline_and_lead_name_one_council_most_has_that_council():
    story = ("Kirklees Council praised by inspectors\n\nKirklees Council was praised, while Leeds City Council "
             "was visited later.\n\n- Advertisement -\n\nMore follows.")
    assert meta(story).council == "Kirklees Council"


def test_the_manifest_council_wins_over_the_file_name():
    parsed = parse_bytes(b"Agenda item\n\nTitle\n\nMinutes:\n\nThe panel met.", "kirklees-panel.txt",
                         DocumentMeta(council="Calderdale Council"))
    assert parsed.document.meta.council == "Calderdale Council"


def test_the_url_wins_over_the_file_name():
    m = meta("The panel met.", "kirklees-panel.txt", "https://democracy.calderdale.gov.uk/mgAi.aspx?ID=9")
    assert m.council == "Calderdale Council"


def test_the_file_name_wins_over_the_header():
    assert meta("Leeds City Council\n\nThe board met.", "kirklees-board.txt").council == "Kirklees Council"


def test_a_saved_page_records_where_it_came_from():
    page = (b'<html><head><link rel="canonical" href="https://democracy.kirklees.gov.uk/mgAi.aspx?ID=77">'
            b"</head><body><p>Agenda item</p><p>Update</p><p>Minutes:</p><p>The panel met and noted it.</p></body></html>")
    parsed = parse_bytes(page, "page.html")
    assert (parsed.document.meta.url, parsed.document.meta.council) == (
        "https://democracy.kirklees.gov.uk/mgAi.aspx?ID=77", "Kirklees Council")


def test_a_saved_page_is_the_council_its_title_names_as_the_site():
    page = (b"<html><head><title>Issue details | Rochdale Borough Council</title></head><body>"
            b"<header><p>Rochdale Borough Council</p></header><main><h1>Issue details</h1>"
            b"<h3>Meeting: 04/03/2021 - Cabinet (Item 7)</h3><p>Minutes:</p>"
            b"<p>The Cabinet noted the support agreed with Oldham Council for the fostering service.</p>"
            b"</main></body></html>")
    assert parse_bytes(page, "ieIssueDetails.aspx_IId=5.html").document.meta.council == "Rochdale Borough Council"


def test_a_page_title_that_is_a_headline_is_not_a_site_name():
    page = (b"<html><head><title>Rochdale Borough Council praised by inspectors | Valley Courier</title></head>"
            b"<body><main><h1>Praise for fostering team</h1><p>Inspectors praised the fostering team "
            b"this week.</p></main></body></html>")
    assert parse_bytes(page, "story.html").document.meta.council is None


def test_an_unknown_council_is_left_unknown():
    assert meta("Agenda item\n\nUpdate\n\nMinutes:\n\nThe panel noted the update.", "item-4017.txt").council is None


# ------------------------------------------------------------------ dates


def test_an_iso_date_in_a_file_name_is_the_date():
    assert date_in_name("kirklees-corporate-parenting-2019-01-22") == dt.date(2019, 1, 22)


def test_a_day_month_two_digit_year_file_name_date_is_read_day_first():
    assert date_in_name("scrutiny 22.01.19 minutes") == dt.date(2019, 1, 22)


def test_a_written_out_date_in_a_file_name_is_the_date():
    assert date_in_name("Minutes - Calderdale Council 14 March 2023") == dt.date(2023, 3, 14)


def test_a_year_standing_alone_in_an_address_is_the_year_the_page_is_filed_under():
    assert year_in_address("https://www.anytown.gov.uk/news/2023/children-in-care-praised") == 2023
    assert year_in_address("www.anytown.gov.uk__News_2019_July_2019_council_praised.aspx.txt") == 2019
    assert year_in_address("cyp_minutes_2022.docx") == 2022


def test_a_year_inside_a_word_an_id_or_beside_another_year_files_nothing():
    assert year_in_address("anytown.moderngov.co.uk__mgAi.aspx_ID=20026.txt") is None
    assert year_in_address("www.gazette.co.uk__news_19741459.council-story.txt") is None
    assert year_in_address("ofsted-2019-report.pdf") is None
    assert year_in_address("www.anytown.gov.uk__archive_2018_news_2019_story") is None


def test_an_eight_digit_date_in_a_file_name_is_the_date():
    assert date_in_name("cyp_scrutiny_20230314_minutes") == dt.date(2023, 3, 14)


def test_an_eight_digit_date_written_day_first_in_an_address_is_the_date():
    assert date_in_name("https://www.example-news.co.uk/news/14032023/council-story") == dt.date(2023, 3, 14)
    assert date_in_name("cabinet-papers-05062018-1400") == dt.date(2018, 6, 5)
    assert date_in_name("decisions-20132014-archive") is None


def test_a_document_id_in_a_file_name_is_not_a_date():
    assert date_in_name("barnet.moderngov.co.uk__mgAi.aspx_ID=4017") is None


def test_a_moderngov_meeting_line_gives_date_committee_and_item():
    parsed = parse_bytes(ITEM_PAGE.encode(), "item.txt")
    m = parsed.document.meta
    assert (m.date, m.body, m.kind) == (dt.date(2020, 1, 23), "Children and Families Scrutiny Panel", "minutes")
    assert {p.item for p in parsed.passages} == {"25"}


def test_a_minutes_held_on_line_gives_the_date():
    assert meta(PRINTED_MINUTES).date == dt.date(2023, 3, 14)


def test_a_date_field_gives_the_date():
    assert meta("Cabinet\n\nDate: Wednesday, 18 March 2020\n\nThe cabinet met.").date == dt.date(2020, 3, 18)


def test_a_meeting_page_title_gives_the_date_and_committee():
    m = meta("Corporate Parenting Board - Wednesday, 18th January, 2023 10.00 am\n\nThe board met.")
    assert (m.date, m.body) == (dt.date(2023, 1, 18), "Corporate Parenting Board")


def test_a_letters_date_line_is_the_date():
    assert meta("Ofsted\n\n22 March 2023\n\nDear Ms Example\n\nThe visit found progress.").date == dt.date(2023, 3, 22)


def test_a_report_is_dated_by_publication_not_by_inspection():
    front = "Inspection of Anytown children's services\n\nInspection dates: 9 to 20 October 2017\nReport published: 14 December 2017"
    assert meta(front).date == dt.date(2017, 12, 14)


def test_a_date_written_month_first_is_read():
    # Many web pages' templates print "January 24, 2024".
    assert meta("Praise for the borough's services\n\nPublished: Wednesday, January 24, 2024\n\nThe council was praised.").date \
        == dt.date(2024, 1, 24)


def test_a_date_stamp_without_a_colon_is_the_date_only_when_a_date_follows_at_once():
    assert meta("date 2018-03-14 Much improved, councillors were told.\n\nThe service is better.").date == dt.date(2018, 3, 14)
    assert meta("Date 14/03/2018\n\nThe panel met.").date == dt.date(2018, 3, 14)
    # "Date of next meeting" is not the document's date.
    assert meta("Date of next meeting 12 May 2024\n\nThe panel met.").date is None


def test_a_line_holding_only_a_date_in_figures_dates_the_page():
    # News pages print their date day first in figures, the year in two digits or four.
    assert meta("Borough's services rated good\n\n14/09/23\n\nThe borough was praised.").date == dt.date(2023, 9, 14)
    assert meta("Borough's services rated good\n\n3.2.2021\n\nThe borough was praised.").date == dt.date(2021, 2, 3)
    assert meta("Borough's services rated good\n\nThe rise was 14/09 on the year.\n\nThe borough was praised.").date is None


def test_a_date_inside_a_sentence_is_not_the_documents_date():
    assert meta("Agenda item\n\nUpdate\n\nMinutes:\n\nThe visit took place on 14 March 2023 and was brief.").date is None


def test_the_file_name_date_wins_over_a_header_date():
    assert meta("Date: 1 May 2020\n\nThe panel met.", "panel-2020-05-02.txt").date == dt.date(2020, 5, 2)


# ------------------------------------------------------------------ kinds


def test_minutes_that_discuss_an_ofsted_letter_are_minutes():
    assert meta(PRINTED_MINUTES).kind == "minutes"


def test_a_letter_with_salutation_sign_off_and_inspector_is_an_ofsted_letter():
    letter = ("Ofsted\n\n22 March 2023\n\nDear Ms Example\n\nMonitoring visit to Anytown children's services\n\n"
              "Inspectors found steady progress.\n\nYours sincerely\n\nA Person\nHis Majesty's Inspector")
    assert meta(letter).kind == "ofsted_letter"


def test_a_report_front_page_with_judgements_is_an_ofsted_letter():
    report = ("Ofsted\n\nInspection of Anytown local authority children's services\n\nInspection dates: 9 to 20 October 2017\n"
              "Lead inspector: A Person HMI\n\nOverall effectiveness Good\n\nThe authority has improved.")
    assert meta(report).kind == "ofsted_letter"


def test_a_news_page_is_news_by_its_furniture_not_its_topic():
    story = "Ofsted praises council\n\nBy Sam Writer\n\nInspectors visited the council.\n\n- Advertisement -\n\nMore."
    assert meta(story).kind == "news"


def test_a_document_with_no_structural_cue_has_no_kind():
    assert meta("Ofsted inspection\n\nThe council was inspected by Ofsted and the inspection found progress.").kind is None


# ------------------------------------------------------------------ telling the user


def test_ingest_says_which_documents_have_no_council_or_no_date(tmp_path, embedder):
    from conftest import make_settings
    from ofsted_rag.ingest import ingest
    from ofsted_rag.store import PassageStore

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kirklees-panel-2021-06-01.txt").write_text("Agenda item\n\nUpdate\n\nMinutes:\n\nThe panel noted it.")
    (folder / "item-4017.txt").write_text("Agenda item\n\nUpdate\n\nMinutes:\n\nThe board agreed the plan.")
    settings = make_settings(tmp_path / "data", corpus=folder)
    report = ingest([folder], PassageStore(settings), embedder, settings)
    notes = sorted(filter(None, (o.missing_note() for o in report.outcomes)))
    assert notes == ["item-4017.txt: no council and no date found; add it to manifest.toml if you know it"]


def test_the_venue_of_a_meeting_names_its_council_when_nothing_else_does():
    page = "Children's Panel - Tuesday, 16th November, 2021 6.30 pm\n\nVenue: Town Hall, Croydon\n\nThe panel met."
    assert meta(page).council == "London Borough of Croydon"


def test_a_place_in_a_hyphenated_host_label_names_the_council():
    assert meta_from_url("https://democracy.example-devon.gov.uk/mgAi.aspx?ID=1").council == "Devon County Council"


def test_a_page_listing_several_meetings_has_no_single_date():
    page = ("Issue details\n\nMeeting: 02/03/2022 - Cabinet (Item 4)\n\nThe cabinet deferred it.\n\n"
            "Meeting: 19/07/2022 - Cabinet (Item 9)\n\nThe cabinet agreed it.")
    assert meta(page).date is None


def test_a_story_naming_one_council_in_its_sentences_and_no_other_is_about_it():
    # Invented, in the shape of a broadcaster's story that never gives the council's formal name in
    # its header: the place is named informally, in the headline and the lead, and nowhere else.
    story = ("Rutland children's services rated 'outstanding'\n\nImage caption,\n\n"
             "Inspectors have judged the help given to children across Rutland outstanding, a first for the "
             "county.\n\nThe council said staff had worked hard since the last inspection.")
    assert meta(story).council == "Rutland County Council"


def test_news_whose_headline_names_no_council_has_none_even_if_its_lead_names_one():
    story = ("Councils struggle to find foster homes\n\nBy Sam Writer\n\nTorbay Council said costs had risen sharply "
             "over the year and that more carers were needed across the whole of the peninsula and beyond it.\n\n"
             "Cornwall Council said the same.\n\n- Advertisement -")
    assert meta(story).council is None


def test_a_host_name_glued_to_other_words_names_the_place_it_begins_with():
    assert [a.name for a in authorities_in_address("www.barsetstar.co.uk__news_item.txt")] == []
    assert [a.name for a in authorities_in_address("www.shropshirestar.com__news_local_item.txt")] == ["Shropshire"]


def test_a_host_name_beginning_with_a_town_names_the_council_the_town_is_in():
    assert [a.name for a in authorities_in_address("www.hexhamcourier.co.uk__news_item.txt")] == ["Northumberland"]
    # Its article dropped ("the Kendal Post").
    assert [a.name for a in authorities_in_address("https://www.thekendalpost.co.uk/news/1")] == ["Westmorland and Furness"]
    # The longest town wins: Leighton Buzzard is not Leigh.
    assert [a.name for a in authorities_in_address("www.leightonbuzzardtimes.co.uk__news.txt")] == ["Central Bedfordshire"]


def test_a_town_named_in_a_sentence_is_not_its_council():
    assert meta("Inspectors praised the Hexham family hub.\n\nThe service opened last year.").council is None


def test_a_place_followed_by_shire_in_a_host_name_is_not_named():
    assert authorities_in_address("www.yorkshirepost.co.uk__news.txt") == []


def test_the_longest_place_a_host_name_begins_with_wins():
    assert [a.name for a in authorities_in_address("https://www.derbyshiretimes.co.uk/news/1")] == ["Derbyshire"]


def test_a_council_host_with_its_kind_of_council_names_the_council():
    assert meta_from_file_name("barnsleymbc.moderngov.co.uk__mgAi.aspx_ID=1.txt").council == \
        "Barnsley Metropolitan Borough Council"


def test_a_decision_page_is_dated_by_its_decision_not_its_publication():
    text = ("Decision details\n\nUpdate to the fostering allowances\n\nDecisions:\n\n"
            "5.1 The Committee agreed the new allowances.\n\nPublication date: 07/10/2021\n\n"
            "Date of decision: 24/09/2021\n")
    assert infer_meta(text, "decision.txt").date == dt.date(2021, 9, 24)


def test_a_place_in_a_news_address_path_gives_way_to_the_council_the_text_names():
    text = "Ofsted has rated children's services at Telford and Wrekin Council as outstanding.\n"
    meta = infer_meta(text, "feeds.bbci.co.uk__news_uk-england-shropshire-51708207.txt")
    assert meta.council == "Telford and Wrekin Council"


def test_a_place_in_a_news_path_gives_way_to_a_headline_naming_another_place():
    # A regional section's address ("uk-england-stoke-staffordshire") over a story on its neighbour.
    text = ("Stoke & Staffordshire\n\nStaffordshire children's services rated poor\n\n"
            "Staffordshire's children's services are performing poorly, according to Ofsted.\n")
    assert infer_meta(text, "feeds.bbci.co.uk__news_uk-england-stoke-staffordshire-15650720.txt").council != (
        "Stoke-on-Trent City Council")


def test_a_place_that_is_a_persons_surname_or_an_institutions_name_names_no_second_council():
    text = ("Children's services rated good\n\n"
            "Rutland's services for children were rated good by Ofsted, said Coun Simon Bury.\n\n"
            "The inspection followed a case heard at Leicester Crown Court last year.\n")
    assert infer_meta(text, "story.txt").council == "Rutland County Council"


def test_a_place_in_a_news_path_gives_way_to_a_council_the_text_names_formally_after_its_opening():
    text = ("Bosses have promised a drive to improve services for children after a critical report.\n\n"
            "An Ofsted review of Wigan Council's help for vulnerable children found it requires improvement.\n")
    address = "https://www.lancs.live/news/lancashire-news/action-promised-after-report-23672555"
    assert infer_meta(text, url=address).council != "Lancashire County Council"
    assert infer_meta(text, "www.lancs.live__news_lancashire-news_action-promised-23672555.txt").council != (
        "Lancashire County Council")


def test_a_place_in_a_news_path_stands_when_the_headline_names_it_though_a_partner_is_named_formally():
    text = ("Valley Courier\nNews | Sport | What's on\n\nInspectors tell Rochdale its foster carers feel valued\n\n"
            "Foster carers in Rochdale say they are listened to, according to inspectors.\n\n"
            "The council shares a recruitment hub with Oldham Council.\n")
    meta = infer_meta(text, "www.valleycourier.co.uk__news_rochdale-foster-carers-valued.txt")
    assert meta.council == "Rochdale Borough Council"


def test_a_local_paper_named_after_a_place_names_its_region_not_the_council_the_text_names():
    text = ("Children's services praised\n\nInspectors said Blackpool Council had made strong progress "
            "for children in care.\n")
    assert infer_meta(text, "www.lancs.live__news_children-praised-1.txt").council == "Blackpool Council"


def test_a_place_in_an_address_path_stands_beside_a_text_naming_its_successor_councils():
    text = ("Services across the county still require improvement.\n\nThe trust serves North "
            "Northamptonshire Council and West Northamptonshire Council.\n")
    meta = infer_meta(text, "www.example-express.co.uk__news_services-in-northamptonshire-rated-3931646.txt")
    assert meta.council == "Northamptonshire County Council"


def test_a_council_host_still_outranks_a_council_the_text_names():
    text = "Members noted the letter from Barsetshire's neighbour, Kirklees Council.\n"
    assert infer_meta(text, "democracy.leeds.gov.uk__mgAi.aspx_ID=1.txt").council == "Leeds City Council"


def test_a_council_host_ending_in_county_names_the_council():
    assert meta_from_file_name("rutlandcounty.moderngov.co.uk__mgAi.aspx_ID=1.txt").council == "Rutland County Council"


def test_a_letters_subject_line_below_its_letterhead_and_address_is_its_title():
    text = ("Ofsted\n\nPiccadilly Gate, Store Street, Manchester M1 2WD | T 0300 123 1231\n\n14 March 2022\n\n"
            "Ms A Person\nDirector of Children's Services\nRutland County Council\nCatmose\nOakham\nLE15 6HP\n\n"
            "Dear Ms Person\n\nFocused visit to Rutland County Council children's services\n\n"
            "This letter summarises the findings of the focused visit to Rutland children's services.\n")
    assert infer_meta(text, "letter.txt").title == "Focused visit to Rutland County Council children's services"


def test_an_issue_page_is_titled_by_the_inspection_it_names():
    text = ("Issue - meetings\n\nInspection of Local Authority Children's Services (ILACS) - Outcomes and Action Plan\n\n"
            "Meeting: 07/03/2023 - Children's Scrutiny Panel (Item 6)\n\nThe Panel received the outcome.\n")
    assert infer_meta(text, "issue.txt").title == (
        "Inspection of Local Authority Children's Services (ILACS) - Outcomes and Action Plan")


def test_a_storys_byline_dates_it():
    text = ("Care for children in Rutland remains inconsistent, inspectors find\n\n"
            "Rutland Editorial 3rd Apr, 2019 Updated: 3rd Apr, 2019\n\n"
            "After February's focused visit, the inspector published his findings on March 21.\n")
    assert infer_meta(text, "story.txt").date == dt.date(2019, 4, 3)
    byline = "Rutland's services praised\n\nBy A Reporter, Local Democracy Reporter, 12 May 2025\n\nInspectors found strengths.\n"
    assert infer_meta(byline, "story.txt").date == dt.date(2025, 5, 12)


def test_a_blogs_posted_line_dates_it_though_its_category_names_an_inspection():
    text = ("Rutland's care leavers: what the visit found\n\n"
            "Posted 9 October 2023 by A Writer | Inspection notes\n\n"
            "Inspectors returned to Rutland last month.\n")
    assert infer_meta(text, "blog.txt").date == dt.date(2023, 10, 9)


def test_a_line_dating_a_visit_or_an_event_to_come_does_not_date_the_page():
    for line in ("Inspection dates 19–21 February 2014", "Report and Ofsted letter to follow on 20 March 2025."):
        text = f"Children's services in Rutland\n\n{line}\n\nThe council welcomed the findings.\n"
        assert infer_meta(text, "page.txt").date is None, line


def test_a_date_set_one_part_to_a_line_above_the_headline_dates_the_page_and_is_not_its_title():
    text = ("30\n\nJune\n\n2014\n\n|\n\n11:09\n\nRutland's children's services rated good by Ofsted\n\n"
            "That is the conclusion of a recent Ofsted inspection of children's services in Rutland.\n")
    meta = infer_meta(text, "news.txt")
    assert (meta.date, meta.title) == (dt.date(2014, 6, 30), "Rutland's children's services rated good by Ofsted")


def test_a_place_in_a_news_address_path_gives_way_to_a_text_naming_only_another_place_informally():
    # The regional section's place is never named; the story speaks of another borough by its
    # place name alone, so neither is taken from its header as the document's council.
    text = ("Barsetshire children's services judged inadequate again\n\n"
            "Children remain at risk of harm in Sandwell, inspectors have said.\n\n"
            "The cabinet member said he was disappointed but would not resign.\n")
    meta = infer_meta(text, "feeds.bbci.co.uk__news_uk-england-birmingham-33001234.txt")
    assert meta.council != "Birmingham City Council"
    # A story that names the section's place too is still taken as that place's.
    text_naming_it = text + "\nBirmingham's director of children's services will lead the review.\n"
    assert infer_meta(text_naming_it, "feeds.bbci.co.uk__news_uk-england-birmingham-33001234.txt").council == (
        "Birmingham City Council")


def test_a_page_naming_no_council_is_the_council_whose_own_web_address_it_gives():
    # An agenda front sheet re-hosted on a document site: the council is in its contact lines only.
    text = ("Cabinet\n\nWednesday, 12 June 2024 at 5.30 p.m.\n\nThe quorum for Cabinet is 3 Members.\n\n"
            "Contact for further enquiries: Democratic Services, Town Hall. Web: http://www.rutland.gov.uk\n")
    assert infer_meta(text, "www.docsite.example__document_cabinet-agenda.txt").council == "Rutland County Council"


def test_a_page_giving_several_councils_web_addresses_is_none_of_theirs():
    text = ("Joint briefing on regional adoption\n\nSee www.rutland.gov.uk and www.kirklees.gov.uk for details.\n")
    assert infer_meta(text, "briefing.txt").council is None


def test_a_host_spelling_a_council_by_its_initials_names_the_council():
    # "Redcar and Cleveland Borough Council", less "and": r, c, b, c.
    assert meta_from_url("https://rcbc.moderngov.co.uk/ieListDocuments.aspx?CId=1&MId=2").council == (
        "Redcar and Cleveland Borough Council")


def test_initials_several_councils_share_name_none_of_them():
    # Every metropolitan borough council beginning with a W spells "wmbc".
    assert meta_from_url("https://wmbc.moderngov.co.uk/mgAi.aspx?ID=1").council is None


def test_a_host_shortening_a_compass_point_to_its_initial_names_the_council():
    assert meta_from_url("https://n-somerset.moderngov.co.uk/mgAi.aspx?ID=1").council == "North Somerset Council"
