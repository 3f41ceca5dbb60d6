"""Plain text: byte-order marks, UTF-16 without one, UTF-8, and the Polish legacy code pages.

The legacy code pages differ in six letters (ą ś ź Ą Ś Ź sit at other bytes in cp1250 and
ISO-8859-2, and everywhere else in CP852 and Mac Central European), so a statistical
detector trained on many languages can confuse them on a short report. Each candidate is
decoded and scored instead: Polish letters and the genre's punctuation (– „ ” •) count for
it, C1 control codes and letters Polish does not use (š ť ľ ± ¶ ˇ …) against it. Only a
text that reads as Polish in no candidate goes to charset-normalizer.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter

from ._common import Extracted, ReadFailure

POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# non-ASCII characters that a Polish report plausibly contains besides its letters
_TYPOGRAPHIC = frozenset("–—„”“’‘…•·§°«»×€\u00a0\u00ad²³½¼¾µ¢£©®™éüöäáíúč")
# tried in this order; the first wins a tie (cp1250 is by far the most common for Polish)
LEGACY = ("cp1250", "iso-8859-2", "cp852", "mac-latin2")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)


def bom_encoding(data: bytes) -> tuple[str, str, int] | None:
    """(codec, name to report, BOM length) when `data` opens with a byte-order mark."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return codec, name, len(bom)
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the zero bytes sit at odd / even offsets, as the high
    bytes of Latin text do in UTF-16."""
    sample = data[:8192]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def polish_score(text: str) -> tuple[int, int]:
    """(score, Polish letters) of a decoding: higher is more plausible for a Polish report."""
    score = letters = 0
    for ch, n in Counter(_NON_ASCII.findall(text)).items():
        if ch in POLISH:
            score += 2 * n
            letters += n
        elif ch in _TYPOGRAPHIC:
            score += n
        elif "\x80" <= ch <= "\x9f" or ch == "\ufffd":
            score -= 4 * n
        else:
            score -= 2 * n
    # a misread byte often lands on the other case: "mĄka", "ŁóDŹ" are not Polish spelling
    score -= 4 * len(_MID_WORD_CAPITAL.findall(text)) + 4 * len(_LONE_SMALL.findall(text))
    return score, letters


_UP = "A-ZĄĆĘŁŃÓŚŹŻ"
_LOW = "a-ząćęłńóśźż"
# each opens with the letter it finds and looks back from there, so the engine skips to the few
# Polish letters of a text instead of trying a look-behind at every character
_MID_WORD_CAPITAL = re.compile(f"[ĄĆĘŁŃÓŚŹŻ](?:(?<=[{_LOW}].)|(?<=[{_LOW}][{_UP}].))")
_LONE_SMALL = re.compile(f"[ąćęłńóśźż](?:(?<=[{_UP}][{_UP}].)(?=[{_UP}])|(?<=[{_UP}].)(?=[{_UP}][{_UP}]))")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a truncated or concatenated file): decoded with
    replacement characters, when valid multi-byte sequences far outnumber the bad ones."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    return text if good >= 4 * bad and good > 0 else None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a plain-text report: (text, encoding name). Never fails: the last resort is
    cp1250 with replacement characters."""
    bom = bom_encoding(data)
    if bom:
        codec, name, n = bom
        return data[n:].decode(codec, errors="replace"), name
    u16 = utf16_without_bom(data)
    if u16:
        return data.decode(u16, errors="replace"), u16
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _mostly_utf8(data) or ""
    if text:
        # a short legacy text can be valid UTF-8 by chance ("SPÓŁ" in cp1250 is "SPӣ"):
        # keep UTF-8 unless it reads as mojibake and a code page reads as Polish
        score = polish_score(text)[0]
        if score >= 0:
            return text, "utf-8"
        legacy, enc = _best_legacy(data)
        return (legacy, enc) if polish_score(legacy)[0] > 0 else (text, "utf-8")
    legacy, enc = _best_legacy(data)
    if polish_score(legacy)[0] < 0:  # no code page reads as Polish: another language?
        guess = _charset_normalizer(data)
        if guess is not None:
            return guess
    return legacy, enc


def _best_legacy(data: bytes) -> tuple[str, str]:
    best: tuple[tuple[int, int], int, str, str] | None = None
    for rank, enc in enumerate(LEGACY):
        cand = data.decode(enc, errors="replace")
        score = polish_score(cand)
        key = (score, -rank, enc, cand)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return best[3], best[2]


def _charset_normalizer(data: bytes) -> tuple[str, str] | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency, but the reader works without it
        return None
    match = from_bytes(data[:200_000]).best()
    if match is None or match.encoding is None:
        return None
    try:
        return data.decode(match.encoding, errors="replace"), match.encoding
    except LookupError:
        return None


# bytes no text file has, beyond a stray few: C0 controls other than tab, line ends, vertical
# tab, form feed and the DOS end-of-file mark (0x1a), and DEL
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a") + b"\x7f"


def binary_bytes(data: bytes) -> bool:
    """Data, not text: control bytes are more than 1 % (and more than two) of the first 64 KiB.
    One NUL or escape in a report is a slip, not a sign of binary data; NUL padding at the end
    (what a crash or a fixed-size copy leaves) does not count. UTF-16 and UTF-32, whose zero
    bytes are text, are told apart before this is asked."""
    sample = data.rstrip(b"\x00")[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > max(2, len(sample) // 100)


# the same in decoded text, with the C1 controls
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")


def looks_binary(text: str) -> bool:
    """Decoded text with control characters no text file has (beyond a stray few)."""
    sample = text.rstrip("\x00")[:65536]
    ctl = len(_CONTROL_CHARS.findall(sample))
    bad = sample.count("\ufffd")
    return ctl > max(2, len(sample) // 200) or bad > max(8, len(sample) // 20)


def read_txt(data: bytes) -> Extracted:
    text, enc = decode_text(data)
    if looks_binary(text):
        raise ReadFailure("binary", "binary data, not a text report")
    warnings = []
    if "\ufffd" in text:
        warnings.append(f"{text.count(chr(0xFFFD))} undecodable byte(s) replaced (as {enc})")
    return Extracted(text, enc, warnings=warnings)
