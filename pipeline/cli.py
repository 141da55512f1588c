"""Command line: argument parsing and messages only; the work lives in stages and engines."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from pipeline import __version__
from pipeline.errors import UsageError, ZhnewsError

EXIT_USAGE = 2
EXIT_FAILED_INPUTS = 3


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _fmt(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30)


def _add(sub, name: str, help_: str, example: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_, description=help_, epilog=f"example:\n  {example}",
                          formatter_class=_fmt)


def _config_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("-c", "--config", metavar="CONFIG",
                   help="pipeline.toml to use (default: ./config/pipeline.toml if present, "
                        "else the packaged defaults)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="zhnews",
        description="Clean scraped Chinese news dumps into per-article JSON.",
        epilog="example:\n  zhnews run raw -o cleaned\n"
               "  printf '硪們\\n' | zhnews convert --text | zhnews repair --text",
        formatter_class=_fmt,
    )
    parser.add_argument("--version", action="version", version=f"zhnews {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = _add(sub, "run", "run every stage over files or folders and write per-article JSON",
             "zhnews run raw -o cleaned -j 2")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders (recursive)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    p.add_argument("-j", "--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: all cores)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--strict", action="store_true",
                   help="exit 3 also when an input was skipped or had warnings")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local process pool (default) or Ray Data (pip install 'zhnews[ray]'; "
                        "a local Ray instance, or the cluster in RAY_ADDRESS)")
    _config_arg(p)

    p = _add(sub, "extract", "read files or folders and write one JSON article per line",
             "zhnews extract raw -o articles.jsonl\n"
             "  zhnews extract raw | zhnews clean | zhnews convert | zhnews repair | "
             "zhnews segment")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("-o", "--output", default="-", metavar="OUT.jsonl",
                   help="'-' for stdout (the default)")
    p.add_argument("-j", "--workers", type=int, default=None, metavar="N")
    _config_arg(p)

    examples = {
        "clean": ("remove boilerplate, markup and spam",
                  "zhnews clean articles.jsonl -o clean.jsonl"),
        "convert": ("convert traditional and mixed text to standard simplified",
                    "printf '硪們\\n' | zhnews convert --text"),
        "repair": ("undo laundered characters and mojibake",
                   "printf '硪们\\n' | zhnews repair --text"),
        "segment": ("segment with jieba and extract keywords",
                    "echo '摩尔线程在科创板上市' | zhnews segment --text"),
    }
    for name, (help_, example) in examples.items():
        p = _add(sub, name, help_, example)
        p.add_argument("input", nargs="?", metavar="IN.jsonl",
                       help="'-' for stdin (the default when stdin is a pipe)")
        p.add_argument("-o", "--output", metavar="OUT.jsonl", default="-", help="'-' for stdout")
        p.add_argument("--text", action="store_true",
                       help="read plain text from stdin as one document, one paragraph a line")
        if name == "repair":
            p.add_argument("--dry-run", action="store_true",
                           help="list proposed edits (id, paragraph, offset, from, to, rule, "
                                "confidence; tab-separated) without applying them")
            p.add_argument("--force", action="store_true",
                           help="repair every article, also those the laundering gate does "
                                "not flag (a sentence or two seldom holds the evidence it "
                                "needs); the same as [repair] gate = false")
        _config_arg(p)

    p = _add(sub, "newwords", "find words the dictionary lacks, as a user dictionary to review",
             "zhnews newwords simp.jsonl -o newwords.txt")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="article JSONL (*.jsonl) or plain UTF-8 text; '-' = stdin")
    p.add_argument("-o", "--output", default="-", metavar="OUT.txt", help="'-' for stdout")
    p.add_argument("--keep-script", action="store_true",
                   help="count the text as it is; by default it is first converted as by "
                        "`zhnews convert`, so the words match what a run segments")
    _config_arg(p)

    p = _add(sub, "dedup", "flag duplicate articles in a JSONL stream",
             "zhnews dedup segmented.jsonl -o deduped.jsonl")
    p.add_argument("input", nargs="?", metavar="IN.jsonl",
                   help="'-' for stdin (the default when stdin is a pipe)")
    p.add_argument("-o", "--output", default="-", metavar="OUT.jsonl")
    p.add_argument("--index", metavar="FILE",
                   help="persistent dedup index (SQLite) to match against and update; "
                        "`zhnews run` keeps one in its output folder")
    _config_arg(p)

    p = _add(sub, "emit", "write a JSONL stream as per-article JSON files plus a manifest",
             "zhnews emit deduped.jsonl -o cleaned")
    p.add_argument("input", nargs="?", metavar="IN.jsonl",
                   help="'-' for stdin (the default when stdin is a pipe)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    _config_arg(p)
    _add_search_and_export(sub)
    return parser


def _load_config(args: argparse.Namespace):
    from pipeline import config

    return config.load(getattr(args, "config", None))


def _workers(args: argparse.Namespace, cfg) -> int:
    from pipeline.engine.local import default_workers

    if args.workers is None:
        return int(cfg.get("run", "workers")) or default_workers()
    if args.workers < 1:
        raise UsageError("-j must be at least 1")
    return args.workers


def _input_or_stdin(args: argparse.Namespace, alternative: str = "") -> str:
    """The command's IN.jsonl; stdin when none is named and stdin is a pipe or a file, so that
    stage commands chain with ``|`` as their JSONL allows."""
    if args.input:
        return args.input
    if not sys.stdin.isatty():
        return "-"
    raise UsageError(f"{args.command} needs IN.jsonl{alternative}")


def _read_articles(name: str) -> Iterator:
    from pipeline.article import from_json_line
    from pipeline.io import open_in

    fh = open_in(name)
    for number, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            yield from_json_line(line)
        except Exception as exc:
            print(f"zhnews: {name}:{number}: not an article record ({exc}); skipped",
                  file=sys.stderr)


def _write_articles(name: str, articles) -> int:
    from pipeline.article import to_json_line

    return _write_lines(name, (to_json_line(article) + b"\n" for article in articles))


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.runner import run

    cfg = _load_config(args)
    outdir = Path(args.output)
    summary = run(args.inputs, outdir, cfg, _workers(args, cfg),
                  progress=False if args.no_progress else None, engine=args.engine)
    for line in summary.lines(outdir):
        print(line, file=sys.stderr)
    if summary.failed or (args.strict and (summary.skipped or summary.warned)):
        return EXIT_FAILED_INPUTS
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.engine import local
    from pipeline.io import walk_inputs

    cfg = _load_config(args)
    files = list(walk_inputs(args.inputs))
    failed = 0

    def articles():
        nonlocal failed
        for result in local.stream(files, cfg, (), _workers(args, cfg)):
            yield from result.articles  # streamed; the entry is complete after them
            if result.entry.status != "ok":
                print(f"zhnews: {result.entry.path}: {result.entry.status}: {result.entry.error}",
                      file=sys.stderr)
                failed += result.entry.status == "failed"

    _write_articles(args.output, articles())
    return EXIT_FAILED_INPUTS if failed else 0


def cmd_article_stage(args: argparse.Namespace) -> int:
    from pipeline import stages

    cfg = _load_config(args)
    module = stages.get(args.command)
    dry_run = getattr(args, "dry_run", False)
    force = getattr(args, "force", False)
    if args.text:
        return _text_mode(args.command, module, cfg, dry_run, force)
    args.input = _input_or_stdin(args, " (or --text to read plain text)")
    state = _stage_state(module, cfg, dry_run, force)
    if dry_run:
        for article in _read_articles(args.input):
            _list_repairs(module.process(article, state))
        return 0

    def processed():
        for article in _read_articles(args.input):
            out = module.process(article, state)
            if out is not None:
                yield out

    _write_articles(args.output, processed())
    return 0


def _stage_state(module, cfg, dry_run: bool, force: bool):
    """The stage's prepared state, with repair's --dry-run and --force applied."""
    state = module.prepare(cfg)
    if force:
        state.use_gate = False
    if dry_run:
        state.dry_run = True
    return state


def _list_repairs(article) -> None:
    """``repair --dry-run``: one tab-separated line per proposed edit."""
    for r in article.repairs:
        sys.stdout.write(f"{article.id}\t{r.paragraph}\t{r.offset}\t{r.from_}\t{r.to}\t"
                         f"{r.rule}\t{r.confidence}\n")
    sys.stdout.flush()


def _text_mode(name: str, module, cfg, dry_run: bool = False, force: bool = False) -> int:
    from pipeline.article import Article, Source

    lines = sys.stdin.buffer.read().decode("utf-8", errors="replace").splitlines()
    article = Article(id="0" * 16, source=Source(path="-", format="text"))
    article.set_paragraphs(lines)
    state = _stage_state(module, cfg, dry_run, force)
    out = module.process(article, state)
    write = sys.stdout.write
    if out is None:
        return 0
    if name == "repair" and state.use_gate and not state.gate.check("\n".join(lines))[1]:
        # nothing beyond the characters that are always wrong: say why, once, on stderr
        print(f"zhnews repair: not flagged as laundered (score {out.scores['laundering']:g}, "
              f"needs {state.gate.threshold:g} and {state.gate.min_events} events): only "
              "unconditional repairs; --force repairs confusable characters too",
              file=sys.stderr)
    if dry_run:
        _list_repairs(out)
        return 0
    if name == "segment":
        for tokens in out.tokens:
            write(" ".join(tokens) + "\n")
    else:
        for para in out.paragraphs:
            write(para + "\n")
    sys.stdout.flush()
    return 0


# Lines of plain text converted together: the script is detected per chunk, as per article.
NEWWORDS_CHUNK_LINES = 200


def cmd_newwords(args: argparse.Namespace) -> int:
    from itertools import islice

    from pipeline import stages
    from pipeline.article import Article, Source
    from pipeline.io import open_in, open_out
    from pipeline.stages.segment.runwords import newwords_lines

    cfg = _load_config(args)
    convert = None if args.keep_script else stages.get("convert")
    state = convert.prepare(cfg) if convert is not None else None

    def articles():
        for name in args.inputs:
            if name.endswith(".jsonl"):
                yield from _read_articles(name)
                continue
            lines = (line.decode("utf-8", "replace").rstrip("\r\n") for line in open_in(name))
            while chunk := list(islice(lines, NEWWORDS_CHUNK_LINES)):
                article = Article(id="0" * 16, source=Source(path=name, format="text"))
                article.set_paragraphs(chunk)
                yield article

    def texts():
        for article in articles():
            if convert is not None:  # a no-op on text a run has converted already
                article = convert.process(article, state)
            yield from ([article.title] if article.title else []) + article.paragraphs

    lines = newwords_lines(texts(), cfg)
    out = open_out(args.output)
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    out.flush()
    if out is not sys.stdout.buffer:
        out.close()
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    from pipeline import stages

    cfg = _load_config(args)
    stage = stages.get("dedup")
    dedup = stage.prepare(cfg)
    if args.index:
        from pipeline.stages.dedup import store

        store.load(Path(args.index), dedup)
    articles = [dedup.add(a) for a in _read_articles(_input_or_stdin(args))]
    late = {c.id: c for c in dedup.finish()}
    _write_articles(args.output, (stage.apply(a, late[a.id]) if a.id in late else a
                                  for a in articles))
    if args.index:
        store.save(Path(args.index), dedup)
    return 0


def cmd_emit(args: argparse.Namespace) -> int:
    from pipeline import stages
    from pipeline.io import ManifestEntry, atomic_write, manifest_bytes
    from pipeline.runner import MANIFEST

    outdir = Path(args.output)
    emit = stages.get("emit")
    cfg, dedup = _load_config(args), stages.get("dedup")  # duplicates may go aside
    counts: dict[str, ManifestEntry] = {}
    for article in _read_articles(_input_or_stdin(args)):
        emit.write(dedup.folder(outdir, article, cfg), article)
        entry = counts.setdefault(article.source.path,
                                  ManifestEntry(path=article.source.path, status="ok",
                                                format=article.source.format,
                                                encoding=article.source.encoding))
        entry.articles += 1
    outdir.mkdir(parents=True, exist_ok=True)
    atomic_write(outdir / MANIFEST, manifest_bytes(counts.values()))
    return 0


# --- search index and exports (issue 7) ------------------------------------------------------

def _add_search_and_export(sub) -> None:
    from pipeline.export import FORMATS

    p = _add(sub, "index", "build the built-in SQLite full-text search index of an output folder",
             "zhnews index cleaned")
    p.add_argument("outdir", metavar="OUTDIR", help="a `zhnews run` output folder")
    p.add_argument("--db", metavar="FILE", help="index file (default: OUTDIR/search.sqlite)")
    _config_arg(p)

    p = _add(sub, "search", "search the built-in index: ranked titles with highlighted snippets",
             "zhnews search 燧原科技\n  zhnews search cleaned 燧原科技")
    p.usage = "%(prog)s [-h] [--db FILE] [-n N] [--json] [-c CONFIG] [OUTDIR] QUERY ..."
    p.add_argument("query", nargs="+", metavar="[OUTDIR] QUERY",
                   help="words in simplified or traditional script, after the output folder "
                        "whose index to search (default: ./cleaned)")
    p.add_argument("--db", metavar="FILE", default=None,
                   help="index file, or an output folder holding one (default: "
                        "OUTDIR/search.sqlite)")
    p.add_argument("-n", "--limit", type=int, default=10, metavar="N", help="results (10)")
    p.add_argument("--json", action="store_true", help="one JSON object per result")
    _config_arg(p)

    p = _add(sub, "export", "write an output folder for Elasticsearch, Meilisearch or as data",
             "zhnews export cleaned --format es-bulk -o bulk.ndjson")
    p.add_argument("outdir", metavar="OUTDIR", help="a `zhnews run` output folder")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="'-' for stdout (not for parquet)")
    p.add_argument("--template", metavar="FILE",
                   help="es-bulk: where the index template goes (default: beside FILE as "
                        "NAME.template.json)")
    _config_arg(p)


def cmd_index(args: argparse.Namespace) -> int:
    from pipeline.export import search

    cfg = _load_config(args)
    outdir = Path(args.outdir)
    db = Path(args.db) if args.db else search.default_db(outdir, cfg)
    count = search.build(outdir, db, cfg)
    print(f"zhnews: indexed {count} articles → {db}", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    import json

    from pipeline.export import search

    cfg = _load_config(args)
    words, outdir = list(args.query), Path("cleaned")
    if len(words) > 1 and Path(words[0]).is_dir():  # `zhnews search OUTDIR QUERY`
        outdir = Path(words.pop(0))
    query = " ".join(words)
    db = Path(args.db) if args.db else search.default_db(outdir, cfg)
    if db.is_dir():
        db = search.default_db(db, cfg)
    tty = sys.stdout.isatty() and not args.json
    marks = ("\x1b[1;31m", "\x1b[0m") if tty else ("[", "]")
    if args.limit < 1:
        raise UsageError("-n must be at least 1")
    if not db.exists():
        raise UsageError(f"no search index at {db}; build it with `zhnews index OUTDIR`")
    searcher = search.Searcher(cfg)
    hits = searcher.search(db, query, args.limit, marks)
    for hit in hits:
        if args.json:
            print(json.dumps(hit.__dict__, ensure_ascii=False))
            continue
        meta = " · ".join(x for x in (hit.id, hit.published_at, hit.path) if x)
        print(f"{hit.rank}. {searcher.title_of(hit)}\n   {meta}\n   {hit.snippet}")
    if not hits:
        print(f"zhnews: no article matches {query!r}", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import json

    from pipeline.export import ndjson, parquet, read_articles
    from pipeline.io import atomic_write

    cfg = _load_config(args)
    outdir = Path(args.outdir)
    articles = read_articles(outdir)
    if args.format == "parquet":
        if args.output == "-":
            raise UsageError("parquet needs a file: -o FILE.parquet")
        count = parquet.write(articles, Path(args.output))
    else:
        writer = {"es-bulk": ndjson.es_bulk, "meili": ndjson.meili, "jsonl": ndjson.jsonl}
        count = _write_lines(args.output, writer[args.format](articles, cfg))
        if args.format == "es-bulk":
            count //= 2
    print(f"zhnews: exported {count} articles ({args.format}) → {args.output}", file=sys.stderr)
    if args.format == "es-bulk" and (args.template or args.output != "-"):
        out = Path(args.output)
        template = Path(args.template) if args.template else out.with_name(
            out.name.split(".")[0] + ".template.json")
        text = json.dumps(ndjson.es_template(cfg), ensure_ascii=False, indent=2) + "\n"
        atomic_write(template, text.encode("utf-8"))
        print(f"zhnews: index template → {template}", file=sys.stderr)
    return 0


def _write_lines(name: str, lines) -> int:
    from pipeline.io import open_out

    count = 0
    out = open_out(name)
    try:
        for line in lines:
            out.write(line)
            count += 1
    finally:
        out.flush()
        if out is not sys.stdout.buffer:
            out.close()
    return count


# --- end of search index and exports ----------------------------------------------------------

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": cmd_run,
    "extract": cmd_extract,
    "clean": cmd_article_stage,
    "convert": cmd_article_stage,
    "repair": cmd_article_stage,
    "segment": cmd_article_stage,
    "newwords": cmd_newwords,
    "dedup": cmd_dedup,
    "emit": cmd_emit,
    "index": cmd_index,
    "search": cmd_search,
    "export": cmd_export,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from pipeline.config import ConfigError

    try:
        return COMMANDS[args.command](args)
    except (UsageError, ConfigError) as exc:
        print(f"zhnews {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ZhnewsError as exc:
        print(f"zhnews {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the output side (disk full, permissions): one line, no traceback
        name = f" {exc.filename}:" if exc.filename else ""
        print(f"zhnews {args.command}: error:{name} {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("zhnews: interrupted", file=sys.stderr)
        return 130
