"""Resources for materialising feed assets in tests, built the way the code location builds them: from
the settings file the test wrote (ESCALATOR_CONFIG) and the environment, at the moment of the run."""


def with_feeds(resources: dict) -> dict:
    """The code location's resources (FeedSource per connector, platform, dbt), with the test's own
    warehouse/platform on top."""
    from orchestration.resources import build_resources
    from orchestration.settings import load_settings

    return {**build_resources(load_settings()), **resources}
