"""Stored paths relative to a configured root (output folder, archive), resolved through it
from any working directory; nothing outside the root is served."""

from __future__ import annotations

import os

import pytest

from audience_assets.paths import locate_stored, resolve_stored, stored_path

pytestmark = pytest.mark.timeout(10)


def test_a_path_under_the_root_is_stored_relative_and_found_from_elsewhere(tmp_path,
                                                                          monkeypatch):
    root = tmp_path / "out"
    (root / "images").mkdir(parents=True)
    (root / "images" / "a.png").write_bytes(b"x")
    stored = stored_path(root / "images" / "a.png", root)
    assert stored == "images/a.png"
    monkeypatch.chdir(tmp_path.parent)  # the desk started from another folder
    assert resolve_stored(stored, root) == (root / "images" / "a.png").resolve()
    assert locate_stored(stored, root) == root / "images" / "a.png"


def test_nothing_outside_the_root_resolves(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    (tmp_path / "secret").write_text("no")
    os.symlink(tmp_path / "secret", root / "link")
    for planted in ("/etc/passwd", "../secret", "images/../../secret", "link", ""):
        assert resolve_stored(planted, root) is None, planted


def test_a_legacy_path_relative_to_the_old_working_directory_still_resolves(tmp_path,
                                                                            monkeypatch):
    root = tmp_path / "var" / "outputs"
    (root / "images").mkdir(parents=True)
    (root / "images" / "b.png").write_bytes(b"x")
    monkeypatch.chdir(tmp_path)
    assert resolve_stored("var/outputs/images/b.png", root) == (
        root / "images" / "b.png").resolve()
    assert stored_path("/somewhere/else.png", root) == "/somewhere/else.png"
