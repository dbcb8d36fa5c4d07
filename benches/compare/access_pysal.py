#!/usr/bin/env python3
"""Cross-check ssmplan's floating catchments against PySAL `access` (2SFCA, E2SFCA, G2SFCA).

Generates a seeded synthetic instance (numpy ``default_rng(seed)``) in EPSG:3812 metres, writes
``demand.csv`` (id,x,y,pop) and ``supply.csv`` (id,x,y,capacity), runs PySAL ``access`` on them
with a precomputed Euclidean cost table (long form origin,dest,cost restricted to pairs within the
radius), then runs ssmplan's ``fca_csv`` example binary on the same files and compares the raw,
un-normalised accessibility of every demand point.

    python3 benches/compare/access_pysal.py --small   # refresh crates/ssmplan-core/tests/data/
    python3 benches/compare/access_pysal.py --bench   # 10,000 demand x 300 sites, timings

See benches/compare/README_access.md.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import access
import numpy as np
import pandas as pd
import scipy
from access import Access, weights
from scipy.spatial import cKDTree

REPO = Path(__file__).resolve().parents[2]
FIXTURE_DIR = REPO / "crates" / "ssmplan-core" / "tests" / "data"

# The model, identical on both sides (also written to tests/data/params.csv).
RADIUS_M = 10_000.0
# E2SFCA steps {upper bound (m, inclusive): weight}: Luo and Qi's weights over 3 bands.
STEPS = {3_000.0: 1.0, 6_000.0: 0.68, 10_000.0: 0.22}
# G2SFCA bandwidth: ssmplan's default for AccessibilityParams::gaussian(radius) is radius / 2.
SIGMA_M = RADIUS_M / 2.0
METHODS = ("2sfca", "e2sfca", "g2sfca")

# Lower-left corner of the synthetic extent: inside Wallonia in Lambert 2008.
X0, Y0 = 600_000.0, 560_000.0


def generate(seed: int, n_demand: int, n_sites: int, width_m: float, height_m: float):
    """Uniform demand points (integer population) and sites (capacity 0.5-10 ETP)."""
    rng = np.random.default_rng(seed)
    demand = pd.DataFrame(
        {
            "id": [f"d{i}" for i in range(n_demand)],
            "x": np.round(X0 + rng.uniform(0.0, width_m, n_demand), 2),
            "y": np.round(Y0 + rng.uniform(0.0, height_m, n_demand), 2),
            "pop": rng.integers(1, 5_001, n_demand).astype(float),
        }
    )
    supply = pd.DataFrame(
        {
            "id": [f"s{j}" for j in range(n_sites)],
            "x": np.round(X0 + rng.uniform(0.0, width_m, n_sites), 2),
            "y": np.round(Y0 + rng.uniform(0.0, height_m, n_sites), 2),
            "capacity": rng.integers(5, 101, n_sites) / 10.0,
        }
    )
    return demand, supply


def read_csv_exact(source) -> pd.DataFrame:
    """Reads a CSV with Python's float(): correctly rounded, like Rust's str::parse."""
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    for column in frame.columns:
        if column != "id":
            frame[column] = frame[column].map(float)
    return frame


def cost_table(demand: pd.DataFrame, supply: pd.DataFrame, radius_m: float) -> pd.DataFrame:
    """Long-form (origin=demand id, dest=site id, cost=metres) for pairs with d <= radius.

    A k-d tree proposes candidates with a small margin; the distance is then computed as
    ssmplan does, sqrt(dx * dx + dy * dy), and filtered on d <= radius exactly.
    """
    dxy = demand[["x", "y"]].to_numpy()
    sxy = supply[["x", "y"]].to_numpy()
    candidates = cKDTree(dxy).query_ball_point(sxy, radius_m * (1.0 + 1e-9))
    lengths = np.fromiter((len(c) for c in candidates), dtype=np.int64, count=len(candidates))
    dest = np.repeat(np.arange(len(sxy)), lengths)
    origin = np.concatenate([np.asarray(c, dtype=np.int64) for c in candidates]) if len(dest) else dest
    dx = dxy[origin, 0] - sxy[dest, 0]
    dy = dxy[origin, 1] - sxy[dest, 1]
    dist = np.sqrt(dx * dx + dy * dy)
    keep = dist <= radius_m
    return pd.DataFrame(
        {
            "origin": demand["id"].to_numpy()[origin[keep]],
            "dest": supply["id"].to_numpy()[dest[keep]],
            "cost": dist[keep],
        }
    )


def new_access(demand, supply, cost) -> Access:
    return Access(
        demand_df=demand,
        demand_index="id",
        demand_value="pop",
        supply_df=supply,
        supply_index="id",
        supply_value="capacity",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )


def run_pysal(demand, supply, cost, repeat: int):
    """Raw (normalize=False) values per method, and the best call time of `repeat` runs (s)."""
    calls = {
        "2sfca": lambda a: a.two_stage_fca(name="2sfca", max_cost=RADIUS_M, normalize=False),
        "e2sfca": lambda a: a.enhanced_two_stage_fca(
            name="e2sfca", max_cost=RADIUS_M, weight_fn=weights.step_fn(STEPS), normalize=False
        ),
        "g2sfca": lambda a: a.two_stage_fca(
            name="g2sfca", max_cost=RADIUS_M, weight_fn=weights.gaussian(SIGMA_M), normalize=False
        ),
    }
    values, seconds = {}, {}
    for method, call in calls.items():
        best = math.inf
        for _ in range(repeat):
            access = new_access(demand, supply, cost)  # untimed: copies the frames
            started = time.perf_counter()
            call(access)
            best = min(best, time.perf_counter() - started)
        column = access.access_df[f"{method}_capacity"]
        values[method] = column.reindex(demand["id"]).to_numpy()
        seconds[method] = best
    return values, seconds


def pysal_own_euclidean_seconds(demand, supply) -> float:
    """Time of PySAL's own Access.create_euclidean_distance (dense cross join, then d < threshold)."""
    import geopandas as gpd

    def gdf(df):
        return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["x"], df["y"]), crs="EPSG:3812")

    access = Access(
        demand_df=gdf(demand),
        demand_index="id",
        demand_value="pop",
        supply_df=gdf(supply),
        supply_index="id",
        supply_value="capacity",
    )
    started = time.perf_counter()
    access.create_euclidean_distance(name="euclidean", threshold=RADIUS_M)
    return time.perf_counter() - started


def build_ours() -> Path:
    subprocess.run(
        ["cargo", "build", "--release", "-p", "ssmplan-core", "--example", "fca_csv"],
        cwd=REPO,
        check=True,
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release" / "examples" / "fca_csv"


def run_ours(binary: Path, demand_csv: Path, supply_csv: Path, repeat: int, threads: int | None):
    """Per-method values, best in-process compute time per method (s), best end-to-end wall (s)."""
    steps = ",".join(f"{b!r}:{w!r}" for b, w in STEPS.items())
    cmd = [str(binary), str(demand_csv), str(supply_csv), "--radius-m", repr(RADIUS_M)]
    cmd += ["--steps", steps, "--sigma-m", repr(SIGMA_M)]
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    wall, compute, out = math.inf, {m: math.inf for m in METHODS}, None
    for _ in range(repeat):
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        wall = min(wall, time.perf_counter() - started)
        out = proc.stdout
        for line in proc.stderr.splitlines():
            fields = line.split("\t")
            if fields[0] == "compute_ms":
                compute[fields[1]] = min(compute[fields[1]], float(fields[2]) / 1000.0)
    frame = read_csv_exact(io.StringIO(out))
    values = {m: frame[m].to_numpy() for m in METHODS}
    return values, compute, wall


def compare(pysal: dict, ours: dict) -> dict:
    """Max relative difference where PySAL has a value; PySAL NaN must be our 0."""
    report = {}
    for m in METHODS:
        p, o = pysal[m], ours[m]
        missing = np.isnan(p)
        scale = np.maximum(np.abs(p[~missing]), np.abs(o[~missing]))
        diff = np.abs(p[~missing] - o[~missing])
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
        report[m] = {
            "max_rel": float(rel.max()) if rel.size else 0.0,
            "pysal_nan": int(missing.sum()),
            "nan_not_zero": int((o[missing] != 0.0).sum()),
        }
    return report


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def write_fixture(demand, supply, pysal, seed):
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    demand.to_csv(FIXTURE_DIR / "demand.csv", index=False)
    supply.to_csv(FIXTURE_DIR / "supply.csv", index=False)
    with open(FIXTURE_DIR / "expected_pysal.csv", "w", encoding="utf-8") as f:
        f.write("id," + ",".join(METHODS) + "\n")
        for i, ident in enumerate(demand["id"]):
            cells = [format(float(pysal[m][i]), ".17g") for m in METHODS]
            f.write(ident + "," + ",".join(cells) + "\n")
    steps = ";".join(f"{b!r}:{w!r}" for b, w in STEPS.items())
    with open(FIXTURE_DIR / "params.csv", "w", encoding="utf-8") as f:
        f.write("key,value\n")
        f.write(f"seed,{seed}\nradius_m,{RADIUS_M!r}\nsteps,{steps}\nsigma_m,{SIGMA_M!r}\n")
        f.write("generator,benches/compare/access_pysal.py --small\n")
    print(f"wrote {FIXTURE_DIR}/{{demand,supply,expected_pysal,params}}.csv")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--small", action="store_true", help="60 x 8 instance -> tests/data fixture")
    mode.add_argument("--bench", action="store_true", help="10,000 x 300 instance, timings")
    parser.add_argument("--seed", type=int, default=None, help="default 20261123 (small), 3812 (bench)")
    parser.add_argument("--out", type=Path, default=None, help="directory for the bench CSVs")
    parser.add_argument("--repeat", type=int, default=None, help="runs per timing, best kept (bench: 3)")
    parser.add_argument("--bin", type=Path, default=None, help="prebuilt fca_csv (default: cargo build)")
    parser.add_argument("--no-ours", action="store_true", help="only PySAL (with --small: fixture only)")
    parser.add_argument("--skip-pysal-euclidean", action="store_true", help="do not time PySAL's own cost builder")
    args = parser.parse_args()

    if args.small:
        seed = 20261123 if args.seed is None else args.seed
        n_demand, n_sites, width, height = 60, 8, 26_000.0, 18_000.0
        out = FIXTURE_DIR
        repeat = args.repeat or 1
    else:
        seed = 3812 if args.seed is None else args.seed
        n_demand, n_sites, width, height = 10_000, 300, 150_000.0, 100_000.0
        out = args.out or Path(tempfile.gettempdir()) / "ssmplan-access-bench"
        repeat = args.repeat or 3
    out.mkdir(parents=True, exist_ok=True)

    demand, supply = generate(seed, n_demand, n_sites, width, height)
    demand_csv, supply_csv = out / "demand.csv", out / "supply.csv"
    demand.to_csv(demand_csv, index=False)
    supply.to_csv(supply_csv, index=False)
    # Both sides read the same text.
    demand, supply = read_csv_exact(demand_csv), read_csv_exact(supply_csv)

    cost_s = math.inf
    for _ in range(repeat):
        started = time.perf_counter()
        cost = cost_table(demand, supply, RADIUS_M)
        cost_s = min(cost_s, time.perf_counter() - started)
    pysal, pysal_s = run_pysal(demand, supply, cost, repeat)

    print(f"instance: {n_demand} demand x {n_sites} sites, {width / 1000:.0f} km x {height / 1000:.0f} km, "
          f"seed {seed}, radius {RADIUS_M:.0f} m, steps {STEPS}, sigma {SIGMA_M:.0f} m")
    print(f"python {sys.version.split()[0]}, access {access.__version__}, pandas {pd.__version__}, "
          f"numpy {np.__version__}, scipy {scipy.__version__}")
    print(f"pairs within the radius: {len(cost)} ({len(cost) / n_demand:.2f} sites per demand point)")
    if args.small:
        write_fixture(demand, supply, pysal, seed)
    if args.no_ours:
        return 0

    binary = args.bin or build_ours()
    ours, ours_s, ours_wall = run_ours(binary, demand_csv, supply_csv, repeat, None)
    _, ours1_s, ours1_wall = run_ours(binary, demand_csv, supply_csv, repeat, 1)
    report = compare(pysal, ours)

    print(f"\nbest of {repeat} runs; ours: rayon on {os.cpu_count()} cores and RAYON_NUM_THREADS=1")
    print(f"{'method':8} {'PySAL call':>12} {'ours':>12} {'ours 1 thr':>12} {'speed-up':>9} "
          f"{'(1 thr)':>8}  {'max rel diff':>12}  PySAL NaN (ours 0)")
    for m in METHODS:
        r = report[m]
        print(f"{m:8} {fmt_ms(pysal_s[m])} {fmt_ms(ours_s[m])} {fmt_ms(ours1_s[m])} "
              f"{pysal_s[m] / ours_s[m]:8.0f}x {pysal_s[m] / ours1_s[m]:7.0f}x  {r['max_rel']:12.3e}  "
              f"{r['pysal_nan']} ({r['pysal_nan'] - r['nan_not_zero']})")
    pysal_calls = sum(pysal_s.values())
    ours_compute = sum(ours_s.values())
    print(f"\nthree methods, PySAL calls only          {fmt_ms(pysal_calls)}")
    print(f"  + cost table (cKDTree + numpy)         {fmt_ms(pysal_calls + cost_s)}   (table alone {fmt_ms(cost_s)})")
    if args.bench and not args.skip_pysal_euclidean:
        own_s = pysal_own_euclidean_seconds(demand, supply)
        print(f"  + PySAL create_euclidean_distance      {fmt_ms(pysal_calls + own_s)}   (builder alone {fmt_ms(own_s)})")
    print(f"ours, in-process compute (3 methods)     {fmt_ms(ours_compute)}   1 thread {fmt_ms(sum(ours1_s.values()))}")
    print(f"ours, end-to-end process (read, 3, write){fmt_ms(ours_wall)}   1 thread {fmt_ms(ours1_wall)}")
    print(f"speed-up, calls vs compute               {pysal_calls / ours_compute:9.0f}x")
    print(f"speed-up, calls + table vs end-to-end    {(pysal_calls + cost_s) / ours_wall:9.0f}x")

    worst = max(r["max_rel"] for r in report.values())
    bad_nan = sum(r["nan_not_zero"] for r in report.values())
    ok = worst <= 1e-9 and bad_nan == 0
    print(f"\nmax relative difference {worst:.3e} ({'OK' if ok else 'MISMATCH'}, tolerance 1e-9)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
