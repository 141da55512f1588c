import filecmp
from pathlib import Path

import pytest

from pipeline import config
from tests.conftest import ROOT, zhnews


def test_editable_config_folder_matches_packaged_defaults():
    defaults = config.defaults_dir()
    names = sorted(p.name for p in defaults.iterdir() if not p.name.startswith("."))
    assert names == sorted(p.name for p in (ROOT / "config").iterdir() if not p.name.startswith("."))
    match, mismatch, errors = filecmp.cmpfiles(defaults, ROOT / "config", names, shallow=False)
    assert not mismatch and not errors, f"config/ and pipeline/defaults/ differ: {mismatch}"


def test_unknown_key_is_named(tmp_path: Path):
    bad = tmp_path / "pipeline.toml"
    bad.write_text("[convert]\nprofil = 't2s'\n", "utf-8")
    with pytest.raises(config.ConfigError, match="convert.profil"):
        config.load(str(bad))
    proc = zhnews("run", "raw", "-o", str(tmp_path / "o"), "-c", str(bad), check=False)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "convert.profil" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_partial_user_config_overrides_and_hash_changes(tmp_path: Path):
    user = tmp_path / "pipeline.toml"
    user.write_text("[segment]\nkeywords = 3\n", "utf-8")
    cfg = config.load(str(user))
    assert cfg.get("segment", "keywords") == 3
    assert cfg.get("segment", "hmm") is False  # untouched keys keep their defaults
    assert cfg.hash != config.load(None).hash or Path("config/pipeline.toml").exists()
    # list files fall back to the packaged defaults when not beside the user's config
    assert cfg.file("segment", "userdict_file").exists()


def test_wrong_type_is_an_error(tmp_path: Path):
    bad = tmp_path / "pipeline.toml"
    bad.write_text("[segment]\nhmm = 'yes'\n", "utf-8")
    with pytest.raises(config.ConfigError, match="segment.hmm"):
        config.load(str(bad))
    # the error says what the setting takes: an int setting takes 0.5 too, so "a number"
    for line, takes in (("[run]\nsplit_mb = 'x'", "'run.split_mb' must be a number, got 'x'"),
                        ("[segment]\nhmm = 1", "'segment.hmm' must be true or false, got 1")):
        bad.write_text(line + "\n", "utf-8")
        with pytest.raises(config.ConfigError, match=takes):
            config.load(str(bad))
    bad.write_text("[run]\nsplit_mb = 0.5\n", "utf-8")
    assert config.load(str(bad)).get("run", "split_mb") == 0.5


def test_installed_version_reads_the_dist_info_folder_as_metadata_does():
    """Cache keys name the versions of jieba, OpenCC and datasketch without importing
    ``importlib.metadata`` (every run and stage command paid for it): the same versions."""
    from importlib.metadata import version

    from pipeline.cache import installed_version

    for dist in ("jieba", "opencc", "datasketch", "numpy"):
        assert installed_version(dist) == version(dist)
    assert installed_version("no-such-distribution-zhnews") == "unknown"


@pytest.mark.parametrize("section, line, says", [
    ("run", "split_mb = -1", "'run.split_mb' must be ≥ 0, got -1"),
    ("run", "workers = -3", "'run.workers' must be ≥ 0, got -3"),
    ("run", "alarm_char_share = 1.5", "'run.alarm_char_share' must be in [0, 1], got 1.5"),
    ("dedup", "threshold = 0", "'dedup.threshold' must be in (0, 1], got 0"),
    ("dedup", "shingle = 0", "'dedup.shingle' must be ≥ 1, got 0"),
    ("search", "snippet_tokens = 100", "'search.snippet_tokens' must be in [1, 64], got 100"),
    ("convert", "profile = 'foo'", "'convert.profile' must be one of t2s, tw2s, hk2s, got 'foo'"),
    ("segment", "backend = 'c'", "'segment.backend' must be one of auto, python, got 'c'"),
    ("repair", "margin = nan", "'repair.margin' must be ≥ 0, got nan"),
])
def test_a_value_out_of_range_is_one_line_naming_the_setting(tmp_path: Path, section: str,
                                                            line: str, says: str):
    """Such values used to pass silently (split_mb = -1), fail every input one by one
    (shingle = 0) or end the run with a traceback from a stage (profile = 'foo')."""
    bad = tmp_path / "pipeline.toml"
    bad.write_text(f"[{section}]\n{line}\n", "utf-8")
    with pytest.raises(config.ConfigError) as caught:
        config.load(str(bad))
    assert str(caught.value) == f"{bad}: {says}"


def test_the_shipped_defaults_are_within_their_bounds():
    from pipeline.config_bounds import BOUNDS, CHOICES, problems

    data = config.load(None).data
    assert problems(data) == []
    for section, key in [*BOUNDS, *CHOICES]:  # every bound names a real setting
        assert key in data[section], f"{section}.{key}"


def test_the_choices_are_the_stages_own():
    """The stages keep their own checks for configs built in code: the same values."""
    from pipeline.config_bounds import CHOICES
    from pipeline.stages.convert import TAIWAN_MODES
    from pipeline.stages.convert.opencc_config import BASE_VARIANTS

    assert set(CHOICES["convert", "profile"]) == set(BASE_VARIANTS)
    assert CHOICES["convert", "taiwan_phrases"] == TAIWAN_MODES


def test_bad_values_stop_a_run_before_any_work_with_one_line(tmp_path: Path):
    conf = tmp_path / "pipeline.toml"
    conf.write_text("[convert]\nprofile = 'foo'\n", "utf-8")
    proc = zhnews("run", "raw", "-o", str(tmp_path / "o"), "-c", str(conf), check=False)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "Traceback" not in err
    assert err.strip().splitlines() == [f"zhnews run: error: {conf}: 'convert.profile' must be "
                                        "one of t2s, tw2s, hk2s, got 'foo'"]
    assert not (tmp_path / "o").exists()
    # a list file with a line the stage cannot read, and a threshold the permutations cannot
    # band: the same one line
    (tmp_path / "c.tsv").write_text("得\t的\tsometimes\n", "utf-8")
    for text, says in (("[repair]\nconfusion_file = 'c.tsv'\n", "unknown condition 'sometimes'"),
                       ("[dedup]\nnum_perm = 2\n", "dedup.num_perm = 2 is too few for")):
        conf.write_text(text, "utf-8")
        proc = zhnews("run", "raw", "-o", str(tmp_path / "o2"), "-c", str(conf), check=False)
        err = proc.stderr.decode()
        assert proc.returncode == 2 and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1 and says in err, err
