"""The ``orgnet`` command: a thin layer over the library.

Every command turns library errors into one clear line on stderr and a non-zero
exit code (1 for bad input or an unreachable store, 2 for a bug, 130 when
interrupted); ``--debug`` or ``ORGNET_DEBUG=1`` shows the traceback.

Queries read from ``--uri`` (``file:city.orgnet``, ``neo4j://…``; default
``$NEO4J_URI``) or from ``--data FOLDER``, loaded into memory first. Neo4j
credentials come from ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` (never from the
command line, where other users of the machine could read them).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main", "build_parser"]

DEFAULT_YEAR = 2023


def _network(args: argparse.Namespace) -> Any:
    import orgnet

    if getattr(args, "data", None):
        net = orgnet.connect("memory://")
        net.load_folder(args.data, on_error="raise")
        return net
    uri = args.uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise orgnet.UnsupportedURI(
            "no data to query: pass --data FOLDER, or --uri file:PATH / neo4j://HOST:7687 "
            "(or set NEO4J_URI); load data first with `orgnet load FOLDER --to URI`"
        )
    return orgnet.connect(uri, database=getattr(args, "database", None))


def _emit(frame: Any, fmt: str) -> None:
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        import pandas as pd

        with pd.option_context("display.max_rows", 200, "display.width", 160,
                               "display.unicode.east_asian_width", True):
            from orgnet.labels import NOTHING_TO_COUNT

            print(frame.to_string(index=False, na_rep=NOTHING_TO_COUNT))


# ----------------------------------------------------------------------- commands


def cmd_demo(args: argparse.Namespace) -> int:
    """Generate a district, load it, answer the three questions, save plots."""
    import matplotlib

    matplotlib.use("Agg")
    import orgnet

    t0 = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"Generating a Zhenjiang-like {args.scale} (seed {args.seed}) …")
    ds = orgnet.synth.city(args.scale, seed=args.seed, year=args.year)
    net = orgnet.connect("memory://")
    report = net.load(ds, progress=not args.quiet)
    print(f"Loaded {sum(report.counts.values()):,} rows into the embedded store in {report.seconds:.1f}s.\n")

    from orgnet.report import write_report

    rep = write_report(net, out, year=args.year, betweenness="sample" if args.scale == "city" else "exact")
    cov, inf, chain, kpi = rep.coverage, rep.influence, rep.chain, rep.kpis
    print(f"== 覆盖缺口 Coverage gaps, {args.year} ==")
    _emit(cov.to_frame().assign(rate=lambda f: f["rate"].map(lambda r: "—" if r != r else f"{r:.1%}")), "table")

    print("\n== 结对共建影响力 Top units and orgs by influence ==")
    top = inf.to_frame().head(10)[["id", "name", "pairings", "districts", "cross_district", "activities", "pagerank"]]
    _emit(top.assign(pagerank=top["pagerank"].map("{:.4f}".format)), "table")

    if chain is not None:
        print(f"\n== 三提三知 Contact chain of household {chain.start_id} (broken at: {chain.broken_at}) ==")
        _emit(chain.to_frame(), "table")

    print(f"\n== 指标 KPIs, {args.year} ==")
    _emit(kpi.to_frame(), "table")
    names = ", ".join(p.name for p in rep.figures)
    print(f"\nSaved {len(rep.figures)} figures, summary.md and summary.xlsx to {out.resolve()}: {names}")
    print(f"Done in {time.perf_counter() - t0:.1f}s.")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write every figure and a one-page summary for a stored network."""
    import matplotlib

    matplotlib.use("Agg")
    from orgnet.report import write_report

    with _network(args) as net:
        from orgnet.queries.coverage import default_year

        year = args.year if args.year is not None else default_year(net.store)
        rep = write_report(net, args.out, year=year, area=args.area, level=args.level,
                           betweenness=args.betweenness)
    print(f"wrote {len(rep.figures)} figures, summary.md and summary.xlsx to {Path(args.out).resolve()}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    import orgnet
    from orgnet.io.messages import format_groups

    if getattr(args, "bulk", False) or getattr(args, "csv_only", False):
        return _load_bulk(args)
    net = orgnet.connect(args.to, database=args.database)
    try:
        report = net.load_folder(args.folder, on_error=args.on_error, batch_size=args.batch_size,
                                 progress=not args.quiet and not args.dry_run, sync=args.sync,
                                 dry_run=args.dry_run, encoding=args.encoding, header_row=args.header_row,
                                 unrecognised=args.unrecognised)
    except orgnet.InvalidData as exc:
        lines = format_groups(exc.problems, limit=50)
        print(f"error: {len(exc.problems)} problem(s) in {args.folder}; nothing was written:", file=sys.stderr)
        print("\n".join(lines), file=sys.stderr)
        print("Fix them (`orgnet validate FOLDER` lists them all), or load the valid rows with "
              "--on-error skip.", file=sys.stderr)
        return 1
    finally:
        net.close()
    print(f"{report} in {report.seconds:.1f}s into {net.store.uri}")
    for f in report.files:
        print(f"  read {f.source}: {f.kind}, {f.rows} row(s)" if f.status == "read" else f"  {f.status}: {f.source}")
    if report.rejects:
        print("rejected:")
        print("\n".join(format_groups(report.rejects, limit=200)))
    if report.warnings:
        print("warnings:")
        print("\n".join(format_groups(report.warnings, limit=200)))
    for label, ids in report.removed.items():
        verb = "would remove" if report.dry_run else "removed"
        print(f"{verb} {len(ids)} {label} node(s) no longer in the data: {' '.join(ids[:50])}"
              + (" …" if len(ids) > 50 else ""))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    import orgnet

    with orgnet.connect(args.to, database=args.database) as net:
        removed = net.delete(args.ids)
    print(f"removed {removed} of {len(set(args.ids))} node(s) (with their relationships) from {args.to}")
    return 0 if removed == len(set(args.ids)) else 3


def _load_bulk(args: argparse.Namespace) -> int:
    """``load --bulk``: a first load into a new Neo4j database directory with Neo4j's importer."""
    from orgnet.errors import InvalidArgument
    from orgnet.graph import neo4j_bulk

    target = Path(args.to)
    if "://" in args.to or args.to.startswith("file:"):
        raise InvalidArgument(
            f"--bulk writes a new database directory, so --to must be a directory, not {args.to!r}; "
            "to load into a running server, leave out --bulk"
        )
    run = not args.csv_only and neo4j_bulk.find_classpath() is not None
    result = neo4j_bulk.bulk_import(args.folder, target, on_error=args.on_error, run=run)
    files = result.files
    print(f"{result.report} checked in {result.seconds['check']:.1f}s; import files written to "
          f"{files.directory} in {result.seconds['write']:.1f}s")
    for reject in result.report.rejects:
        print(f"  rejected: {reject}")
    if run:
        print(f"imported {sum(files.counts.values())} nodes and relationships into "
              f"{target.resolve() / 'data' / 'databases' / neo4j_bulk.DATABASE} in {result.seconds['import']:.1f}s")
        print(f"serve it with a Neo4j 5.26 whose server.directories.data is {target.resolve() / 'data'} "
              f"(its first start with the project's server creates orgnet's constraint and indexes; "
              f"elsewhere run {files.schema} once with cypher-shell)")
    else:
        if not args.csv_only:
            print("no Neo4j jars found here to run the importer (set NEO4J_HOME to a Neo4j 5 installation); "
                  "on your Neo4j server's machine, with the database not created yet, run:")
        else:
            print("on your Neo4j server's machine, with the database not created yet, run:")
        print(files.command())
        print(f"then start Neo4j and create orgnet's constraint and indexes once: "
              f"cypher-shell -u neo4j -f {files.schema}")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    with _network(args) as net:
        report = net.coverage(args.year, area=args.area)
        if args.format == "table" and not args.gaps:
            print(f"year {report.year}" + (f", area {report.area}" if report.area else ""))
        if args.by:
            _emit(report.rollup_frame(args.by), args.format)
        elif args.gaps == "all" or args.xlsx:
            frame = report.gap_frame(None if args.gaps in (None, "all") else args.gaps)
            if args.xlsx:
                from orgnet.io.worklist import write_worklist

                out = write_worklist(frame, args.xlsx)
                print(f"wrote {len(frame):,} gaps, one sheet per subdistrict (工作清单), to {out}")
            else:
                _emit(frame, args.format)
        elif args.gaps:
            rule = report.rules.get(args.gaps)
            if rule is None:
                from orgnet.errors import InvalidArgument
                from orgnet.queries.coverage import RULES

                raise InvalidArgument(f"unknown rule {args.gaps!r}; the rules are {', '.join(RULES)}")
            print("\n".join(rule.gaps))
        else:
            _emit(report.to_frame(), args.format)
    return 0


def cmd_chain(args: argparse.Namespace) -> int:
    with _network(args) as net:
        chain = net.contact_chain(args.id, args.year)
        if args.format == "table":
            print(f"chain of {chain.start_id} (household {chain.household_id}); broken at: {chain.broken_at}")
        _emit(chain.to_frame(), args.format)
    return 0


def cmd_path(args: argparse.Namespace) -> int:
    with _network(args) as net:
        path = net.contact_path(args.a, args.b)
        print(" -> ".join(path) if path else f"no path between {args.a} and {args.b}")
    return 0 if path else 3


def cmd_influence(args: argparse.Namespace) -> int:
    with _network(args) as net:
        report = net.influence(betweenness=args.betweenness, samples=args.samples, year=args.year)
        frame = report.alliances_frame() if args.alliances else report.to_frame().head(args.top)
        _emit(frame, args.format)
        if report.betweenness_error_bound is not None:
            print(f"betweenness: {report.betweenness_method}", file=sys.stderr)
    return 0


def cmd_kpis(args: argparse.Namespace) -> int:
    with _network(args) as net:
        kpi_report = net.kpis(args.year, area=args.area)
        if args.format == "table":
            print(f"year {kpi_report.year}" + (f", area {kpi_report.area}" if kpi_report.area else ""))
        _emit(kpi_report.to_frame(), args.format)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with _network(args) as net:
        out = net.export(args.path, format=args.format, excel=args.excel, redact=args.redact)
    print(f"exported to {out}")
    return 0


def cmd_trend(args: argparse.Namespace) -> int:
    with _network(args) as net:
        report = net.trend(args.years, area=args.area)
        frame = report.to_frame().reset_index()
        if args.plot:
            import matplotlib

            matplotlib.use("Agg")
            report.plot().figure.savefig(args.plot, dpi=120, bbox_inches="tight")
        _emit(frame, args.format)
    return 0


def cmd_what_if(args: argparse.Namespace) -> int:
    with _network(args) as net:
        report = net.what_if(args.ids, args.year, area=args.area)
        if args.format == "table":
            print(f"year {report.year}: without {', '.join(report.withdrawn)}")
        _emit(report.to_frame(), args.format)
        if args.format == "table":
            for rule, ids in report.newly_uncovered.items():
                if ids:
                    print(f"newly uncovered, {rule}: {' '.join(ids)}")
    return 0


def cmd_critical(args: argparse.Namespace) -> int:
    import pandas as pd

    with _network(args) as net:
        actors = net.critical_actors(args.year, area=args.area)
        frame = pd.DataFrame([{"id": a.id, "sole": len(a.sole_communities),
                               "sole_communities": " ".join(a.sole_communities)} for a in actors],
                             columns=["id", "sole", "sole_communities"])
        _emit(frame, args.format)
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    with _network(args) as net:
        plan = net.recommend_pairings(args.year, area=args.area, capacity=args.capacity,
                                      same_district=not args.any_district)
        if args.xlsx:
            out = plan.to_xlsx(args.xlsx)
            print(f"wrote {len(plan.pairs)} proposed pairings to {out}")
        if args.format == "table":
            print(f"year {plan.year}: {len(plan.pairs)} new pairings, {len(plan.uncovered)} communities "
                  f"left uncovered, total cost {plan.total_cost}")
        _emit(plan.to_frame(), args.format)
        if args.format == "table" and plan.uncovered:
            print("uncovered: " + " ".join(plan.uncovered))
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    import orgnet

    ds = orgnet.synth.city(args.scale, seed=args.seed, year=args.year)
    out = ds.write(args.out, format=args.format, chinese_headers=args.chinese, chinese_values=args.chinese)
    print(f"wrote {ds.total():,} rows ({args.scale}, seed {args.seed}) to {out}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from orgnet.io.template import write_template

    out = write_template(args.file, overwrite=args.force)
    print(f"wrote an empty workbook to fill in: {out} (one sheet per file; hover a header for help)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from orgnet.io.load import check_folder

    report = check_folder(args.source, encoding=args.encoding, header_row=args.header_row,
                          unrecognised=args.unrecognised)
    if args.format == "json":
        print(report.to_json())
        return 1 if report.problems else 0
    print("\n".join(report.lines()))
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {args.source}; fix them, or load with --on-error skip "
              "to load the valid rows")
    else:
        print(f"{args.source}: no problems" + (f" ({len(report.warnings)} warning(s))" if report.warnings else ""))
    return 1 if report.problems else 0


# ------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``orgnet`` command."""
    parser = argparse.ArgumentParser(
        prog="orgnet",
        description="Party-building networks: coverage gaps, contact chains (三提三知), alliance influence, KPIs.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def source(p: argparse.ArgumentParser) -> None:
        p.add_argument("--uri", help="store to read: file:PATH or neo4j://HOST:7687 (default $NEO4J_URI)")
        p.add_argument("--data", metavar="FOLDER", help="load this data folder or .xlsx into memory and query it")
        p.add_argument("--database", help="Neo4j database (default $NEO4J_DATABASE or the server's default)")

    def betweenness_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--betweenness", choices=["exact", "sample"], default="exact",
                       help="exact (default) or estimated from --samples sampled shortest paths, with its error bound")
        p.add_argument("--samples", type=int, default=40_000)

    def read_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--encoding", help="encoding of the CSV files (default: detected; e.g. gbk, utf-16)")
        p.add_argument("--header-row", type=int, metavar="N", help="row number of the header (default: found)")
        p.add_argument("--unrecognised", choices=["error", "warn"], default="error",
                       help="a file or sheet with an unknown name: a problem (default) or a warning")

    def output(p: argparse.ArgumentParser) -> None:
        p.add_argument("--format", choices=["table", "csv", "json"], default="table")

    p = sub.add_parser("demo", help="generate a district, load it, print the answers, save plots")
    p.add_argument("--out", default="orgnet-demo", help="folder for the PNG figures (default ./orgnet-demo)")
    p.add_argument("--scale", default="district", choices=["tiny", "district", "city"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--year", type=int, default=DEFAULT_YEAR)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("load", help="load a data folder or .xlsx workbook into a store")
    p.add_argument("folder")
    p.add_argument("--to", required=True, metavar="URI", help="file:PATH or neo4j://HOST:7687")
    p.add_argument("--database")
    p.add_argument("--on-error", choices=["raise", "skip"], default="raise",
                   help="raise: load nothing if any row is bad (default); skip: load the valid rows")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--sync", action="store_true",
                   help="also remove stored nodes of the kinds in the folder, within its areas, that it no longer holds")
    p.add_argument("--dry-run", action="store_true",
                   help="check and list what would load (and, with --sync, what would be removed); write nothing")
    read_options(p)
    p.add_argument("--bulk", action="store_true",
                   help="first load into a NEW database: --to is a directory; writes Neo4j import CSVs "
                        "and runs Neo4j's importer (docs/bulk-import.md)")
    p.add_argument("--csv-only", action="store_true",
                   help="with --bulk: only write the CSVs and print the neo4j-admin command for your server")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("delete", help="remove nodes by id, with their relationships")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--to", required=True, metavar="URI", help="file:PATH or neo4j://HOST:7687")
    p.add_argument("--database")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("coverage", help="coverage gaps per rule")
    source(p)
    output(p)
    p.add_argument("--year", type=int)
    p.add_argument("--area", help="restrict to this area's subtree")
    p.add_argument("--by", choices=["district", "subdistrict", "community", "grid"], help="show the rollup instead")
    p.add_argument("--gaps", metavar="RULE", nargs="?", const="all",
                   help="list the gap ids of one rule; without a rule, every gap with names and places")
    p.add_argument("--xlsx", metavar="FILE", help="write the gaps as a work list, one sheet per subdistrict (工作清单)")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("chain", help="三提三知 contact chain of a household, person or matter")
    p.add_argument("id")
    p.add_argument("--year", type=int, help="roles held in that year (default: those not ended by today)")
    source(p)
    output(p)
    p.set_defaults(func=cmd_chain)

    p = sub.add_parser("path", help="shortest contact path between two ids")
    p.add_argument("a")
    p.add_argument("b")
    source(p)
    p.set_defaults(func=cmd_path)

    p = sub.add_parser("influence", help="units and orgs by influence")
    source(p)
    output(p)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--alliances", action="store_true", help="show alliances instead")
    p.add_argument("--year", type=int, help="pairings active and activities dated in that year")
    betweenness_options(p)
    p.set_defaults(func=cmd_influence)

    p = sub.add_parser("kpis", help="the seed document's figures")
    source(p)
    output(p)
    p.add_argument("--year", type=int)
    p.add_argument("--area")
    p.set_defaults(func=cmd_kpis)

    p = sub.add_parser("export", help="export to .graphml, .gexf, .jsonl or a CSV data folder")
    p.add_argument("path", type=Path)
    source(p)
    p.add_argument("--format", choices=["graphml", "gexf", "jsonl", "csv", "xlsx"])
    p.add_argument("--excel", action="store_true",
                   help="CSV as UTF-8 with BOM, so Excel on Chinese Windows opens it correctly")
    p.add_argument("--redact", action="store_true",
                   help="leave out people's names and phones and households' addresses")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("trend", help="every KPI and coverage rate, year by year")
    source(p)
    output(p)
    p.add_argument("--years", type=int, nargs="+", help="default: every year in registrations, matters, activities")
    p.add_argument("--area")
    p.add_argument("--plot", metavar="PNG", help="also save the small multiples")
    p.set_defaults(func=cmd_trend)

    p = sub.add_parser("what-if", help="coverage as if these nodes (and their relationships) did not exist")
    p.add_argument("ids", nargs="+")
    source(p)
    output(p)
    p.add_argument("--year", type=int)
    p.add_argument("--area")
    p.set_defaults(func=cmd_what_if)

    p = sub.add_parser("critical", help="units and orgs that alone pair some communities")
    source(p)
    output(p)
    p.add_argument("--year", type=int, help="pairings active in that year (default: today)")
    p.add_argument("--area")
    p.set_defaults(func=cmd_critical)

    p = sub.add_parser("recommend", help="propose new unit -> community pairings for the unpaired communities")
    source(p)
    output(p)
    p.add_argument("--year", type=int)
    p.add_argument("--area")
    p.add_argument("--capacity", type=int, default=2, help="most new communities per unit (default 2)")
    p.add_argument("--any-district", action="store_true", help="allow units from other districts")
    p.add_argument("--xlsx", metavar="FILE", help="also write the plan to this workbook")
    p.set_defaults(func=cmd_recommend)

    p = sub.add_parser("synth", help="write a generated data folder (a filled template)")
    p.add_argument("--out", required=True)
    p.add_argument("--scale", default="tiny", choices=["tiny", "district", "city"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--year", type=int, default=DEFAULT_YEAR)
    p.add_argument("--format", choices=["csv", "jsonl", "xlsx"], default="csv")
    p.add_argument("--chinese", action="store_true", help="Chinese headers, file names and coded values")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("report", help="write every figure and a one-page summary (Markdown) into a folder")
    source(p)
    p.add_argument("--out", required=True)
    p.add_argument("--year", type=int)
    p.add_argument("--area")
    p.add_argument("--level", choices=["district", "subdistrict"], help="rows of the coverage heat map")
    betweenness_options(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("template", help="write an empty .xlsx workbook to fill in, with help and drop-downs")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("validate", help="report every problem in a data folder or .xlsx, loading nothing")
    p.add_argument("source")
    p.add_argument("--format", choices=["text", "json"], default="text")
    read_options(p)
    p.set_defaults(func=cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``orgnet`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or os.environ.get("ORGNET_DEBUG") == "1"
    from orgnet.errors import OrgnetError

    try:
        code = int(args.func(args))
    except BrokenPipeError:  # `orgnet coverage | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (OrgnetError, ValueError, FileNotFoundError) as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback unasked
        if debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", file=sys.stderr)
        return 2
    sys.stdout.flush()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
