"""Bytes to text. The one decoder: extractors never see raw bytes.

Order: BOM → strict UTF-8 → the charset the document declares (gb2312/gbk read as gb18030,
big5 as big5hkscs) → detection (charset-normalizer) → gb18030 with replacement characters.
"""

from __future__ import annotations

import codecs
import re

_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "utf8": "utf-8",
}
_DECLARED = re.compile(
    rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)


def normalise_charset(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """Charset named in a meta tag, XML declaration or HTTP-equiv in the first 4 KB."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = normalise_charset(match.group(1).decode("ascii", "ignore"))
    return _ALIASES.get(name, name) if name else None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). ``declared`` is a charset known from outside the bytes
    (an HTTP header); the document's own declaration is looked up when it is not given."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _ALIASES.get(declared, declared) if declared else declared_charset(data)
    if declared and declared not in ("utf-8",):
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    detected = _detect(data)
    if detected:
        try:
            return data.decode(detected), detected
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("gb18030", errors="replace"), "gb18030"


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    name = normalise_charset(best.encoding)
    return _ALIASES.get(name, name) if name else None
