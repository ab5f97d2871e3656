//! SVG line charts of the medians, with min–max bars.

use crate::stats::Summary;
use std::fmt::Write as _;

/// One line of a chart.
pub struct Series {
    pub label: String,
    /// Ours: drawn solid and thick; peers dashed.
    pub ours: bool,
    /// (x label, median/min/max if measured)
    pub points: Vec<(String, Option<Summary>)>,
}

/// A hand-written SVG line chart: categorical x, linear y from 0 (values
/// divided by `scale`).
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    scale: f64,
    series: &[Series],
) -> String {
    const W: f64 = 900.0;
    const H: f64 = 480.0;
    const LEFT: f64 = 70.0;
    const RIGHT: f64 = 290.0;
    const TOP: f64 = 40.0;
    const BOTTOM: f64 = 60.0;
    const PALETTE: [&str; 9] = [
        "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
        "#1f78b4",
    ];
    let xs: Vec<String> = series
        .first()
        .map(|s| s.points.iter().map(|p| p.0.clone()).collect())
        .unwrap_or_default();
    let y_max = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1.map(|v| v.max)))
        .fold(0.0, f64::max)
        / scale;
    let y_top = nice_ceiling(y_max.max(1.0));
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x_of = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / xs.len().max(1) as f64;
    let y_of = |v: f64| TOP + plot_h * (1.0 - v / y_top);
    let mut svg = String::new();
    writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">"#
    )
    .unwrap();
    writeln!(svg, r#"<rect width="{W}" height="{H}" fill="white"/>"#).unwrap();
    writeln!(
        svg,
        r#"<text x="{}" y="22" font-size="15" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        xml(title)
    )
    .unwrap();
    for i in 0..=5 {
        let v = y_top * i as f64 / 5.0;
        let y = y_of(v);
        writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{v}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            y + 4.0
        )
        .unwrap();
    }
    for (i, x) in xs.iter().enumerate() {
        writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{x}</text>"#,
            x_of(i),
            TOP + plot_h + 18.0
        )
        .unwrap();
    }
    writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        H - 15.0,
        xml(x_label)
    )
    .unwrap();
    writeln!(
        svg,
        r#"<text transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        TOP + plot_h / 2.0,
        xml(y_label)
    )
    .unwrap();
    writeln!(
        svg,
        r#"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>"#
    )
    .unwrap();
    for (k, s) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let (width, dash) = if s.ours {
            (3.0, "")
        } else {
            (1.5, r#" stroke-dasharray="6 4""#)
        };
        let points: Vec<(f64, f64, f64, f64)> = s
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.1.map(|s| {
                    let y = |v: f64| y_of(v / scale);
                    (x_of(i), y(s.median), y(s.min), y(s.max))
                })
            })
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", p.0, p.1))
            .collect();
        writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="{width}"{dash}/>"#,
            path.join(" ")
        )
        .unwrap();
        for (x, y, lo, hi) in &points {
            writeln!(
                svg,
                r#"<line x1="{x:.1}" y1="{lo:.1}" x2="{x:.1}" y2="{hi:.1}" stroke="{color}"/><circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{color}"/>"#
            )
            .unwrap();
        }
        let ly = TOP + 10.0 + 20.0 * k as f64;
        let lx = LEFT + plot_w + 15.0;
        writeln!(
            svg,
            r#"<line x1="{lx}" y1="{ly}" x2="{:.1}" y2="{ly}" stroke="{color}" stroke-width="{width}"{dash}/><text x="{:.1}" y="{:.1}">{}</text>"#,
            lx + 28.0,
            lx + 34.0,
            ly + 4.0,
            xml(&s.label)
        )
        .unwrap();
    }
    svg.push_str("</svg>\n");
    svg
}

fn nice_ceiling(v: f64) -> f64 {
    let magnitude = 10f64.powf(v.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= v {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
