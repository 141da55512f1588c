"""Prune an lxml tree before a body extractor sees it.

Extractors lose on Chinese portals to what surrounds the article: most leaked text comes after
it (related lists, hot rankings, comments, copyright footers), and hidden SEO spam survives
them. Removing those nodes in the one parsed tree is cheap (a few XPath passes) and helps every
extractor that runs afterwards. Every dropped node with text is recorded with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from pipeline.article import Removal

# Tags that never hold article text (scripts, styles, embedded widgets, form controls).
_NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "svg", "button", "select",
               "textarea", "input", "object", "embed", "canvas", "audio", "video", "map")
# Tags that SEO spam templates scatter with random ids (sample 001: <cite>/<legend>/<track>).
_JUNK_TAGS = ("cite", "legend", "track")
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?<![-\w])(?:width|height)\s*:\s*0(?:px)?\s*(?:;|$)",
    re.IGNORECASE,
)
# A hidden node holding more than this share of the page's text is the article (WeChat hides
# its body until scripts run): it is un-hidden instead of dropped.
HIDDEN_KEEP_SHARE = 0.5
# A class/id-matched node is only dropped while it holds less than this share of the text, so
# a wrapper named e.g. "main-with-sidebar" never takes the article with it.
CHROME_MAX_SHARE = 0.3


@dataclass
class PruneRules:
    """Compiled pruning data from config: class/id patterns, spam phrases, per-site selectors."""

    chrome_attr: re.Pattern[str] | None = None
    spam: re.Pattern[str] | None = None
    spam_min_hits: int = 3
    site_drop: list[tuple[str, str]] = field(default_factory=list)  # (host suffix, xpath)
    site_body: list[tuple[str, str]] = field(default_factory=list)


def compile_rules(chrome_patterns: list[str], spam_phrases: list[str],
                  site_lines: list[str], spam_min_hits: int = 3) -> PruneRules:
    """Build rules from list-file lines. Site lines are ``host  drop|body  CSS selector``."""
    from lxml.cssselect import CSSSelector

    chrome = re.compile("|".join(f"(?:{p})" for p in chrome_patterns), re.IGNORECASE) \
        if chrome_patterns else None
    spam = re.compile("|".join(re.escape(p) for p in sorted(spam_phrases, key=len, reverse=True))) \
        if spam_phrases else None
    rules = PruneRules(chrome, spam, spam_min_hits)
    for line in site_lines:
        parts = line.split(None, 2)
        if len(parts) != 3 or parts[1] not in ("drop", "body"):
            raise ValueError(f"site rule must be 'host drop|body selector': {line!r}")
        host, action, selector = parts
        xpath = CSSSelector(selector, translator="html").path
        (rules.site_drop if action == "drop" else rules.site_body).append((host.lower(), xpath))
    return rules


def _text_len(el: HtmlElement) -> int:
    """Characters of text under ``el``, whitespace not counted."""
    return sum(map(len, el.text_content().split()))


def _drop(el: HtmlElement, reason: str, removed: list[Removal]) -> None:
    text = " ".join(el.text_content().split())
    if text:
        removed.append(Removal(reason=reason, text=text[:500]))
    parent = el.getparent()
    if parent is not None:
        el.drop_tree()


def host_matches(hosts: str | tuple[str, ...] | None, suffix: str) -> bool:
    if not hosts:
        return False
    if isinstance(hosts, str):
        hosts = (hosts,)
    return any(h == suffix or h.endswith("." + suffix) for h in hosts)


def prune(root: HtmlElement, rules: PruneRules, host: str | tuple[str, ...] | None,
          removed: list[Removal]) -> HtmlElement | None:
    """Prune ``root`` in place; returns the site's body node when a site rule names one.

    ``host`` is the page's host, or several candidates (its URL, a host named in the page,
    the domain most links point to) when the URL is unknown.
    """
    etree.strip_elements(root, etree.Comment, *_NEVER_TEXT, with_tail=False)
    for el in root.iter(*_JUNK_TAGS):
        if len(el.text_content().strip()) < 40:
            el.drop_tree() if el.getparent() is not None else None
    total = max(_text_len(root), 1)

    for el in root.xpath("//*[@hidden or @style or @aria-hidden='true']"):
        if el.getparent() is None or el.tag in ("html", "body"):
            continue
        hidden = el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style") or "")
        if not hidden:
            continue
        if _text_len(el) > HIDDEN_KEEP_SHARE * total:
            el.attrib.pop("hidden", None)
            el.attrib.pop("style", None)
            continue
        _drop(el, "hidden", removed)

    for suffix, xpath in rules.site_drop:
        if host_matches(host, suffix):
            for el in root.xpath(xpath):
                if el.getparent() is not None:
                    _drop(el, f"site-rule:{suffix}", removed)

    if rules.chrome_attr is not None:
        search = rules.chrome_attr.search
        matched = [el for el in root.xpath("//body//*[@class or @id]")
                   if search(f"{el.get('class', '')} {el.get('id', '')}")]
        dropped: set[HtmlElement] = set()
        for el in matched:  # document order: an ancestor comes before its descendants
            if el.tag in ("html", "body") or any(a in dropped for a in el.iterancestors()):
                continue
            if _text_len(el) < CHROME_MAX_SHARE * total:
                _drop(el, "chrome-node", removed)
                dropped.add(el)

    if rules.spam is not None:
        _drop_spam(root, rules, removed)

    for suffix, xpath in rules.site_body:
        if host_matches(host, suffix):
            for el in root.xpath(xpath):
                if _text_len(el) >= 50:
                    return el
    return None


def _drop_spam(root: HtmlElement, rules: PruneRules, removed: list[Removal]) -> None:
    """Drop the smallest nodes whose own text is a list of spam keywords."""
    assert rules.spam is not None
    if len(rules.spam.findall(root.text_content())) < rules.spam_min_hits:
        return
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        own = (el.text or "") + "".join((c.tail or "") for c in el)
        if len(own) < 8:
            continue
        if len(rules.spam.findall(own)) < rules.spam_min_hits:
            continue
        full = "".join(el.text_content().split())
        hits = rules.spam.findall(full)
        if sum(map(len, hits)) > 0.3 * len(full):
            _drop(el, "spam", removed)
