import json

from pipeline.article import (
    Article,
    Repair,
    Source,
    from_json_line,
    make_id,
    schema,
    shipped_schema,
    to_json_file,
    to_json_line,
)


def test_shipped_schema_matches_the_struct():
    assert shipped_schema() == json.loads(json.dumps(schema()))


def test_round_trip_keeps_chinese_unescaped_and_from_key():
    art = Article(id=make_id(None, "a.txt", 0), source=Source(path="a.txt", format="text"))
    art.set_paragraphs(["硪们在上海。", "第二段"])
    art.repairs.append(Repair(paragraph=0, offset=0, from_="硪", to="我", rule="t"))
    line = to_json_line(art)
    assert "硪们在上海".encode() in line
    assert b'"from":"\xe7\xa1\xaa"' in line
    back = from_json_line(line)
    assert back == art
    assert back.text == "硪们在上海。\n第二段"
    assert to_json_file(art) == to_json_file(back)


def test_ids_are_stable_hex_from_url_or_relative_path():
    a = make_id("https://www.163.com/a.html", "x.html", 0)
    assert a == make_id("https://www.163.com/a.html", "elsewhere/y.html", 3)
    assert make_id(None, "sub/x.txt", 1) != make_id(None, "sub/x.txt", 2)
    assert all(c in "0123456789abcdef" for c in a) and len(a) == 16
