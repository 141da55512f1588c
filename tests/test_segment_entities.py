"""Names stay whole: the collected entity list, each name in a sentence it was found in."""

from __future__ import annotations

import sys

import pytest

from pipeline.stages.segment.tokenizer import Tokenizer, parse_userdict
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "eval"))
from eval_segmentation import entity_integrity, read_entities  # noqa: E402

SAMPLE_NAMES = ["英伟达", "昇腾", "摩尔线程", "燧原科技", "壁仞科技", "沐曦股份", "寒武纪", "赵立东"]


@pytest.fixture(scope="module")
def userdict() -> bytes:
    return (ROOT / "pipeline" / "defaults" / "userdict.txt").read_bytes()


@pytest.fixture(scope="module")
def rows():
    return read_entities()


def test_the_lists_are_large_enough(rows, userdict):
    assert len({name for name, _k, _s in rows}) >= 150
    assert len(parse_userdict(userdict.decode("utf-8"))) >= 150
    assert set(SAMPLE_NAMES) <= {name for name, _k, _s in rows}
    assert all(name in sentence for name, _k, sentence in rows)


@pytest.mark.parametrize("hmm", [False, True])
def test_at_least_98_percent_of_names_are_one_token(rows, userdict, hmm):
    whole, total, misses = entity_integrity(Tokenizer(userdict, hmm=hmm), rows)
    assert whole / total >= 0.98, misses[:10]
    assert not [m for m in misses if m[0] in SAMPLE_NAMES]


def test_sample_names_are_whole_in_the_segment_stage(cfg):
    from pipeline.article import Article, Source
    from pipeline.stages import segment

    art = Article(id="0" * 16, source=Source(path="-", format="text"))
    art.set_paragraphs(["前英伟达全球副总裁张建中创办了摩尔线程，沐曦股份和壁仞科技紧随其后。",
                        "华为推出了昇腾，寒武纪与燧原科技创始人赵立东也在场。"])
    out = segment.process(art, segment.prepare(cfg))
    flat = [t for para in out.tokens for t in para]
    assert set(SAMPLE_NAMES) <= set(flat)


def test_without_the_user_dictionary_names_break(rows):
    whole, total, _ = entity_integrity(Tokenizer(b"", hmm=False), rows)
    assert whole / total < 0.6  # the dictionary is what keeps them whole
