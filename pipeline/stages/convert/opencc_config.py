"""Build zhnews' own OpenCC conversion from the dictionaries bundled with the ``opencc`` wheel.

Stock profiles are all-or-nothing: ``t2s`` ignores Taiwan vocabulary (晶片 stays), ``tw2sp``
rewrites ordinary words (核心→内核) and every stock profile breaks names (昇騰→升腾,
王丙乾→王丙干). So the chain is assembled here, per base profile, as two steps:

1. regional layer (``match_policy: union`` so the longest match wins across dictionaries):
   our blocks and protected forms as identity entries, the Taiwan phrase table
   (``TWPhrasesRev``) when asked for, then the base profile's variant tables. With
   ``short_circuit`` a block such as 執行 would also shadow the longer 執行緒→线程.
2. traditional→simplified: protected forms mapped to their simplified spelling first
   (``short_circuit``, so they win over the character table), then OpenCC's phrase and
   character tables.

OpenCC reads only files, so our entries are written as ``text`` dictionaries to a temporary
folder, the converter is built (it loads them at construction) and the folder is removed.
Bundled ``.ocd2`` files are named by absolute path: a config outside the share folder cannot
name them relatively.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

BASE_VARIANTS = {
    "t2s": (),
    "tw2s": ("TWVariantsRevPhrases", "TWVariantsRev"),
    "hk2s": ("HKVariantsRevPhrases", "HKVariantsRev"),
}
TAIWAN_PHRASES = "TWPhrasesRev"


def opencc_share_dir() -> Path:
    """Folder of the ``.ocd2`` dictionaries inside the installed ``opencc`` package."""
    import opencc

    share = Path(opencc.__file__).resolve().parent / "clib" / "share" / "opencc"
    if not (share / "TSCharacters.ocd2").exists():  # pragma: no cover - other builds
        raise RuntimeError(f"OpenCC dictionaries not found under {share}")
    return share


def profile_name(base: str, taiwan_phrases: bool) -> str:
    """The stock profile the chain stands in for (tw2s + Taiwan phrases = tw2sp)."""
    if taiwan_phrases:
        return "tw2sp" if base == "tw2s" else f"{base}+tw"
    return base


def _ocd2(share: Path, name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "ocd2", "file": str(share / f"{name}.ocd2"), **extra}


def _write_text_dict(path: Path, entries: Mapping[str, str]) -> dict[str, Any]:
    lines = [f"{k}\t{v}" for k, v in sorted(entries.items()) if k and v and " " not in k]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return {"type": "text", "file": str(path)}


def chain_config(share: Path, tmp: Path, base: str, taiwan_phrases: bool,
                 step1_entries: Mapping[str, str], step2_entries: Mapping[str, str]
                 ) -> dict[str, Any]:
    """The OpenCC config dict; text dictionaries are written into ``tmp``."""
    if base not in BASE_VARIANTS:
        raise ValueError(f"unknown base profile {base!r}; use one of {', '.join(BASE_VARIANTS)}")
    step1: list[dict[str, Any]] = []
    if step1_entries:
        step1.append(_write_text_dict(tmp / "step1.txt", step1_entries))
    if taiwan_phrases:
        step1.append(_ocd2(share, TAIWAN_PHRASES))
    step1 += [_ocd2(share, name) for name in BASE_VARIANTS[base]]
    step2: list[dict[str, Any]] = []
    if step2_entries:
        step2.append(_write_text_dict(tmp / "step2.txt", step2_entries))
    step2 += [_ocd2(share, "TSPhrases"), _ocd2(share, "TSCharactersExt", may_output_tofu=True),
              _ocd2(share, "TSCharacters")]
    chain = []
    if step1:
        chain.append({"dict": {"type": "group", "match_policy": "union", "dicts": step1}})
    chain.append({"dict": {"type": "group", "match_policy": "short_circuit", "dicts": step2}})
    return {
        "name": f"zhnews {profile_name(base, taiwan_phrases)}",
        "normalization": [{"dict": _ocd2(share, "CJK_Compatibility_Ideographs")}],
        "segmentation": {"type": "mmseg", "dict": _ocd2(share, "TSPhrases")},
        "conversion_chain": chain,
    }


PROTECTED_FORMAT = "protected-forms-1"  # bump when protected_forms changes what it derives


def cached_protected_forms(terms: list[list[str]]) -> dict[str, str]:
    """:func:`protected_forms`, read from the user cache when these terms were seen with this
    OpenCC before: deriving them builds three converters, 0.06-0.09 s at every start."""
    from pipeline.cache import cached_marshal, installed_version

    opencc_version = installed_version("opencc")
    if opencc_version == "unknown":
        return protected_forms(terms)
    text = "\n".join("\t".join(term) for term in terms)
    return cached_marshal("convert-protected", f"{PROTECTED_FORMAT}|{opencc_version}|{text}",
                          lambda: protected_forms(terms))


def protected_forms(terms: Iterable[list[str]]) -> dict[str, str]:
    """Every spelling of each protected term → its simplified (first) form.

    Traditional spellings are derived with OpenCC's s2t/s2tw/s2hk and may also be listed.
    """
    import opencc

    to_trad = [opencc.OpenCC(p) for p in ("s2t", "s2tw", "s2hk")]
    forms: dict[str, str] = {}
    for term in terms:
        target = term[0]
        spellings = {target, *term[1:]}
        for conv in to_trad:
            spellings.add(conv.convert(target))
        for s in spellings:
            if len(s) == len(target) or s in term:
                forms[s] = target
    return forms


def build_converter(base: str, taiwan_phrases: bool, blocks: Mapping[str, str],
                    protected: Mapping[str, str]) -> Any:
    """An ``opencc.OpenCC`` running the zhnews chain.

    ``blocks``: step-1 entries (identity = the Taiwan/variant layers leave it alone);
    ``protected``: spelling → simplified form, kept through both steps.
    """
    import opencc

    share = opencc_share_dir()
    step1 = dict(blocks)
    step1.update({form: form for form in protected})
    with tempfile.TemporaryDirectory(prefix="zhnews-opencc-") as tmp:
        cfg = chain_config(share, Path(tmp), base, taiwan_phrases, step1, protected)
        path = Path(tmp) / "zhnews.json"
        path.write_text(json.dumps(cfg, ensure_ascii=False, indent=1), "utf-8")
        return opencc.OpenCC(str(path))
