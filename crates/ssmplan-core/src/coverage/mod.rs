//! Norm coverage: population, sites, SSM and access distances per zone (Wallonia, province,
//! arrondissement, commune, typology group, SSM catchment), against the norm of one SSM per
//! 50,000 inhabitants.

use std::collections::BTreeMap;

use crate::{
    Commune, DemandPoint, DistanceSummary, NORM_INHABITANTS_PER_SSM, Neighbour, Site, SiteKind,
};

/// The zoning of a coverage table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ZoneLevel {
    /// The whole territory in scope.
    Total,
    /// Provinces (by name).
    Province,
    /// Arrondissements (by NIS code).
    Arrondissement,
    /// NUTS 3 regions (Eurostat's districts, NUTS 2024): the arrondissements, with Verviers
    /// split into its French- and German-speaking communes.
    Nuts3,
    /// Communes (by NIS code).
    Commune,
    /// Typology groups (only when a typology is loaded).
    Typology,
    /// SSM catchments: the demand whose nearest site belongs to the SSM.
    Catchment,
}

impl ZoneLevel {
    /// Stable key used in outputs.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Total => "total",
            Self::Province => "province",
            Self::Arrondissement => "arrondissement",
            Self::Nuts3 => "nuts3",
            Self::Commune => "commune",
            Self::Typology => "typology",
            Self::Catchment => "catchment",
        }
    }
}

/// Coverage of one zone.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ZoneCoverage {
    /// Zoning this row belongs to.
    pub level: ZoneLevel,
    /// Zone key (NIS code, province name, group key or SSM id).
    pub key: String,
    /// Readable zone name.
    pub name: String,
    /// Residents.
    pub population: u64,
    /// Communes in the zone (for catchments: communes with residents in it).
    pub communes: usize,
    /// Sites located in the zone (for catchments: sites of the SSM).
    pub sites: usize,
    /// SSM whose siège lies in the zone (an SSM without a siège row counts at its first site);
    /// for a catchment, 1.
    pub ssm: usize,
    /// Inhabitants per SSM; `None` where there is no SSM.
    pub inhabitants_per_ssm: Option<f64>,
    /// SSM due by the norm: population / 50,000.
    pub norm_ssm: f64,
    /// Norm deficit: population / 50,000 - SSM (positive = fewer SSM than the norm).
    pub norm_deficit: f64,
    /// Access distances of the zone's residents to their nearest site.
    pub distance: DistanceSummary,
}

/// What coverage is computed from.
#[derive(Clone, Copy, Debug)]
pub struct CoverageInput<'a> {
    /// Communes in scope.
    pub communes: &'a [Commune],
    /// Sites (their `commune` indexes into `communes`).
    pub sites: &'a [Site],
    /// Demand points (their `commune` indexes into `communes`).
    pub demand: &'a [DemandPoint],
    /// Nearest site of each demand point, as returned by [`nearest_sites`](crate::nearest_sites).
    pub nearest: &'a [Option<Neighbour>],
}

/// Index of the site that represents each SSM (its first siège, else its first site), keyed
/// and ordered by SSM id.
#[must_use]
pub fn ssm_home_sites(sites: &[Site]) -> BTreeMap<&str, usize> {
    let mut home: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in sites.iter().enumerate() {
        let entry = home.entry(s.ssm.0.as_str()).or_insert(i);
        if sites[*entry].kind != SiteKind::Siege && s.kind == SiteKind::Siege {
            *entry = i;
        }
    }
    home
}

#[derive(Default)]
struct Accumulator {
    name: String,
    population: u64,
    communes: usize,
    sites: usize,
    ssm: usize,
    pairs: Vec<(f64, u64)>,
}

impl Accumulator {
    fn finish(self, level: ZoneLevel, key: String, beyond: &[f64]) -> ZoneCoverage {
        let norm_ssm = self.population as f64 / NORM_INHABITANTS_PER_SSM;
        ZoneCoverage {
            level,
            key,
            name: self.name,
            population: self.population,
            communes: self.communes,
            sites: self.sites,
            ssm: self.ssm,
            inhabitants_per_ssm: (self.ssm > 0).then(|| self.population as f64 / self.ssm as f64),
            norm_ssm,
            norm_deficit: norm_ssm - self.ssm as f64,
            distance: DistanceSummary::from_pairs_beyond(&self.pairs, beyond),
        }
    }
}

fn zone_of(level: ZoneLevel, commune: &Commune) -> Option<(String, String)> {
    match level {
        ZoneLevel::Total => Some(("all".to_owned(), "territory in scope".to_owned())),
        ZoneLevel::Province => Some((commune.province.clone(), commune.province.clone())),
        ZoneLevel::Arrondissement => Some((
            commune.arrondissement_nis.to_string(),
            commune.arrondissement.clone(),
        )),
        ZoneLevel::Nuts3 => crate::nuts3_of(commune.nis, commune.arrondissement_nis)
            .map(|(code, name)| (code.to_owned(), name.to_owned())),
        ZoneLevel::Commune => Some((commune.nis.to_string(), commune.name.clone())),
        ZoneLevel::Typology => commune.typology.map(|g| {
            (
                format!("{}:{}", g as u8 + 1, g.key()),
                g.label_fr().to_owned(),
            )
        }),
        ZoneLevel::Catchment => None,
    }
}

/// Coverage table at one zoning level, sorted by zone key (typology: from high risk to
/// favourable; communes without a typology group are left out of the typology table).
#[must_use]
pub fn zone_coverage(input: &CoverageInput<'_>, level: ZoneLevel) -> Vec<ZoneCoverage> {
    zone_coverage_beyond(input, level, &crate::BEYOND_THRESHOLDS_M)
}

/// [`zone_coverage`] counting the residents beyond `beyond` (in the unit of the nearest-site
/// costs: minutes for a drive-time model) in place of 5, 10, 15 and 20 km.
#[must_use]
pub fn zone_coverage_beyond(
    input: &CoverageInput<'_>,
    level: ZoneLevel,
    beyond: &[f64],
) -> Vec<ZoneCoverage> {
    if level == ZoneLevel::Catchment {
        return catchment_coverage(input, beyond);
    }
    let mut zones: BTreeMap<String, Accumulator> = BTreeMap::new();
    let commune_zone: Vec<Option<String>> = input
        .communes
        .iter()
        .map(|c| {
            let (key, name) = zone_of(level, c)?;
            let acc = zones.entry(key.clone()).or_default();
            acc.name = name;
            acc.population += c.population;
            acc.communes += 1;
            Some(key)
        })
        .collect();
    for s in input.sites {
        if let Some(Some(key)) = s.commune.and_then(|c| commune_zone.get(c))
            && let Some(acc) = zones.get_mut(key)
        {
            acc.sites += 1;
        }
    }
    for &home in ssm_home_sites(input.sites).values() {
        if let Some(Some(key)) = input.sites[home].commune.and_then(|c| commune_zone.get(c))
            && let Some(acc) = zones.get_mut(key)
        {
            acc.ssm += 1;
        }
    }
    for (p, n) in input.demand.iter().zip(input.nearest) {
        if let (Some(Some(key)), Some(n)) = (commune_zone.get(p.commune), n)
            && let Some(acc) = zones.get_mut(key)
        {
            acc.pairs.push((n.distance_m, p.population));
        }
    }
    zones
        .into_iter()
        .map(|(key, acc)| acc.finish(level, key, beyond))
        .collect()
}

fn catchment_coverage(input: &CoverageInput<'_>, beyond: &[f64]) -> Vec<ZoneCoverage> {
    let mut zones: BTreeMap<String, Accumulator> = BTreeMap::new();
    for s in input.sites {
        let acc = zones.entry(s.ssm.0.clone()).or_default();
        acc.name.clone_from(&s.ssm_name);
        acc.sites += 1;
        acc.ssm = 1;
    }
    let mut seen: BTreeMap<String, std::collections::BTreeSet<usize>> = BTreeMap::new();
    // Services sharing a location share its residents (see `Colocation`).
    let colocation = crate::Colocation::new(input.sites);
    for a in crate::shared_allocation(&colocation, input.demand, input.nearest) {
        let ssm = &input.sites[a.site].ssm.0;
        if let Some(acc) = zones.get_mut(ssm) {
            acc.population += a.population;
            acc.pairs.push((a.distance_m, a.population));
            if a.population > 0 {
                seen.entry(ssm.clone())
                    .or_default()
                    .insert(input.demand[a.point].commune);
            }
        }
    }
    zones
        .into_iter()
        .map(|(key, mut acc)| {
            acc.communes = seen.get(&key).map_or(0, std::collections::BTreeSet::len);
            acc.finish(ZoneLevel::Catchment, key, beyond)
        })
        .collect()
}

#[cfg(test)]
mod tests;
