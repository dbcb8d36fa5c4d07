#!/usr/bin/env python3
"""Cross-check ssmplan's reconstructed typology against scikit-learn (PCA, then KMeans).

ssmplan (``ssmplan_planner::typology``) standardises the indicators (population standard
deviation), diagonalises their correlation matrix by Jacobi, keeps two components, then runs
k-means (k = 4, greedy k-means++, seeded restarts, best inertia) on the unscaled component
scores. scikit-learn does the same with ``StandardScaler``, ``PCA(2)`` (SVD) and
``KMeans(init="k-means++")``. On the same CSV the two must agree on:

* the explained variance ratios of the two components (to round-off, ~1e-15);
* the best inertia, when both reach the same optimum (scikit-learn is given many more
  restarts, ``--n-init``, to make its optimum reliable);
* the partition (up to renaming the clusters) when the optimum is unique.

Scores may differ in sign (eigenvector convention) and ssmplan's need/offer axes are a rotation
of the component plane: neither changes the inertia nor the partition.

CSV format: a first column ``id``, then one column per indicator named ``AXIS±:name``, where
AXIS is ``need`` or ``offer`` and the sign says whether a higher value means more of the axis
(``+``) or less (``-``, negated before use), e.g. ``need-:median_income_eur``. scikit-learn's PCA
has no sample weights, so the comparison is unweighted.

    python3 benches/compare/typology_sklearn.py FILE.csv            # print sklearn's figures
    python3 benches/compare/typology_sklearn.py --write-fixture      # refresh the Rust fixture
    python3 benches/compare/typology_sklearn.py --walloon OUT.csv    # build a CSV from geodata/

ssmplan's side of the same CSV (both axis rotations, loadings, group means, timing):

    SSMPLAN_TYPOLOGY_CSV=$PWD/OUT.csv cargo test --release -p ssmplan-planner \
        typology_of_a_csv -- --ignored --nocapture

``--write-fixture`` generates the seeded synthetic instance of
``crates/ssmplan-planner/src/typology/testdata/synthetic_communes.csv`` and writes
scikit-learn's figures and labels next to it (``sklearn_expected.csv``, ``sklearn_labels.csv``);
the Rust test ``typology::tests::matches_scikit_learn_on_the_fixture`` compares them.

``--walloon`` builds the 261 Walloon communes with share 65+, median income, low education
(need) and the straight-line distance in EPSG:3812 from a point inside each commune to the
nearest *known* SSM site and psychiatric hospital site (offer). The SSM list is partial (36 of
66 services, none in Luxembourg province): the offer indicators carry its artefacts, and the
result is an algorithm cross-check, not a planning output.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

REPO = Path(__file__).resolve().parents[2]
FIXTURE_DIR = REPO / "crates" / "ssmplan-planner" / "src" / "typology" / "testdata"
K = 4

# Synthetic instance: four overlapping latent blobs (need, offer), five indicators.
FIXTURE_SEED = 20_251_206
FIXTURE_PER_BLOB = 30
FIXTURE_BLOBS = [(2.0, -2.0), (2.0, 0.0), (0.0, 0.0), (-2.0, 2.0)]
FIXTURE_NOISE = 0.9


def read_indicators(path: Path):
    """Returns ids, names, oriented matrix (n x p) and the raw header."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if header[0] != "id":
        sys.exit(f"{path}: the first column must be `id`, found `{header[0]}`")
    signs = []
    for column in header[1:]:
        prefix, _, name = column.partition(":")
        if prefix not in ("need+", "need-", "offer+", "offer-") or not name:
            sys.exit(f"{path}: column `{column}` is not AXIS±:name")
        signs.append(1.0 if prefix.endswith("+") else -1.0)
    ids = [row[0] for row in body]
    values = np.array([[float(x) for x in row[1:]] for row in body])
    return ids, header[1:], values * np.array(signs)


def sklearn_figures(oriented: np.ndarray, n_init: int, random_state: int):
    z = StandardScaler().fit_transform(oriented)  # population std, as ssmplan
    pca = PCA(n_components=2, svd_solver="full").fit(z)
    scores = pca.transform(z)
    km = KMeans(n_clusters=K, init="k-means++", n_init=n_init, random_state=random_state,
                tol=0.0, max_iter=1000, algorithm="lloyd").fit(scores)
    full = PCA(svd_solver="full").fit(z)
    n = len(z)
    eigenvalues = full.explained_variance_ * (n - 1) / n  # correlation-matrix eigenvalues
    return {
        "communes": n,
        "indicators": oriented.shape[1],
        "explained_variance_ratio_1": pca.explained_variance_ratio_[0],
        "explained_variance_ratio_2": pca.explained_variance_ratio_[1],
        "eigenvalue_1": eigenvalues[0],
        "eigenvalue_2": eigenvalues[1],
        "kmeans_inertia": km.inertia_,
        "kmeans_n_init": n_init,
        "kmeans_random_state": random_state,
    }, km.labels_


def write_fixture(n_init: int, random_state: int) -> None:
    rng = np.random.default_rng(FIXTURE_SEED)
    rows = []
    for j in range(FIXTURE_PER_BLOB * len(FIXTURE_BLOBS)):
        need, offer = FIXTURE_BLOBS[j % len(FIXTURE_BLOBS)]
        need += FIXTURE_NOISE * rng.standard_normal()
        offer += FIXTURE_NOISE * rng.standard_normal()
        jitter = lambda: 0.5 * rng.standard_normal()  # noqa: E731
        rows.append([
            f"c{j:03d}",
            round(20.0 + 3.0 * (need + jitter()), 4),
            round(30_000.0 - 2_000.0 * (need + jitter()), 1),
            round(25.0 + 4.0 * (need + jitter()), 4),
            round(15.0 - 5.0 * (offer + jitter()), 3),
            round(1.0 + 0.3 * (offer + jitter()), 5),
        ])
    header = ["id", "need+:share_65_plus_pct", "need-:median_income_eur",
              "need+:low_education_pct", "offer-:distance_ssm_km", "offer+:e2sfca_per_100k"]
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    data = FIXTURE_DIR / "synthetic_communes.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    ids, _, oriented = read_indicators(data)
    figures, labels = sklearn_figures(oriented, n_init, random_state)
    with (FIXTURE_DIR / "sklearn_expected.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["quantity", "value"])
        w.writerow(["sklearn_version", sklearn.__version__])
        for key, value in figures.items():
            w.writerow([key, repr(float(value)) if isinstance(value, float | np.floating) else value])
    with (FIXTURE_DIR / "sklearn_labels.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "cluster"])
        w.writerows(zip(ids, labels.tolist()))
    print(f"wrote {data.relative_to(REPO)} and scikit-learn's figures beside it")
    print_figures(figures, labels)


def build_walloon(out: Path) -> None:
    import geopandas as gpd
    import pandas as pd

    geodata = REPO / "geodata"
    communes = gpd.read_file(geodata / "communes" / "wallonia_communes_2025_wgs84.geojson")
    communes = communes.to_crs(3812)
    centroids = communes.geometry.centroid
    inside = centroids.within(communes.geometry)
    points = centroids.where(inside, communes.geometry.representative_point())
    indicators = pd.read_csv(geodata / "indicators" / "wallonia_commune_indicators_secondary_2025.csv",
                             dtype={"nis": str})

    def sites(frame):
        return gpd.GeoSeries(gpd.points_from_xy(frame.lon, frame.lat), crs=4326).to_crs(3812)

    ssm = sites(pd.read_csv(geodata / "facilities" / "wallonia_ssm_sites.csv"))
    hospitals = pd.read_csv(geodata / "facilities" / "wallonia_brussels_hospital_sites_gisco2020.csv")
    psychiatric = sites(hospitals[hospitals.psychiatric_site == "yes"])

    def nearest_km(targets):
        px, py = points.x.to_numpy()[:, None], points.y.to_numpy()[:, None]
        tx, ty = targets.x.to_numpy()[None, :], targets.y.to_numpy()[None, :]
        return np.sqrt((px - tx) ** 2 + (py - ty) ** 2).min(axis=1) / 1_000.0

    frame = pd.DataFrame({
        "id": communes.nis,
        "distance_ssm_km": nearest_km(ssm),
        "distance_psychiatric_km": nearest_km(psychiatric),
    }).merge(indicators, left_on="id", right_on="nis", how="left", validate="one_to_one")
    if frame.isna().any().any():
        sys.exit("missing indicator values after the join on NIS codes")
    table = pd.DataFrame({
        "id": frame.id,
        "need+:share_65_plus_pct": frame.share_65plus_2025_pct,
        "need-:median_income_eur": frame.median_income_2023_eur,
        "need+:low_education_pct": frame.share_low_education_2021_pct,
        "offer-:distance_ssm_km": frame.distance_ssm_km.round(3),
        "offer-:distance_psychiatric_km": frame.distance_psychiatric_km.round(3),
    }).sort_values("id")
    table.to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {out}: {len(table)} communes")


def print_figures(figures, labels) -> None:
    print(f"scikit-learn {sklearn.__version__}")
    for key, value in figures.items():
        print(f"  {key:28} {value!r}")
    sizes = np.bincount(labels, minlength=K)
    print(f"  {'cluster sizes':28} {sorted(sizes.tolist(), reverse=True)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="?", type=Path, help="indicator CSV (id, AXIS±:name...)")
    parser.add_argument("--write-fixture", action="store_true")
    parser.add_argument("--walloon", type=Path, metavar="OUT", help="build a CSV from geodata/")
    parser.add_argument("--n-init", type=int, default=200, help="KMeans restarts (default 200)")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args()
    if args.write_fixture:
        write_fixture(args.n_init, args.random_state)
    elif args.walloon:
        build_walloon(args.walloon)
    elif args.csv:
        _, _, oriented = read_indicators(args.csv)
        print_figures(*sklearn_figures(oriented, args.n_init, args.random_state))
    else:
        parser.error("give a CSV, --write-fixture or --walloon OUT")


if __name__ == "__main__":
    main()
