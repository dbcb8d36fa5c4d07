#!/usr/bin/env python3
"""ssmplan's location solver against the exact optimum (HiGHS, MIP gap 0) and spopt (CBC) on the
instance families of issue 8 (`crates/ssmplan-planner/src/location/families.rs`).

For each case: generate the seeded instance as CSV (`location_csv gen --family`), solve it with
ours (`location_csv solve`, minimum and median of `--repeat` in-process runs) and with the peers of
`--peers`, each in a child process under the `--timeout` cap (`location_peers.py`: `highs` is the
MIP in highspy, `spopt` is spopt's MCLP / PMedian `from_cost_matrix` solved by pulp's CBC; wall
time with model building), and print one Markdown row: ours / optimum, our gap (bound), our times,
HiGHS time and status, spopt time, status and spopt / optimum. With `--exact`, ours runs the
certified mode too. A peer left out of `--peers` is taken from `--reuse` when that file has it.

    python3 benches/compare/location_families.py --json /tmp/families.json
    python3 benches/compare/location_families.py --cases quick      # no p-median, fewer variants
    python3 benches/compare/location_families.py --peers spopt --reuse /tmp/families.json  # HiGHS reused
    python3 benches/compare/location_families.py --report /tmp/families.json
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from location_peers import ROOT, run_peer  # noqa: E402

# --peers name -> (key in the JSON rows, peer name in location_peers.py).
PEERS = {"highs": ("highs", "highs"), "spopt": ("spopt", "spopt-cbc")}

FAMILIES = ["towns", "uniform", "uniform-lognormal", "clustered-few", "clustered-many", "gauss-wide",
            "gauss-narrow", "pareto"]

# (family, model, demand, candidates, existing, p, radius_km)
FULL = (
    [(f, "mclp", 10_000, 300, 0, 10, 10.0) for f in FAMILIES]
    + [
        ("uniform", "mclp", 10_000, 300, 0, 10, 2.0),
        ("uniform", "mclp", 10_000, 300, 0, 10, 5.0),
        ("uniform", "mclp", 10_000, 300, 0, 10, 30.0),
        ("uniform", "mclp", 10_000, 300, 0, 1, 10.0),
        ("uniform", "mclp", 10_000, 300, 0, 50, 10.0),
        ("clustered-many", "mclp", 10_000, 300, 0, 50, 5.0),
        ("gauss-narrow", "mclp", 10_000, 300, 0, 50, 2.0),
        ("pareto", "mclp", 10_000, 300, 0, 30, 5.0),
        ("towns", "mclp", 10_000, 300, 66, 10, 10.0),
        ("uniform", "mclp", 10_000, 300, 30, 10, 10.0),
        ("clustered-many", "mclp", 10_000, 300, 30, 10, 10.0),
        ("uniform", "mclp", 10_000, 300, 0, 10, 20.0),
        ("gauss-wide", "mclp", 10_000, 300, 0, 10, 20.0),
        ("towns", "mclp", 10_000, 300, 0, 10, 20.0),
        ("gauss-wide", "mclp", 10_000, 300, 0, 50, 10.0),
    ]
    + [(f, "pmedian", 1_000, 300, 0, 10, None) for f in ["uniform", "clustered-few", "pareto"]]
)
QUICK = [c for c in FULL if c[1] == "mclp"][:12]


def run_ours(binary, family, model, directory, p, radius_km, repeat, extra):
    command = [str(binary), "solve", "--model", model, "--p", str(p), "--repeat", str(repeat)] + extra
    if radius_km:
        command += ["--radius-km", str(radius_km)]
    done = subprocess.run(command + [str(directory)], capture_output=True, text=True, check=True)
    out = dict(line.partition(": ")[::2] for line in done.stdout.splitlines())
    return {
        "time_min_s": float(out["solve_ms_min"]) / 1000.0,
        "time_median_s": float(out["solve_ms_median"]) / 1000.0,
        "objective": float(out["objective"]),
        "bound": None if out["bound"] == "none" else float(out["bound"]),
        "gap": None if out["gap"] == "none" else float(out["gap"]),
        "status": out.get("status", "-"),
        "chosen_ids": sorted(int(x) for x in out["chosen_ids"].split()),
    }


def optimum(row):
    """The exact optimum: HiGHS's when it proved it, else our certified mode's (marked *)."""
    if row["highs"].get("status") == "Optimal":
        return row["highs"]["objective"], ""
    if row.get("exact", {}).get("status") == "optimal":
        return row["exact"]["objective"], "*"
    return None, ""


def ratio(row, key="ours"):
    exact = optimum(row)[0]
    ours = row.get(key, {}).get("objective")
    if exact is None or ours is None:
        return None
    return ours / exact if row["model"] == "mclp" else exact / ours


def print_table(rows):
    head = ["family", "model", "size", "existing", "p", "r km", "ours / optimum", "our gap",
            "ours min / median ms", "HiGHS s", "HiGHS status"]
    if any("exact" in r for r in rows):
        head += ["exact ms", "exact status", "exact / optimum"]
    if any("spopt" in r for r in rows):
        head += ["spopt s", "spopt status", "spopt / optimum"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        ours, highs = r["ours"], r["highs"]
        q = ratio(r)
        mark = optimum(r)[1]
        cells = [r["family"], r["model"], r["size"], str(r["existing"]), str(r["p"]),
                 f"{r['radius_km']:g}" if r["radius_km"] else "-",
                 f"{q:.6f}{mark}" if q is not None else "n/a",
                 f"{ours['gap']:.1e}" if ours["gap"] is not None else "-",
                 f"{ours['time_min_s'] * 1000:.1f} / {ours['time_median_s'] * 1000:.1f}",
                 f"{highs['time_s']:.1f}" if highs.get("time_s") is not None else "-",
                 str(highs.get("status"))]
        if any("exact" in x for x in rows) and "exact" not in r:
            cells += ["-", "-", "-"]
        if "exact" in r:
            e = r["exact"]
            qe = ratio(r, "exact")
            status = e["status"] if e["status"] == "optimal" else f"{e['status']}, gap {e['gap']:.1e}"
            cells += [f"{e['time_median_s'] * 1000:.0f}", status, f"{qe:.6f}{mark}" if qe is not None else "n/a"]
        if any("spopt" in x for x in rows):
            s = r.get("spopt", {})
            qs = ratio(r, "spopt")
            cells += [f"{s['time_s']:.1f}" if s.get("time_s") is not None else "-", str(s.get("status", "-")),
                      f"{qs:.6f}{mark}" if qs is not None else "n/a"]
        print("| " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="full", choices=["full", "quick"])
    parser.add_argument("--only", help="comma-separated case numbers (0-based) to run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0, help="cap per peer and case, seconds")
    parser.add_argument("--peers", default="highs,spopt",
                        help="comma-separated peers to run: highs, spopt (default: both)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of our solver")
    parser.add_argument("--exact", action="store_true", help="also run our certified mode (--exact)")
    parser.add_argument("--no-highs", action="store_true", help="same as leaving highs out of --peers")
    parser.add_argument("--reuse", help="a previous --json whose results of the peers not run are reused")
    parser.add_argument("--workdir", default="/tmp/ssmplan-location-families")
    parser.add_argument("--bin", help="location_csv binary (default: build it with cargo)")
    parser.add_argument("--json", help="write the results here (rewritten after each case)")
    parser.add_argument("--report", help="print the table of a saved --json file and exit")
    args = parser.parse_args()
    if args.report:
        print_table(json.loads(Path(args.report).read_text()))
        return
    binary = Path(args.bin) if args.bin else None
    if binary is None:
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        subprocess.run(["cargo", "build", "--release", "-p", "ssmplan-planner", "--example", "location_csv"],
                       cwd=ROOT, check=True)
        binary = target / "release" / "examples" / "location_csv"
    cases = FULL if args.cases == "full" else QUICK
    chosen = range(len(cases)) if not args.only else [int(x) for x in args.only.split(",")]
    peers = [x for x in args.peers.split(",") if x]
    unknown = [x for x in peers if x not in PEERS]
    if unknown:
        parser.error(f"unknown peer(s) {', '.join(unknown)}; known: {', '.join(PEERS)}")
    if args.no_highs:
        peers = [x for x in peers if x != "highs"]
    reuse = {}
    if args.reuse:
        for r in json.loads(Path(args.reuse).read_text()):
            reuse[r["key"]] = r
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} | {platform.machine()} | {os.cpu_count()} cores | "
          f"load {os.getloadavg()[0]:.2f} | seed {args.seed} | peers {','.join(peers) or '-'} | "
          f"binary {binary} ({time.strftime('%Y-%m-%d %H:%M', time.localtime(binary.stat().st_mtime))})",
          flush=True)
    rows = []
    for k in chosen:
        family, model, n, m, existing, p, radius_km = cases[k]
        key = f"{family}-{model}-{n}x{m}-e{existing}-p{p}-r{radius_km}-s{args.seed}"
        directory = Path(args.workdir) / f"{family}-{n}x{m}-e{existing}-seed{args.seed}"
        subprocess.run([str(binary), "gen", "--family", family, "--seed", str(args.seed), "--demand", str(n),
                        "--candidates", str(m), "--existing", str(existing), "--out", str(directory)],
                       check=True, capture_output=True)
        load = os.getloadavg()[0]
        ours = run_ours(binary, family, model, directory, p, radius_km, args.repeat, [])
        row = {"key": key, "family": family, "model": model, "size": f"{n} x {m}", "existing": existing,
               "p": p, "radius_km": radius_km, "ours": ours, "load": load}
        if args.exact and model in ("mclp", "pmedian"):
            row["exact"] = run_ours(binary, family, model, directory, p, radius_km, 1,
                                    ["--exact", "--time-limit-s", "60"])
        for name, (field, peer) in PEERS.items():
            if name in peers:
                row[field] = run_peer(peer, model, directory, p, radius_km * 1000.0 if radius_km else None,
                                      args.timeout)
                row[field]["load_before"] = load
            elif field in reuse.get(key, {}):
                row[field] = dict(reuse[key][field], reused_from=Path(args.reuse).name)
            elif field == "highs":
                row["highs"] = {"status": "not run"}
        rows.append(row)
        q = ratio(row)
        line = (f"  {key}: ours {ours['objective']} ({ours['time_median_s'] * 1000:.1f} ms, gap {ours['gap']}) "
                f"highs {row['highs'].get('objective')} {row['highs'].get('status')} {row['highs'].get('time_s')} s ")
        if "spopt" in row:
            line += (f"spopt {row['spopt'].get('objective')} {row['spopt'].get('status')} "
                     f"{row['spopt'].get('time_s')} s spopt/optimum {ratio(row, 'spopt')} ")
        print(line + f"ours/optimum {q} load {load:.2f}", flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=2))
    print_table(rows)
    print("\n* optimum proved by our certified mode (HiGHS did not finish).")


if __name__ == "__main__":
    main()
