"""Spaces typed beside Chinese punctuation, taken out.

Pages carry paragraphs typed with a space after each comma, as in Latin script (ifeng-2:
陈立群要退休了， 作为全国重点高中校长、 教育部…): Chinese sets none, and a tokenizer makes a
token of each. A space right after a Chinese mark that closes a clause
(，。、；：！？) before Han text or an opening mark, or right before such a mark after
Han text, goes. Spaces between Han text and Latin letters or digits (三星 Galaxy S20), between
two Han characters (a break between clauses: 高级主管 第二届…) and after a closing quote (a
headline's break: 合法是“错误” 只求提前大选) stay.
"""

from __future__ import annotations

import re

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_AFTER_MARK = re.compile(f"(?<=[，。、；：！？])[ \\t]+(?=[{_HAN}“‘（《「『【])")
_BEFORE_MARK = re.compile(f"(?<=[{_HAN}”’）》」』】])[ \\t]+(?=[，。、；：！？])")


def tighten(line: str) -> str:
    """``line`` without the spaces beside Chinese punctuation described above."""
    if " " not in line and "\t" not in line:
        return line
    return _BEFORE_MARK.sub("", _AFTER_MARK.sub("", line))
