"""convert: unify the script to standard simplified Chinese without touching simplified text.

Per article: normalise quotes, full-width letters/digits and ASCII punctuation typed into
Chinese, detect the script, and send only
the sentences that need it through OpenCC (a chain zhnews builds, see ``opencc_config``):

- simplified sentences are never handed to OpenCC (t2s would turn 昇腾 into 升腾);
- traditional and mixed sentences are converted; sentences with neither kind of marker
  character are converted when the article as a whole is traditional;
- Taiwan vocabulary (晶片, 資訊, 程式設計, 輝達 …) switches on the Taiwan phrase layer for the
  article, with the blocks list stopping its over-conversions (核心→内核, 建立→创建 …);
- protected terms (昇腾, names with 乾 …) keep their spelling in every step.

``original`` keeps the text as it was before this stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.article import Article, Original
from pipeline.stages.convert import detect
from pipeline.stages.convert.diffcount import changed_chars
from pipeline.stages.convert.normalise import normalise
from pipeline.stages.convert.opencc_config import (
    BASE_VARIANTS,
    build_converter,
    cached_protected_forms,
    profile_name,
)
from pipeline.stages.convert.vocab import TaiwanVocabulary

TAIWAN_MODES = ("auto", "always", "never")


@dataclass
class ConvertState:
    base: str
    taiwan_mode: str
    plain: Any
    taiwan: Any | None
    taiwan_vocab: TaiwanVocabulary
    punctuation: bool = True


def _blocks(lines: list[str]) -> dict[str, str]:
    """``phrase`` (identity: leave to plain conversion) or ``phrase<TAB>replacement``."""
    out = {}
    for line in lines:
        key, _, value = line.partition("\t")
        key = key.strip()
        out[key] = value.strip() or key
    return out


def prepare(cfg: Any) -> ConvertState:
    base = cfg.get("convert", "profile")
    mode = cfg.get("convert", "taiwan_phrases")
    if base not in BASE_VARIANTS:
        raise ValueError(f"convert.profile must be one of {', '.join(BASE_VARIANTS)}: {base!r}")
    if mode not in TAIWAN_MODES:
        raise ValueError(f"convert.taiwan_phrases must be one of {', '.join(TAIWAN_MODES)}")
    blocks = _blocks(cfg.lines("convert", "blocks_file"))
    protected = cached_protected_forms([line.split()
                                        for line in cfg.lines("convert", "protected_terms_file")])
    plain = build_converter(base, False, blocks, protected)
    taiwan = build_converter(base, True, blocks, protected) if mode != "never" else None
    strong, weak = _taiwan_terms(cfg.lines("convert", "taiwan_terms_file"))
    return ConvertState(base, mode, plain, taiwan, TaiwanVocabulary(strong, weak),
                        bool(cfg.get("convert", "fullwidth_punctuation")))


def _taiwan_terms(lines: list[str]) -> tuple[list[str], list[str]]:
    """Strong markers (one is enough) and weak ones (``term<TAB>weak``: two distinct needed)."""
    strong, weak = [], []
    for line in lines:
        term, _, kind = line.partition("\t")
        (weak if kind.strip() == "weak" else strong).append(term.strip())
    return strong, weak


def _convert_paragraph(text: str, conv: Any, convert_neutral: bool) -> tuple[str, int]:
    has_trad = detect.has_traditional(text)
    has_simp = detect.has_simplified(text)
    if not has_simp:
        if not (has_trad or convert_neutral):
            return text, 0
        out = conv.convert(text)  # the fast path: a wholly traditional paragraph
        return out, changed_chars(text, out)
    if not has_trad and not convert_neutral:
        return text, 0
    parts: list[str] = []
    pending: list[str] = []  # consecutive sentences to convert in one OpenCC call
    changed = 0

    def flush() -> None:
        nonlocal changed
        if pending:
            chunk = "".join(pending)
            out = conv.convert(chunk)
            changed += changed_chars(chunk, out)
            parts.append(out)
            pending.clear()

    for sentence in detect.sentences(text):
        script = detect.sentence_script(sentence)
        if script in (detect.TRADITIONAL, detect.MIXED) or (
                script == detect.NONE and convert_neutral):
            pending.append(sentence)
        else:
            flush()
            parts.append(sentence)
    flush()
    return "".join(parts), changed


def process(article: Article, state: ConvertState) -> Article:
    if not article.original.paragraphs and article.original.title is None:
        article.original = Original(title=article.title, paragraphs=list(article.paragraphs))
    title = article.title
    paragraphs = list(article.paragraphs)
    full = "\n".join([title or "", *paragraphs])
    full, normalised = normalise(full, state.punctuation)
    if normalised:
        parts = full.split("\n")
        if len(parts) == len(paragraphs) + 1:
            title = parts[0] if title else title
            paragraphs = parts[1:]
        else:  # a newline inside a paragraph: normalise one by one
            title = normalise(title, state.punctuation)[0] if title else title
            paragraphs = [normalise(p, state.punctuation)[0] for p in paragraphs]
    detected, has_simp = detect.article_script(full, state.taiwan_vocab.has_strong)
    article.script.detected = detected
    article.script.profile = None
    article.script.converted_chars = 0
    if normalised:
        article.scores["convert.normalised_chars"] = float(normalised)
    if detected in (detect.TRADITIONAL, detect.MIXED):
        use_taiwan = state.taiwan is not None and (
            state.taiwan_mode == "always"
            or (state.taiwan_mode == "auto" and state.taiwan_vocab.shows(full)))
        conv = state.taiwan if use_taiwan else state.plain
        convert_neutral = detected == detect.TRADITIONAL
        whole = None
        if convert_neutral and not has_simp:
            # Wholly traditional: one OpenCC call for the article (no dictionary key spans a
            # newline, so the paragraphs come back one for one).
            whole = conv.convert(full)
            parts = whole.split("\n")
        if whole is not None and len(parts) == len(paragraphs) + 1:
            title = parts[0] if title else title
            paragraphs = parts[1:]
            total = changed_chars(full, whole)
        else:
            total = 0
            if title:
                title, total = _convert_paragraph(title, conv, convert_neutral)
            for i, para in enumerate(paragraphs):
                paragraphs[i], n = _convert_paragraph(para, conv, convert_neutral)
                total += n
        article.script.profile = profile_name(state.base, use_taiwan)
        article.script.converted_chars = total
    article.title = title
    article.set_paragraphs(paragraphs)
    _convert_metadata(article, state)
    return article


def _convert_metadata(article: Article, state: ConvertState) -> None:
    """People, outlets and tags in one script with the body (陳宇曦 → 陈宇曦, 澎湃新聞 → 澎湃新闻),
    so a facet or a query matches. Only values holding a traditional-only character are
    touched, and only with the base tables (no Taiwan phrasing for names)."""

    def conv(value: str) -> str:
        return state.plain.convert(value) if detect.has_traditional(value) else value

    article.authors = [conv(v) for v in article.authors]
    article.editors = [conv(v) for v in article.editors]
    article.tags = [conv(v) for v in article.tags]
    if article.publisher:
        article.publisher = conv(article.publisher)
