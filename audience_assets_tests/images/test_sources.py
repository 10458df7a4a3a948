from __future__ import annotations

from pathlib import Path

import pytest

from audience_assets.images.sources import DEFAULT_SOURCES_PATH, SourcesError, load_sources


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "images.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_issue_schema_loads_and_resolves_default_pictures(tmp_path: Path) -> None:
    for n in (1, 2):
        (tmp_path / f"ruleta-{n}.jpg").write_bytes(b"x")
    sources = load_sources(_write(tmp_path, f"""
allow_private_addresses: false
defaults:
  "@laruletasuerte": [{tmp_path}/ruleta-1.jpg, ruleta-2.jpg, https://cdn.example.org/r.jpg]
sources:
  - url: https://example.org/programas/la-ruleta/
    channels: ["@antena3com"]
    programmes: ["@laruletasuerte"]
  - url: https://press.example.net/feed.xml
"""))
    assert sources.defaults_for("LA RULETA", "@LaRuletaSuerte")[2] == "https://cdn.example.org/r.jpg"
    assert Path(sources.defaults_for("@laruletasuerte")[1]) == (tmp_path / "ruleta-2.jpg")
    assert sources.hosts == {"example.org", "press.example.net", "cdn.example.org"}
    # A source with no channels or programmes covers every post.
    assert [s.url for s in sources.sources_for("@navedelmisterio", "@cuatro")] == [
        "https://press.example.net/feed.xml"]
    assert len(sources.sources_for("@laruletasuerte", "@cuatro")) == 2


def test_the_shipped_file_is_valid() -> None:
    load_sources(DEFAULT_SOURCES_PATH)


@pytest.mark.parametrize(("text", "message"), [
    ("sources: [{url: ftp://x.org/}]", "sources.0.url"),
    ("sources: [{url: https://x.org/, channel: ['@a']}]", "sources.0.channel"),
    ("defaults: {'@a': [a, b, c, d]}\nsources: []", "at most 3"),
    ("defaults: {'@a': [missing.jpg]}", "defaults.@a: 'missing.jpg': no such file"),
    ("allow_private_addresses: maybe", "allow_private_addresses"),
    ("sources: [unclosed", "not valid YAML"),
    ("- just a list", "expected a mapping"),
])
def test_invalid_files_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourcesError, match="images.yaml: .*" + message.replace(".", r"\.")):
        load_sources(_write(tmp_path, text))


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="cannot read"):
        load_sources(tmp_path / "absent.yaml")
