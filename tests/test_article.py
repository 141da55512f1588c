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


def _verdict_article() -> Article:
    art = Article(id=make_id(None, "b.txt", 0), source=Source(path="b.txt", format="text"))
    art.set_paragraphs(["新华社北京电 记者从国务院获悉，", '他说："明天见。"\n（完）'])
    art.tokens = [["新华社", "北京"], ["他", "说"]]
    art.token_offsets = [[[0, 3], [3, 5]], [[0, 1], [1, 2]]]
    art.scores = {"garble": 0.25}
    return art


def test_edit_file_fields_writes_what_a_full_re_encoding_writes():
    from pipeline.article import edit_file_fields

    names = ("duplicate_of", "cluster", "scores")
    for dup, cluster, score in [("ab" * 8, "ab" * 8, 0.9731), (None, "cd" * 8, None),
                                (None, None, None), ("ef" * 8, None, 1.0)]:
        for start in ({}, {"garble": 0.25}, {"duplicate_similarity": 0.8, "garble": 0.25}):
            art = _verdict_article()
            art.scores = dict(start)
            data = to_json_file(art)

            def edit(values, dup=dup, cluster=cluster, score=score):
                values["duplicate_of"], values["cluster"] = dup, cluster
                if score is None:
                    values["scores"].pop("duplicate_similarity", None)
                else:
                    values["scores"]["duplicate_similarity"] = score

            art.duplicate_of, art.cluster = dup, cluster
            edit({"duplicate_of": None, "cluster": None, "scores": art.scores})
            assert edit_file_fields(data, names, edit) == to_json_file(art)


def test_edit_file_fields_refuses_other_layouts():
    from pipeline.article import edit_file_fields

    art = _verdict_article()
    names = ("duplicate_of", "cluster", "scores")
    assert edit_file_fields(to_json_line(art), names, lambda v: None) is None
    assert edit_file_fields(b"{}", names, lambda v: None) is None
    try:
        edit_file_fields(to_json_file(art), ("duplicate_of", "scores"), lambda v: None)
    except ValueError:
        pass
    else:
        raise AssertionError("fields that are not neighbours must be refused")



def test_set_file_fields_renders_what_to_json_file_renders():
    from pipeline.article import Keyword, set_file_fields

    art = _verdict_article()
    data = to_json_file(art)
    art.id = make_id(None, "b.txt", 7)
    art.source.index = 7
    art.keywords = [Keyword(word="新华社", weight=0.5), Keyword(word="北京", weight=0.25)]
    art.duplicate_of, art.cluster, art.scores["duplicate_similarity"] = "ab" * 8, "ab" * 8, 0.9
    names = ("id", "source", "keywords", "duplicate_of", "cluster", "scores")
    assert set_file_fields(data, art, names) == to_json_file(art)
    assert set_file_fields(data, art, ("pipeline",)) is not None  # the last field too
    assert set_file_fields(to_json_line(art), art, names) is None


def test_a_light_part_decodes_its_tokens_only_when_read():
    """The driver of a run gets each article's light part with its tokens still encoded: a
    repost it neither learns from nor re-keywords never pays for decoding them."""
    import msgspec

    from pipeline.article import LightArticle, light
    from pipeline.engine.units import whole

    art = _verdict_article()
    art.tokens = [["新华社", "北京", "电"], ["记者", "张三"]]
    file = to_json_file(art)
    part = msgspec.msgpack.decode(msgspec.msgpack.encode(light(art)), type=LightArticle)
    assert (part.id, part.source, part.keywords) == (art.id, art.source, art.keywords)
    assert not part.tokens_read()
    assert whole(part, file).tokens == art.tokens and not part.tokens_read()
    assert part.tokens == art.tokens and part.tokens_read()
    part.tokens[1] = ["记者张三"]  # a run-wide word merged
    assert whole(part, file).tokens == [["新华社", "北京", "电"], ["记者张三"]]


def _dedup(a: Article) -> None:
    a.duplicate_of = a.cluster = "ab" * 8
    a.scores["duplicate_similarity"] = 0.93


def _keywords(a: Article) -> None:
    from pipeline.article import Keyword

    a.keywords = [Keyword(word="新华社", weight=0.5)]


def _numbering(a: Article) -> None:
    a.id = make_id(None, "x.jsonl", 12)
    a.source.index = 12


def _merged(a: Article) -> None:
    """The first two tokens glued into one word, as run words merge them."""
    a.tokens[0][0:2] = ["".join(a.tokens[0][:2])]
    a.token_offsets[0][0:2] = [[a.token_offsets[0][0][0], a.token_offsets[0][1][1]]]


def test_a_file_a_worker_wrote_is_patched_to_what_to_json_file_renders(sample_run, tmp_path):
    """The runner patches a worker's file in place (FileOnDisk.patch): from the first field
    it changes to the end, byte for byte what rendering the changed article writes, and
    without touching the file when no field changes."""
    import copy
    from types import SimpleNamespace

    from pipeline.article import DRIVER_FIELDS, write_file_to

    files = sorted(sample_run.glob("*.json"))
    assert len(files) >= 5
    for path in files:
        art = from_json_line(path.read_bytes())
        for edit in (_dedup, _keywords, _numbering, _merged, (_dedup, _keywords)):
            changed = copy.deepcopy(art)
            for step in edit if isinstance(edit, tuple) else (edit,):
                step(changed)
            disk = write_file_to(str(tmp_path), art)
            names = DRIVER_FIELDS
            if edit is _merged:
                names = (*DRIVER_FIELDS, "tokens", "token_offsets")
                assert disk.fields(("token_offsets",)) == {"token_offsets": art.token_offsets}
            disk.patch(SimpleNamespace(**{n: getattr(changed, n) for n in names}), names)
            data = (tmp_path / disk.path).read_bytes()
            assert data == to_json_file(changed), (path.name, edit)
            assert disk.size == len(data) and disk.read() == data
            (tmp_path / disk.path).unlink()
        disk = write_file_to(str(tmp_path), art)
        (tmp_path / disk.path).unlink()  # a patch that changes nothing does not open the file
        disk.patch(copy.deepcopy(art), DRIVER_FIELDS)
