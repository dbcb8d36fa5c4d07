//! Services that share one location. The site list is geocoded to the locality, so several
//! services (four in Liège, two in Namur, Nivelles and Charleroi on the default list) sit on
//! one point. Nearest-site allocation cannot tell them apart: the residents nearest to that
//! point are the location's, and every command shares them among its services the same way:
//! by ETP when every service there has a positive ETP, else equally; integer residents are
//! split per demand point by the largest remainder, so shares add up exactly.

use std::collections::BTreeMap;

use geo::Coord;

use crate::{DemandPoint, Neighbour, Site, apportion};

/// The locations of a site list and each site's share of its location.
#[derive(Clone, Debug, PartialEq)]
pub struct Colocation {
    /// For each site, the first site at its location (the location's representative).
    pub location_of: Vec<usize>,
    /// For each location representative, every site at that location, in order.
    pub members: BTreeMap<usize, Vec<usize>>,
    /// For each site, its share of the residents of its location (1 when alone).
    pub share: Vec<f64>,
    /// Whether the shares at each site's location follow ETP (else they are equal).
    pub by_etp: Vec<bool>,
}

impl Colocation {
    /// Groups `sites` by bitwise-equal coordinates; the services of a location are its
    /// distinct SSM.
    #[must_use]
    pub fn new(sites: &[Site]) -> Self {
        let locations: Vec<Coord<f64>> = sites.iter().map(|s| s.location).collect();
        let ssm: Vec<&str> = sites.iter().map(|s| s.ssm.0.as_str()).collect();
        let etp: Vec<Option<f64>> = sites.iter().map(|s| s.etp).collect();
        Self::from_locations(&locations, &ssm, &etp)
    }

    /// Groups points by bitwise-equal coordinates. `ssm` (the service of each point) and `etp`
    /// (its framework, when known) are parallel to `locations`. A location's residents are
    /// shared among its distinct services; two sites of one service at one point (a siège and
    /// an antenne geocoded alike) split that service's share equally.
    #[must_use]
    pub fn from_locations(locations: &[Coord<f64>], ssm: &[&str], etp: &[Option<f64>]) -> Self {
        let mut first: BTreeMap<(u64, u64), usize> = BTreeMap::new();
        let mut location_of = Vec::with_capacity(locations.len());
        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, c) in locations.iter().enumerate() {
            let rep = *first.entry((c.x.to_bits(), c.y.to_bits())).or_insert(i);
            location_of.push(rep);
            members.entry(rep).or_default().push(i);
        }
        let mut share = vec![1.0; locations.len()];
        let mut by_etp = vec![false; locations.len()];
        let positive = |i: usize| {
            etp.get(i)
                .copied()
                .flatten()
                .filter(|e| e.is_finite() && *e > 0.0)
        };
        for group in members.values() {
            // The distinct services of the location, in order, with their sites and framework.
            let mut services: Vec<(&str, Vec<usize>, Option<f64>)> = Vec::new();
            for &i in group {
                let id = ssm.get(i).copied().unwrap_or("");
                match services.iter_mut().find(|(s, _, _)| *s == id) {
                    Some(entry) => {
                        entry.1.push(i);
                        entry.2 = entry.2.or(positive(i));
                    }
                    None => services.push((id, vec![i], positive(i))),
                }
            }
            let use_etp = services.len() > 1 && services.iter().all(|s| s.2.is_some());
            let total: f64 = services.iter().filter_map(|s| s.2).sum();
            for (_, sites, framework) in &services {
                let service_share = if use_etp {
                    framework.unwrap_or(0.0) / total
                } else {
                    1.0 / services.len() as f64
                };
                for &i in sites {
                    share[i] = service_share / sites.len() as f64;
                    by_etp[i] = use_etp;
                }
            }
        }
        Self {
            location_of,
            members,
            share,
            by_etp,
        }
    }

    /// The sites at the location of `site` (itself included).
    #[must_use]
    pub fn at_location_of(&self, site: usize) -> &[usize] {
        self.location_of
            .get(site)
            .and_then(|rep| self.members.get(rep))
            .map_or(&[], Vec::as_slice)
    }

    /// Locations holding more than one site.
    #[must_use]
    pub fn shared_locations(&self) -> usize {
        self.members.values().filter(|m| m.len() > 1).count()
    }

    /// Splits `population` residents of the location of `site` among its sites: `(site,
    /// residents)` pairs adding up to `population`.
    #[must_use]
    pub fn split(&self, site: usize, population: u64) -> Vec<(usize, u64)> {
        let group = self.at_location_of(site);
        if group.len() <= 1 {
            return vec![(site, population)];
        }
        let weights: Vec<f64> = group.iter().map(|&i| self.share[i]).collect();
        group
            .iter()
            .copied()
            .zip(apportion(population, &weights))
            .collect()
    }
}

/// One demand point's residents allocated to one site.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SharedAllocation {
    /// Index of the demand point.
    pub point: usize,
    /// Index of the site.
    pub site: usize,
    /// Residents of the point allocated to the site.
    pub population: u64,
    /// Distance from the point to the site.
    ///
    /// # Units
    /// Metres.
    pub distance_m: f64,
}

/// Every demand point's residents allocated to the site nearest to it, a location's residents
/// shared among its sites (see [`Colocation`]). Points without a nearest site are left out.
///
/// Shares are kept over the running total of each location, not point by point: a site's
/// residents so far never differ from its exact share by a whole resident, so rounding never
/// favours the first service (splitting each 10-resident cell 75/25 point by point would give
/// 8/2 every time, 80 % instead of 75 %).
#[must_use]
pub fn shared_allocation(
    colocation: &Colocation,
    demand: &[DemandPoint],
    nearest: &[Option<Neighbour>],
) -> Vec<SharedAllocation> {
    let n = colocation.share.len();
    let mut exact = vec![0.0f64; n];
    let mut given = vec![0u64; n];
    let mut out = Vec::with_capacity(demand.len());
    for (point, (p, near)) in demand.iter().zip(nearest).enumerate() {
        let Some(near) = near else { continue };
        let group = colocation.at_location_of(near.index);
        if group.len() <= 1 {
            out.push(SharedAllocation {
                point,
                site: near.index,
                population: p.population,
                distance_m: near.distance_m,
            });
            continue;
        }
        // Whole residents up to each site's running exact share, then the rest (fewer than
        // the services) to the sites furthest below their share, ties to the first.
        let mut parts: Vec<u64> = Vec::with_capacity(group.len());
        for &i in group {
            exact[i] += p.population as f64 * colocation.share[i];
            let owed = (exact[i].floor() as u64).saturating_sub(given[i]);
            parts.push(owed.min(p.population));
        }
        let mut left = p.population.saturating_sub(parts.iter().sum());
        while left > 0 {
            let k = (0..group.len())
                .max_by(|&a, &b| {
                    let da = exact[group[a]] - (given[group[a]] + parts[a]) as f64;
                    let db = exact[group[b]] - (given[group[b]] + parts[b]) as f64;
                    da.total_cmp(&db).then(b.cmp(&a))
                })
                .unwrap_or(0);
            parts[k] += 1;
            left -= 1;
        }
        // Never more than the point holds (the floors can overshoot only by rounding).
        let mut excess = parts.iter().sum::<u64>().saturating_sub(p.population);
        for part in parts.iter_mut().rev() {
            let cut = excess.min(*part);
            *part -= cut;
            excess -= cut;
        }
        for (&site, population) in group.iter().zip(parts) {
            given[site] += population;
            out.push(SharedAllocation {
                point,
                site,
                population,
                distance_m: near.distance_m,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SiteId, SiteKind, SsmId};

    fn site(id: &str, x: f64, etp: Option<f64>) -> Site {
        Site {
            id: SiteId(id.into()),
            ssm: SsmId(id.into()),
            ssm_name: id.into(),
            name: id.into(),
            kind: SiteKind::Siege,
            location: Coord { x, y: 0.0 },
            commune: Some(0),
            etp,
            sector: crate::Sector::Unknown,
        }
    }

    fn point(x: f64, population: u64) -> DemandPoint {
        DemandPoint {
            location: Coord { x, y: 0.0 },
            population,
            commune: 0,
        }
    }

    #[test]
    fn a_location_is_shared_by_etp_when_every_service_has_one() {
        let sites = [
            site("a", 0.0, Some(1.0)),
            site("b", 0.0, Some(3.0)),
            site("c", 10.0, None),
        ];
        let c = Colocation::new(&sites);
        assert_eq!(c.location_of, vec![0, 0, 2]);
        assert_eq!(c.shared_locations(), 1);
        assert_eq!(c.split(0, 100), vec![(0, 25), (1, 75)]);
        assert_eq!(c.split(2, 7), vec![(2, 7)]);
        assert!(c.by_etp[0] && c.by_etp[1] && !c.by_etp[2]);
    }

    #[test]
    fn without_every_etp_the_share_is_equal_and_sums_exactly() {
        let sites = [
            site("a", 0.0, Some(4.0)),
            site("b", 0.0, None),
            site("c", 0.0, Some(2.0)),
        ];
        let c = Colocation::new(&sites);
        // 100 over three: 34, 33, 33 (largest remainder, ties to the lowest index).
        assert_eq!(c.split(0, 100), vec![(0, 34), (1, 33), (2, 33)]);
        let demand = [point(1.0, 100), point(2.0, 5)];
        let nearest = [
            Some(Neighbour {
                index: 0,
                distance_m: 1.0,
            }),
            Some(Neighbour {
                index: 0,
                distance_m: 2.0,
            }),
        ];
        let a = shared_allocation(&c, &demand, &nearest);
        let total: u64 = a.iter().map(|x| x.population).sum();
        assert_eq!(total, 105);
        for s in 0..3 {
            assert!(a.iter().any(|x| x.site == s && x.population > 0));
        }
    }

    #[test]
    fn two_sites_of_one_service_share_that_service_s_part() {
        // Liège on the default list: one service's siège and antenne and two other services.
        let mut antenne = site("baillon", 0.0, None);
        antenne.id = SiteId("baillon#2".into());
        let sites = [
            site("baillon", 0.0, None),
            antenne,
            site("alfa", 0.0, None),
            site("clips", 0.0, None),
        ];
        let c = Colocation::new(&sites);
        // Three services, a third each; the two sites of the first split its third.
        assert_eq!(
            c.split(0, 600),
            vec![(0, 100), (1, 100), (2, 200), (3, 200)]
        );
    }

    #[test]
    fn running_shares_do_not_favour_the_first_service() {
        let sites = [site("a", 0.0, Some(3.0)), site("b", 0.0, Some(1.0))];
        let c = Colocation::new(&sites);
        let demand: Vec<DemandPoint> = (0..60).map(|i| point(f64::from(i), 10)).collect();
        let nearest: Vec<Option<Neighbour>> = demand
            .iter()
            .map(|_| {
                Some(Neighbour {
                    index: 0,
                    distance_m: 1.0,
                })
            })
            .collect();
        let a = shared_allocation(&c, &demand, &nearest);
        let of = |s: usize| -> u64 { a.iter().filter(|x| x.site == s).map(|x| x.population).sum() };
        assert_eq!((of(0), of(1)), (450, 150));
        // Every point's residents are all allocated, never more.
        for p in 0..60 {
            let sum: u64 = a
                .iter()
                .filter(|x| x.point == p)
                .map(|x| x.population)
                .sum();
            assert_eq!(sum, 10);
        }
    }
}
