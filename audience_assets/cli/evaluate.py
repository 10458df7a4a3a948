"""`audience evaluate objective|forms|scores`: the study's model evaluation.

    audience evaluate objective --models M1,M2 [--sheets FILE.jsonl | --date D]
        [--attempts 10] [--mode natural] [--network x] [--out DIR]
    audience evaluate forms --run RUN --reviewers N --out DIR
    audience evaluate scores FILE... --key KEY [--out DIR]

`objective` runs every model on the same fact sheets against OLLAMA_HOST (default:
the study's five) and prints the table; the run folder (run.json, objective.csv,
objective.json, objective.png, drafts.jsonl) is what `forms` reads. `forms` writes
one blind form per reviewer (XLSX and HTML) and the key apart; `scores` reads the
filled forms with the key and prints the study's tables. See docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from audience_assets import settings
from audience_assets.cli import UsageError, broadcast_date
from audience_assets.drafting.writing import make_writer
from audience_assets.drafting.writing.llm import LLMError, LLMSettings
from audience_assets.evaluation.runs import EvaluationInputError, read_sheets, study_sheets
from audience_assets.networks import NETWORK_KEYS

DEFAULT_OUT = Path("var/evaluation")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "evaluate", help="evaluate Ollama models as the study did (objective table, blind forms)")
    sub = parser.add_subparsers(dest="evaluate_command", required=True)

    objective = sub.add_parser("objective", help="run models on fact sheets; print the table")
    objective.add_argument("--models", required=True,
                           help="comma-separated Ollama model tags, as on OLLAMA_HOST")
    source = objective.add_mutually_exclusive_group()
    source.add_argument("--sheets", metavar="FILE.jsonl",
                        help="fact sheets (JSON lines as `audience select` prints; default: "
                             "the study's five, data/evaluation/study_fact_sheets.jsonl)")
    source.add_argument("--date", help="the fact sheets of this broadcast date from the "
                                       "database (AUDIENCE_DB_URL)")
    objective.add_argument("--attempts", type=int, default=10,
                           help="most attempts per fact sheet (default 10, as the study)")
    objective.add_argument("--mode", default="natural",
                           help="writer: natural (production's, default), guided, free; not "
                                "template (no model writes)")
    objective.add_argument("--network", choices=NETWORK_KEYS, default="x")
    objective.add_argument("--out", type=Path, default=None,
                           help=f"run folder (default {DEFAULT_OUT}/<run id>)")
    objective.add_argument("--temperature", type=float, default=0.0)
    objective.add_argument("--seed", type=int, default=42,
                           help="base seed; attempt n uses seed + n - 1")
    objective.add_argument("--num-predict", type=int, default=160)
    objective.add_argument("--num-ctx", type=int, default=4096)
    objective.add_argument("--num-thread", type=int, default=0,
                           help="CPU threads (0: Ollama's choice)")
    objective.add_argument("--timeout", type=float, default=600.0,
                           help="seconds one request may take")
    objective.set_defaults(handler=run_objective)

    forms = sub.add_parser("forms", help="blind review forms (XLSX + HTML) from a run")
    forms.add_argument("--run", required=True, help="run folder (or its run.json)")
    forms.add_argument("--reviewers", type=int, required=True)
    forms.add_argument("--out", type=Path, required=True,
                       help="writes DIR/formularios/ (to send) and DIR/clave.json (keep apart)")
    forms.add_argument("--per-sheet", type=int, default=4,
                       help="posts per fact sheet on a form (default 4, as the study)")
    forms.add_argument("--seed", type=int, default=None,
                       help="shuffling seed (default: random; recorded in the key)")
    forms.set_defaults(handler=run_forms)

    scores = sub.add_parser("scores", help="aggregate filled forms with their key")
    scores.add_argument("files", nargs="+", metavar="FILE",
                        help="filled forms: .xlsx, or .json saved from the HTML form")
    scores.add_argument("--key", required=True, help="the clave.json written by `forms`")
    scores.add_argument("--out", type=Path, default=None,
                        help="also write the tables (CSV) and the chart here")
    scores.add_argument("--alpha-level", default="ordinal",
                        choices=("nominal", "ordinal", "interval", "ratio"),
                        help="Krippendorff's alpha metric (default ordinal: 1-5 scores)")
    scores.set_defaults(handler=run_scores)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _sheets(args: argparse.Namespace) -> list[Any]:
    try:
        if args.sheets:
            return read_sheets(args.sheets)
        if args.date:
            return _sheets_of_date(args.date)
        return study_sheets()
    except EvaluationInputError as exc:
        raise UsageError(str(exc)) from None


def _sheets_of_date(date: str) -> list[Any]:
    from audience_assets.analysis.store import load_fact_sheets
    from audience_assets.sql.engine import make_engine

    day = broadcast_date(date)
    url = settings.get("AUDIENCE_DB_URL")
    try:
        sheets = load_fact_sheets(make_engine(url), day)
    except Exception as exc:  # any driver's error: say where we looked
        raise UsageError(f"cannot read fact sheets from {url}: {exc}") from None
    if not sheets:
        raise UsageError(f"no fact sheets dated {day} in {url}; materialize "
                         "relevant_broadcasts for that date first, or pass --sheets")
    return sheets


def run_objective(args: argparse.Namespace) -> int:
    import ollama

    from audience_assets.evaluation.objective import (
        RunSpec,
        header_text,
        run_evaluation,
        summaries,
        table_text,
        write_outputs,
    )

    models = tuple(m.strip() for m in args.models.split(",") if m.strip())
    if not models:
        raise UsageError("--models names no model")
    if len(set(models)) != len(models):
        raise UsageError("--models names a model twice")
    if args.attempts < 1:
        raise UsageError("--attempts must be at least 1")
    sheets = _sheets(args)
    host = settings.get("OLLAMA_HOST")
    client = ollama.Client(host=host, timeout=args.timeout)
    if args.mode == "template":
        raise UsageError("--mode template: no model writes in template mode, so there is "
                         "nothing to evaluate; use natural (production's writer), guided or "
                         "free")
    try:  # building a writer sends nothing: an unknown mode is a usage error
        make_writer(args.mode, client, LLMSettings(model=models[0], host=host))
    except ValueError as exc:
        raise UsageError(f"--mode: {exc}") from None
    options: dict[str, Any] = {"temperature": args.temperature, "seed": args.seed,
                               "num_predict": args.num_predict, "num_ctx": args.num_ctx}
    if args.num_thread:
        options["num_thread"] = args.num_thread
    spec = RunSpec(models=models, sheets=tuple(sheets), mode=args.mode, network=args.network,
                   max_attempts=args.attempts, options=options, host=host)
    try:
        run = run_evaluation(client, spec, progress=_say)
    except LLMError as exc:
        print(f"audience evaluate objective: {exc}", file=sys.stderr)
        return 1
    folder = args.out or DEFAULT_OUT / run.run_id
    paths = write_outputs(run, folder)
    print(header_text(run))
    print(table_text(summaries(run)))
    print(f"inputs sha256 {run.inputs_sha256[:16]}, drafts sha256 {run.drafts_sha256[:16]}")
    _say(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0


def run_forms(args: argparse.Namespace) -> int:
    from audience_assets.evaluation.forms import build_forms
    from audience_assets.evaluation.runs import load_run

    if args.reviewers < 1:
        raise UsageError("--reviewers must be at least 1")
    if args.per_sheet < 2:
        raise UsageError("--per-sheet must be at least 2 (reviewers choose the best two)")
    try:
        run = load_run(args.run)
        written = build_forms(run, args.reviewers, args.out, per_sheet=args.per_sheet,
                              seed=args.seed)
    except EvaluationInputError as exc:
        raise UsageError(str(exc)) from None
    for path in written.forms:
        print(path)
    _say(f"send the files in {written.forms_dir} to the reviewers; keep {written.key} apart "
         "(it says which model wrote each post)")
    return 0


def run_scores(args: argparse.Namespace) -> int:
    from audience_assets.evaluation.scores import (
        FormError,
        aggregate,
        read_forms,
        report_text,
        write_report,
    )

    try:
        scores = read_forms(args.files, args.key)
    except (FormError, EvaluationInputError) as exc:
        raise UsageError(str(exc)) from None
    report = aggregate(scores, alpha_level=args.alpha_level)
    print(report_text(report))
    if args.out:
        paths = write_report(report, args.out)
        _say(f"wrote {', '.join(str(p) for p in paths.values())}")
    return 0
