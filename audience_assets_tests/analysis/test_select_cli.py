"""`audience select` over the bundled sample week, and its refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audience_assets.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_sample_week_gives_records_leaders_and_a_golden_minute(
        capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in SAMPLES.iterdir() if p.name.startswith(("programas_",
                                                                          "minutes_")))
    last = max(p.split("_")[1][:10] for p in files if "programas_" in p)
    assert main(["select", *files, "--date", last]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines and all(list(line) == ["title", "description", "channel", "channel_code",
                                        "unique_viewers", "avg_audience", "share", "event",
                                        "rules", "target", "region", "evidence"]
                         for line in lines)
    events = [line["event"] for line in lines]
    assert any(e.startswith("Máximo histórico") for e in events)
    assert any(e.startswith("Minuto de oro del día a las ") for e in events)
    assert "Lo más visto del día entre los jóvenes" in events
    keys = [(x["channel_code"], x["title"], x["target"], x["region"], x["unique_viewers"])
            for x in lines]
    assert len(keys) == len(set(keys))


def test_unreadable_input_exits_2_with_one_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.tsv"
    junk.write_bytes(b"\x00\x01 nothing here\n")
    assert main(["select", str(junk), "--date", "2026-03-10"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("audience select: ") and "junk.tsv" in err
    assert main(["select", str(tmp_path / "absent.tsv"), "--date", "2026-03-10"]) == 2
    assert main(["select", str(junk), "--date", "10/03/2026"]) == 2
