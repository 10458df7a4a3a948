"""Shared fixtures. Real servers (Solr, Ollama, PostgreSQL) are started once per
test session by the plugin modules below, with fresh data folders."""

pytest_plugins = [
    "audience_assets_tests.fixtures.common",
    "audience_assets_tests.fixtures.ollama",
    "audience_assets_tests.fixtures.postgres",
    "audience_assets_tests.fixtures.solr",
]
