"""Files that are mostly UTF-8 but not entirely: decode them line by line instead of as a whole.

Two breakages seen in crawl dumps: a UTF-8 page with a few corrupt bytes (a cut multi-byte
character, a stray 0xFF), and a file concatenated from pages in different encodings (UTF-8
lines followed by Big5 or GBK lines). Decoding the whole file with one legacy codec turns
every UTF-8 line into mojibake (``中文`` → ``涓枃``); per line, each keeps its own encoding.
"""

from __future__ import annotations

# A line whose UTF-8 decode has at most this share of replacement characters among its
# non-ASCII characters is UTF-8 with a few bad bytes, not a legacy-encoded line.
_ALMOST_UTF8 = 0.5
# Enter line mode only when at least this share of the non-ASCII lines is (almost) UTF-8.
_MIN_UTF8_LINES = 0.25


def _utf8_quality(line: bytes) -> float:
    """Share of non-ASCII characters that decode as UTF-8 (1.0 = valid)."""
    try:
        line.decode("utf-8")
        return 1.0
    except UnicodeDecodeError:
        pass
    text = line.decode("utf-8", errors="replace")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return 1.0 - text.count("\ufffd") / non_ascii if non_ascii else 0.0


def decode_mixed(data: bytes, legacy_hint: str | None, detect) -> tuple[str, str] | None:
    """(text, encoding) when ``data`` is mostly UTF-8 line by line, else None.

    ``encoding`` is ``utf-8`` when the only damage was bad bytes (replaced by U+FFFD), or
    ``utf-8+<codec>`` when some lines are in a legacy codec (``legacy_hint`` if the document
    declares one, else ``detect(bytes)`` over those lines, else gb18030).
    """
    lines = data.splitlines(keepends=True)
    utf8: list[bool] = []
    non_ascii = 0
    good = 0
    for line in lines:
        if line.isascii():
            utf8.append(True)
            continue
        non_ascii += 1
        ok = _utf8_quality(line) >= 1.0 - _ALMOST_UTF8
        good += ok
        utf8.append(ok)
    if not non_ascii or good == 0 or good / non_ascii < _MIN_UTF8_LINES:
        return None
    legacy_lines = [ln for ln, ok in zip(lines, utf8, strict=True) if not ok]
    codec = None
    if legacy_lines:
        codec = legacy_hint or detect(b"".join(legacy_lines)) or "gb18030"
        if codec in ("utf-8", "utf_8", "ascii"):
            codec = "gb18030"
    out = []
    for line, ok in zip(lines, utf8, strict=True):
        if ok:
            out.append(line.decode("utf-8", errors="replace"))
        else:
            out.append(line.decode(codec or "gb18030", errors="replace"))
    return "".join(out), (f"utf-8+{codec}" if codec else "utf-8")
