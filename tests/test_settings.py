import os

from orchestration.settings import PROJECT_ROOT, load_settings


def test_defaults_are_the_embedded_platform(monkeypatch, tmp_path):
    for key in ("ESCALATOR_WAREHOUSE", "ESCALATOR_PUBLISHED_DIR", "ESCALATOR_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / "empty.yaml").write_text("")  # an empty config: every default (a missing one is an error)
    monkeypatch.setenv("ESCALATOR_CONFIG", str(tmp_path / "empty.yaml"))
    s = load_settings()
    assert s.warehouse_path == PROJECT_ROOT / "warehouse" / "escalator.duckdb"
    assert not any(src.live for src in s.sources.values())


def test_relative_paths_keep_symlinks(monkeypatch, tmp_path):
    # published/ is a symlink to the current version; resolving it would pin an old version
    (tmp_path / "v1").mkdir()
    os.symlink(tmp_path / "v1", tmp_path / "published")
    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(f"published_dir: {tmp_path / 'published'}\nsources:\n  nomis: {{live: true}}\n")
    monkeypatch.delenv("ESCALATOR_PUBLISHED_DIR", raising=False)
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    monkeypatch.setenv("ESCALATOR_ADZUNA_LIVE", "yes")
    s = load_settings()
    assert s.published_dir == tmp_path / "published"
    assert s.source("nomis").live and s.source("adzuna").live and not s.source("bods").live


def test_drop_folder_poll_interval_reaches_the_sensor(monkeypatch, tmp_path):
    import pytest

    from orchestration.definitions import build_defs

    cfg = tmp_path / "escalator.yaml"
    cfg.write_text("dropzone_poll_seconds: 15\n")
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    monkeypatch.delenv("ESCALATOR_DROPZONE_POLL_SECONDS", raising=False)
    sensor = build_defs(load_settings()).resolve_sensor_def("jobads_dropzone_sensor")
    assert sensor.minimum_interval_seconds == 15
    monkeypatch.setenv("ESCALATOR_DROPZONE_POLL_SECONDS", "5")  # the environment wins
    assert load_settings().dropzone_poll_seconds == 5
    monkeypatch.setenv("ESCALATOR_DROPZONE_POLL_SECONDS", "soon")
    with pytest.raises(ValueError, match="dropzone_poll_seconds.*'soon'"):
        load_settings()
    monkeypatch.delenv("ESCALATOR_DROPZONE_POLL_SECONDS")
    cfg.write_text("dropzone_poll_seconds: 0\n")  # refused, not quietly replaced by the default
    with pytest.raises(ValueError, match="dropzone_poll_seconds.*0"):
        load_settings()


def test_celery_settings_come_from_the_file_and_the_environment_and_a_bad_executor_is_refused(monkeypatch, tmp_path):
    import pytest

    from orchestration.settings import load_settings

    cfg = tmp_path / "escalator.yaml"
    cfg.write_text(
        "refresh_executor: celery\nexchange_dir: s3://bucket/exchange\n"
        "celery: {broker: 'redis://broker-host:6379/0', visibility_timeout: 900}\n"
    )
    monkeypatch.setenv("ESCALATOR_CONFIG", str(cfg))
    s = load_settings()
    assert (s.refresh_executor, s.exchange_dir) == ("celery", "s3://bucket/exchange")  # a URL kept as written
    assert (s.celery.broker, s.celery.visibility_timeout) == ("redis://broker-host:6379/0", 900)
    monkeypatch.setenv("ESCALATOR_CELERY_BROKER", "redis://127.0.0.1:6400/0")
    assert load_settings().celery.broker == "redis://127.0.0.1:6400/0"  # the environment wins
    monkeypatch.setenv("ESCALATOR_REFRESH_EXECUTOR", "spark")
    with pytest.raises(ValueError, match="refresh_executor: expected one of in_process, celery, got 'spark'"):
        load_settings()
