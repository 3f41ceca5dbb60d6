"""Encodings of plain-text reports: every Polish letter in every encoding, whole reports,
short texts where a code page could be mistaken for another."""
from __future__ import annotations

import pytest
from readfixtures import CORPUS, POLISH

from extractor.read import decode_text, read_bytes
from extractor.read.txt import LEGACY

SENTENCE = f"Sprawozdanie częściowe: {POLISH} – zażółć gęślą jaźń, ŹDŹBŁO, Śląsk, Ąę."
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1250", "iso-8859-2",
             "cp852", "mac-latin2"]
# what the single-byte code pages lack, as a writer of the time would have typed it
_PLAIN = str.maketrans({"–": "-", "—": "-", "„": '"', "”": '"', "“": '"', "•": "*", "…": "..."})


def _encodable(text: str, enc: str) -> str:
    return text if enc.startswith("utf") or enc == "cp1250" else text.translate(_PLAIN)


def test_the_18_polish_letters() -> None:
    assert len(POLISH) == 18 and len(set(POLISH)) == 18


@pytest.mark.parametrize("enc", ENCODINGS)
def test_all_polish_letters_in_each_encoding(enc: str) -> None:
    text = _encodable(SENTENCE, enc)
    data = text.encode(enc)
    if enc in ("utf-16-le", "utf-16-be"):
        assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))  # no BOM: told by the zero bytes
    src = read_bytes(data, "x.txt")
    assert src.text == text
    for letter in POLISH:
        assert letter in src.text


@pytest.mark.parametrize("enc", LEGACY)
@pytest.mark.parametrize("letter", list(POLISH))
def test_each_letter_alone_in_a_short_text(enc: str, letter: str) -> None:
    """A short text whose only non-ASCII letter is one Polish letter: the letters at
    different bytes in cp1250 and ISO-8859-2 (ą ś ź Ą Ś Ź), and in CP852 and Mac CE (all
    of them), are the hard case. The letter sits where Polish spelling puts it: small
    inside words, capital at the start of a word or in an upper-case heading."""
    if letter.islower():
        text = f"Sprawozdanie: mi{letter}sto, pr{letter}d i {letter}ródło; 5 os{letter}b."
    else:
        text = f"SPRAWOZDANIE: MI{letter}STO, PR{letter}D; {letter}ródło."
    assert decode_text(text.encode(enc))[0] == text


@pytest.mark.parametrize("enc", ["cp1250", "iso-8859-2", "cp852", "mac-latin2", "utf-16", "utf-8-sig"])
def test_whole_corpus_in_each_encoding(enc: str) -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        text = _encodable(path.read_text(encoding="utf-8"), enc)
        src = read_bytes(text.encode(enc), path.name)
        assert src.text == text, f"{path.name} in {enc}: read as {src.encoding}"
        assert src.encoding == ("utf-16" if enc == "utf-16" else enc)


def test_legacy_text_that_happens_to_be_valid_utf8() -> None:
    # "SPÓŁKA" in cp1250 is the bytes D3 A3: a valid UTF-8 sequence (a Cyrillic letter)
    text = "SPÓŁKA"
    assert decode_text(text.encode("cp1250")) == (text, "cp1250")


def test_utf8_with_a_few_broken_bytes_stays_utf8() -> None:
    text = "Sprawozdanie częściowe: 30 spotkań w Ełku i Łodzi, źródło, żółw, gęś."
    data = text.encode("utf-8")[:-2] + b"\xff\xfe" + text.encode("utf-8")
    src = read_bytes(data, "x.txt")
    assert src.encoding == "utf-8"
    assert src.text.count("spotkań") == 2 and "\ufffd" in src.text
    assert any("replaced" in w for w in src.warnings)


def test_plain_ascii_is_utf8() -> None:
    assert decode_text(b"Sprawozdanie za 2019: 5 spotkan.") == ("Sprawozdanie za 2019: 5 spotkan.", "utf-8")


def test_western_text_goes_to_charset_detection() -> None:
    # no Polish letter in any reading: not forced into a Polish code page
    text = "Отчёт о деятельности центра поддержки социальной экономики за квартал"
    decoded, enc = decode_text(text.encode("cp1251"))
    assert decoded == text and enc not in LEGACY
