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
