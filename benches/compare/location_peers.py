#!/usr/bin/env python3
"""Compare ssmplan's location solvers with Python peers on the same seeded instances.

The instances come from our generator (`location_csv gen`, see
crates/ssmplan-planner/examples/location_csv.rs) and are written to CSV, so every solver reads
exactly the same numbers (coordinates rounded to the metre, weights exact). Peers:

- ``highs``: the textbook MIP built directly in highspy (HiGHS), ``mip_rel_gap = 0``, 2 threads:
  MCLP with one coverage variable per demand point (coverage lists from a k-d tree), p-median
  with one assignment variable per demand-candidate pair. Its optimum is the reference for the
  ratio column.
- ``spopt-cbc``: spopt's ``MCLP`` / ``PMedian`` ``from_cost_matrix`` (dense scipy cost matrix),
  solved with ``pulp.PULP_CBC_CMD(msg=False)``. Existing sites (``existing.csv``, used by
  ``location_families.py``) are handled by both peers the same way: MCLP drops the demand they
  cover and adds its weight back, p-median fixes them open outside the sum = p row.
- ``ssmplan``: our ``location_csv solve`` (release build), minimum over ``--repeat`` runs of the
  in-process solve time (R-tree and lists included, CSV reading excluded).

Each peer runs in a child process under ``--timeout`` seconds (wall clock, model building
included). Usage::

    python3 benches/compare/location_peers.py --timeout 600 [--seeds 1,2,3] [--workdir /tmp/loc-peers]
        [--bin target/release/examples/location_csv] [--peers highs,spopt-cbc] [--json out.json]
    python3 benches/compare/location_peers.py --report out.json
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The sizes: (model, demand, candidates, p, radius_km).
CASES = [
    ("mclp", 10_000, 300, 10, 10.0),
    ("pmedian", 1_000, 300, 10, None),
]


def load(directory):
    import numpy as np

    demand = np.loadtxt(Path(directory) / "demand.csv", delimiter=",", skiprows=1, ndmin=2)
    candidates = np.loadtxt(Path(directory) / "candidates.csv", delimiter=",", skiprows=1, ndmin=2)
    return demand[:, 1:3], demand[:, 3], candidates[:, 1:3], candidates[:, 0].astype(int)


def load_existing(directory):
    """Existing sites (always open), an empty (0, 2) array when the instance has none."""
    import numpy as np

    path = Path(directory) / "existing.csv"
    if not path.exists():
        return np.zeros((0, 2))
    return np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)[:, 1:3]


def drop_covered(xy, w, exy, radius_m):
    """MCLP with existing sites: demand within the radius of an existing site is covered whatever
    is chosen. Returns the remaining demand (xy, w) and the weight dropped (added back to the
    objective)."""
    from scipy.spatial import cKDTree

    near = cKDTree(exy).query(xy, distance_upper_bound=radius_m * 1.000001)[0] <= radius_m
    return xy[~near], w[~near], float(w[near].sum())


def peer_highs(model, directory, p, radius_m, time_limit=None):
    import highspy
    import numpy as np
    from scipy.spatial import cKDTree
    from scipy.spatial.distance import cdist

    xy, w, cxy, cid = load(directory)
    exy = load_existing(directory)
    start = time.perf_counter()
    baseline = 0.0
    if model == "mclp" and len(exy):
        xy, w, baseline = drop_covered(xy, w, exy, radius_m)
    elif model == "pmedian" and len(exy):
        # Existing sites are candidates fixed open (bounds [1, 1], outside the sum = p row).
        cxy = np.vstack([cxy, exy])
    n, m = len(xy), len(cxy)
    m_new = len(cid)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", 2)
    if time_limit:
        h.setOptionValue("time_limit", float(time_limit))
    inf = highspy.kHighsInf
    integer = np.array([highspy.HighsVarType.kInteger] * m)
    if model == "mclp":
        # x_j (m binaries), then y_i in [0, 1] (n): max sum w y, y_i <= sum_{j covers i} x_j, sum x = p.
        lists = cKDTree(cxy).query_ball_point(xy, radius_m)
        h.addVars(m + n, np.zeros(m + n), np.ones(m + n))
        h.changeColsCost(m + n, np.arange(m + n, dtype=np.int32), np.concatenate([np.zeros(m), -w]))
        h.changeColsIntegrality(m, np.arange(m, dtype=np.int32), integer)
        starts, index, value = [], [], []
        for i, cover in enumerate(lists):
            starts.append(len(index))
            index.append(m + i)
            value.append(1.0)
            index.extend(cover)
            value.extend([-1.0] * len(cover))
        h.addRows(n, np.full(n, -inf), np.zeros(n), len(index), np.array(starts, dtype=np.int32),
                  np.array(index, dtype=np.int32), np.array(value))
    else:
        # y_j (m binaries), then x_ij in [0, 1] (n * m): min sum w_i d_ij x_ij,
        # sum_j x_ij = 1, x_ij <= y_j, sum y = p.
        cost = (w[:, None] * cdist(xy, cxy)).ravel()
        size = m + n * m
        lower = np.zeros(size)
        lower[m_new:m] = 1.0
        h.addVars(size, lower, np.ones(size))
        h.changeColsCost(size, np.arange(size, dtype=np.int32), np.concatenate([np.zeros(m), cost]))
        h.changeColsIntegrality(m, np.arange(m, dtype=np.int32), integer)
        h.addRows(n, np.ones(n), np.ones(n), n * m, (np.arange(n) * m).astype(np.int32),
                  (m + np.arange(n * m)).astype(np.int32), np.ones(n * m))
        index = np.empty(2 * n * m, dtype=np.int32)
        index[0::2] = m + np.arange(n * m)
        index[1::2] = np.tile(np.arange(m), n)
        value = np.empty(2 * n * m)
        value[0::2] = 1.0
        value[1::2] = -1.0
        h.addRows(n * m, np.full(n * m, -inf), np.zeros(n * m), 2 * n * m,
                  (np.arange(n * m) * 2).astype(np.int32), index, value)
    h.addRow(p, p, m_new, np.arange(m_new, dtype=np.int32), np.ones(m_new))
    h.run()
    elapsed = time.perf_counter() - start
    info = h.getInfo()
    sign = -1.0 if model == "mclp" else 1.0
    x = np.array(h.getSolution().col_value[:m_new])
    return {
        "time_s": elapsed,
        "objective": sign * info.objective_function_value + baseline,
        "dual_bound": sign * info.mip_dual_bound + baseline,
        "status": h.modelStatusToString(h.getModelStatus()),
        "chosen_ids": sorted(int(cid[j]) for j in np.flatnonzero(x > 0.5)),
    }


def peer_spopt(model, directory, p, radius_m):
    """spopt's MCLP / PMedian from a dense cost matrix, CBC through pulp. Existing sites as for
    HiGHS: MCLP drops the demand they cover (added back to the objective); p-median appends them
    to the candidates, fixed open with spopt's ``predefined_facilities_arr``, p raised by their
    count (spopt's sum = p row counts every facility)."""
    import inspect

    import numpy as np
    import pulp
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP, PMedian

    xy, w, cxy, cid = load(directory)
    exy = load_existing(directory)
    m_new = len(cid)
    if model == "pmedian" and len(exy) and \
            "predefined_facilities_arr" not in inspect.signature(PMedian.from_cost_matrix).parameters:
        return {"time_s": None, "objective": None, "status": "not supported (existing sites)"}
    start = time.perf_counter()
    baseline = 0.0
    if model == "mclp" and len(exy):
        xy, w, baseline = drop_covered(xy, w, exy, radius_m)
    if model == "mclp":
        cost = cdist(xy, cxy)
        problem = MCLP.from_cost_matrix(cost, w, service_radius=radius_m, p_facilities=p)
    elif len(exy):
        cxy = np.vstack([cxy, exy])
        fixed = np.zeros(len(cxy), dtype=int)
        fixed[m_new:] = 1
        cost = cdist(xy, cxy)
        problem = PMedian.from_cost_matrix(cost, w, p_facilities=p + len(exy), predefined_facilities_arr=fixed)
    else:
        cost = cdist(xy, cxy)
        problem = PMedian.from_cost_matrix(cost, w, p_facilities=p)
    problem = problem.solve(pulp.PULP_CBC_CMD(msg=False))
    elapsed = time.perf_counter() - start
    chosen = [int(cid[j]) for j, v in enumerate(problem.fac_vars[:m_new]) if v.value() and v.value() > 0.5]
    return {
        "time_s": elapsed,
        "objective": float(pulp.value(problem.problem.objective)) + baseline,
        "status": pulp.LpStatus[problem.problem.status],
        "chosen_ids": sorted(chosen),
    }


PEERS = {"highs": peer_highs, "spopt-cbc": peer_spopt}


def run_peer(name, model, directory, p, radius_m, timeout):
    """Runs one peer in a child process; returns its result or a timeout/error record."""
    command = [sys.executable, __file__, "--peer", name, "--model", model, "--p", str(p),
               "--radius-km", str(radius_m / 1000.0 if radius_m else 0), str(directory)]
    start = time.perf_counter()
    # A session of its own, so that a timeout also ends the solver the child started (pulp's CBC
    # runs as a grandchild and would otherwise keep running).
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        return {"status": f"timeout after {timeout} s", "time_s": None, "objective": None}
    if child.returncode != 0:
        return {"status": "error: " + stderr.strip().splitlines()[-1] if stderr.strip() else "error",
                "time_s": None, "objective": None}
    result = json.loads(stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - start
    return result


def run_ours(binary, model, directory, p, radius_km, repeat):
    command = [str(binary), "solve", "--model", model, "--p", str(p), "--repeat", str(repeat)]
    if radius_km:
        command += ["--radius-km", str(radius_km)]
    done = subprocess.run(command + [str(directory)], capture_output=True, text=True, check=True)
    out = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(": ")
        out[key] = value
    return {
        "time_s": float(out["solve_ms_min"]) / 1000.0,
        "time_median_s": float(out["solve_ms_median"]) / 1000.0,
        "objective": float(out["objective"]),
        "bound": None if out["bound"] == "none" else float(out["bound"]),
        "gap": None if out["gap"] == "none" else float(out["gap"]),
        "bound_kind": out["bound_kind"],
        "chosen_ids": sorted(int(x) for x in out["chosen_ids"].split()),
    }


def print_table(rows):
    """Prints the comparison as a Markdown table."""
    header = ("seed", "model", "size", "p", "solver", "time", "objective", "status / bound", "/ exact optimum",
              "same sites as ssmplan")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        ours = row["ours"]
        exact = row["exact"]
        ratio = (lambda x: f"{x / exact:.7f}" if exact and x is not None else "n/a")
        size = f"{row['size']}" + (f", r = {row['radius_km']:g} km" if row["radius_km"] else "")
        bound = "-" if ours["bound"] is None else (
            f"bound {ours['bound']:.2f} ({ours.get('bound_kind', '')}, gap {ours['gap']:.1e})")
        print(f"| {row.get('seed', 1)} | {row['model']} | {size} | {row['p']} | ssmplan (min / median of runs) | "
              f"{ours['time_s'] * 1000:.1f} / {ours['time_median_s'] * 1000:.1f} ms | {ours['objective']:.2f} | "
              f"{bound} | {ratio(ours['objective'])} | - |")
        for name, peer in row["peers"].items():
            peer_time = f"{peer['time_s']:.1f} s" if peer.get("time_s") is not None else "-"
            peer_obj = f"{peer['objective']:.2f}" if peer.get("objective") is not None else "-"
            same = "yes" if peer.get("chosen_ids") == ours["chosen_ids"] else "no"
            print(f"| {row.get('seed', 1)} | {row['model']} | {size} | {row['p']} | {name} | {peer_time} | {peer_obj} | "
                  f"{peer.get('status')} | {ratio(peer.get('objective'))} | {same} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=600.0, help="per peer and case, seconds")
    parser.add_argument("--seeds", default="1", help="comma-separated instance seeds")
    parser.add_argument("--workdir", default="/tmp/ssmplan-location-peers")
    parser.add_argument("--bin", help="location_csv binary (default: build it with cargo)")
    parser.add_argument("--peers", default="highs,spopt-cbc")
    parser.add_argument("--repeat", type=int, default=20, help="runs of our solver (minimum kept)")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--report", help="print the table of a saved --json file and exit")
    # Child mode.
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--p", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--radius-km", type=float, help=argparse.SUPPRESS)
    parser.add_argument("dir", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.peer:
        radius_m = args.radius_km * 1000.0 if args.radius_km else None
        print(json.dumps(PEERS[args.peer](args.model, args.dir, args.p, radius_m)))
        return

    if args.report:
        print_table(json.loads(Path(args.report).read_text()))
        return

    binary = Path(args.bin) if args.bin else None
    if binary is None:
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        subprocess.run(["cargo", "build", "--release", "-p", "ssmplan-planner", "--example", "location_csv"],
                       cwd=ROOT, check=True)
        binary = target / "release" / "examples" / "location_csv"
    workdir = Path(args.workdir)
    peers = [name for name in args.peers.split(",") if name]
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} | {platform.processor() or platform.machine()} | "
          f"{os.cpu_count()} cores | python {platform.python_version()} | seeds {args.seeds} | "
          f"timeout {args.timeout:.0f} s", flush=True)
    rows = []
    cases = [(seed, *case) for seed in (int(x) for x in args.seeds.split(",")) for case in CASES]
    for seed, model, n, m, p, radius_km in cases:
        directory = workdir / f"{model}-{n}x{m}-seed{seed}"
        subprocess.run([str(binary), "gen", "--seed", str(seed), "--demand", str(n),
                        "--candidates", str(m), "--out", str(directory)], check=True, capture_output=True)
        ours = run_ours(binary, model, directory, p, radius_km, args.repeat)
        results = {}
        for name in peers:
            results[name] = run_peer(name, model, directory, p, radius_km * 1000.0 if radius_km else None,
                                     args.timeout)
            print(f"  seed {seed} {model} {name}: {results[name].get('status')} "
                  f"{results[name].get('time_s')} s objective {results[name].get('objective')}", flush=True)
        exact = results.get("highs", {})
        reference = exact.get("objective") if exact.get("status") == "Optimal" else None
        rows.append({"seed": seed, "model": model, "size": f"{n} x {m}", "p": p, "radius_km": radius_km,
                     "ours": ours, "peers": results, "exact": reference})

    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
