"""Newline-delimited JSON exports: Elasticsearch/OpenSearch bulk, Meilisearch, plain JSONL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.article import Article, to_json_line
from pipeline.errors import ZhnewsError
from pipeline.export import document
from pipeline.export.titles import Segmenter

_MEILI_ID = re.compile(r"^[A-Za-z0-9_-]{1,511}$")


def _line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def jsonl(articles: Iterable[Article], cfg: Any) -> Iterator[bytes]:
    """The whole record, one line per article (the same bytes as the stage commands' JSONL)."""
    for article in articles:
        yield to_json_line(article) + b"\n"


def es_bulk(articles: Iterable[Article], cfg: Any) -> Iterator[bytes]:
    """Alternating action and document lines for ``POST _bulk`` (ids are the article ids)."""
    index = cfg.get("export", "es_index")
    seg = Segmenter(cfg)
    for article in articles:
        yield _line({"index": {"_index": index, "_id": article.id}})
        yield _line(document(article, cfg, seg))


def meili(articles: Iterable[Article], cfg: Any) -> Iterator[bytes]:
    """Meilisearch NDJSON documents, primary key ``id`` (letters, digits, - and _ only)."""
    for article in articles:
        if not _MEILI_ID.match(article.id):
            raise ZhnewsError(f"article id {article.id!r} is not a valid Meilisearch id")
        yield _line(document(article, cfg, None))  # Meilisearch segments Chinese itself


def es_template(cfg: Any) -> dict[str, Any]:
    """Index template for the bulk file: whitespace analysis over zhnews's own segmentation,
    the raw text for an IK analyser (``[export]`` names it), keywords and a date."""
    sec = cfg.section("export")
    index = sec["es_index"]
    ik = {"type": "text", "analyzer": sec["es_text_analyzer"],
          "search_analyzer": sec["es_search_analyzer"]}
    seg = {"type": "text", "analyzer": "zh_pre_segmented"}
    keyword = {"type": "keyword"}
    return {
        "index_patterns": [f"{index}*"],
        "template": {
            "settings": {"analysis": {"analyzer": {"zh_pre_segmented": {
                "type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}}}},
            "mappings": {
                "dynamic": False,
                "properties": {
                    "id": keyword,
                    "title": ik,
                    "title_seg": seg,
                    "text": ik,
                    "text_seg": seg,
                    "authors": keyword,
                    "editors": keyword,
                    "publisher": keyword,
                    "tags": keyword,
                    "keywords": keyword,
                    "published_at": {"type": "date"},
                    "published_ts": {"type": "long"},
                    "url": keyword,
                    "site": keyword,
                    "source_path": keyword,
                    "script": keyword,
                    "duplicate_of": keyword,
                    "cluster": keyword,
                },
            },
        },
    }
