//! Geometry on the ward map, knowing nothing of the ward: great-circle distance (geo's
//! Haversine), a local planar projection in km, convex hulls of bundles, and the length
//! of one visiting round (nearest neighbour + 2-opt). Road distances by site and the
//! travel model live in `ward`.

use geo::{ConvexHull, Distance, Haversine, MultiPoint, Point};

/// Great-circle distance in km.
pub fn great_circle_km(a_lat: f64, a_lon: f64, b_lat: f64, b_lon: f64) -> f64 {
    Haversine.distance(Point::new(a_lon, a_lat), Point::new(b_lon, b_lat)) / 1000.0
}

/// Equirectangular projection around a centre: x east, y north, in km. Accurate to
/// well under 1 % across a ward, which is all the engine's neighbour lists and the SVG
/// map need.
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    lat0: f64,
    lon0: f64,
    kx: f64,
    ky: f64,
}

impl Projection {
    /// The projection centred on the mean of `places` (latitude, longitude).
    pub fn around(places: &[(f64, f64)]) -> Projection {
        let n = places.len().max(1) as f64;
        let lat0 = places.iter().map(|p| p.0).sum::<f64>() / n;
        let lon0 = places.iter().map(|p| p.1).sum::<f64>() / n;
        let ky = great_circle_km(lat0 - 0.5, lon0, lat0 + 0.5, lon0);
        let kx = great_circle_km(lat0, lon0 - 0.5, lat0, lon0 + 0.5);
        Projection { lat0, lon0, kx, ky }
    }

    /// The planar position (x east, y north, km) of a point.
    pub fn xy(&self, lat: f64, lon: f64) -> [f64; 2] {
        [(lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky]
    }
}

/// Convex hull of (lon, lat) points as a closed ring, counter-clockwise. Fewer than
/// three distinct points give the distinct points themselves (no ring).
pub fn hull(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut distinct: Vec<(f64, f64)> = points.to_vec();
    distinct.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    distinct.dedup();
    if distinct.len() < 3 {
        return distinct;
    }
    let mp: MultiPoint<f64> = distinct.iter().map(|&(x, y)| Point::new(x, y)).collect();
    let poly = mp.convex_hull();
    poly.exterior().coords().map(|c| (c.x, c.y)).collect()
}

/// Length of one round from `start` through every other index and back, by nearest
/// neighbour then 2-opt, with `d(i, j)` the distance between indices. Deterministic:
/// ties go to the lower index.
pub fn round_km(n: usize, start: usize, d: &dyn Fn(usize, usize) -> f64) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let mut tour = Vec::with_capacity(n);
    let mut used = vec![false; n];
    tour.push(start);
    used[start] = true;
    let mut cur = start;
    for _ in 1..n {
        let next = (0..n)
            .filter(|&j| !used[j])
            .min_by(|&a, &b| {
                d(cur, a)
                    .partial_cmp(&d(cur, b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .expect("an unvisited place remains");
        used[next] = true;
        tour.push(next);
        cur = next;
    }
    // 2-opt on the closed tour; stop after a pass without improvement or a bounded
    // number of passes (bundles have at most a few hundred places).
    let len = tour.len();
    for _pass in 0..50 {
        let mut improved = false;
        for i in 0..len - 1 {
            for k in i + 2..len {
                let (a, b) = (tour[i], tour[i + 1]);
                let (c, e) = (tour[k], tour[(k + 1) % len]);
                if a == e {
                    continue;
                }
                let delta = d(a, c) + d(b, e) - d(a, b) - d(c, e);
                if delta < -1e-9 {
                    tour[i + 1..=k].reverse();
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    (0..len).map(|i| d(tour[i], tour[(i + 1) % len])).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn great_circle_matches_a_known_distance() {
        // Setagaya ward office to Shibuya station: about 4.6 km as the crow flies.
        let d = great_circle_km(35.6464, 139.6532, 35.6580, 139.7016);
        assert!((d - 4.55).abs() < 0.1, "{d}");
    }

    #[test]
    fn round_of_a_square_is_its_perimeter() {
        // Start at a corner, nearest neighbour may cross; 2-opt must uncross it.
        let pts = [(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)];
        let d = |i: usize, j: usize| {
            let (a, b): ((f64, f64), (f64, f64)) = (pts[i], pts[j]);
            ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
        };
        assert!((round_km(4, 0, &d) - 4.0).abs() < 1e-9);
        assert_eq!(round_km(1, 0, &d), 0.0);
        assert!((round_km(2, 0, &d) - 2.0 * 2f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn hull_drops_inner_points_and_closes_the_ring() {
        let h = hull(&[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (1.0, 1.0)]);
        assert_eq!(h.len(), 5);
        assert_eq!(h.first(), h.last());
        assert!(!h.contains(&(1.0, 1.0)));
        assert_eq!(hull(&[(1.0, 1.0), (1.0, 1.0)]).len(), 1);
    }
}
