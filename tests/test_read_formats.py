"""The same report in every format gives the same facts; each reader keeps the paragraph
structure, and the format is told by content."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from readfixtures import CORPUS, FIXTURES, SEED, pdf_document, rezip, to_docx, to_html, to_odt, to_pdf

from extractor import extract
from extractor.read import detect_format, read, read_bytes

SEED_TEXT = SEED.read_text(encoding="utf-8")
# a .txt that was itself pulled out of a PDF (lines wrapped, page footers inline) has no
# paragraph structure to render back into a PDF; every other format takes it as it is
FROM_PDF = "-pdf_"


def facts(path: Path) -> Counter[tuple[str, str | None, str]]:
    rep = extract(path)
    out: Counter[tuple[str, str | None, str]] = Counter()
    for f in rep.facts:
        value = getattr(f, "value", None)
        if value is None and f.type == "date_range":
            value = (f.start, f.end)  # type: ignore[union-attr]
        out[(f.type, f.section, str(value))] += 1
    return out


def render(fmt: str, text: str) -> bytes:
    return {"docx": to_docx, "odt": to_odt, "html": to_html, "pdf": to_pdf}[fmt](text)


@pytest.fixture(scope="module")
def seed_facts() -> Counter[tuple[str, str | None, str]]:
    got = facts(SEED)
    assert sum(got.values()) > 40  # the seed is rich in facts: a weak baseline would prove nothing
    return got


SEED_FILES = {
    "utf-8.txt": SEED_TEXT.encode("utf-8"),
    "utf-8-sig.txt": SEED_TEXT.encode("utf-8-sig"),
    "utf-16.txt": SEED_TEXT.encode("utf-16"),
    "cp1250.txt": SEED_TEXT.encode("cp1250"),
    "crlf-cp1250.txt": SEED_TEXT.replace("\n", "\r\n").encode("cp1250"),
    "docx": to_docx(SEED_TEXT),
    "odt": to_odt(SEED_TEXT),
    "html": to_html(SEED_TEXT),
    "cp1250.html": to_html(SEED_TEXT, "windows-1250"),
    "pdf": to_pdf(SEED_TEXT),
}


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_seed_gives_the_same_facts_in_every_format(name: str, tmp_path: Path, seed_facts: Counter) -> None:
    path = tmp_path / ("seed." + name)
    path.write_bytes(SEED_FILES[name])
    assert facts(path) == seed_facts


def test_seed_in_iso_8859_2_gives_the_same_facts(tmp_path: Path, seed_facts: Counter) -> None:
    # ISO-8859-2 has no typographic dash: the report as it would be saved in it
    text = SEED_TEXT.replace("–", "-").replace("„", '"').replace("”", '"')
    path = tmp_path / "seed-iso.txt"
    path.write_bytes(text.encode("iso-8859-2"))
    assert read(path).encoding == "iso-8859-2"
    assert facts(path) == seed_facts


def test_committed_pdf_of_the_seed_gives_the_same_facts(seed_facts: Counter) -> None:
    """seed.pdf is a word processor's export (embedded subset font, justified text, page
    footers, a paragraph running on to page 2): see tests/fixtures/make_seed_pdf.py."""
    path = FIXTURES / "seed.pdf"
    src = read(path)
    assert src.format == "pdf" and src.pages is not None and len(src.pages) == 2
    assert "Strona" not in src.text  # page footers are furniture, not report text
    assert facts(path) == seed_facts


@pytest.mark.parametrize("fmt", ["docx", "odt", "html", "pdf"])
def test_every_corpus_report_gives_the_same_facts(fmt: str, tmp_path: Path) -> None:
    reports = sorted(CORPUS.glob("*.txt"))
    assert len(reports) >= 20
    for txt in reports:
        if fmt == "pdf" and FROM_PDF in txt.name:
            continue
        path = tmp_path / f"{txt.stem}.{fmt}"
        path.write_bytes(render(fmt, txt.read_text(encoding="utf-8")))
        assert facts(path) == facts(txt), f"{txt.name} as {fmt}"


# --- what each reader keeps ----------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["docx", "odt", "html", "pdf"])
def test_paragraphs_and_headings_stay_on_their_own_lines(fmt: str) -> None:
    src = read_bytes(render(fmt, SEED_TEXT), "seed." + fmt)
    assert src.format == fmt
    lines = src.text.split("\n")
    assert lines[0] == "Sprawozdanie częściowe za okres 01-09-2018 30-11-2018"
    assert lines[1] == ""
    assert lines[2] == "CENTRUM PRZEDSIĘBIORCZOŚCI SPOŁECZNEJ (CPS)"
    assert "INKUBATORY PRZEDSIĘBIORCZOŚCISPOŁECZNEJ (IPS)" in lines
    assert src.text.count("\n\n") == SEED_TEXT.count("\n\n")
    assert " ".join(SEED_TEXT.split()) == " ".join(src.text.split())


def test_list_items_keep_bullets_one_line_apart() -> None:
    text = "Sprawozdanie za okres 01.01.2019 – 30.06.2019\n\nCentrum:\n• spotkania – 22\n• grupy inicjatywne – 6\n"
    for fmt in ("docx", "odt", "html"):
        got = read_bytes(render(fmt, text), "x." + fmt).text
        assert "\n• spotkania – 22\n• grupy inicjatywne – 6\n" in got, fmt


def test_txt_is_kept_as_it_is() -> None:
    src = read(SEED)
    assert src.text == SEED_TEXT
    assert (src.format, src.encoding, src.pages) == ("txt", "utf-8", None)
    assert len(src.sha256) == 64


def test_crlf_and_bom_are_undone() -> None:
    src = read_bytes(("\ufeff" + SEED_TEXT.replace("\n", "\r\n")).encode("utf-8"), "x.txt")
    assert src.text == SEED_TEXT and src.encoding == "utf-8-sig"


def test_decomposed_letters_are_composed() -> None:
    decomposed = "Sprawozdanie cze\u0328s\u0301ciowe: 5 spotkan\u0301."
    assert read_bytes(decomposed.encode("utf-8"), "x.txt").text == "Sprawozdanie częściowe: 5 spotkań."


# --- detection by content ----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["docx", "odt", "html", "pdf"])
def test_format_is_told_by_content_not_name(fmt: str, tmp_path: Path) -> None:
    data = render(fmt, SEED_TEXT)
    assert detect_format(data, "") == fmt
    wrong = tmp_path / "raport.txt"
    wrong.write_bytes(data)
    assert read(wrong).format == fmt
    noext = tmp_path / "raport"
    noext.write_bytes(data)
    assert read(noext).format == fmt


def test_text_named_pdf_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "raport.pdf"
    path.write_bytes(SEED_TEXT.encode("cp1250"))
    src = read(path)
    assert (src.format, src.text) == ("txt", SEED_TEXT)


def test_html_fragment_and_plain_text_with_angle_brackets() -> None:
    assert detect_format(b"<p>Sprawozdanie</p><p>Odby\xc5\x82o si\xc4\x99 5 spotka\xc5\x84.</p>") == "html"
    assert detect_format("Wynik < 5 osób, ale > 3 grupy.".encode()) == "txt"
    assert detect_format(b"Sprawozdanie <b>wa\xc5\xbcne</b>", "raport.html") == "html"


# --- docx -------------------------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body: str, **parts: bytes) -> bytes:
    doc = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W} ' \
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">' \
          f'<w:body>{body}</w:body></w:document>'
    return rezip(to_docx("x"), {"word/document.xml": doc.encode("utf-8"), **parts})


def _p(text: str, extra: str = "") -> str:
    return f'<w:p>{extra}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def test_docx_tables_text_boxes_and_tracked_changes() -> None:
    body = (_p("Sprawozdanie za I kwartał 2019")
            + "<w:tbl><w:tr><w:tc>" + _p("Spotkania") + "</w:tc><w:tc>" + _p("12") + "</w:tc></w:tr>"
            + "<w:tr><w:tc>" + _p("Szkolenia") + _p("branżowe") + "</w:tc><w:tc>" + _p("3") + "</w:tc></w:tr></w:tbl>"
            + '<w:p><w:r><w:t>Odbyło się </w:t></w:r><w:del><w:r><w:delText>dziesięć</w:delText></w:r></w:del>'
            + '<w:ins><w:r><w:t>5</w:t></w:r></w:ins><w:r><w:t xml:space="preserve"> spotkań.</w:t></w:r>'
            + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
            + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
            + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
            + '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
            + _p("Ramka: 40 uczestników") + '</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>'
            + '<w:txbxContent>' + _p("Ramka: 40 uczestników") + '</w:txbxContent></w:pict></mc:Fallback>'
            + '</mc:AlternateContent></w:r><w:r><w:t>Po ramce.</w:t></w:r></w:p>')
    text = read_bytes(_docx(body), "x.docx").text
    assert text == ("Sprawozdanie za I kwartał 2019\n\nSpotkania\t12\nSzkolenia branżowe\t3\n\n"
                    "Odbyło się 5 spotkań.7\n\nPo ramce.\n\nRamka: 40 uczestników\n")


def test_docx_table_of_contents_is_left_out() -> None:
    toc = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>TOC \\o "1-3"</w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>CENTRUM (CPS) 2</w:t></w:r></w:p>'
           + _p("INKUBATOR (IPS) 3") + '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    sdt = ('<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj>'
           '</w:sdtPr><w:sdtContent>' + _p("Spis treści 1") + '</w:sdtContent></w:sdt>')
    body = _p("Sprawozdanie") + toc + sdt + _p("CENTRUM (CPS)") + _p("Treść.")
    assert read_bytes(_docx(body), "x.docx").text == "Sprawozdanie\n\nCENTRUM (CPS)\n\nTreść.\n"


def test_docx_numbering_is_written_out() -> None:
    numbering = f'''<?xml version="1.0" encoding="UTF-8"?><w:numbering {W}>
      <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
      <w:lvlText w:val="%2)"/></w:lvl></w:abstractNum>
      <w:num w:numId="7"><w:abstractNumId w:val="0"/></w:num></w:numbering>'''.encode()
    rels = b'''<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
      <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
      </Relationships>'''

    def item(text: str, lvl: int) -> str:
        return _p(text, f'<w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="7"/></w:numPr></w:pPr>')

    body = _p("Zadania:") + item("Animacja", 0) + item("spotkania", 1) + item("debaty", 1) + item("Inkubacja", 0)
    data = _docx(body, **{"word/numbering.xml": numbering, "word/_rels/document.xml.rels": rels})
    assert read_bytes(data, "x.docx").text == "Zadania:\n\n1. Animacja\na) spotkania\nb) debaty\n2. Inkubacja\n"


def test_docx_footnotes_come_last() -> None:
    notes = f'''<?xml version="1.0" encoding="UTF-8"?><w:footnotes {W}>
      <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
      <w:footnote w:id="1">{_p("Dane z listy obecności.")}</w:footnote></w:footnotes>'''.encode()
    rels = b'''<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
      <Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>
      </Relationships>'''
    body = '<w:p><w:r><w:t>Udział wzięło 96 uczniów.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
    data = _docx(body, **{"word/footnotes.xml": notes, "word/_rels/document.xml.rels": rels})
    assert read_bytes(data, "x.docx").text == "Udział wzięło 96 uczniów.\n\nDane z listy obecności.\n"


# --- odt --------------------------------------------------------------------------------------

def test_odt_spaces_notes_tables_and_annotations() -> None:
    content = b'''<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 office:version="1.2"><office:body><office:text>
<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/></text:sequence-decls>
<text:table-of-content><text:index-body><text:p>CENTRUM 2</text:p></text:index-body></text:table-of-content>
<text:h text:outline-level="1">CENTRUM (CPS)</text:h>
<text:p>Odby\xc5\x82o si\xc4\x99<text:s text:c="2"/>5
  spotka\xc5\x84<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>
 <text:note-body><text:p>Wg listy.</text:p></text:note-body></text:note>.<office:annotation><text:p>sprawdzi\xc4\x87</text:p></office:annotation></text:p>
<table:table><table:table-column/><table:table-row><table:table-cell><text:p>PUP</text:p></table:table-cell>
<table:table-cell><text:p>4</text:p></table:table-cell></table:table-row></table:table>
<text:tracked-changes><text:changed-region><text:deletion><text:p>usuni\xc4\x99te</text:p></text:deletion></text:changed-region></text:tracked-changes>
</office:text></office:body></office:document-content>'''
    data = rezip(to_odt("x"), {"content.xml": content})
    assert read_bytes(data, "x.odt").text == "CENTRUM (CPS)\n\nOdbyło się  5 spotkań.\n\nPUP\t4\n\nWg listy.\n"


def test_flat_odt_is_read() -> None:
    flat = b'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text><text:p>Sprawozdanie roczne za 2019</text:p><text:p>Odby\xc5\x82y si\xc4\x99 3 spotkania.</text:p>
</office:text></office:body></office:document>'''
    src = read_bytes(flat, "x.fodt")
    assert src.format == "odt" and src.text == "Sprawozdanie roczne za 2019\n\nOdbyły się 3 spotkania.\n"


# --- html -------------------------------------------------------------------------------------

def test_html_page_keeps_the_article_only() -> None:
    text = read_bytes(to_html(SEED_TEXT), "x.html").text
    for noise in ("Strona główna", "Kontakt", "Ostatnie wpisy", "Kościuszki", "stats", "font-family", "25 lat"):
        assert noise not in text
    assert text.startswith("Sprawozdanie częściowe")


def test_html_entities_breaks_lists_tables_and_scripts() -> None:
    page = ("<html><head><title>T</title><style>p{}</style></head><body>"
            "<h1>Sprawozdanie &ndash; I&nbsp;kwarta&#322; 2019</h1><p>Linia 1<br>Linia&#160;2 &amp; 3"
            "<script>document.write('<p>x</p>')</script></p><ol><li>pierwszy<li>drugi</ol>"
            "<table><tr><th>Miejsce</th><td>Ełk</td></tr><tr><td>Osoby</td><td>12</td></tr></table>"
            "<p>Koniec<!-- komentarz --> tekstu.</p></body></html>")
    text = read_bytes(page.encode(), "x.html").text
    assert text == ("Sprawozdanie – I\u00a0kwartał 2019\n\nLinia 1\nLinia\u00a02 & 3\n\n1. pierwszy\n2. drugi\n\n"
                    "Miejsce\tEłk\nOsoby\t12\n\nKoniec tekstu.\n")


def test_html_page_declared_latin1_but_written_in_cp1250() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>' \
           '<body><p>Sprawozdanie częściowe: 30 spotkań w Ełku, źródła, Śląsk, ŁÓDŹ.</p></body></html>'
    src = read_bytes(page.encode("cp1250"), "x.htm")
    assert "Sprawozdanie częściowe: 30 spotkań w Ełku, źródła, Śląsk, ŁÓDŹ." in src.text
    assert src.encoding == "cp1250"


def test_html_declared_charset_is_used() -> None:
    page = '<html><head><meta charset="iso-8859-2"></head><body><p>Zażółć gęślą jaźń.</p></body></html>'
    src = read_bytes(page.encode("iso-8859-2"), "x.html")
    assert (src.text, src.encoding) == ("Zażółć gęślą jaźń.\n", "iso-8859-2")


def test_html_deep_unclosed_markup_is_fine() -> None:
    page = "<html><body>" + "<div><font>" * 5000 + "Sprawozdanie: 5 spotkań." + "</body></html>"
    assert read_bytes(page.encode(), "x.html").text == "Sprawozdanie: 5 spotkań.\n"


def test_html_headings_in_a_table_are_paragraphs() -> None:
    """A page laid out in a table, or a table never closed, keeps its headings and paragraphs
    apart; a table of figures stays one line a row."""
    body = "<h2>CENTRUM (CPS)</h2><p>Odbyło się 5 spotkań.</p><h2>INKUBATOR (IPS)</h2><p>3 osoby.</p>"
    expected = "CENTRUM (CPS)\n\nOdbyło się 5 spotkań.\n\nINKUBATOR (IPS)\n\n3 osoby.\n"
    layout = f"<table><tr><td>Menu</td><td>{body}</td></tr></table>"
    assert read_bytes(layout.encode(), "x.html").text == "Menu\n\n" + expected
    unclosed = "<html><body>" + "<table><tr><td><div>" * 2000 + body
    assert read_bytes(unclosed.encode(), "x.html").text == expected
    long_cell = "<table><tr><td>" + "".join(f"<p>Akapit {k}: 3 spotkania.</p>" for k in range(5)) + "</td></tr></table>"
    assert read_bytes(long_cell.encode(), "x.html").text.count("\n\n") == 4
    figures = "<table><tr><td><p>Spotkania</p></td><td><p>12</p></td></tr></table><p>Koniec.</p>"
    assert read_bytes(figures.encode(), "x.html").text == "Spotkania\t12\n\nKoniec.\n"


def test_html_end_tags_that_close_nothing_cost_linear_time() -> None:
    """Each end tag is looked up among the open elements in constant time (it was a scan of
    them: 20 000 unclosed <div> and 20 000 stray </span> took 19 s)."""
    import time

    def cost(n: int) -> float:
        page = ("<html><body>" + "<div>" * n + "</span>" * n + "<p>Sprawozdanie: 5 spotkań.</p>").encode()
        t0 = time.perf_counter()
        assert read_bytes(page, "x.html").text == "Sprawozdanie: 5 spotkań.\n"
        return time.perf_counter() - t0

    small, large = min(cost(5000) for _ in range(2)), min(cost(40000) for _ in range(2))
    assert large < 20 * small + 0.5, (small, large)        # linear: about 8x; quadratic: 64x


def test_html_empty_list_items_leave_no_bullets() -> None:
    page = "<ul>" + "<li>" * 50 + "<li>Spotkanie</li></ul><ol><li></li><li>drugi</li></ol>"
    assert read_bytes(page.encode(), "x.html").text == "• Spotkanie\n2. drugi\n"


# --- pdf --------------------------------------------------------------------------------------

def test_pdf_pages_hyphenation_and_continuation() -> None:
    page1 = [(56, 800, "SPRAWOZDANIE ROCZNE"), (56, 770, "Doradcy prowadzili rekrutację na szkolenia i wspie-"),
             (56, 758, "rali grupy inicjatywne oraz przedsiębiorstwa społeczne w całym"), (280, 40, "1")]
    page2 = [(56, 800, "regionie (12 grup)."), (56, 770, "Odbyło się 5 spotkań ﬁnałowych."), (280, 40, "2")]
    src = read_bytes(pdf_document([page1, page2]), "x.pdf")
    assert src.text == ("SPRAWOZDANIE ROCZNE\n\nDoradcy prowadzili rekrutację na szkolenia i wspierali grupy "
                        "inicjatywne oraz przedsiębiorstwa społeczne w całym regionie (12 grup).\n\n"
                        "Odbyło się 5 spotkań finałowych.\n")
    assert src.pages is not None and src.text[src.pages[1]:].startswith("regionie")
    assert src.pages[0] == 0


def test_pdf_page_of_many_text_boxes_is_read_by_position() -> None:
    """pdfminer's clustering of text boxes weighs every pair (13 s for this grid of 612 cells);
    past MAX_CLUSTERED_BOXES a page is read top to bottom, then left to right. Clustered, the
    grid would come out column by column."""
    from extractor.read.pdf import MAX_CLUSTERED_BOXES

    cells = [(20 + 60 * c, 820 - 12 * r, f"sp{r}k{c}") for r in range(68) for c in range(9)]
    assert len(cells) > MAX_CLUSTERED_BOXES
    assert read_bytes(pdf_document([cells], size=4), "x.pdf").text.split() == [t for _x, _y, t in cells]
    few = [(20 + 60 * c, 820 - 12 * r, f"sp{r}k{c}") for r in range(3) for c in range(3)]
    assert read_bytes(pdf_document([few], size=4), "x.pdf").text.split()[:3] == ["sp0k0", "sp1k0", "sp2k0"]


def test_pdf_with_some_scanned_pages_warns() -> None:
    from conftest import require_ocr

    require_ocr()                 # the image page is read by OCR, which finds no text in it
    text_page = [(56, 800, "Sprawozdanie: odbyło się 5 spotkań.")]
    data = pdf_document([text_page], images=1)
    src = read_bytes(data, "x.pdf")
    assert src.text == "Sprawozdanie: odbyło się 5 spotkań.\n"
    assert src.pages == [0, len(src.text)]
    assert any("without text" in w and "2" in w for w in src.warnings)


def test_pdf_with_empty_user_password_opens() -> None:
    """'Protected' PDFs that open without a password (owner password only) are read."""
    from readfixtures import encrypt_pdf

    data = encrypt_pdf(to_pdf(SEED_TEXT), user_password="")
    assert " ".join(read_bytes(data, "x.pdf").text.split()) == " ".join(SEED_TEXT.split())


def test_a_wrapped_figure_is_no_numbered_item() -> None:
    """Lines of a page (text, left, right) as the PDF and OCR readers group them: a line that
    opens like "2." goes on with the line above when that one waits for its figure or ends no
    sentence and no numbered list runs; a real numbered list stays one item a line."""
    from extractor.read.pdf import paragraph_groups

    wrapped = [("Odbyło się 18 spotkań animacyjnych: UG - 7, OPS - 5, PUP 4, szkoły -", 100, 1500),
               ("2. Spotkania odbyły się m.in. w Bobolicach i w Karlinie.", 100, 1200)]
    assert paragraph_groups(wrapped, 100, 1500) == [([0, 1], False)]
    run_on = [("Forum zorganizowano w Parku Technologicznym, uczestników było łącznie", 100, 1500),
              ("3. edycji nie przeprowadzono z powodu pandemii.", 100, 1100)]
    assert paragraph_groups(run_on, 100, 1500) == [([0, 1], False)]
    listed = [("Zadania na kolejny rok:", 100, 600), ("1. animacja lokalna,", 100, 500),
              ("2. doradztwo,", 100, 400), ("3. szkolenia.", 100, 400)]
    assert paragraph_groups(listed, 100, 1500) == [([0], False), ([1], True), ([2], True), ([3], True)]
    after_colon = [("Wyniki:", 100, 300), ("2. miejsce w konkursie wojewódzkim", 100, 900)]
    assert paragraph_groups(after_colon, 100, 1500) == [([0], False), ([1], True)]
