"""Build hook: the wheel carries the client-editable defaults (data/config, prompts) as
package data under audience_assets/_client/, so a non-editable install finds them
(see audience_assets/paths.py). Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CLIENT_FILES = {"data/config": "config", "prompts": "prompts"}


class BuildPyWithClientFiles(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "audience_assets" / "_client"
        for source, name in CLIENT_FILES.items():
            if (ROOT / source).is_dir():
                shutil.copytree(ROOT / source, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithClientFiles})
