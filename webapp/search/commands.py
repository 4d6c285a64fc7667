"""`flask --app wsgi search reindex` and `flask --app wsgi search check [--fix]`."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from webapp.search.engine import IndexBusy
from webapp.search.index_service import get_service

search_cli = AppGroup("search", help="Full-text search index: rebuild and check.")


@search_cli.command("reindex")
@click.option("--procs", type=int, default=None, help="Indexing processes (default SEARCH_INDEX_PROCS).")
def reindex_command(procs):
    """Rebuild the whole index from the database into a new folder, then swap it in."""
    service = get_service()
    state = {"bar": None}

    def total(count):
        state["bar"] = click.progressbar(length=count, label="Indexing", show_pos=True)
        state["bar"].__enter__()

    def progress(step):
        if state["bar"] is not None:
            state["bar"].update(step)

    started = time.perf_counter()
    try:
        count = service.reindex(progress=progress, total=total, procs=procs)
    except IndexBusy as exc:
        raise click.ClickException(f"{exc}; try again in a moment") from exc
    finally:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
    click.echo(f"Indexed {count} records in {time.perf_counter() - started:.1f} s; "
               "the new index is live.")


@search_cli.command("check")
@click.option("--fix", is_flag=True, help="Re-index what is missing or stale, drop what is gone.")
def check_command(fix):
    """Report records missing from or stale in the index (and index entries with no record)."""
    report = get_service().check(fix=fix)
    if report.broken:
        click.echo("The index is missing or cannot be read." +
                   (" Rebuilt it." if report.fixed else " Run with --fix (or `search reindex`)."))
        raise SystemExit(0 if report.fixed else 1)
    for label, group in (("missing from the index", report.missing),
                         ("stale in the index", report.stale),
                         ("in the index but not in the database", report.extra)):
        for kind, ids in group.items():
            shown = ", ".join(ids[:20]) + (" …" if len(ids) > 20 else "")
            click.echo(f"{len(ids)} {kind} record(s) {label}: {shown}")
    if not report.problems:
        click.echo("The index matches the database.")
        return
    if report.fixed:
        click.echo("Fixed.")
    else:
        click.echo("Run with --fix to repair.")
        raise SystemExit(1)
