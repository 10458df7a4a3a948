"""Exports the client can open safely: formula injection neutralised (OWASP), a CSV for
Spanish Excel, XLSX as the default, the photo credit beside the chosen image."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from audience_assets.review import exports, state, views
from audience_assets.sql.engine import make_engine
from audience_assets.sql.schema import image_candidates

from .helpers import DAY, seed_day

pytestmark = pytest.mark.timeout(60)
ATTACKS = ["=HYPERLINK(\"http://evil.example\",\"clic\")", "+1+1", "-2+3", "@SUM(1,1)",
           "\t=1+1"]  # a carriage return never gets past the desk (a control character)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    engine = make_engine("sqlite://")
    seed_day(engine, limit=len(ATTACKS) + 1)
    items = views.load_day(engine, DAY, "x")
    (out / "images").mkdir()
    from PIL import Image

    Image.new("RGB", (40, 30), "#123456").save(out / "images" / "a.png")
    with engine.begin() as conn:
        conn.execute(image_candidates.insert().values(
            broadcast_date=DAY, sheet_key=items[-1].key.sheet_key, network="x", rank=1,
            score=1.0, reasons="[]", image_url="https://tv.example/a.png",
            page_url="https://tv.example/", published=DAY, width=40, height=30,
            sha256="a" * 64, phash="0" * 16, path="images/a.png",
            credit="Foto: Atresmedia", default=False, ranker="test", created_at=0.0))
    for item, attack in zip(items, ATTACKS, strict=False):
        state.approve(engine, item.key, attack + " " + item.text, 0, "ana", "prueba")
    last = items[-1]
    state.choose_image(engine, last.key, "a" * 64, 0, "ana")
    state.approve(engine, last.key, last.text, 1, "ana")
    result = exports.write_exports(engine, DAY, out)
    return result, items


def _texts(path, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")),
                               delimiter=delimiter))


def test_csv_cells_that_would_run_as_formulas_start_with_a_quote(exported):
    result, _ = exported
    for name, delimiter in (("posts.csv", ","), ("posts-es.csv", ";")):
        rows = _texts(result.folder / name, delimiter)
        texts = [r["texto"] for r in rows]
        for attack in ATTACKS:
            cell = next(t for t in texts if t[1:].startswith(attack))
            assert cell.startswith("'"), (name, cell)
        dangerous = [v for r in rows for v in r.values()
                     if v and v[0] in "=+-@\t\r"]
        assert dangerous == [], (name, dangerous)


def test_neutralise_follows_owasp_for_each_dangerous_first_character():
    for first in ("=", "+", "-", "@", "\t", "\r"):
        assert exports.neutralise(first + "1+1") == "'" + first + "1+1"
    assert exports.neutralise("Pasapalabra") == "Pasapalabra"
    assert exports.neutralise(-3) == -3 and exports.neutralise(12.5) == 12.5


def test_xlsx_keeps_the_exact_text_as_a_string_never_a_formula(exported):
    result, _ = exported
    book = openpyxl.load_workbook(result.folder / "posts.xlsx")
    sheet = book["Posts"]
    header = [c.value for c in sheet[1]]
    text_col = header.index("texto")
    cells = [row[text_col] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    starts = {c.value.split(" ")[0] for c in cells}
    assert "+1+1" in starts and "@SUM(1,1)" in starts
    assert all(c.quotePrefix for c in cells if c.value.startswith(("=", "+", "-", "@")))


def test_spanish_csv_uses_semicolons_and_decimal_commas(exported):
    result, _ = exported
    raw = (result.folder / "posts-es.csv").read_text(encoding="utf-8-sig")
    assert raw.splitlines()[0].startswith('"fecha";"red";"orden"')
    rows = _texts(result.folder / "posts-es.csv", ";")
    assert all("," in r["cuota"] and "." not in r["cuota"] for r in rows)
    assert all(r["espectadores_unicos"].isdigit() for r in rows)


def test_photo_credit_is_beside_the_chosen_image_in_every_export(exported):
    result, _ = exported
    row = next(r for r in result.rows if r["imagen"])
    assert row["credito_imagen"] == "Foto: Atresmedia"
    assert row["imagen"].startswith("images/")
    assert (result.folder / row["imagen"]).is_file()
    for name, delimiter in (("posts.csv", ","), ("posts-es.csv", ";")):
        assert "Foto: Atresmedia" in {r["credito_imagen"] for r in _texts(
            result.folder / name, delimiter)}
    assert '"credito_imagen": "Foto: Atresmedia"' in (result.folder / "posts.json").read_text()


def test_a_stored_path_outside_the_output_folder_is_not_copied(tmp_path):
    engine = make_engine("sqlite://")
    seed_day(engine, limit=1)
    item = views.load_day(engine, DAY, "x")[0]
    with engine.begin() as conn:
        conn.execute(image_candidates.insert().values(
            broadcast_date=DAY, sheet_key=item.key.sheet_key, network="x", rank=1,
            score=1.0, reasons="[]", image_url="https://tv.example/p", page_url="",
            published=DAY, width=1, height=1, sha256="b" * 64, phash="0", path="/etc/passwd",
            credit="", default=False, ranker="t", created_at=0.0))
        assert conn.execute(sa.select(sa.func.count()).select_from(image_candidates)).scalar()
    state.choose_image(engine, item.key, "b" * 64, 0, "ana")
    state.approve(engine, item.key, item.text, 1, "ana")
    result = exports.write_exports(engine, DAY, tmp_path)
    assert result.rows[0]["imagen"] == "" and result.missing_images == ["/etc/passwd"]
    assert not (result.folder / "images").exists()
