"""Mojibake repair, run at the start of clean (before convert: t2s would destroy the bytes).

A scrape decoded with the wrong codec turns 变法新闻 into 鍙樺法鏂伴椈 (UTF-8 read as GBK) or
into ±äÁ¿ (GBK read as Latin-1). Each maximal run of non-ASCII characters is re-encoded with
the codec that was wrongly used and decoded with the one that should have been; the result is
kept only when it decodes cleanly and is far more ordinary Chinese than the run was (share of
GB2312 level-1 and Big5 frequent characters). Clean Chinese almost never re-encodes into valid
UTF-8, and the common-character test catches the rest, so clean text is left alone. Residue
(锟斤拷, 烫烫烫, U+FFFD) is counted in ``scores["mojibake_residue"]``, never edited.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.article import Article, Repair

# (codec the bytes were wrongly decoded with, codec they really were in, rule name)
_ROUTES = (
    ("gbk", "utf-8", "mojibake-utf8-as-gbk"),
    # GB18030 decodes byte pairs GBK leaves undefined, as private-use characters (U+E000…):
    # UTF-8 read by a "GBK" decoder that is really GB18030 (ours reads gbk so) holds them, and
    # GBK cannot encode them back
    ("gb18030", "utf-8", "mojibake-utf8-as-gb18030"),
    ("big5", "utf-8", "mojibake-utf8-as-big5"),
    ("gbk", "big5", "mojibake-big5-as-gbk"),
    ("latin-1", "gbk", "mojibake-gbk-as-latin1"),
    ("latin-1", "utf-8", "mojibake-utf8-as-latin1"),
)
_RUN = re.compile(r"[^\x00-\x7f]{3,}")
_LATIN1_RUN = re.compile(r"[\x80-\xff]{4,}")
RESIDUE = re.compile("锟斤拷|烫烫烫|屯屯屯|\ufffd")


def _common_chars() -> frozenset[str]:
    """GB2312 level-1 (the 3,755 most used simplified characters) plus Big5's frequent
    characters. UTF-8 bytes read as GBK or Big5 land outside both, which is the test."""
    chars = set()
    for lead, trails, codec in ((range(0xB0, 0xD8), range(0xA1, 0xFF), "gb2312"),
                                (range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)],
                                 "big5")):
        for b1 in lead:
            for b2 in trails:
                try:
                    chars.add(bytes((b1, b2)).decode(codec))
                except UnicodeDecodeError:
                    pass
    return frozenset(chars)


_COMMON = _common_chars()
# A paragraph with no character outside ASCII, punctuation and the common set is skipped at
# regex speed.
_SUSPECT = re.compile("[^\x00-\x7f\u2000-\u206f\u3000-\u303f\uff00-\uffef"
                      + re.escape("".join(sorted(_COMMON))) + "]")
_MIN_AFTER = 0.9  # share of common characters a decoding must reach
_MIN_GAIN = 0.25  # and its gain over the run as it stands


def _commonness(text: str) -> tuple[float, int]:
    """Share of common characters among the non-ASCII letters (symbols such as box drawing
    ┌─┬ and punctuation do not count), and how many letters there were."""
    n = hit = 0
    for ch in text:
        if ch < "\u0080" or not unicodedata.category(ch).startswith("L"):
            continue
        n += 1
        hit += ch in _COMMON
    return (hit / n if n else 0.0), n


def _plausible(fixed: str) -> bool:
    core = fixed.replace("\ufffd", "")
    return len(core) >= 2 and all(ch.isprintable() for ch in core)


def _decode(run: str, wrong: str, right: str) -> str | None:
    """Re-decode ``run``; pieces between U+FFFD (bytes lost in the first decoding) are tried
    separately, re-aligned by up to two bytes, and the lost stretch stays U+FFFD."""
    if "\ufffd" not in run:
        try:
            return run.encode(wrong).decode(right)
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
    out = []
    for piece in run.split("\ufffd"):
        try:
            raw = piece.encode(wrong)
        except UnicodeEncodeError:
            return None
        done = None
        for start in range(3):
            for cut in range(3):
                chunk = raw[start:len(raw) - cut]
                if not chunk:
                    continue
                try:
                    done = chunk.decode(right)
                    break
                except UnicodeDecodeError:
                    continue
            if done is not None:
                break
        out.append(done if done is not None else "")
    return "\ufffd".join(out)


def fix_run(run: str) -> tuple[str, str] | None:
    """(fixed text, rule) when ``run`` is recoverable mojibake, else None.

    Clean text fails every route at codec speed (it rarely re-decodes at all, and what does
    is far from common Chinese), so the run's own commonness is measured only once a route
    gives a plausible, common-enough decoding.
    """
    before: float | None = None
    best: tuple[float, str, str] | None = None
    for wrong, right, rule in _ROUTES:
        fixed = _decode(run, wrong, right)
        if fixed is None:
            continue
        if fixed == run or not _plausible(fixed):
            continue
        after, n_after = _commonness(fixed)
        if n_after < 2 or after < _MIN_AFTER:
            continue
        if before is None:
            before, letters = _commonness(run)
            if letters < 2:
                return None  # nothing but symbols (┌─┬): no text to restore
        gain = after - before
        if gain >= _MIN_GAIN and (best is None or gain > best[0]):
            best = (gain, fixed, rule)
    return (best[1], best[2]) if best else None


def _fix_paragraph(text: str, index: int, log: list[Repair]) -> str:
    if text.isascii():
        return text
    if _SUSPECT.search(text) is None:
        return text
    out = []
    last = 0
    for pattern in (_RUN, _LATIN1_RUN):
        for m in pattern.finditer(text):
            if m.start() < last:
                continue
            found = fix_run(m.group())
            if found is None:
                continue
            fixed, rule = found
            out.append(text[last:m.start()])
            log.append(Repair(paragraph=index, offset=sum(map(len, out)), from_=m.group(),
                              to=fixed, rule=rule, confidence=0.95))
            out.append(fixed)
            last = m.end()
        if out:
            break
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def process(article: Article) -> Article:
    log: list[Repair] = []
    if article.title:
        article.title = _fix_paragraph(article.title, -1, log)
    paragraphs = [_fix_paragraph(p, i, log) for i, p in enumerate(article.paragraphs)]
    if log:
        article.repairs.extend(log)
        article.set_paragraphs(paragraphs)
    residue = len(RESIDUE.findall(article.text))
    if residue:
        article.scores["mojibake_residue"] = float(residue)
    return article
