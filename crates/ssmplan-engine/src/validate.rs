//! `validate`: what was read, what was mapped, what looks wrong.

use geo::Validation;
use ssmplan_core::{Commune, SiteKind};

use crate::Engine;
use crate::common::base_parameters;
use crate::report::{Cell, Report, Table};

#[expect(
    clippy::too_many_lines,
    reason = "a flat list of checks and issues, one statement each"
)]
/// Checks the dataset: counts, mapped codes, geometries, sites, totals. Every issue names the
/// file, line and field.
#[must_use]
pub fn validate(engine: &Engine, progress: &dyn crate::Progress) -> Report {
    let dataset = engine.dataset();
    let layer = &dataset.layer;
    let wallonia_pop: u64 = layer
        .communes
        .iter()
        .zip(&dataset.population.by_commune)
        .map(|(_, p)| p.unwrap_or(0))
        .sum();
    let area: f64 = dataset.communes.iter().map(Commune::area_km2).sum();
    let layer_area: f64 = layer.communes.iter().map(Commune::area_km2).sum();
    let mut issues: Vec<Vec<Cell>> = Vec::new();
    let mut issue =
        |severity: &str, file: &std::path::Path, line: String, field: &str, message: String| {
            issues.push(vec![
                severity.into(),
                file.display().to_string().into(),
                line.into(),
                field.into(),
                message.into(),
            ]);
        };
    progress.stage("checking geometries");
    let mut invalid = 0;
    for (i, c) in layer.communes.iter().enumerate() {
        if let Err(e) = c.geometry.check_validation() {
            invalid += 1;
            issue(
                "warning",
                &layer.path,
                format!("feature of NIS {}", c.nis),
                "geometry",
                format!("invalid geometry ({e}); index {i}"),
            );
        }
    }
    for (nis, found, used) in &dataset.renamed_arrondissements {
        issue(
            "info",
            &layer.path,
            format!("features of arrondissement {nis}"),
            "arrondissement",
            format!("named `{found}` in the input; named `{used}` (arrondissements since 2019)"),
        );
    }
    for (line, old, new) in &dataset.population.mapped {
        issue(
            "info",
            &dataset.population.path,
            line.to_string(),
            "nis",
            format!("2019-2024 code {old} mapped to 2025 commune {new}"),
        );
    }
    let st = &dataset.site_table;
    for (line, old, new) in &st.mapped {
        issue(
            "info",
            &st.path,
            line.to_string(),
            "nis",
            format!("2019-2024 code {old} mapped to 2025 commune {new}"),
        );
    }
    for m in &st.nis_mismatches {
        issue(
            "warning",
            &st.path,
            m.line.to_string(),
            "lat/lon",
            format!(
                "site {} lies in commune {} but its row says {}",
                m.site, m.located, m.stated
            ),
        );
    }
    for (line, first) in &st.colocated {
        issue(
            "info",
            &st.path,
            line.to_string(),
            "lat/lon",
            format!(
                "same location as line {first} (locality-level geocoding): the services at this point share its residents (by ETP when every one has one, else equally)"
            ),
        );
    }
    for (s, line) in st.sites.iter().zip(&st.lines) {
        if s.kind == SiteKind::Unspecified {
            issue(
                "warning",
                &st.path,
                line.to_string(),
                "site_kind",
                format!(
                    "site {} has an unspecified kind (siège or antenne unknown)",
                    s.id
                ),
            );
        }
    }
    for id in &dataset.excluded_sites {
        issue(
            "info",
            &st.path,
            String::new(),
            "",
            format!("site {id} lies outside the scope and is left out"),
        );
    }
    let kinds = |k: SiteKind| st.sites.iter().filter(|s| s.kind == k).count();
    let all_ssm = st
        .sites
        .iter()
        .map(|s| &s.ssm)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let excluded_pop: u64 = dataset.excluded_communes.iter().map(|e| e.2).sum();
    let checks: Vec<(&str, String)> = vec![
        (
            "boundary layer",
            format!(
                "{} ({}, {}{})",
                layer.path.display(),
                layer.crs,
                if layer.crs_overridden {
                    "CRS given by --crs"
                } else {
                    "CRS detected"
                },
                ""
            ),
        ),
        (
            "features read / outside Wallonia (skipped)",
            format!("{} / {}", layer.features, layer.skipped_outside_wallonia),
        ),
        (
            "Walloon communes in the layer",
            layer.communes.len().to_string(),
        ),
        ("invalid geometries", invalid.to_string()),
        ("Walloon area (km2)", format!("{layer_area:.1}")),
        (
            "population year(s) in table",
            dataset
                .population
                .years
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "population rows / mapped 2019-2024 codes",
            format!(
                "{} / {}",
                dataset.population.rows,
                dataset.population.mapped.len()
            ),
        ),
        ("Walloon population", wallonia_pop.to_string()),
        ("communes in scope", dataset.communes.len().to_string()),
        (
            "communes excluded by scope/province (population)",
            format!("{} ({excluded_pop})", dataset.excluded_communes.len()),
        ),
        (
            "population in scope",
            dataset.population_total().to_string(),
        ),
        ("area in scope (km2)", format!("{area:.1}")),
        ("site rows / SSM", format!("{} / {all_ssm}", st.sites.len())),
        (
            "sièges / antennes / unspecified",
            format!(
                "{} / {} / {}",
                kinds(SiteKind::Siege),
                kinds(SiteKind::Antenne),
                kinds(SiteKind::Unspecified)
            ),
        ),
        (
            "sites in another commune than their NIS",
            st.nis_mismatches.len().to_string(),
        ),
        (
            "sites sharing a location with an earlier row",
            st.colocated.len().to_string(),
        ),
        (
            "sites excluded by scope/province",
            dataset.excluded_sites.len().to_string(),
        ),
        (
            "files verified by manifest",
            format!(
                "{} of {}",
                dataset
                    .inputs
                    .iter()
                    .filter(|i| i.verified == ssmplan_io::manifest::Verified::Matches)
                    .count(),
                dataset.inputs.len()
            ),
        ),
    ];
    Report {
        command: "validate",
        parameters: base_parameters(dataset),
        inputs: dataset.inputs.clone(),
        caveats: dataset.caveats(),
        summary: Vec::new(),
        tables: vec![
            Table {
                name: "issues".into(),
                title: "Issues (each names file, line and field)".into(),
                columns: vec!["severity", "file", "line", "field", "message"],
                rows: issues,
            },
            Table {
                name: "checks".into(),
                title: "Checks".into(),
                columns: vec!["check", "value"],
                rows: checks
                    .into_iter()
                    .map(|(k, v)| vec![k.into(), v.into()])
                    .collect(),
            },
        ],
        features: Vec::new(),
    }
}
