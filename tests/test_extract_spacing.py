"""Spaces a page's line breaks left beside Chinese punctuation (pipeline.stages.extract.spacing)."""

from __future__ import annotations

import pytest

from pipeline.stages.extract.spacing import tighten


@pytest.mark.parametrize("line, tight", [
    # ifeng-2: a paragraph typed with line breaks inside it
    ("陈立群要退休了， 作为全国重点高中校长、 教育部中学校长培训中心兼职教授",
     "陈立群要退休了，作为全国重点高中校长、教育部中学校长培训中心兼职教授"),
    ("三业（设计业、制造业和封测业）分离 ，IDM规模很小。", "三业（设计业、制造业和封测业）分离，IDM规模很小。"),
    ("老母亲得知后，非常支持： “我身体好着呢。”", "老母亲得知后，非常支持：“我身体好着呢。”"),
    # spaces that mean something stay
    ("三星 Galaxy S20 系列手机正式发布", "三星 Galaxy S20 系列手机正式发布"),
    ("在浙江化工进出口公司任高级主管 第二届宏志班班长", "在浙江化工进出口公司任高级主管 第二届宏志班班长"),
    ("法院认为合法是“错误” 只求提前大选", "法院认为合法是“错误” 只求提前大选"),
    ("比分 3 : 2，Hello, world.", "比分 3 : 2，Hello, world."),
])
def test_spaces_beside_chinese_punctuation(line, tight):
    assert tighten(line) == tight


def test_a_page_with_spaces_after_its_commas(cfg):
    """ifeng-2's paragraphs carry a space after each comma, as they were typed."""
    from pipeline.stages.extract import InputContext, extract, prepare

    page = ("<html><head><title>他放弃百万年薪来到这里</title></head><body><article><p>"
            "杭州市学军中学校长陈立群要退休了， 作为全国重点高中校长、 教育部中学校长培训中心兼职教授， "
            "他在全国教育界都广获认可。</p><p>2016年，他来到贵州黔东南苗族侗族自治州台江县，"
            "当这个国家级贫困县唯一一所中学的校长。</p></article></body></html>").encode()
    (art,) = extract(page, InputContext(path="a.html", relpath="a.html"), prepare(cfg))
    assert art.paragraphs[0] == ("杭州市学军中学校长陈立群要退休了，作为全国重点高中校长、"
                                 "教育部中学校长培训中心兼职教授，他在全国教育界都广获认可。")
