"""Exports load: es-bulk alternates action/document, Meilisearch ids, Parquet reads back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.article import Article, to_dict
from pipeline.export import read_articles
from tests.conftest import zhnews


@pytest.fixture(scope="module")
def articles(sample_run: Path) -> list[Article]:
    return list(read_articles(sample_run))


def test_es_bulk_alternates_action_and_document_and_ships_a_template(sample_run, articles,
                                                                     tmp_path):
    out = tmp_path / "bulk.ndjson"
    zhnews("export", str(sample_run), "--format", "es-bulk", "-o", str(out))
    lines = out.read_bytes().decode("utf-8").splitlines()
    assert len(lines) == 2 * len(articles)
    from pipeline import config
    from pipeline.stages import segment

    cut = segment.prepare(config.load(None)).tokenizer.cut
    assert any(t == "焦方国" for art in articles for para in art.tokens for t in para)
    for action, doc, art in zip(lines[::2], lines[1::2], articles):
        action, doc = json.loads(action), json.loads(doc)
        assert action == {"index": {"_index": "zhnews", "_id": art.id}}
        assert doc["id"] == art.id and doc["text"] == art.text
        # the dictionary's cut: personal names the stage glued are cut back (no run words
        # were glued in so small a run), so a query cut the same way meets them
        assert [line.split() for line in doc["text_seg"].split("\n")] == [
            cut(para, names=False)[0] for para in art.paragraphs]
        assert doc["published_at"] is None or re.match(r"\d{4}-\d\d-\d\dT", doc["published_at"])
    template = json.loads((tmp_path / "bulk.template.json").read_text("utf-8"))
    props = template["template"]["mappings"]["properties"]
    assert props["text_seg"]["analyzer"] == "zh_pre_segmented"
    assert props["text"]["analyzer"] == "ik_max_word"
    assert {props[k]["type"] for k in ("authors", "publisher", "tags")} == {"keyword"}
    assert props["published_at"]["type"] == "date"
    analyzer = template["template"]["settings"]["analysis"]["analyzer"]["zh_pre_segmented"]
    assert analyzer["tokenizer"] == "whitespace"
    # every document field is mapped (dynamic mapping is off)
    assert set(json.loads(lines[1])) <= set(props)


def test_es_date_is_strict_iso(cfg):
    from pipeline.export import iso_date

    assert iso_date("2024-05-01 10:00", 8) == "2024-05-01T10:00:00+08:00"
    assert iso_date("Mon, 24 Jan 2022 08:00:16 GMT", 8) == "2022-01-24T16:00:16+08:00"
    assert iso_date("去年", 8) is None


def test_meili_ids_and_fields(sample_run, articles):
    out = zhnews("export", str(sample_run), "--format", "meili", "-o", "-").stdout
    docs = [json.loads(x) for x in out.decode("utf-8").splitlines()]
    assert [d["id"] for d in docs] == [a.id for a in articles]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", d["id"]) for d in docs)
    assert "text_seg" not in docs[0] and docs[0]["text"]


def test_jsonl_is_the_whole_record(sample_run, articles):
    out = zhnews("export", str(sample_run), "--format", "jsonl", "-o", "-").stdout
    assert [json.loads(x) for x in out.splitlines()] == [to_dict(a) for a in articles]


def test_parquet_reads_back_to_the_same_records(sample_run, articles, tmp_path):
    pytest.importorskip("pyarrow")
    from pipeline.export import parquet

    out = tmp_path / "a.parquet"
    zhnews("export", str(sample_run), "--format", "parquet", "-o", str(out))
    assert parquet.read(out) == [to_dict(a) for a in articles]


def test_parquet_schema_is_explicit_and_covers_every_article_field(tmp_path):
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from pipeline.article import Source
    from pipeline.export import parquet

    assert parquet.schema().names == list(Article.__struct_fields__)
    # an article with every list empty and every optional null keeps the same types
    bare = Article(id="0" * 16, source=Source(path="x", format="text"))
    path = tmp_path / "bare.parquet"
    parquet.write([bare], path)
    assert pq.read_schema(path).remove_metadata() == parquet.schema()
    assert parquet.read(path) == [to_dict(bare)]


def test_parquet_without_pyarrow_is_one_clear_line(monkeypatch, tmp_path):
    import builtins

    from pipeline.errors import ZhnewsError
    from pipeline.export import parquet

    real = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(ZhnewsError, match=r"pip install 'zhnews\[parquet\]'"):
        parquet.write([], tmp_path / "x.parquet")


def test_export_of_a_missing_folder_is_a_usage_error(tmp_path):
    proc = zhnews("export", str(tmp_path / "nope"), "--format", "jsonl", "-o", "-", check=False)
    assert proc.returncode == 2 and b"not an output folder" in proc.stderr


def test_es_text_seg_cuts_run_words_back_like_the_query_side(tmp_path):
    """A run glues tokens into words it discovered only from a checkpoint on; the bulk file's
    pre-segmented body cuts them back with the dictionary (as the SQLite index does), so a name
    is indexed alike in early and late articles and matches a query cut the same way."""
    from pipeline import config
    from pipeline.export.titles import Segmenter

    (tmp_path / "empty.txt").write_text("", "utf-8")
    conf = tmp_path / "pipeline.toml"
    conf.write_text('[segment]\nuserdict_file = "empty.txt"\nnewwords_first_refresh = 2\n',
                    "utf-8")
    out = tmp_path / "out"
    zhnews("run", "raw", "-o", str(out), "-j", "1", "--no-progress", "-c", str(conf))
    bulk = tmp_path / "bulk.ndjson"
    zhnews("export", str(out), "--format", "es-bulk", "-o", str(bulk), "-c", str(conf))
    cut = Segmenter(config.load(str(conf))).tokenizer.cut
    han = re.compile("[\u4e00-\u9fff]{2,}")

    def glued(tokens: list[str]) -> list[str]:  # Han words the query side cuts apart
        return [t for t in tokens if han.fullmatch(t) and cut(t)[0] != [t]]

    docs = {d["id"]: d for d in map(json.loads, bulk.read_text("utf-8").splitlines()[1::2])}
    merged = 0
    for art in read_articles(out):
        merged += len(glued([t for para in art.tokens for t in para]))
        seg = docs[art.id]["text_seg"].split()
        assert not glued(seg)
        assert "".join(seg) == "".join(t for para in art.tokens for t in para)
    assert merged >= 10  # the run did glue discovered words: the check above is not vacuous
