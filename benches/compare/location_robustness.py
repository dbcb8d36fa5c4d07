#!/usr/bin/env python3
"""How often the MCLP heuristic misses 99.9 % of the best known value, on instances it was not
tuned on: the eight families of issue 8 with generator seeds 2 and 3 (the families table uses
seed 1), 10,000 demand points x 300 candidates, p = 10 at r = 5, 10 and 20 km, p = 30 at 5 km and
p = 50 at 5 and 10 km (96 instances), each solved with several solver seeds (`--seed` seeds the
optional kicks and perturbation rounds; the default search does not use it since the tabu search,
so its four runs of an instance agree, while a `--kicks 4` variant's differ).

The reference of each instance is the best of:
- our certified mode (`--exact`, 60 s; `proven` when it finished, p = 10 only by default),
- two long heuristic runs (`--restarts 16 --perturbations 300`, seeds 5 and 6),
- every default run of this script.
For p = 50 the certified mode does not finish in minutes; the reference is then the best known,
not a proven optimum, and the table says so.

    python3 benches/compare/location_robustness.py --json /tmp/robust.json
    python3 benches/compare/location_robustness.py --variant "--no-relink --kicks 0 --restarts 6 --tabu 0"
    python3 benches/compare/location_robustness.py --report /tmp/robust.json

Other instances and settings: `--instance-seeds 4,5 --settings 10:20` (p:r_km pairs);
`--references OLD.json` takes the references of the instances an earlier run measured (and
skips their long and certified runs), raised when a run of this one finds better.

Runs use one thread (`RAYON_NUM_THREADS=1`) so that two can share the machine; times are the
in-process solve time of one run.
"""

import argparse
import json
import os
import shlex
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = ["towns", "uniform", "uniform-lognormal", "clustered-few", "clustered-many", "gauss-wide",
            "gauss-narrow", "pareto"]
# (p, radius_km)
SETTINGS = [(10, 10.0), (10, 5.0), (10, 20.0), (50, 10.0), (30, 5.0), (50, 5.0)]
INSTANCE_SEEDS = [2, 3]
ENV = dict(os.environ, RAYON_NUM_THREADS="1")


def solve(binary, directory, p, radius_km, extra):
    command = [str(binary), "solve", "--model", "mclp", "--p", str(p), "--radius-km", str(radius_km)]
    done = subprocess.run(command + extra + [str(directory)], capture_output=True, text=True, check=True,
                          env=ENV)
    out = dict(line.partition(": ")[::2] for line in done.stdout.splitlines())
    return {"objective": float(out["objective"]), "status": out.get("status", "-"),
            "bound": None if out["bound"] == "none" else float(out["bound"]),
            "time_ms": float(out["solve_ms_median"])}


def summary(rows, variant):
    misses, ratios, times = [], [], []
    for row in rows:
        for seed, run in row["runs"][variant].items():
            r = run["objective"] / row["reference"]
            ratios.append(r)
            times.append(run["time_ms"])
            if r < 0.999:
                misses.append(f"{row['instance']} p{row['p']} r{row['radius_km']:g} seed {seed}: {r:.5f}")
    times.sort()
    return {"runs": len(ratios), "below_99_9": len(misses), "below_1": sum(r < 1 for r in ratios),
            "min": min(ratios), "mean": sum(ratios) / len(ratios),
            "median_ms": times[len(times) // 2], "max_ms": times[-1], "misses": misses}


def report(rows):
    variants = list(rows[0]["runs"])
    print("| solver | runs | below 99.9 % | below the reference | worst | mean | median ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    for v in variants:
        s = summary(rows, v)
        print(f"| `{v or 'default'}` | {s['runs']} | {s['below_99_9']} | {s['below_1']} | {s['min']:.5f} | "
              f"{s['mean']:.6f} | {s['median_ms']:.1f} | {s['max_ms']:.1f} |")
    print("\n| p, r | solver | runs | below 99.9 % | worst | median ms |")
    print("|---|---|---|---|---|---|")
    for p, radius_km in sorted({(r["p"], r["radius_km"]) for r in rows}):
        subset = [r for r in rows if (r["p"], r["radius_km"]) == (p, radius_km)]
        for v in variants:
            s = summary(subset, v)
            print(f"| {p}, {radius_km:g} km | `{v or 'default'}` | {s['runs']} | {s['below_99_9']} | "
                  f"{s['min']:.5f} | {s['median_ms']:.1f} |")
    proven = sum(r["proven"] for r in rows)
    print(f"\nReferences: {proven} of {len(rows)} proven optimal by the certified mode; the others are "
          "the best known.")
    for v in variants:
        for line in summary(rows, v)["misses"]:
            print(f"- `{v or 'default'}` {line}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / "target/release/examples/location_csv"))
    parser.add_argument("--workdir", default="/tmp/ssmplan-location-robustness")
    parser.add_argument("--seeds", default="0,42,7,3", help="solver seeds of the runs")
    parser.add_argument("--variant", action="append", default=[],
                        help="extra solver options to compare with the default (repeatable)")
    parser.add_argument("--exact-p", type=int, default=10, help="largest p on which the certified mode runs")
    parser.add_argument("--exact-limit-s", type=float, default=60.0, help="time limit of the certified runs")
    parser.add_argument("--instance-seeds", default=",".join(map(str, INSTANCE_SEEDS)),
                        help="generator seeds of the instances")
    parser.add_argument("--settings", default=",".join(f"{p}:{r:g}" for p, r in SETTINGS),
                        help="p:radius_km pairs")
    parser.add_argument("--references", help="JSON of an earlier run whose references are reused")
    parser.add_argument("--json")
    parser.add_argument("--report")
    args = parser.parse_args()
    if args.report:
        report(json.loads(Path(args.report).read_text()))
        return
    binary = Path(args.bin)
    variants = [""] + args.variant
    seeds = [int(s) for s in args.seeds.split(",")]
    settings = [(int(p), float(r)) for p, r in (pair.split(":") for pair in args.settings.split(","))]
    known = {}
    if args.references:
        for old in json.loads(Path(args.references).read_text()):
            known[(old["instance"], old["p"], old["radius_km"])] = old
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} | binary {binary} | solver seeds {seeds}", flush=True)
    rows = []
    for family in FAMILIES:
        for instance_seed in [int(s) for s in args.instance_seeds.split(",")]:
            directory = Path(args.workdir) / f"{family}-s{instance_seed}"
            subprocess.run([str(binary), "gen", "--family", family, "--seed", str(instance_seed), "--demand",
                            "10000", "--candidates", "300", "--out", str(directory)], check=True,
                           capture_output=True)
            for p, radius_km in settings:
                row = {"instance": f"{family}-s{instance_seed}", "p": p, "radius_km": radius_km, "runs": {}}
                for v in variants:
                    row["runs"][v] = {str(s): solve(binary, directory, p, radius_km,
                                                    shlex.split(v) + ["--seed", str(s)]) for s in seeds}
                old = known.get((row["instance"], p, radius_km))
                if old:
                    long = [old["reference"]]
                    row["proven"] = old["proven"]
                    if "exact" in old:
                        row["exact"] = old["exact"]
                else:
                    long = [solve(binary, directory, p, radius_km,
                                  ["--restarts", "16", "--perturbations", "300", "--seed", str(s)])["objective"]
                            for s in (5, 6)]
                    row["proven"] = False
                if not old and p <= args.exact_p:
                    exact = solve(binary, directory, p, radius_km,
                                  ["--exact", "--time-limit-s", f"{args.exact_limit_s:g}"])
                    long.append(exact["objective"])
                    row["proven"] = exact["status"] == "optimal"
                    row["exact"] = exact
                found = [run["objective"] for runs in row["runs"].values() for run in runs.values()]
                row["reference"] = max(long + found)
                rows.append(row)
                worst = min(run["objective"] for run in row["runs"][""].values()) / row["reference"]
                print(f"  {row['instance']} p{p} r{radius_km:g}: reference {row['reference']} "
                      f"({'proven' if row['proven'] else 'best known'}), default worst {worst:.5f}", flush=True)
                if args.json:
                    Path(args.json).write_text(json.dumps(rows, indent=2))
    report(rows)


if __name__ == "__main__":
    main()
