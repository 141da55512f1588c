"""HTML pages that are not articles: list pages are skipped, short articles are kept."""

import pytest


def test_a_list_page_is_skipped_but_a_short_article_among_many_links_is_not(cfg):
    from pipeline.errors import SkipInput
    from pipeline.stages.extract import InputContext, extract, prepare

    state = prepare(cfg)
    links = "".join(f'<li><a href="/n/{i}.html">燧原科技新闻标题第{i}条</a></li>' for i in range(40))
    listing = f"<html><head><title>新闻列表</title></head><body><ul>{links}</ul></body></html>"
    with pytest.raises(SkipInput, match="list page"):
        list(extract(listing.encode(), InputContext(path="l.html", relpath="l.html"), state))
    body = ("<p>上海燧原科技股份有限公司今天宣布完成新一轮融资，本轮融资由腾讯领投，"
            "多家机构跟投，资金将用于下一代人工智能芯片的研发。</p>")
    page = (f"<html><head><title>燧原科技完成融资</title></head><body><ul>{links}</ul>"
            f"<article><h1>燧原科技完成融资</h1>{body}</article></body></html>")
    [art] = extract(page.encode(), InputContext(path="a.html", relpath="a.html"), state)
    assert "腾讯领投" in art.text
