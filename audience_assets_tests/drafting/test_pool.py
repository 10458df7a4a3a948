"""The writer learns from the desk (issue 21, item 5): the pool built from the desk's
approvals (placeholders, edited text preferred, rejected left out, provenance), its
settings and freeze switch, retrieval by similarity, and no figure of one day's post in
another day's prompt."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import pytest
import yaml

from audience_assets.drafting.store import desk_approvals, replace_drafts
from audience_assets.drafting.validation import validate
from audience_assets.drafting.validation.figures import format_share, format_viewers
from audience_assets.drafting.writing import TemplateWriter, draft_post, templates
from audience_assets.drafting.writing.approved import delexicalise
from audience_assets.drafting.writing.llm import LLMSettings
from audience_assets.drafting.writing.natural import (
    EXAMPLES_PER_PROMPT,
    Example,
    NaturalWriter,
    fill_wording,
    load_examples,
    post_hashtags,
)
from audience_assets.drafting.writing.pool import (
    Features,
    LearnedExample,
    LearnedExamples,
    PoolConfig,
    PoolConfigError,
    PoolFile,
    approvals,
    build_pool,
    load_pool_config,
    load_pool_file,
    parse_pool_config,
    refresh_pool,
    similarity,
    write_pool_file,
)
from audience_assets.drafting.writing.pool import main as pool_main
from audience_assets.records import FactSheet
from audience_assets.review import state, views
from audience_assets.sql.engine import make_engine
from audience_assets_tests.drafting.fakes import FakeOllamaClient

pytestmark = pytest.mark.timeout(60)

STATIC = load_examples()
DAY1, DAY2, DAY3 = "2026-11-16", "2026-11-17", "2026-11-18"


def sheet(title: str, channel: str, uv: int, am: int, share: float, event: str = "",
          date: str = DAY1, start: str = "22:00", genre: str = "ENTRETENIMIENTO",
          rules: tuple[str, ...] = ("day_top",)) -> FactSheet:
    return FactSheet(title, channel, uv, am, share, event, broadcast_date=date,
                     start=f"{date}T{start}:00", genre=genre, rules=rules,
                     channel_code=channel.strip("@").upper())


DEBATE = sheet("@eldebatedegh", "@telecincoes", 5_460_000, 1_568_000, 11.9,
               "Lo más visto del día, también entre los espectadores de 25 a 44 años")
TELENOTICIAS = sheet("Telenoticias 2", "@telemadrid", 432_000, 250_000, 13.2,
                     "Minuto de oro del día a las 20:58", start="20:30", genre="INFORMACIÓN",
                     rules=("golden_minute",))
POLONIA = sheet("Polonia", "@tv3cat", 935_000, 402_000, 22.4, start="21:30",
                rules=("above_channel_day_average",))
REVUELTA = sheet("La revuelta", "@La1_tve", 1_069_000, 531_000, 14.6,
                 "Líder de su franja", start="22:10", rules=("slot_leader",))


def post(example_text: str, s: FactSheet, emojis: tuple[str, ...] = ("📺", "📊")) -> str:
    return templates.assemble(fill_wording(example_text, s), emojis, post_hashtags(s))


def figures_of(s: FactSheet) -> list[str]:
    return [format_viewers(s.unique_viewers), format_viewers(s.avg_audience),
            format_share(s.share)]


# --- from an approved post to an example -------------------------------------------------

@pytest.mark.parametrize("s", [DEBATE, TELENOTICIAS, POLONIA, REVUELTA])
def test_every_static_example_filled_comes_back_as_its_placeholders(s: FactSheet) -> None:
    pool = STATIC.with_event if s.event else STATIC.without_event
    for example in pool:
        made = delexicalise(post(example.text, s, example.emojis), s, STATIC.emojis)
        assert not isinstance(made, str), (example.text, made)
        wording, emojis = made
        # "{evento}. X" is filled as "Lo más visto: x" (a heading), nothing else moves
        assert wording.lower() == re.sub(r"^\{evento\}\. ", "{evento}: ",
                                         example.text).lower()
        assert emojis == example.emojis
        assert not re.search(r"\d|@|#", wording)


def test_an_editor_s_rounded_figures_names_and_time_become_placeholders() -> None:
    text = ("Telenoticias 2 fue lo más visto de @telemadrid en su minuto de oro del día a las "
            "20:58: reunió a 432.000 espectadores únicos, una audiencia media de 250.000 y un "
            "13,2% de cuota. 📰 👀\n#Telenoticias2 #Telemadrid")
    made = delexicalise(text, TELENOTICIAS, STATIC.emojis)
    assert isinstance(made, str)  # the event was rewritten: no example, and why
    assert "evento" in made
    rounded = ("{e}: Telenoticias 2 sumó en @telemadrid 0,43 millones de espectadores "
               "únicos, una audiencia media de 250.000 y un 13,2% de cuota. 📰 👀")
    made = delexicalise(rounded.format(e=TELENOTICIAS.event), TELENOTICIAS, STATIC.emojis)
    assert made == ("{evento}: {programa} sumó en {cadena} {espectadores} espectadores únicos, "
                    "una audiencia media de {audiencia} y un {cuota} de cuota.", ("📰", "👀"))


def test_an_article_the_writer_gave_this_programme_is_not_kept() -> None:
    text = ("El Polonia reunió 935.000 espectadores únicos en @tv3cat. Los datos del Polonia: "
            "402.000 de audiencia media y un 22.4% de cuota. 📺 📊\n#Polonia #TV3")
    text = text.replace("Los datos del Polonia:", "Sumó")
    made = delexicalise(text, POLONIA, STATIC.emojis)
    assert not isinstance(made, str) and made[0].startswith("{programa} reunió")
    made = delexicalise("Los datos del Polonia en @tv3cat: 935.000 espectadores únicos, 402.000 "
                        "de audiencia media y un 22.4% de cuota.", POLONIA, STATIC.emojis)
    assert not isinstance(made, str) and made[0].startswith("Los datos de {programa}")


def test_whose_figures_they_are_is_left_to_the_fill_and_another_region_is_no_example() -> None:
    regional = FactSheet.from_dict({**POLONIA.to_dict(), "region": "Cataluña"})
    text = ("Datos de Polonia en @tv3cat, en Cataluña: 935.000 espectadores únicos, 402.000 de "
            "audiencia media y un 22.4% de cuota. 📺 📊")
    made = delexicalise(text, regional, STATIC.emojis)
    assert not isinstance(made, str) and "Cataluña" not in made[0]
    national = text.replace(", en Cataluña", " en el conjunto de España")
    made = delexicalise(national, POLONIA, STATIC.emojis)
    assert not isinstance(made, str) and "España" not in made[0]
    made = delexicalise(text.replace(", en Cataluña", ", como en Andalucía"), POLONIA,
                        STATIC.emojis)
    assert isinstance(made, str) and "Andalucía" in made


def test_a_post_with_a_figure_that_is_not_the_sheet_s_is_no_example() -> None:
    text = post(STATIC.without_event[0].text, POLONIA).replace("935.000", "935.000 (y 12.000)")
    made = delexicalise(text, POLONIA, STATIC.emojis)
    assert isinstance(made, str) and "cifra" in made


# --- the pool from the desk ----------------------------------------------------------------

EDITED = ("{programa} arrasó en {cadena} con {espectadores} espectadores únicos, {audiencia} "
          "de audiencia media y un {cuota} de cuota: {evento}.")


def desk_engine(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.sqlite'}")
    writer = TemplateWriter()
    for date, sheets in ((DAY1, [DEBATE, POLONIA]), (DAY2, [_on(REVUELTA, DAY2),
                                                            _on(TELENOTICIAS, DAY2)])):
        replace_drafts(engine, date, [draft_post(s, writer, validate, network="x",
                                                 max_attempts=1, fallback=None)
                                      for s in sheets])
    key = lambda s: state.DraftKey(s.broadcast_date, s.key, "x")  # noqa: E731
    # approved as generated; edited then approved; rejected; edited but undecided
    generated = views.public_state(engine, key(POLONIA))["text"]
    state.approve(engine, key(POLONIA), generated, 0, "ana", override_reason="prueba")
    editor_text = post(EDITED, DEBATE, ("🔝", "📺"))
    state.save_text(engine, key(DEBATE), editor_text, 0, "luis")
    state.approve(engine, key(DEBATE), editor_text, 1, "luis", override_reason="prueba")
    state.reject(engine, key(_on(REVUELTA, DAY2)), None, 0, "ana", reason="no")
    state.save_text(engine, key(_on(TELENOTICIAS, DAY2)), "Otro texto 📺 📊\n#A #B", 0, "ana")
    return engine


def _on(s: FactSheet, date: str) -> FactSheet:
    return FactSheet.from_dict({**s.to_dict(), "broadcast_date": date,
                                "start": s.start.replace(DAY1, date)})


def config(tmp_path: Path, **changes) -> PoolConfig:
    data = {"version": 1, "enabled": True, "frozen": False, "max_age_days": 30,
            "max_examples": 50, "from_pool": 2, "file": "pool_examples.yaml", **changes}
    path = tmp_path / "pool.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_pool_config(path)


def test_the_pool_holds_approved_posts_only_the_editors_text_with_placeholders_and_provenance(
        tmp_path: Path) -> None:
    engine = desk_engine(tmp_path)
    rows = desk_approvals(engine, "x")
    assert {r["sheet_key"] for r in rows} == {DEBATE.key, POLONIA.key}  # rejected, undecided out
    pool = build_pool(approvals(rows), config(tmp_path), STATIC.emojis, now=1.8e9)
    by_key = {e.provenance["sheet_key"]: e for e in pool.examples}
    debate = by_key[DEBATE.key]
    assert debate.example == Example(EDITED, ("🔝", "📺"))  # the editor's version, not the draft
    assert debate.provenance["edited"] is True and debate.provenance["approved_by"] == "luis"
    assert debate.provenance["broadcast_date"] == DAY1 and debate.provenance["network"] == "x"
    assert isinstance(debate.provenance["draft_id"], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", debate.provenance["approved_at"])
    assert by_key[POLONIA.key].provenance["edited"] is False
    for e in pool.examples:
        assert not re.search(r"\d|@|#", e.example.text)
    # written and read back: the same examples
    path = tmp_path / "pool_examples.yaml"
    write_pool_file(pool, path)
    assert load_pool_file(path, STATIC.emojis).examples == pool.examples


def test_max_examples_keeps_the_newest(tmp_path: Path) -> None:
    rows = desk_approvals(desk_engine(tmp_path), "x")
    pool = build_pool(approvals(rows), config(tmp_path, max_examples=1), STATIC.emojis, 0.0)
    assert len(pool.examples) == 1
    assert [s["reason"] for s in pool.skipped] == ["max_examples (1)"]


def test_the_freeze_switch_keeps_the_file_as_it_stands(tmp_path: Path) -> None:
    rows = desk_approvals(desk_engine(tmp_path), "x")
    frozen = config(tmp_path, frozen=True)
    with pytest.raises(PoolConfigError, match=r"frozen: true.*does not exist"):
        refresh_pool(rows, frozen, STATIC.emojis, 0.0)
    write_pool_file(PoolFile(()), frozen.file)
    before = frozen.file.read_text(encoding="utf-8")
    pool, from_desk = refresh_pool(rows, frozen, STATIC.emojis, 0.0)
    assert (pool.examples, from_desk) == ((), False)  # the desk's approvals are not used
    live = config(tmp_path, frozen=False)
    pool, from_desk = refresh_pool(rows, live, STATIC.emojis, 0.0)
    assert from_desk and len(pool.examples) == 2
    # no drafting run writes the client's config folder
    assert frozen.file.read_text(encoding="utf-8") == before


def test_the_snapshot_command_writes_the_pool_with_provenance(tmp_path: Path, capsys) -> None:
    desk_engine(tmp_path)
    out = tmp_path / "snapshot.yaml"
    assert pool_main(["--db", f"sqlite:///{tmp_path / 'desk.sqlite'}", "--out", str(out)]) == 0
    assert "2 examples (1 edited)" in capsys.readouterr().out
    written = load_pool_file(out, STATIC.emojis)
    assert {e.provenance["approved_by"] for e in written.examples} == {"ana", "luis"}


# --- settings ------------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "message"), [
    ({"enabled": "yes"}, "`enabled` must be true or false"),
    ({"max_age_days": 0}, "`max_age_days` must be a whole number from 1"),
    ({"from_pool": 3}, "`from_pool` must be a whole number from 0 to 2"),
    ({"file": "../elsewhere.yaml"}, "`file` must be a file name relative"),
    ({"colour": "red"}, "unknown key(s) colour"),
    ({"version": 2}, "expected a mapping with `version: 1`"),
])
def test_a_bad_setting_is_named_in_one_line(tmp_path: Path, change, message) -> None:
    data = {"version": 1, "enabled": True, "frozen": False, "max_age_days": 30,
            "max_examples": 50, "from_pool": 2, "file": "pool_examples.yaml", **change}
    with pytest.raises(PoolConfigError) as err:
        parse_pool_config(data, tmp_path / "pool.yaml")
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(tmp_path / "pool.yaml") in str(err.value)


def test_the_shipped_settings_and_pool_load() -> None:
    shipped = load_pool_config()
    assert shipped.from_pool <= EXAMPLES_PER_PROMPT
    load_pool_file(shipped.file, STATIC.emojis)


def test_a_pool_file_example_with_a_figure_is_refused_on_load(tmp_path: Path) -> None:
    path = tmp_path / "pool_examples.yaml"
    write_pool_file(PoolFile((learned("x", "a", date=DAY1),)), path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["examples"][0]["text"] = data["examples"][0]["text"].replace("{cuota}", "11,9%")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PoolConfigError, match=r"examples\[0\]"):
        load_pool_file(path, STATIC.emojis)


# --- retrieval -----------------------------------------------------------------------------

def learned(programme: str, genre: str, rules: tuple[str, ...] = ("day_top",),
            channel: str = "@c", date: str = DAY2, text: str | None = None,
            has_event: bool = True) -> LearnedExample:
    base = STATIC.with_event if has_event else STATIC.without_event
    wording = text or base[abs(hash((programme, genre, rules, channel))) % len(base)].text
    return LearnedExample(
        Example(wording, ("📺", "📊")), has_event,
        Features(programme, tuple(sorted(rules)), genre, channel, "x"),
        {"draft_id": 1, "broadcast_date": date, "sheet_key": programme, "network": "x",
         "approved_by": "ana", "approved_at": "2026-11-17T10:00:00Z", "edited": True})


def test_similarity_weighs_programme_then_event_kind_then_genre() -> None:
    target = Features.of(DEBATE, "x")
    same_programme = Features("@eldebatedegh", ("slot_leader",), "CONCURSOS", "@x", "x")
    same_kind = Features("otro", ("day_top",), "CONCURSOS", "@x", "x")
    same_genre = Features("otro", ("slot_leader",), "ENTRETENIMIENTO", "@x", "x")
    assert (similarity(target, same_programme) > similarity(target, same_kind)
            > similarity(target, same_genre) > similarity(
                target, Features("otro", ("slot_leader",), "CONCURSOS", "@x", "x")))


def test_retrieval_ranks_the_most_similar_story_first_deterministically(tmp_path) -> None:
    texts = [e.text for e in STATIC.with_event]
    pool = (learned("otro", "CONCURSOS", ("slot_leader",), text=texts[0]),
            learned("@eldebatedegh", "ENTRETENIMIENTO", text=texts[1]),
            learned("otro", "ENTRETENIMIENTO", text=texts[2]),
            learned("otro", "ENTRETENIMIENTO", has_event=False,
                    text=STATIC.without_event[0].text))
    today = _on(DEBATE, DAY3)
    source = LearnedExamples.for_day(STATIC, PoolFile(pool), config(tmp_path), DAY3, "x")
    draw = source.draw(today)
    assert [e.text for e in draw] == [texts[1], texts[2]]
    assert source.draw(today) == draw  # the same story, the same examples
    # shown already that day: the next story gets the others first
    shown = {e: 1 for e in draw}
    assert source.draw(_on(REVUELTA, DAY3), shown=shown)[0].text == texts[0]
    # a story without an event gets only examples without one
    assert source.draw(_on(POLONIA, DAY3))[0].text == STATIC.without_event[0].text


def test_only_earlier_examples_within_the_age_limit_and_examples_yaml_fills_the_rest(
        tmp_path) -> None:
    pool = PoolFile((learned("a", "X", date=DAY3), learned("b", "X", date=DAY1),
                     learned("c", "X", date="2026-01-01")))
    source = LearnedExamples.for_day(STATIC, pool, config(tmp_path, max_age_days=30), DAY3,
                                     "x")
    assert [e.features.programme for e in source.examples] == ["b"]
    draw = source.draw(_on(DEBATE, DAY3))
    assert len(draw) == EXAMPLES_PER_PROMPT and draw[0] == source.examples[0].example
    assert draw[1] in STATIC.with_event
    none = LearnedExamples.for_day(STATIC, pool, config(tmp_path, from_pool=0), DAY3, "x")
    assert none.draw(_on(DEBATE, DAY3)) == STATIC.draw(_on(DEBATE, DAY3))


def test_no_figure_of_an_approved_post_reaches_another_sheet_s_prompt(tmp_path: Path) -> None:
    engine = desk_engine(tmp_path)
    pool = build_pool(approvals(desk_approvals(engine, "x")), config(tmp_path), STATIC.emojis,
                      0.0)
    assert pool.examples
    other = _on(REVUELTA, DAY3)
    writer = NaturalWriter(FakeOllamaClient([]), LLMSettings(model="fake", options={}))
    writer.pool = LearnedExamples.for_day(STATIC, pool, config(tmp_path), DAY3, "x")
    prompt = "\n".join(m["content"] for m in writer.messages(other, "x", 0, None))
    assert EDITED.split(":")[0] in prompt  # the editor's wording is shown...
    for approved in (DEBATE, POLONIA):  # ...never its figures, names or handles
        for leaked in [*figures_of(approved), approved.title, approved.channel,
                       str(approved.unique_viewers)]:
            assert leaked not in prompt, leaked


# --- the Dagster layer ---------------------------------------------------------------------

def test_post_drafts_reads_the_pool_and_says_how_many_examples_it_had(
        tmp_path: Path, monkeypatch) -> None:
    from audience_assets.drafting.writing import pool as pool_module
    from audience_assets_tests.drafting.test_assets import _db, run
    from audience_assets_tests.drafting.test_templates import STUDY_SHEETS

    database = _db(tmp_path)
    run(database, STUDY_SHEETS, date="2025-01-14")
    engine = database.engine()
    item = views.load_day(engine, "2025-01-14", "x")[0]
    state.approve(engine, item.key, item.text, 0, "ana", override_reason="prueba")
    output, _ = run(database, STUDY_SHEETS, date="2025-01-15")
    meta = output.metadata
    assert meta["pool"].value == "the desk"
    assert meta["pool_examples"].value == meta["pool_examples_for_day"].value == 1
    assert meta["pool_examples_used"].value == 0  # the template writer shows no examples
    monkeypatch.setattr(pool_module, "POOL_CONFIG_FILE",
                        config(tmp_path, enabled=False).path)
    output, _ = run(database, STUDY_SHEETS, date="2025-01-16")
    assert output.metadata["pool"].value.startswith("disabled")
    monkeypatch.setattr(pool_module, "POOL_CONFIG_FILE", tmp_path / "missing.yaml")
    with pytest.raises(dg.Failure, match=r"missing\.yaml not found"):
        run(database, STUDY_SHEETS, date="2025-01-17")
