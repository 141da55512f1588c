"""Extraction accuracy on CWCED-dev and a robustness pass over the portal pages.

Run from the project root: ``python tests/eval/eval_extraction.py [--verbose] [--portal]``.
Body score is the character F1 of the longest common subsequence between our body and the gold
body, over CJK characters, letters and digits only (the shared scoring convention). Dates must
match the gold to the day (only pages whose gold carries a full Y-M-D); authors must contain
every gold name. ``--portal`` runs the 52 gold-less portal pages and reports crashes and empty
bodies. ``ZHNEWS_SHARED=/path/to/shared`` points elsewhere. Exits 0 with a skip message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# ../shared beside the project root; ZHNEWS_SHARED overrides it (e.g. from a git worktree).
from pipeline.stages.extract.similarity import char_f1 as lcs_f1  # noqa: E402

DATA = Path(os.environ.get("ZHNEWS_SHARED") or ROOT.parent / "shared") / "data" / "extraction"


_GOLD_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def gold_day(text: str) -> str | None:
    m = _GOLD_DAY.match(text.strip())
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


def gold_authors(text: str) -> list[str]:
    text = text.strip()
    if not text or text.upper().startswith("UNKN"):
        return []
    return [a for a in re.split(r"[\s、,，]+", text) if a]


def run_pages(paths: list[Path]):
    """Extract + clean each page; yields (path, first article or None, error or None)."""
    from pipeline import config
    from pipeline.errors import ZhnewsError
    from pipeline.stages import clean
    from pipeline.stages.extract import InputContext, extract, prepare

    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    state, cstate = prepare(cfg), clean.prepare(cfg)
    for path in paths:
        ctx = InputContext(path=str(path), relpath=path.name)
        try:
            arts = [clean.process(a, cstate) for a in extract(path.read_bytes(), ctx, state)]
            arts = [a for a in arts if a is not None]
            yield path, (arts[0] if arts else None), None
        except ZhnewsError as exc:
            yield path, None, f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # report, never stop the evaluation
            yield path, None, f"CRASH {type(exc).__name__}: {exc}"


def eval_cwced(verbose: bool) -> None:
    base = DATA / "cwced-dev"
    pages = sorted((base / "original").glob("*.html"))
    f1s, date_ok, date_n, auth_ok, auth_n, named_ok = [], 0, 0, 0, 0, 0
    started = time.perf_counter()
    for path, art, err in run_pages(pages):
        stem = path.stem
        gold = (base / "cleaned" / f"{stem}.txt").read_text("utf-8", "replace")
        body = "\n".join(([art.title] if False else []) + (art.paragraphs if art else []))
        f1 = lcs_f1(body, gold)
        f1s.append(f1)
        day = gold_day((base / "date" / f"{stem}.txt").read_text("utf-8", "replace"))
        got_day = (art.published_at or "")[:10] if art else ""
        if day:
            date_n += 1
            date_ok += got_day == day
        names = gold_authors((base / "author" / f"{stem}.txt").read_text("utf-8", "replace"))
        got = " ".join(art.authors) if art else ""
        if names:
            auth_n += 1
            auth_ok += all(n in got for n in names)
            credited = got + " " + " ".join(art.editors if art else [])
            named_ok += all(n in credited for n in names)
        if verbose or err:
            print(f"{f1:.3f} {stem[:8]} date {got_day or '-'} / {day or '-'}  "
                  f"author {got or '-'} / {' '.join(names) or '-'}  {err or ''}")
    elapsed = time.perf_counter() - started
    mean = sum(f1s) / len(f1s)
    print(f"cwced-dev: {len(pages)} pages in {elapsed:.1f}s")
    print(f"  body LCS-F1 mean {mean:.4f}  min {min(f1s):.4f}  "
          f"pages < 0.60: {sum(f < 0.60 for f in f1s)}")
    print(f"  date to the day: {date_ok}/{date_n} = {date_ok / max(date_n, 1):.1%}")
    print(f"  author: {auth_ok}/{auth_n} = {auth_ok / max(auth_n, 1):.1%}  (gold also names "
          f"editors as authors; in authors or editors: {named_ok}/{auth_n} = "
          f"{named_ok / max(auth_n, 1):.1%})")


def eval_portal(verbose: bool) -> None:
    pages = sorted((DATA / "portal-pages").glob("*.html"))
    crashes, empty = 0, []
    for path, art, err in run_pages(pages):
        chars = len(art.text) if art else 0
        if err and err.startswith("CRASH"):
            crashes += 1
        if not chars:
            empty.append(path.name)
        if verbose or err:
            title = (art.title or "")[:30] if art else ""
            print(f"{chars:6d} {path.name:28s} {title} {err or ''}")
    print(f"portal-pages: {len(pages)} pages, crashes {crashes}, empty bodies {len(empty)}"
          + (f": {', '.join(empty)}" if empty else ""))


def eval_speed() -> None:
    """Our HTML path (parse, prune, two extractors, metadata, clean) against trafilatura alone
    (its default ``extract`` on the same decoded text), over every page of both sets."""
    import trafilatura

    from pipeline import config
    from pipeline.stages import clean
    from pipeline.stages.extract import InputContext, prepare
    from pipeline.stages.extract.decode import decode
    from pipeline.stages.extract.html import extract_html

    cfg = config.load(str(ROOT / "config" / "pipeline.toml"))
    state, cstate = prepare(cfg), clean.prepare(cfg)
    pages = sorted((DATA / "cwced-dev" / "original").glob("*.html")) + sorted(
        (DATA / "portal-pages").glob("*.html"))
    texts = [decode(p.read_bytes())[0] for p in pages]
    chars = sum(map(len, texts))
    started = time.perf_counter()
    for text in texts:
        trafilatura.extract(text, include_comments=False)
    alone = time.perf_counter() - started
    started = time.perf_counter()
    for path, text in zip(pages, texts, strict=True):
        ctx = InputContext(path=str(path), relpath=path.name)
        clean.process(extract_html(text, ctx.article(0), state), cstate)
    ours = time.perf_counter() - started
    print(f"speed over {len(pages)} pages ({chars / 1e6:.1f} M chars of HTML): trafilatura alone "
          f"{alone:.2f}s, zhnews extract+clean {ours:.2f}s -> {alone / ours:.0%} of trafilatura's "
          f"throughput")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", "-v", action="store_true", help="one line per page")
    ap.add_argument("--portal", action="store_true", help="also run the portal pages")
    ap.add_argument("--speed", action="store_true", help="throughput against trafilatura alone")
    args = ap.parse_args()
    if not (DATA / "cwced-dev").exists():
        print("skipped: ../shared absent")
        return 0
    eval_cwced(args.verbose)
    if args.portal:
        eval_portal(args.verbose)
    if args.speed:
        eval_speed()
    return 0


if __name__ == "__main__":
    sys.exit(main())
