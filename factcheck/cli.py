"""The command line: each command parses its arguments, calls the library, prints the result.

This is the only module that turns FactcheckError into a message and an exit code:
0 ok, 1 claims that fail their `expect` (factcheck test), 2 usage or input errors.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import shlex
import sys
from pathlib import Path

import click

from factcheck import __version__
from factcheck.corpus.claims import add_claim, load_claims
from factcheck.config import Settings
from factcheck.errors import FactcheckError
from factcheck.model import VERDICTS
from factcheck.pipeline import Checker
from factcheck.render import FORMATS, VERDICT_LABELS, write_reports

INPUT_ERROR = 2
TEST_FAILURE = 1
NO_CLAIMS = "no claims to check: the claims files are empty or every claim in them is invalid"
# Input problems printed on the terminal; the reports list them all.
MAX_PROBLEMS_SHOWN = 20


class UserError(click.ClickException):
    exit_code = INPUT_ERROR


class FactcheckGroup(click.Group):
    """Turns the library's user errors into one-line messages (and a hint) with exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FactcheckError as exc:
            message = str(exc)
            if exc.hint:
                message += f"\nHint: {exc.hint}"
            raise UserError(message) from None


def _setup_logging(quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    log = logging.getLogger("factcheck")
    log.handlers[:] = [handler]
    log.setLevel(logging.ERROR if quiet else logging.WARNING)
    log.propagate = False


def corpus_options(function):
    """--corpus, --db and --wait, shared by the commands that read a corpus."""
    @click.option("--corpus", "corpus", required=True,
                  type=click.Path(exists=True, file_okay=False, path_type=Path),
                  help="Folder of dated sources (read recursively).")
    @click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Index database [default: CORPUS/.factcheck/index.db].")
    @click.option("--wait", type=float, default=30.0, show_default=True,
                  help="Seconds to wait for another run that is writing the same index.")
    @click.option("--blank", is_flag=True,
                  help="Use blank spaCy pipelines (fast, approximate) even if trained ones are installed.")
    @shards_option
    @config_option
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)
    return wrapper


shards_option = click.option(
    "--shards", type=click.IntRange(min=1), default=None,
    help="Shard files the index is split into, by corpus file [default: the settings', 1]; "
         "see README, Scaling out.")
cluster_option = click.option(
    "--cluster", "cluster_address", default=None, metavar="ADDRESS",
    help="Run on Dask: local (one worker per core), local:N, or a scheduler's tcp://HOST:8786.")


@contextlib.contextmanager
def _cluster(address: str | None):
    """A Dask cluster for the run, or None (Dask is then never imported)."""
    if not address:
        yield None
        return
    from factcheck.cluster import Cluster

    with Cluster.start(address) as cluster:
        yield cluster


config_option = click.option(
    "--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
    help="Settings from a TOML file, by stage ([retrieve], [stance], ...); see README, Settings.")


def weights_options(function):
    """--stance-model and --verdict-model, for the commands that decide verdicts."""
    @click.option("--stance-model", default=None,
                  help="Stance weights: a file of factcheck/data (e.g. stance_model_learned.json) or a "
                       "path [default: the settings', stance_model.json].")
    @click.option("--verdict-model", default=None,
                  help="A learned weighing of each claim's evidence (e.g. verdict_model_learned.json) "
                       "instead of the rules.")
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)
    return wrapper


def _settings(config: Path | None, blank: bool, stance_model: str | None = None,
              verdict_model: str | None = None, shards: int | None = None) -> Settings:
    """The run's settings: the config file's (or the defaults), then what the options say."""
    settings = Settings.from_toml(config) if config else Settings()
    changes: dict[str, dict] = {}
    if blank:
        changes["nlp"] = {"trained": False}
    if shards:
        changes["index"] = {"shards": shards}
    if stance_model:
        changes["stance"] = {"model": stance_model}
    if verdict_model:
        changes["verdict"] = {"model": verdict_model}
    return settings.replace(**changes) if changes else settings


def _progress():
    """A progress callback drawing a bar on a terminal, and nothing otherwise."""
    if not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeRemainingColumn(), TextColumn("{task.fields[item]}"), transient=True)
    task = {}

    def update(item: str, done: int, total: int) -> None:
        if "id" not in task:
            progress.start()
            task["id"] = progress.add_task("indexing", total=total, item="")
        progress.update(task["id"], completed=done - 1, total=total, item=item[-50:])

    return update, progress


@click.group(cls=FactcheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="factcheck")
@click.option("--quiet", "-q", is_flag=True, help="Only errors on stderr.")
def cli(quiet: bool) -> None:
    """Check claims against a folder of dated primary sources.

    Index the sources, check a claims file, read the reports: every verdict comes with
    the sentences that support or contradict the claim, who wrote them and when.
    """
    _setup_logging(quiet)


@cli.command()
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Index database [default: CORPUS/.factcheck/index.db].")
@click.option("--wait", type=float, default=30.0, show_default=True,
              help="Seconds to wait for another run that is writing the same index.")
@click.option("--strict", is_flag=True, help="Exit with code 2 if any input could not be read.")
@click.option("--blank", is_flag=True, help="Use blank spaCy pipelines even if trained ones are installed.")
@shards_option
@cluster_option
@config_option
def index(corpus: Path, db: Path | None, wait: float, strict: bool, blank: bool, shards: int | None,
          cluster_address: str | None, config: Path | None) -> None:
    """Index CORPUS (incremental: unchanged files are not read again)."""
    update, bar = _progress()
    try:
        with _cluster(cluster_address) as cluster, \
                Checker(corpus, db=db, settings=_settings(config, blank, shards=shards), progress=update,
                        wait=wait, cluster=cluster) as checker:
            report, summary = checker.index_report, checker.summary()
    finally:
        if bar is not None:
            bar.stop()
    click.echo(f"Indexed {corpus} in {report.seconds:.1f} s: {len(report.added)} added, "
               f"{len(report.updated)} updated, {len(report.removed)} removed, "
               f"{report.unchanged} unchanged files" + (" (rebuilt: aliases or settings changed)"
                                                        if report.rebuilt else ""))
    _print_summary(summary)
    if strict and summary.errors:
        raise UserError(f"{len(summary.errors)} input problem(s) (--strict)")


def _print_summary(summary) -> None:
    languages = ", ".join(f"{k} {v}" for k, v in summary.languages.items()) or "none"
    dates = f"{summary.first_date[:10]} to {summary.last_date[:10]}" if summary.first_date else "no dates"
    click.echo(f"Corpus: {summary.documents} documents, {summary.sentences} sentences, "
               f"{summary.files} files; languages: {languages}; {dates}; "
               f"{summary.undated} undated, {summary.unattributed} unattributed")
    _print_problems([f"error: {p}" for p in summary.errors] + [f"skipped: {s}" for s in summary.skipped])
    if summary.errors:
        click.echo(f"{len(summary.errors)} input problem(s); the rest of the corpus was indexed.", err=True)


def _print_problems(lines: list[str]) -> None:
    for line in lines[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"  {line}", err=True)
    if len(lines) > MAX_PROBLEMS_SHOWN:
        click.echo(f"  … and {len(lines) - MAX_PROBLEMS_SHOWN} more (all of them are in the reports)", err=True)


def _load(claims_files: tuple[Path, ...]):
    claims, errors = load_claims(list(claims_files))
    for error in errors:
        click.echo(f"error: {error}", err=True)
    return claims, errors


@cli.command()
@click.argument("claims_files", metavar="CLAIMS...", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@corpus_options
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports.")
@click.option("--format", "formats", default="json,md,html", show_default=True,
              help=f"Comma-separated outputs among: {', '.join(FORMATS)}.")
@click.option("--title", default="Claim check", show_default=True, help="Title of the reports.")
@click.option("--strict", is_flag=True, help="Exit with code 2 if any input could not be read.")
@click.option("--base-url", default=None, help="Where the reports will be published (https://…/): "
              "ClaimReview `url`s become absolute.")
@click.option("--publisher", default=None, help="The organisation publishing the fact checks (ClaimReview `author`).")
@click.option("--publisher-url", default=None, help="The publisher's web site.")
@weights_options
@cluster_option
def check(claims_files, corpus, db, wait, blank, shards, config, out, formats, title, strict, base_url,
          publisher, publisher_url, stance_model, verdict_model, cluster_address) -> None:
    """Check CLAIMS files against the corpus and write reports into --out."""
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise click.BadParameter(f"unknown format(s) {', '.join(unknown)}; choose among {', '.join(FORMATS)}",
                                 param_hint="--format")
    claims, errors = _load(claims_files)
    if not claims:
        raise UserError(NO_CLAIMS)
    settings = _settings(config, blank, stance_model, verdict_model, shards)
    with _cluster(cluster_address) as cluster, \
            Checker(corpus, db=db, settings=settings, wait=wait, cluster=cluster) as checker:
        report = checker.check(claims, claim_errors=[str(e) for e in errors])
    command = _command_line(claims_files, corpus=corpus, out=out, format=",".join(chosen), title=title,
                            blank=blank, stance_model=stance_model, verdict_model=verdict_model,
                            base_url=base_url, publisher=publisher, publisher_url=publisher_url)
    written = write_reports(report, out, formats=chosen, title=title, command=command, base_url=base_url,
                            publisher=publisher, publisher_url=publisher_url)
    counts = ", ".join(f"{sum(v.verdict == k for v in report.verdicts)} {VERDICT_LABELS[k].lower()}"
                       for k in VERDICTS)
    click.echo(f"Checked {len(report.verdicts)} claims: {counts}")
    for path in written:
        click.echo(f"  wrote {path}")
    problems = len(report.corpus.errors) + len(errors)
    if problems:
        # Claims files' problems were printed as they were read; the corpus's are printed here.
        _print_problems([f"error: {p}" for p in report.corpus.errors])
        click.echo(f"{problems} input problem(s); the reports list them too.", err=True)
        if strict:
            raise UserError(f"{problems} input problem(s) (--strict)")


def _command_line(claims_files, **options) -> str:
    """The `factcheck check` command that reproduces a run, for the report's reader."""
    words = ["factcheck", "check", *map(str, claims_files)]
    defaults = {"blank": False, "stance_model": "stance_model.json"}
    for name, value in options.items():
        if value is None or value is False or defaults.get(name) == value:
            continue
        words.append("--" + name.replace("_", "-"))
        if value is not True:
            words.append(str(value))
    return " ".join(shlex.quote(w) for w in words)


@cli.command()
@click.argument("claims_files", metavar="CLAIMS...", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@corpus_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write the reports into this folder.")
@weights_options
@cluster_option
def test(claims_files, corpus, db, wait, blank, shards, config, out, stance_model, verdict_model,
         cluster_address) -> None:
    """Run CLAIMS as regression tests: every claim's verdict must equal its `expect`."""
    claims, errors = _load(claims_files)
    if errors:
        raise UserError(f"{len(errors)} invalid claim(s): fix them first")
    if not claims:
        raise UserError(NO_CLAIMS)
    settings = _settings(config, blank, stance_model, verdict_model, shards)
    with _cluster(cluster_address) as cluster, \
            Checker(corpus, db=db, settings=settings, wait=wait, cluster=cluster) as checker:
        report = checker.check(claims)
    if out is not None:
        write_reports(report, out)
    passed = failed = 0
    for v in report.verdicts:
        if v.passed is None:
            continue
        if v.passed:
            passed += 1
        else:
            failed += 1
            click.echo(f"FAIL {v.claim.id}: expected {v.claim.expect}, got {v.verdict} "
                       f"({v.confidence:.2f}) — {v.claim.text}")
            click.echo(f"     {v.rationale}")
    unexpected = sum(v.passed is None for v in report.verdicts)
    if unexpected:
        click.echo(f"{unexpected} claim(s) without `expect` were checked but not tested")
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        sys.exit(TEST_FAILURE)


@cli.command("add-claim")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("text")
@click.option("--speaker", help="Who made the claim.")
@click.option("--date", help="When the claim was made (2024-11-14, 2017-09, 2017...).")
@click.option("--lang", help="Language of the claim (en, fr...).")
@click.option("--expect", type=click.Choice(VERDICTS), help="The verdict the claim should get.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--note", help="A note for readers of the claims file.")
@click.option("--id", "claim_id", help="The claim's id [default: the next in the file's numbering].")
def add_claim_command(file, text, speaker, date, lang, expect, tags, note, claim_id) -> None:
    """Append a claim to FILE with a fresh id; the rest of the file is kept byte for byte."""
    claim = add_claim(file, text, speaker=speaker, date=date, lang=lang, expect=expect,
                      tags=tuple(tags), note=note, claim_id=claim_id)
    click.echo(f"Added {claim.id} to {file} (line {claim.provenance.line})")


@cli.command()
@click.argument("query")
@corpus_options
@click.option("--limit", default=10, show_default=True, help="How many sentences to show.")
@click.option("--lang", help="Language of the query [default: guessed].")
def search(query, corpus, db, wait, blank, shards, config, limit, lang) -> None:
    """Show the corpus sentences most relevant to QUERY, best first."""
    with Checker(corpus, db=db, settings=_settings(config, blank, shards=shards), wait=wait) as checker:
        results = checker.search(query, limit=limit, lang=lang)
    if not results:
        click.echo("No matching sentence.")
        return
    for rank, e in enumerate(results, start=1):
        when = e.date.iso[:16].replace("T", " ") if e.date else "undated"
        who = e.author or "unattributed"
        quoted = " (quoted)" if e.quoted else ""
        click.echo(f"{rank:>2}. [{e.score:5.1f}] {when} · {who}{quoted} · {e.doc_id}")
        click.echo(f"    {' '.join(e.text.split())}")


@cli.command("pairs")
@click.argument("pairs_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the results (JSONL) [default: standard output].")
@click.option("--strict", is_flag=True, help="Exit with code 2 if any line could not be read.")
@click.option("--blank", is_flag=True, help="Use blank spaCy pipelines even if trained ones are installed.")
@config_option
@weights_options
def pairs_command(pairs_file: Path, out: Path | None, strict: bool, blank: bool, config: Path | None,
                  stance_model: str | None, verdict_model: str | None) -> None:
    """Stance of given claim-evidence pairs (JSONL in, JSONL out, one line per input line)."""
    from factcheck.atomic import atomic_write
    from factcheck.pairs import LABELS, PairJudge, agreement, read_pairs

    items = list(read_pairs(pairs_file))
    errors = [i for i in items if isinstance(i, FactcheckError)]
    judged = iter(PairJudge(_settings(config, blank, stance_model, verdict_model)).judge(
        i for i in items if not isinstance(i, FactcheckError)))
    lines, results = [], []
    for item in items:
        if isinstance(item, FactcheckError):
            lines.append(json.dumps({"line": item.line, "error": item.reason}, ensure_ascii=False))
        else:
            results.append(next(judged))
            lines.append(json.dumps(results[-1].to_dict(), ensure_ascii=False))
    text = "\n".join(lines) + ("\n" if lines else "")
    if out:
        atomic_write(out, text)
        click.echo(f"{len(items) - len(errors)} pairs judged, {len(errors)} bad lines: wrote {out}", err=True)
    else:
        click.echo(text, nl=False)
    found = agreement(results)
    if found:
        recall = ", ".join(f"{label} {found['recall'][label]:.2f}" for label in LABELS
                           if any(found["confusion"][label].values()))
        click.echo(f"{found['n']} labelled pairs: accuracy {found['accuracy']:.3f}, macro-F1 "
                   f"{found['macro_f1']:.3f}; recall {recall}", err=True)
    for error in errors[:20]:
        click.echo(f"error: {error}", err=True)
    if len(errors) > 20:
        click.echo(f"... and {len(errors) - 20} more", err=True)
    if strict and errors:
        sys.exit(INPUT_ERROR)


def main() -> None:
    cli(prog_name="factcheck")


if __name__ == "__main__":
    main()
