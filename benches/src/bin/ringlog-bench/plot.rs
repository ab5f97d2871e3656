//! SVG line charts of the medians, with min–max bars (plotters' SVG
//! backend).

use crate::stats::Summary;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// One line of a chart.
pub struct Series {
    pub label: String,
    /// Ours: drawn solid and thick; peers dashed.
    pub ours: bool,
    /// (x label, median/min/max if measured)
    pub points: Vec<(String, Option<Summary>)>,
}

const SIZE: (u32, u32) = (900, 480);
/// Width of the legend, right of the plot.
const LEGEND: u32 = 290;
const PALETTE: [RGBColor; 9] = [
    RGBColor(0x1b, 0x9e, 0x77),
    RGBColor(0xd9, 0x5f, 0x02),
    RGBColor(0x75, 0x70, 0xb3),
    RGBColor(0xe7, 0x29, 0x8a),
    RGBColor(0x66, 0xa6, 0x1e),
    RGBColor(0xe6, 0xab, 0x02),
    RGBColor(0xa6, 0x76, 0x1d),
    RGBColor(0x66, 0x66, 0x66),
    RGBColor(0x1f, 0x78, 0xb4),
];

/// A line chart: categorical x (the points' labels), linear y from 0
/// (values divided by `scale`); ours solid, peers dashed.
pub fn line_chart(
    title: &str,
    x_label: &str,
    y_label: &str,
    scale: f64,
    series: &[Series],
) -> String {
    let mut svg = String::new();
    draw(&mut svg, title, x_label, y_label, scale, series)
        .unwrap_or_else(|e| panic!("drawing {title:?}: {e}"));
    svg
}

type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordusize, RangedCoordf64>>;

fn draw(
    svg: &mut String,
    title: &str,
    x_label: &str,
    y_label: &str,
    scale: f64,
    series: &[Series],
) -> Result<(), Box<dyn std::error::Error>> {
    let xs: Vec<&str> = series
        .first()
        .map(|s| s.points.iter().map(|p| p.0.as_str()).collect())
        .unwrap_or_default();
    let y_max = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1.map(|v| v.max)))
        .fold(0.0, f64::max)
        / scale;
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (plot, legend) = root.split_horizontally(SIZE.0 - LEGEND);
    // One slot per x label, the points at the slots' centres.
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", 15))
        .margin(10)
        .x_label_area_size(45)
        .y_label_area_size(55)
        .build_cartesian_2d(0..xs.len() * 2, 0.0..(y_max * 1.05).max(1.0))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .y_labels(6)
        .x_labels(xs.len() * 2 + 1)
        .x_label_formatter(&|i| match i % 2 {
            1 => xs.get(i / 2).map_or(String::new(), |x| x.to_string()),
            _ => String::new(),
        })
        .x_desc(x_label)
        .y_desc(y_label)
        .draw()?;
    for (k, s) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let style = color.stroke_width(if s.ours { 3 } else { 1 });
        let points: Vec<(usize, Summary)> = s
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((2 * i + 1, p.1?)))
            .collect();
        draw_series(&mut chart, &points, scale, s.ours, style)?;
        legend_entry(&legend, k, &s.label, s.ours, style)?;
    }
    root.present()?;
    Ok(())
}

/// Line `k` of the legend (right of the plot): the series' line style and
/// its label.
fn legend_entry(
    legend: &DrawingArea<SVGBackend, Shift>,
    k: usize,
    label: &str,
    ours: bool,
    style: ShapeStyle,
) -> Result<(), Box<dyn std::error::Error>> {
    let y = 40 + 20 * k as i32;
    let line = [(15, y), (43, y)];
    if ours {
        legend.draw(&PathElement::new(line, style))?;
    } else {
        legend.draw(&DashedPathElement::new(line, 6, 4, style))?;
    }
    legend.draw(&Text::new(label, (49, y - 6), ("sans-serif", 12)))?;
    Ok(())
}

/// One series: the line through the medians, and at each point a bar from
/// min to max and a dot.
fn draw_series(
    chart: &mut Chart,
    points: &[(usize, Summary)],
    scale: f64,
    ours: bool,
    style: ShapeStyle,
) -> Result<(), Box<dyn std::error::Error>> {
    let medians = points.iter().map(|(x, s)| (*x, s.median / scale));
    if ours {
        chart.draw_series(LineSeries::new(medians, style))?;
    } else {
        chart.draw_series(DashedLineSeries::new(medians, 6, 4, style))?;
    }
    chart.draw_series(points.iter().map(|(x, s)| {
        PathElement::new(
            [(*x, s.min / scale), (*x, s.max / scale)],
            style.stroke_width(1),
        )
    }))?;
    chart.draw_series(
        points
            .iter()
            .map(|(x, s)| Circle::new((*x, s.median / scale), 3, style.filled())),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Draws on another thread: a layout bug in the plotting crate must fail
    /// the test, not hang it (the tool draws after every run is done).
    fn chart_within_deadline(series: Vec<Series>) -> String {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(line_chart("t <&> t", "x", "y", 1e6, &series));
        });
        rx.recv_timeout(Duration::from_secs(20))
            .expect("drawing a chart took over 20 s (or panicked)")
    }

    fn series(label: &str, ours: bool, medians: &[Option<f64>]) -> Series {
        Series {
            label: label.into(),
            ours,
            points: medians
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let s = m.map(|m| Summary {
                        median: m,
                        min: m * 0.5,
                        max: m * 1.5,
                    });
                    (format!("{}", i + 1), s)
                })
                .collect(),
        }
    }

    #[test]
    fn draws_every_series_and_label() {
        let svg = chart_within_deadline(vec![
            series(
                "ringlog <ours>",
                true,
                &[Some(50e6), Some(40e6), Some(45e6)],
            ),
            series("peer & co", false, &[Some(20e6), None, Some(25e6)]),
        ]);
        assert!(svg.starts_with("<svg"), "{svg}");
        for text in ["t &lt;&amp;&gt; t", "ringlog &lt;ours&gt;", "peer &amp; co"] {
            assert!(svg.contains(text), "{text} missing");
        }
    }

    #[test]
    fn draws_degenerate_data() {
        chart_within_deadline(Vec::new());
        chart_within_deadline(vec![series("none", true, &[None, None])]);
        chart_within_deadline(vec![series("zero", false, &[Some(0.0), Some(0.0)])]);
        chart_within_deadline(vec![series("one", false, &[Some(3e6)])]);
    }
}
