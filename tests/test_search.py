"""Built-in search over the sample dump: names, phrases and traditional-script queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.export import read_articles, search
from tests.conftest import zhnews

# query → the raw/ file whose article must come first (raw/000 may become several articles:
# the test asks for the file and for every query word in the first hit's text)
QUERIES = {
    "燧原科技 IPO": "000",
    "騰訊重倉": "000",                   # traditional
    "擬募資60億": "000",                 # traditional
    "第六代AI晶片": "000",
    "複合增長率": "000",                 # traditional
    "巴克萊銀行": "001",                 # traditional
    "Matt Toms": "001",
    "國產大模型熱情依舊": "001",         # traditional
    "國產GPU四小龍": "001",              # traditional
    "趙立東": "002",                     # traditional name
    "澎湃新闻": "002",
    "世界人工智能大会": "002",
    "训练芯片 垄断": "002",
    "中兴事件 华为事件": "003",
    "成为AI芯片的首个独角兽": "003",
    "现场可编程门阵列": "003",
    "深鉴科技": "003",
    "中國版英偉達": "003",               # traditional; the title of raw/003
    "张文 壁仞": "004",
    "商汤科技总裁": "004",
    "武夷山 壁立万仞": "004",
    "天眼查 投资方": "004",
    "英伟达 市场份额": "004",
}


@pytest.fixture(scope="module")
def index(sample_run: Path, tmp_path_factory, cfg) -> Path:
    db = tmp_path_factory.mktemp("search") / "search.sqlite"
    search.build(sample_run, db, cfg)
    return db


@pytest.fixture(scope="module")
def searcher(cfg) -> search.Searcher:
    return search.Searcher(cfg)


def test_expected_article_first_for_every_query(index, searcher, sample_run):
    texts = {a.id: f"{a.title}\n{a.text}" for a in read_articles(sample_run)}
    assert len(QUERIES) >= 20
    wrong = {}
    for query, expected in QUERIES.items():
        hits = searcher.search(index, query, 3, ("[", "]"))
        top = hits[0] if hits else None
        words = searcher.tokens(query)
        if top is None or not Path(top.path).name.startswith(expected) or not all(
                w.lower() in texts[top.id].lower() for w in words):
            wrong[query] = [(h.path, h.score) for h in hits]
    assert not wrong, wrong


def test_query_is_converted_and_segmented_like_the_articles(searcher):
    assert searcher.tokens("騰訊重倉！") == ["腾讯", "重仓"]
    assert searcher.tokens("，。") == []


def test_a_name_the_stage_glued_is_found_whatever_its_neighbours(index, searcher, sample_run):
    """焦方国 is one token in the article (segment's person_names); the index and the query
    both hold the dictionary's cut, so the name is found, and a name the stage glues in one
    sentence but not beside other single characters is cut alike in index and query."""
    arts = {a.id: a for a in read_articles(sample_run)}
    assert any("焦方国" in para for a in arts.values() for para in a.tokens)
    for query in ("焦方国", "杨剑"):
        hits = searcher.search(index, query, 3, ("[", "]"))
        assert hits and f"[{query}]" in hits[0].snippet, (query, hits)
    assert searcher.tokens("与黄仁勋会面") == searcher.tokens("与") + searcher.tokens("黄仁勋") \
        + searcher.tokens("会面")


def test_snippets_join_chinese_tokens_and_keep_latin_spaces():
    o, c = search._OPEN, search._CLOSE
    assert search.despace(f"巴克莱 银行 执行 主管 {o}Matt{c} {o}Toms{c} 也", ("[", "]")) == \
        "巴克莱银行执行主管[Matt] [Toms]也"
    assert search.despace(f"创始人 , {o}张{c} {o}文{c} , 在", ("<", ">")) == "创始人,<张文>,在"


def test_cli_index_and_search(sample_run: Path, tmp_path: Path, capsys):
    from pipeline.cli import main

    db = tmp_path / "s.sqlite"
    assert main(["index", str(sample_run), "--db", str(db)]) == 0
    out = zhnews("search", "壁仞科技", "--db", str(db), "-n", "2").stdout.decode()
    assert out.startswith("1. ") and "[壁仞科技]" in out and "raw/004" in out.split("\n2.")[0]
    capsys.readouterr()
    assert main(["search", "趙立東", "--db", str(db), "--json"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["rank"] == 1 and "[赵立东]" in first["snippet"]
    assert main(["search", "Kubernetes", "--db", str(db)]) == 1
    assert "no article matches" in capsys.readouterr().err
    assert main(["search", "芯片", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "zhnews index" in capsys.readouterr().err


def test_search_takes_the_output_folder_as_index_does(sample_run: Path, tmp_path: Path,
                                                      capsys):
    """`zhnews index OUTDIR` then `zhnews search OUTDIR QUERY` (or --db OUTDIR): the folder
    finds its index; words after it, or without it, make one query."""
    import shutil

    from pipeline.cli import main

    out = tmp_path / "cleaned"
    shutil.copytree(sample_run, out)
    assert main(["index", str(out)]) == 0
    capsys.readouterr()
    assert main(["search", str(out), "壁仞科技", "-n", "1"]) == 0
    by_folder = capsys.readouterr().out
    assert by_folder.startswith("1. ") and "[壁仞科技]" in by_folder and "raw/004" in by_folder
    assert main(["search", "壁仞科技", "--db", str(out), "-n", "1"]) == 0
    assert capsys.readouterr().out == by_folder
    assert main(["search", str(out), "英伟达", "市场份额", "-n", "1", "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)
    assert "raw/004" in hit["path"] and "[英伟达]" in hit["snippet"]
    # without a folder, two words are one query against ./cleaned
    assert zhnews("search", "英伟达", "市场份额", "-n", "1", "--json",
                  cwd=tmp_path).stdout.decode() == json.dumps(hit, ensure_ascii=False) + "\n"
