import pytest

from tests.conftest import zhnews


def test_text_mode_example_from_the_brief():
    converted = zhnews("convert", "--text", input="硪們\n".encode()).stdout
    assert zhnews("repair", "--text", input=converted).stdout.decode() == "我们\n"


def test_segment_text_prints_space_joined_tokens_one_line_per_input_line():
    out = zhnews("segment", "--text", input="摩尔线程在科创板上市\n英伟达\n".encode()).stdout
    lines = out.decode().splitlines()
    assert len(lines) == 2
    assert "摩尔线程" in lines[0].split(" ") and lines[1] == "英伟达"


@pytest.mark.parametrize(
    "cmd", ["run", "extract", "clean", "convert", "repair", "segment", "dedup", "emit"]
)
def test_help_has_an_example(cmd):
    out = zhnews(cmd, "--help").stdout.decode()
    assert "example:" in out and "zhnews" in out


@pytest.mark.parametrize(
    "args",
    [["run", "raw"], ["run", "no/such/dir", "-o", "x"], ["frobnicate"], ["extract", ""],
     ["run", "raw", "-o", "x", "-j", "0"], ["run", "raw", "-o", "x", "-c", "missing.toml"]],
)
def test_usage_errors_are_one_line_exit_2(args, tmp_path):
    proc = zhnews(*args, check=False, cwd=None)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_os_error_is_one_line_with_its_file_when_it_has_one(monkeypatch, capsys):
    """Output-side OS errors (a full disk, a refused connection) end the command in one line,
    naming the file when there is one."""
    from pipeline import cli

    def raise_(exc: OSError):
        def command(_args):
            raise exc
        return command

    monkeypatch.setitem(cli.COMMANDS, "run", raise_(ConnectionError("cannot reach the cluster")))
    assert cli.main(["run", "raw", "-o", "out"]) == 1
    assert capsys.readouterr().err == "zhnews run: error: cannot reach the cluster\n"
    monkeypatch.setitem(cli.COMMANDS, "run",
                        raise_(OSError(28, "No space left on device", "out/a.json")))
    assert cli.main(["run", "raw", "-o", "out"]) == 1
    assert capsys.readouterr().err == "zhnews run: error: out/a.json: No space left on device\n"


def test_a_stage_without_input_reads_a_pipe_and_asks_a_terminal(tmp_path):
    """`zhnews clean` with nothing named reads stdin when it is a pipe (so stages chain with
    |), and on a terminal says in one line what it needs instead of waiting for input."""
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import ROOT

    primary, secondary = pty.openpty()
    try:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.run([sys.executable, "-m", "pipeline", "clean"], stdin=secondary,
                              capture_output=True, cwd=ROOT, env=env, timeout=120)
    finally:
        os.close(primary)
        os.close(secondary)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err == ("zhnews clean: error: clean needs IN.jsonl (or "
                                            "--text to read plain text)\n"), err
    assert zhnews("clean", input=b"").stdout == b""


def test_stage_commands_chain_through_pipes_into_what_run_writes(tmp_path):
    """extract | clean | convert | repair | segment | dedup | emit, with no file named but the
    last folder: the sample dump comes out as `zhnews run` writes it."""
    from tests.conftest import RAW

    run_out, piped = tmp_path / "run", tmp_path / "piped"
    zhnews("run", str(RAW), "-o", str(run_out), "-j", "1", "--no-progress")
    data = zhnews("extract", str(RAW), "-j", "1").stdout
    for stage in ("clean", "convert", "repair", "segment", "dedup"):
        data = zhnews(stage, input=data).stdout
    zhnews("emit", "-o", str(piped), input=data)
    files = sorted(p.name for p in run_out.iterdir() if p.suffix == ".json")
    assert len(files) == 9
    for name in [*files, "manifest.jsonl"]:
        assert (piped / name).read_bytes() == (run_out / name).read_bytes(), name
