"""The package installed the way a deployment installs it: a wheel, non-editable, in a
fresh virtual environment, used from a folder that is not the repository. The client's
files come from the wheel (package data), or from AUDIENCE_CONFIG_DIR when set.

Dependencies are not downloaded again: the throwaway environment sees the project's
environment's site-packages through a plain path entry (its editable-install hook is
not run), so `audience_assets` itself can only come from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from audience_assets.sql.migrate import head_revision

HEAD = head_revision()
REPO = Path(__file__).resolve().parents[2]
SHEET = {"title": "@laruletasuerte", "channel": "@antena3com", "unique_viewers": 2_620_000,
         "avg_audience": 1_206_000, "share": 15.7,
         "event": "Máximo histórico de espectadores únicos del programa"}

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 120
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (REPO / name).is_file() and not name.startswith(".venv"):
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "AUDIENCE_CONFIG_DIR", "AUDIENCE_PROMPTS_DIR",
                        "VIRTUAL_ENV")}
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                  "-q", "-w", str(root / "dist"), "."], src, env, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = (root / "dist").glob("audience_assets-*.whl")
    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], root, env)
    assert made.returncode == 0, made.stderr
    pip = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps",
                "--no-index", "-q", str(wheel)], root, env, timeout=300)
    assert pip.returncode == 0, pip.stderr[-3000:]
    site = Path(_run([str(venv / "bin" / "python"), "-c",
                      "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     root, env).stdout.strip())
    # After the install, so pip never saw (nor touched) the project's environment.
    (site / "zz_project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = root / "elsewhere"
    work.mkdir()
    with zipfile.ZipFile(wheel) as whl:
        (root / "wheel-files.txt").write_text("\n".join(whl.namelist()))
    return venv, work, env


def test_the_lab_stays_out_of_the_wheel_and_samples_still_work(
    installed: tuple[Path, Path, dict[str, str]]
) -> None:
    """audience_lab/ (the study, the demo's sample site) runs from a checkout only; the
    synthetic deliveries `audience samples` writes come from the package itself."""
    venv, work, env = installed
    names = (work.parent / "wheel-files.txt").read_text().splitlines()
    assert any(n.startswith("audience_assets/") for n in names)
    assert [n for n in names if n.startswith("audience_lab")] == []
    done = _run([str(venv / "bin" / "audience"), "samples", "--days", "1", "--out", "samples"],
                work, env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert list((work / "samples").iterdir())


def test_the_wheel_carries_the_client_files_migrations_and_definitions(
    installed: tuple[Path, Path, dict[str, str]]
) -> None:
    venv, work, env = installed
    code = ("import audience_assets, audience_assets.paths as p, json;"
            "from audience_assets.sql.migrate import head_revision;"
            "from audience_assets.definitions import defs;"
            "keys = defs.resolve_asset_graph().get_all_asset_keys();"
            "print(json.dumps([audience_assets.__file__, str(p.config_dir()),"
            " str(p.prompts_dir()), head_revision(), len(list(keys))]))")
    done = _run([str(venv / "bin" / "python"), "-c", code], work, env)
    assert done.returncode == 0, done.stderr[-3000:]
    module, config, prompts, head, assets = json.loads(done.stdout.splitlines()[-1])
    assert module.startswith(str(venv)) and "/_client/" in config
    assert config.startswith(str(venv)) and prompts.startswith(str(venv))
    assert head == HEAD and assets >= 7


def test_the_cli_drafts_and_validates_from_outside_the_repository(
    installed: tuple[Path, Path, dict[str, str]]
) -> None:
    venv, work, env = installed
    (work / "sheet.json").write_text(json.dumps(SHEET, ensure_ascii=False))
    drafted = _run([str(venv / "bin" / "audience"), "draft", "--record", "sheet.json",
                    "--mode", "template", "--json"], work, env)
    assert drafted.returncode == 0, drafted.stderr[-3000:]
    text = json.loads(drafted.stdout.splitlines()[-1])["text"]
    assert "@laruletasuerte" in text
    posts = [{"id": "template", "record": SHEET, "text": text, "network": "x"},
             {"id": "wrong", "record": SHEET, "text": "@laruletasuerte: 9.999.999 espectadores",
              "network": "x"}]
    (work / "posts.jsonl").write_text("\n".join(json.dumps(p) for p in posts) + "\n")
    checked = _run([str(venv / "bin" / "audience"), "validate-tweet", "--input", "posts.jsonl"],
                   work, env)
    assert checked.returncode == 0, checked.stderr[-3000:]
    verdicts = [json.loads(line) for line in checked.stdout.splitlines() if line.strip()]
    assert [v["valid"] for v in verdicts] == [True, False]


def test_a_configured_folder_wins_over_the_packaged_files(
    installed: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    venv, work, env = installed
    config = tmp_path / "client-config"
    shutil.copytree(REPO / "data" / "config", config)
    code = ("from audience_assets.analysis.config import DEFAULT_CONFIG_PATH as a;"
            "from audience_assets.drafting.validation.config import DEFAULT_DIR as v;"
            "from audience_assets.drafting.writing.templates import TEMPLATES_FILE as t;"
            "print(a, v, t)")
    done = _run([str(venv / "bin" / "python"), "-c", code], work,
                {**env, "AUDIENCE_CONFIG_DIR": str(config)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == [str(config / "analysis.yaml"), str(config / "validator"),
                                   str(config / "post_templates.yaml")]
