"""Resources for materialising feed assets in tests, built the way the code location builds them: from
the settings file the test wrote (ESCALATOR_CONFIG) and the environment, at the moment of the run."""


def with_feeds(resources: dict) -> dict:
    """The code location's resources (FeedSource per connector, platform, dbt), with the test's own
    warehouse/platform on top."""
    from orchestration.resources import build_resources
    from orchestration.settings import load_settings

    return {**build_resources(load_settings()), **resources}


def platform_in(root, dropzone: str = "drop"):
    """A PlatformConfig whose folders all lie under `root` (embedded data: the repository's)."""
    from assets.platform.resources import PlatformConfig
    from orchestration.settings import EMBEDDED_DIR

    return PlatformConfig(
        embedded_dir=str(EMBEDDED_DIR),
        published_dir=str(root / "p"),
        reports_dir=str(root / "r"),
        dropzone_dir=str(root / dropzone),
        dagster_home=str(root),
    )
