//! bundles.geojson for QGIS: every facility as a point (its bundle, or why it stays
//! out) and every bundle's convex hull as a polygon (a point or a line when the bundle
//! has fewer than three distinct places). Coordinates are WGS84 [lon, lat].

use crate::geo::hull;
use crate::plan::Plan;
use crate::problem::LineFate;
use serde_json::{json, Value};

pub fn render(plan: &Plan) -> String {
    let w = plan.inputs.ward;
    let facilities = w.facilities();
    let mut fac_bundle: Vec<Option<&str>> = vec![None; facilities.len()];
    let mut fac_hub = vec![false; facilities.len()];
    for b in &plan.bundles {
        for &f in &b.facilities {
            fac_bundle[f] = Some(b.id.as_str());
        }
        if let Some(f) = plan.built.hubs[b.hub].facility() {
            fac_hub[f] = true;
        }
    }
    // Facilities whose lines all stay out of bundles.
    let mut has_line = vec![false; facilities.len()];
    for (l, line) in w.lines().iter().enumerate() {
        if let LineFate::Unit(_) = plan.built.fates[l] {
            has_line[line.facility] = true;
        }
    }
    let mut features: Vec<Value> = facilities
        .iter()
        .enumerate()
        .map(|(i, f)| {
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [f.lon, f.lat] },
                "properties": {
                    "layer": "facility",
                    "facility_id": f.id,
                    "name": f.name,
                    "kind": f.kind,
                    "area": f.area,
                    "bundle_id": fac_bundle[i],
                    "is_hub": fac_hub[i],
                    "bundled": has_line[i],
                }
            })
        })
        .collect();
    for b in &plan.bundles {
        let pts: Vec<(f64, f64)> = b
            .facilities
            .iter()
            .map(|&f| (facilities[f].lon, facilities[f].lat))
            .collect();
        let h = hull(&pts);
        let coords: Vec<[f64; 2]> = h.iter().map(|&(x, y)| [x, y]).collect();
        let geometry = match coords.len() {
            1 => json!({ "type": "Point", "coordinates": coords[0] }),
            2 => json!({ "type": "LineString", "coordinates": coords }),
            _ => json!({ "type": "Polygon", "coordinates": [coords] }),
        };
        let (hub_lat, hub_lon) = w.lat_lon(plan.built.hubs[b.hub].site);
        features.push(json!({
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "layer": "bundle",
                "bundle_id": b.id,
                "bundle_name": b.name,
                "hub_id": b.hub_id,
                "hub_name": b.hub_name,
                "hub_lon": hub_lon,
                "hub_lat": hub_lat,
                "area": b.area,
                "facilities": b.facilities.len(),
                "lines": b.lines.len(),
                "trades": b.trades.join(";"),
                "labour_hours": (b.labour_hours * 10.0).round() / 10.0,
                "value_jpy": b.value,
                "travel_km_year": (b.travel_km_year * 10.0).round() / 10.0,
                "route_km": (b.route_km * 100.0).round() / 100.0,
                "admin_hours_year": (b.admin_hours * 10.0).round() / 10.0,
            }
        }));
    }
    let mut s =
        serde_json::to_string(&json!({ "type": "FeatureCollection", "features": features }))
            .expect("a JSON value serialises");
    s.push('\n');
    s
}
