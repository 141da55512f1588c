"""Extraction on ../shared data (skipped where it is absent): quality floor and robustness.

The full numbers come from ``tests/eval/eval_extraction.py``; this keeps a floor under them.
"""

from __future__ import annotations

from tests.conftest import shared_path


def _pages(folder):
    return sorted(folder.glob("*.html"))


def _portal_page(name: str):
    """The article extracted from one of the portal pages (no error)."""
    from tests.eval.eval_extraction import run_pages

    ((_path, art, err),) = run_pages([shared_path("extraction", "portal-pages") / name])
    assert err is None, err
    return art


def test_cwced_dev_body_floor(cfg):
    from pipeline.stages.extract.similarity import char_f1
    from tests.eval.eval_extraction import run_pages

    base = shared_path("extraction", "cwced-dev")
    scores = []
    for path, art, err in run_pages(_pages(base / "original")):
        assert err is None, f"{path.name}: {err}"
        gold = (base / "cleaned" / f"{path.stem}.txt").read_text("utf-8", "replace")
        scores.append(char_f1("\n".join(art.paragraphs), gold))
    assert sum(scores) / len(scores) >= 0.95


def test_portal_pages_never_crash_and_have_bodies():
    from tests.eval.eval_extraction import run_pages

    base = shared_path("extraction", "portal-pages")
    for path, art, err in run_pages(_pages(base)):
        assert err is None, f"{path.name}: {err}"
        assert art is not None and art.text, path.name


def test_a_stock_sites_one_paragraph_report_is_dated_by_its_own_dateline():
    """mingridapan-1: the body starts after its title (not at the crumbs and 上一篇 above it),
    and the date is the article's 发布时间, not the previous article's in the link above."""
    art = _portal_page("mingridapan-1.html")
    assert art.published_at.startswith("2019-09-26")
    assert art.paragraphs[0].startswith("联合国贸发会议发布了《2019年贸易和发展报告》")


def test_an_institutions_page_takes_its_title_from_the_heading_over_the_dateline():
    """gsc-1: <title>新闻动态--中国地理学会官网</title> names a section and the site; the
    article's title is the h5 above 发布时间：2019-05-18 (outside the extracted body)."""
    art = _portal_page("gsc-1.html")
    assert art.title == "2019年中国人文地理学术年会在重庆•西南大学成功举行！"


def test_a_163_video_players_caption_and_credit_leave_the_body():
    """163-5: the player's caption (女民警1天拨100个电话，被电信停机 （来源：梨视频）) sits in
    #endText above the commentary; the 163 rule drops .video-info, recorded."""
    art = _portal_page("163-5.html")
    assert "梨视频" not in art.text
    assert any("梨视频" in r.text for r in art.removed)
    assert art.paragraphs[1].startswith("认定诈骗和骚扰，不能省略必要的核实程序")


def test_a_law_page_is_dated_by_the_line_under_its_title():
    """sxmu-1: the law's name heads the page and the body; 发布时间: 2018-05-17 stands between."""
    art = _portal_page("sxmu-1.html")
    assert art.published_at == "2018-05-17"


def test_a_thepaper_title_cut_short_is_made_whole():
    """thepaper-2's h1 ends 地铁直达+无敌免...; its first line gives the original title."""
    art = _portal_page("thepaper-2.html")
    assert art.title == "定了！广州南沙邮轮母港即将开通！地铁直达+无敌免税城......"
