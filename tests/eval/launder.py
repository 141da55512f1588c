"""A seeded noise generator that launders clean segmented text the way sample 002 was.

Given sentences as token lists (gold segmentation, so 的/地 particles are known), it swaps
我→硪 (all), the particle 的→得 and the particle 地→得, 在→再 and 为→伪 anywhere (现再,
华伪), the standalone 也→野, 好→hao, and 它→她, each at a rate like sample 002's. It returns
the laundered text, the clean text and the gold edits (position in the laundered text,
laundered form, clean form, class).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# class name -> (rate, applies to) ; "token" = the whole token must equal the char
RATES = {
    "硪": 1.0,
    "得→的": 0.95,
    "得→地": 0.6,
    "再→在": 0.9,
    "伪→为": 0.9,
    "野→也": 0.9,
    "hao→好": 0.4,
    "她→它": 0.8,
}
CLASSES = tuple(RATES)


@dataclass
class Edit:
    pos: int
    noisy: str
    clean: str
    cls: str


def _adverbial(prev: str, nxt: str) -> bool:
    """A standalone 地 that is the adverbial particle (认真 地 学习), not the noun (跪倒 在 地)."""
    return (len(prev) >= 2 and "\u4e00" <= prev[-1] <= "\u9fff" and bool(nxt)
            and "\u4e00" <= nxt[0] <= "\u9fff" and nxt not in ("的", "地", "得"))


def _swap(tok: str, prev: str, nxt: str,
          rng: random.Random) -> list[tuple[str, str, str | None]]:
    """(noisy piece, clean piece, class) for one token between its neighbours."""
    if tok == "的" and rng.random() < RATES["得→的"]:
        return [("得", "的", "得→的")]
    if tok == "地" and _adverbial(prev, nxt) and rng.random() < RATES["得→地"]:
        return [("得", "地", "得→地")]
    if tok == "也" and rng.random() < RATES["野→也"]:
        return [("野", "也", "野→也")]
    out: list[tuple[str, str, str | None]] = []
    for ch in tok:
        if ch == "我":
            out.append(("硪", ch, "硪"))
        elif ch == "在" and rng.random() < RATES["再→在"]:
            out.append(("再", ch, "再→在"))
        elif ch == "为" and rng.random() < RATES["伪→为"]:
            out.append(("伪", ch, "伪→为"))
        elif ch == "好" and rng.random() < RATES["hao→好"]:
            out.append(("hao", ch, "hao→好"))
        elif ch == "它" and rng.random() < RATES["她→它"]:
            out.append(("她", ch, "她→它"))
        else:
            out.append((ch, ch, None))
    return out


def launder(sentences: list[list[str]], seed: int) -> tuple[str, str, list[Edit]]:
    """One document (sentences joined without separators) laundered deterministically."""
    rng = random.Random(seed)
    noisy: list[str] = []
    clean: list[str] = []
    edits: list[Edit] = []
    pos = 0
    for tokens in sentences:
        for i, tok in enumerate(tokens):
            prev = tokens[i - 1] if i else ""
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            for n, c, cls in _swap(tok, prev, nxt, rng):
                if cls is not None:
                    edits.append(Edit(pos, n, c, cls))
                noisy.append(n)
                clean.append(c)
                pos += len(n)
    return "".join(noisy), "".join(clean), edits
