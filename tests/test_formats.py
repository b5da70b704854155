"""The HTML, PDF and Word converters, and that every format gives the same passages as .txt.

The documents are built here from the corpus minutes, so each test knows exactly what text the
file holds: a published PDF or Word file would only let us check that *something* came out.
"""

from __future__ import annotations

import html as html_lib
import importlib.util
import io
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from ofsted_rag.errors import DocumentError
from ofsted_rag.parsing import docx as docx_format
from ofsted_rag.parsing import html as html_format
from ofsted_rag.parsing import pdf as pdf_format

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MINUTES = CORPUS / "004_398205c18d3ff3d7.txt"  # a whole meeting: items, "Minutes:", (a)..(ee)
ITEM_PAGE = CORPUS / "001_35aac8e21a7ebd18.txt"  # one item: paragraphs and bullet lists

LONG = (
    "Councillor Barnard, Portfolio Holder for Children and Young People, presented a report about "
    "the impact of the current coronavirus outbreak on the delivery of Children’s Services and the "
    "impact that this has had on children and their families in the City."
)
SECOND = (
    "The importance of protecting the welfare of children and young people has been the key "
    "priority in decision making and immediate action was taken to carry out risk assessments."
)


# --------------------------------------------------------------------------- document builders


def text_blocks(text: str) -> list[list[str]]:
    """The corpus text as blocks of lines; a line of only spaces or &nbsp; is a blank line."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.replace("\xa0", " ").strip():
            current.append(line.replace("\xa0", " ").strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def is_bullet(line: str) -> bool:
    return line.startswith("• ")


def build_html(text: str) -> bytes:
    """A saved ModernGov-style page: the minutes inside an ASP.NET <form>, with site furniture."""
    parts: list[str] = []
    for block in text_blocks(text):
        bullets = [line for line in block if is_bullet(line)]
        prose = [line for line in block if not is_bullet(line)]
        if prose:
            parts.append("<p>" + "<br>\n".join(html_lib.escape(line) for line in prose) + "</p>")
        if bullets:
            items = "".join(f"<li>{html_lib.escape(line[2:])}</li>\n" for line in bullets)
            parts.append(f"<ul>\n{items}</ul>")
    body = "\n".join(parts).replace("  ", "&nbsp; ")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Agenda and minutes</title>
<style>p {{ margin: 0 }}</style><script>window.track("SCRIPT-TEXT");</script></head>
<body><form method="post" action="./mgAi.aspx" id="aspnetForm">
<header><a href="/">Skip to content</a><nav><ul><li>Home</li><li>Councillors</li></ul></nav></header>
<div id="cookie-banner" hidden>We use cookies</div>
<div id="content">
{body}
</div>
<aside>Related meetings</aside>
<footer>Copyright Nottingham City Council</footer>
<noscript>Enable JavaScript</noscript>
</form></body></html>"""
    return page.encode("utf-8")


def dejavu_font() -> Path | None:
    """DejaVuSans from the usual places (or matplotlib's copy), or None if it is not here."""
    candidates = [
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
        Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf"),
        Path("/usr/local/share/fonts/DejaVuSans.ttf"),
        Path.home() / ".fonts" / "DejaVuSans.ttf",
        Path.home() / "Library" / "Fonts" / "DejaVuSans.ttf",
        Path("/Library/Fonts/DejaVuSans.ttf"),
    ]
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates.append(Path(location) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf")
    return next((path for path in candidates if path.is_file()), None)


FONT = dejavu_font()
# Without a Unicode font, fpdf2's core fonts take Latin-1 only: such characters are written in
# ASCII in both the PDF and the .txt it is compared with. "•" becomes "·", which is in Latin-1
# and which the PDF converter reads as a bullet glyph.
ASCII_FALLBACK = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def pdf_safe(text: str) -> str:
    """The text as the PDF test documents can hold it (unchanged when DejaVuSans is present)."""
    return text if FONT is not None else text.translate(ASCII_FALLBACK)


class MinutesPDF(FPDF):
    """A council-style PDF: a running header on every page and "Page n of N" at the foot."""

    header_text = "Children and Young People Scrutiny Committee - 30 July 2020"

    def header(self) -> None:
        self.set_font(self.body_family, size=8)
        self.cell(0, 6, self.header_text, new_x="LMARGIN", new_y="NEXT", align="R")
        self.ln(4)
        self.set_font(self.body_family, size=11)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(self.body_family, size=8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_font(self.body_family, size=11)


def new_pdf(furniture: bool = True) -> FPDF:
    pdf = MinutesPDF() if furniture else FPDF()
    if FONT is not None:
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.body_family = "DejaVu"
    else:
        pdf.body_family = "Helvetica"
    pdf.set_font(pdf.body_family, size=11)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    return pdf


def write_pdf_text(pdf: FPDF, text: str) -> None:
    """Each block a paragraph: long lines wrap (multi_cell), then a visible gap."""
    for block in text_blocks(text):
        for line in block:
            if FONT is None:
                line = line.replace("• ", "· ")
            pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3.5)


def build_pdf(text: str) -> bytes:
    pdf = new_pdf()
    write_pdf_text(pdf, pdf_safe(text))
    return bytes(pdf.output())


def build_docx(text: str) -> bytes:
    """Each block a paragraph (its lines joined by line breaks); bullets as "List Bullet"."""
    document = docx.Document()
    for block in text_blocks(text):
        prose = [line for line in block if not is_bullet(line)]
        if prose:
            paragraph = document.add_paragraph()
            for n, line in enumerate(prose):
                run = paragraph.add_run(line)
                if n < len(prose) - 1:
                    run.add_break()
        for line in block:
            if is_bullet(line):
                document.add_paragraph(line[2:], style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------- HTML


def test_html_paragraphs_bullets_and_inline_markup() -> None:
    page = b"""<html><body>
      <h2>Minutes:</h2>
      <p>Members learned that the <a href="x">Ofsted</a> letter had
         recognised <strong>a number</strong> of improvements:</p>
      <ul><li>Leaders having achieved
              some positive steps;</li>
          <li><em>Renewing</em> IT resources.</li></ul>
      <ol><li>(a) The first point.</li><li>(b)&nbsp;The&nbsp;&nbsp;second point.</li><li>Plain</li></ol>
      <div>Line one<br>line two</div>
    </body></html>"""
    assert html_format.to_text(page, "m.html") == (
        "Minutes:\n\n"
        "Members learned that the Ofsted letter had recognised a number of improvements:\n\n"
        "• Leaders having achieved some positive steps;\n"
        "• Renewing IT resources.\n\n"
        "(a) The first point.\n"
        "(b) The second point.\n"
        "• Plain\n\n"
        "Line one\nline two"
    )


def test_html_drops_furniture_script_and_keeps_main() -> None:
    page = b"""<html><head><title>TITLE-TEXT</title><style>.x{color:red}</style></head><body>
      <header>HEADER-TEXT</header><nav>NAV-TEXT</nav>
      <main><h1>Focused visit</h1><p>Leaders have a clear plan.</p>
        <script>document.write("SCRIPT-TEXT")</script><noscript>NOSCRIPT-TEXT</noscript>
        <template>TEMPLATE-TEXT</template><form>FORM-TEXT<button>BUTTON-TEXT</button></form>
        <p style="display:none">HIDDEN-TEXT</p><!-- COMMENT-TEXT --><iframe>IFRAME-TEXT</iframe>
        <svg><text>SVG-TEXT</text></svg><select><option>OPTION-TEXT</option></select>
      </main>
      <aside>ASIDE-TEXT</aside><p>OUTSIDE-MAIN-TEXT</p><footer>FOOTER-TEXT</footer>
    </body></html>"""
    text = html_format.to_text(page, "letter.html")
    assert text == "Focused visit\n\nLeaders have a clear plan."
    assert "<" not in text and "TEXT" not in text


def test_html_role_main_and_asp_net_form_wrapper() -> None:
    role_main = b'<body><div>MENU</div><div role="main"><p>Point one.</p></div></body>'
    assert html_format.to_text(role_main, "a.html") == "Point one."
    # A whole page inside one <form> (ASP.NET) is content; a search form inside it is not.
    wrapped = b"""<body><form id="aspnetForm"><p>First paragraph.</p>
      <form><input name="q">SEARCH-TEXT</form><p>Second paragraph.</p></form></body>"""
    assert html_format.to_text(wrapped, "b.html") == "First paragraph.\n\nSecond paragraph."


def test_html_tables_data_rows_and_layout_rows() -> None:
    page = b"""<table>
      <tr><th>Name</th><th>Role</th></tr>
      <tr><td>Jane Garrard</td><td>Senior Governance Officer</td></tr>
    </table>
    <table class="mgItemTable">
      <tr><td>5.</td><td><p>Work Programme</p><p>Minutes:</p><p>(a) First point.</p></td></tr>
    </table>"""
    assert html_format.to_text(page, "t.html") == (
        "Name | Role\n\nJane Garrard | Senior Governance Officer\n\n"
        "5.\n\nWork Programme\n\nMinutes:\n\n(a) First point."
    )


def test_html_encodings() -> None:
    undeclared_cp1252 = b"<p>Children\x92s Services \x93good\x94</p>"
    assert html_format.to_text(undeclared_cp1252, "a.html") == "Children’s Services “good”"
    declared_latin1 = b'<meta charset="iso-8859-1"><p>\x93caf\xe9\x94</p>'
    assert html_format.to_text(declared_latin1, "b.html") == "“café”"
    bom = b"\xef\xbb\xbf<p>Children\xe2\x80\x99s</p>"
    assert html_format.to_text(bom, "c.html") == "Children’s"
    utf16 = "\ufeff<p>Children’s</p>".encode("utf-16-le")
    assert html_format.to_text(utf16, "d.html") == "Children’s"


@pytest.mark.parametrize(
    "page",
    [b"", b"<html><head><title>Only a title</title></head><body>  &nbsp; </body></html>",
     b"<body><script>var x = 'text';</script><nav>Home</nav></body>"],
)
def test_html_without_text_is_an_error(page: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        html_format.to_text(page, "empty.html")
    assert caught.value.file_name == "empty.html"
    assert caught.value.reason == "no text found in the HTML"


def test_html_garbage_bytes_are_an_error() -> None:
    with pytest.raises(DocumentError) as caught:
        html_format.to_text(bytes(range(256)) * 20, "junk.html")
    assert "binary" in caught.value.reason


def test_html_minutes_blocks_match_the_text_file() -> None:
    text = MINUTES.read_text(encoding="utf-8")
    converted = html_format.to_text(build_html(text), "minutes.html")
    assert [squash(" ".join(b)) for b in text_blocks(converted)] == [
        squash(" ".join(b)) for b in text_blocks(text)
    ]
    assert "SCRIPT-TEXT" not in converted and "Councillors" not in converted.split("\n")[0]


# ---------------------------------------------------------------------------------------- PDF


def test_pdf_paragraphs_are_separated_and_wrapped_lines_kept_together() -> None:
    pdf = new_pdf(furniture=False)
    write_pdf_text(pdf, pdf_safe(f"{LONG}\n\n(b) {SECOND}\n\nMinutes:\n\nNone"))
    text = pdf_format.to_text(bytes(pdf.output()), "letter.pdf")
    blocks = text.split("\n\n")
    assert [squash(b) for b in blocks] == [
        squash(pdf_safe(LONG)), squash("(b) " + SECOND), "Minutes:", "None"
    ]
    # The long paragraphs really were wrapped, and their lines stay consecutive.
    assert blocks[0].count("\n") >= 1 and blocks[1].count("\n") >= 1
    assert "\n\n\n" not in text


def test_pdf_drops_running_headers_and_page_numbers() -> None:
    pdf = new_pdf()
    paragraphs = ["Apologies were received.", "The minutes were agreed.", "None"]
    for n, paragraph in enumerate(paragraphs):
        if n:
            pdf.add_page()
        pdf.multi_cell(0, 5.5, paragraph, new_x="LMARGIN", new_y="NEXT")
    raw = bytes(pdf.output())
    assert "Page 2 of 3" in PdfReader(io.BytesIO(raw)).pages[1].extract_text()
    text = pdf_format.to_text(raw, "minutes.pdf")
    assert text == "\n\n".join(paragraphs)


def test_pdf_point_continues_across_a_page_break() -> None:
    pdf = new_pdf()
    pdf.set_y(pdf.h - 20 - 5.5 * 2)  # two lines from the bottom margin
    pdf.multi_cell(0, 5.5, pdf_safe("(c) " + LONG + " " + SECOND), new_x="LMARGIN", new_y="NEXT")
    raw = bytes(pdf.output())
    assert len(PdfReader(io.BytesIO(raw)).pages) == 2
    text = pdf_format.to_text(raw, "minutes.pdf")
    assert "\n\n" not in text
    assert squash(text) == squash(pdf_safe("(c) " + LONG + " " + SECOND))


def test_pdf_hyphenated_line_ends_and_bullets() -> None:
    pdf = new_pdf(furniture=False)
    bullet = "•" if FONT is not None else "·"
    lines = [
        "Workforce instability is a long-",
        "standing issue, and some pre-",
        "Covid services resumed.",
    ]
    for line in lines:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    # A Word-style bullet: the glyph, then the text further right on the same baseline.
    for item in ("Leaders achieved positive steps;", "IT resources were renewed."):
        pdf.cell(8, 5.5, bullet)
        pdf.cell(0, 5.5, item, new_x="LMARGIN", new_y="NEXT")
    text = pdf_format.to_text(bytes(pdf.output()), "letter.pdf")
    assert text == (
        "Workforce instability is a long-standing issue, and some pre-\n"
        "Covid services resumed.\n\n"
        "• Leaders achieved positive steps;\n"
        "• IT resources were renewed."
    )


def test_pdf_without_paragraph_spacing_uses_short_last_lines() -> None:
    # No gap between paragraphs: a short line that ends a sentence is what ends a paragraph.
    lines = [
        "The Committee confirmed the minutes of the meeting held on 30 January 2020 as a correct",
        "record.",
        "Councillor Barnard, Portfolio Holder for Children and Young People, presented a report",
        "about the impact of the current coronavirus outbreak on the delivery of services to",
        "children.",
        "Resolved to note the report.",
    ]
    pdf = new_pdf(furniture=False)
    for line in lines:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    text = pdf_format.to_text(bytes(pdf.output()), "nospacing.pdf")
    assert text == "\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:5]) + "\n\n" + lines[5]


def test_pdf_encrypted_with_a_password_is_an_error() -> None:
    pdf = new_pdf(furniture=False)
    pdf.multi_cell(0, 5.5, "Secret minutes.")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(DocumentError) as caught:
        pdf_format.to_text(buffer.getvalue(), "locked.pdf")
    assert caught.value.file_name == "locked.pdf"
    assert caught.value.reason == "the PDF is encrypted; save an unencrypted copy and ingest that"


def test_pdf_encrypted_with_an_empty_password_opens() -> None:
    pdf = new_pdf(furniture=False)
    pdf.multi_cell(0, 5.5, "Open minutes.")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert pdf_format.to_text(buffer.getvalue(), "restricted.pdf") == "Open minutes."


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf at all " * 50, bytes(range(256)) * 20, b"%PDF-1.7\n1 0 obj << /Type /Catalog"],
)
def test_pdf_damaged_or_not_a_pdf_is_an_error(data: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        pdf_format.to_text(data, "broken.pdf")
    assert caught.value.file_name == "broken.pdf"
    assert caught.value.reason.startswith("the PDF is damaged or is not a PDF (")
    assert caught.value.reason.endswith(")") and "\n" not in caught.value.reason


def test_pdf_truncated_is_an_error() -> None:
    pdf = new_pdf(furniture=False)
    pdf.multi_cell(0, 5.5, pdf_safe(LONG))
    raw = bytes(pdf.output())
    with pytest.raises(DocumentError) as caught:
        pdf_format.to_text(raw[: len(raw) // 3], "cut.pdf")
    assert caught.value.reason.startswith("the PDF is damaged or is not a PDF (")


def test_pdf_without_a_text_layer_is_an_error() -> None:
    pdf = new_pdf(furniture=False)
    pdf.rect(20, 20, 100, 60, style="F")  # a "scanned" page: graphics only
    with pytest.raises(DocumentError) as caught:
        pdf_format.to_text(bytes(pdf.output()), "scan.pdf")
    assert caught.value.reason == "the PDF has no text layer (scanned?); run OCR first"


def test_pdf_minutes_blocks_match_the_text_file() -> None:
    text = pdf_safe(MINUTES.read_text(encoding="utf-8"))
    converted = pdf_format.to_text(build_pdf(text), "minutes.pdf")
    assert MinutesPDF.header_text not in converted and "Page 1 of" not in converted
    assert [squash(" ".join(b)) for b in text_blocks(converted)] == [
        squash(" ".join(b)) for b in text_blocks(text)
    ]


# --------------------------------------------------------------------------------------- DOCX


def test_docx_paragraphs_lists_headings_and_tables() -> None:
    document = docx.Document()
    document.add_heading("Focused visit", level=1)
    document.add_paragraph("Members learned that:")
    document.add_paragraph("Leaders achieved positive steps;", style="List Bullet")
    document.add_paragraph("IT resources were renewed.", style="List Number")
    document.add_paragraph("(c) Already labelled.", style="List Bullet")
    paragraph = document.add_paragraph("Line one")
    paragraph.add_run().add_break()
    paragraph.add_run("line\ttwo")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("Name", "Role"), ("Jane Garrard", "Governance Officer")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Resolved that the report be noted.")
    assert docx_format.to_text(docx_bytes(document), "m.docx") == (
        "Focused visit\n\n"
        "Members learned that:\n\n"
        "• Leaders achieved positive steps;\n"
        "• IT resources were renewed.\n"
        "(c) Already labelled.\n\n"
        "Line one\nline two\n\n"
        "Name | Role\n\nJane Garrard | Governance Officer\n\n"
        "Resolved that the report be noted."
    )


def test_docx_layout_table_keeps_items_and_points_apart() -> None:
    # Minutes laid out as a table: the item number in one cell, its minutes in the next.
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "5."
    minutes = table.cell(0, 1)
    minutes.text = "Work Programme 2020/21"
    for line in ("Minutes:", "(a) reopening of schools;", "(b) outcomes of the visit."):
        minutes.add_paragraph(line)
    assert docx_format.to_text(docx_bytes(document), "layout.docx") == (
        "5.\n\nWork Programme 2020/21\n\nMinutes:\n\n"
        "(a) reopening of schools;\n\n(b) outcomes of the visit."
    )


def add_lettered_numbering(document) -> str:
    """Register a Word list numbered "(a)", "(b)", … and return its numId."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
        '<w:lvlText w:val="(%1)"/></w:lvl></w:abstractNum>'
    )
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    first_num = numbering.find(num.tag)
    if first_num is not None:
        first_num.addprevious(abstract)  # abstractNum elements must precede num elements
    else:
        numbering.append(abstract)
    numbering.append(num)
    return "90"


def number_paragraph(paragraph, num_id: str) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def test_docx_automatic_letters_become_point_labels() -> None:
    document = docx.Document()
    num_id = add_lettered_numbering(document)
    document.add_paragraph("They highlighted the following information:")
    for n in range(1, 29):
        number_paragraph(document.add_paragraph(f"Point number {n}."), num_id)
    lines = docx_format.to_text(docx_bytes(document), "lettered.docx").split("\n")
    assert lines[2] == "(a) Point number 1."
    assert lines[3] == "(b) Point number 2."
    assert lines[2 + 25] == "(z) Point number 26."
    assert lines[2 + 26] == "(aa) Point number 27."  # Word's lowerLetter, as in the minutes
    assert lines[2 + 27] == "(bb) Point number 28."


def test_docx_tracked_insertions_count_and_deletions_do_not() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("The plan was ")
    paragraph._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="1" w:author="A"><w:r><w:t>approved</w:t></w:r></w:ins>'
    ))
    paragraph._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="2" w:author="A"><w:r><w:delText>rejected</w:delText></w:r></w:del>'
    ))
    assert docx_format.to_text(docx_bytes(document), "tracked.docx") == "The plan was approved"


@pytest.mark.parametrize(
    ("data", "cause"),
    [
        (b"", "it is not a zip package"),
        (b"junk bytes " * 30, "it is not a zip package"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old-style .doc"),
        (b"%PDF-1.7 not a word file", "it is not a zip package"),
    ],
)
def test_docx_damaged_or_not_a_docx_is_an_error(data: bytes, cause: str) -> None:
    with pytest.raises(DocumentError) as caught:
        docx_format.to_text(data, "broken.docx")
    assert caught.value.file_name == "broken.docx"
    assert caught.value.reason.startswith("the Word file is damaged or is not a .docx (")
    assert cause in caught.value.reason


def test_docx_zip_that_is_not_a_word_package_is_an_error() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DocumentError) as caught:
        docx_format.to_text(buffer.getvalue(), "archive.docx")
    assert caught.value.reason.startswith("the Word file is damaged or is not a .docx (")


def test_docx_minutes_blocks_match_the_text_file() -> None:
    text = MINUTES.read_text(encoding="utf-8")
    converted = docx_format.to_text(build_docx(text), "minutes.docx")
    assert [squash(" ".join(b)) for b in text_blocks(converted)] == [
        squash(" ".join(b)) for b in text_blocks(text)
    ]


# ---------------------------------------------------------------------------------- end to end

BUILDERS = {".html": build_html, ".pdf": build_pdf, ".docx": build_docx}


def passage_keys(parsed) -> list[tuple]:
    return [(p.item, p.point, p.part, " ".join(p.text.split())) for p in parsed.passages]


@pytest.mark.parametrize("source", [MINUTES, ITEM_PAGE], ids=["meeting-minutes", "item-page"])
@pytest.mark.parametrize("suffix", sorted(BUILDERS))
def test_every_format_gives_the_same_passages_as_text(suffix: str, source: Path) -> None:
    from ofsted_rag.parsing import parse_bytes

    text = source.read_text(encoding="utf-8")
    if suffix == ".pdf":
        text = pdf_safe(text)
    expected = passage_keys(parse_bytes(text.encode("utf-8"), source.stem + ".txt"))
    converted = parse_bytes(BUILDERS[suffix](text), source.stem + suffix)
    assert len(expected) > 5
    assert passage_keys(converted) == expected
