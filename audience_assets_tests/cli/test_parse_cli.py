import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from audience_assets.cli import main
from audience_assets.records import RECORD_FIELDS

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
TOTAL = SAMPLES / "programas_2026-11-22_total.tsv"


def test_parse_prints_one_json_object_per_record_with_the_contract_fields(capsys):
    assert main(["parse", str(TOTAL)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows and all(list(r) == list(RECORD_FIELDS) for r in rows)
    ruleta = next(r for r in rows if r["title"] == "LA RULETA DE LA SUERTE")
    # the same figures the file holds: "19,3" share, AM/MAA in thousands with a dot
    raw = next(line for line in TOTAL.read_bytes().decode("cp1252").splitlines()
               if line.startswith("LA RULETA DE LA SUERTE\t"))
    cols = raw.split("\t")
    assert ruleta["share"] == float(cols[8].replace(",", "."))
    assert ruleta["avg_audience"] == int(cols[9].replace(".", "")) * 1000
    assert ruleta["unique_viewers"] == int(cols[10].replace(".", "")) * 1000
    assert ruleta["broadcast_date"] == "2026-11-22"
    assert ruleta["source_file"] == TOTAL.name


def test_parse_csv_has_a_header_and_the_same_rows(capsys):
    assert main(["parse", str(TOTAL), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == list(RECORD_FIELDS)
    assert main(["parse", str(TOTAL)]) == 0
    assert len(rows) == len(capsys.readouterr().out.splitlines())


def test_unreadable_file_exits_2_with_one_line_naming_row_and_column(tmp_path):
    bad = tmp_path / "roto.tsv"
    lines = TOTAL.read_bytes().split(b"\r\n")
    cols = lines[7].split(b"\t")
    cols[8] = b"n/a"
    lines[7] = b"\t".join(cols)
    bad.write_bytes(b"\r\n".join(lines))
    done = subprocess.run([sys.executable, "-m", "audience_assets.cli", "parse", str(bad)],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    err = done.stderr.strip().splitlines()
    assert len(err) == 1
    assert "roto.tsv" in err[0] and "row 8" in err[0] and "Cuota" in err[0]
    assert "Traceback" not in done.stderr
