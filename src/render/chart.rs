//! The HTML report's charts, drawn as SVG with plotters' SVG backend.
//!
//! No text from the input reaches these charts: they carry bars, counts and times that
//! provlog computed, and every label that comes from a log or the catalog is laid over the
//! chart as HTML by `render::html` (escaped there, and free to wrap or use any script). The
//! bars are the only `<rect>` elements drawn (no background, no legend boxes), so a test
//! can count them.

use std::io;

use chrono::{DateTime, Utc};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::catalog::Category;
use crate::report::activity::Timeline;

/// Colours of the categories, shared by the charts and the HTML badges so that one
/// category always has one colour. Chosen to stay apart for the common kinds of colour
/// blindness where possible, and to print legibly.
pub fn category_rgb(c: Category) -> (u8, u8, u8) {
    match c {
        Category::Auth => (0xc6, 0x28, 0x28),
        Category::Permission => (0xe6, 0x6a, 0x00),
        Category::License => (0x7b, 0x3f, 0xb0),
        Category::Conflict => (0xd4, 0xa0, 0x00),
        Category::NotFound => (0x8d, 0x5a, 0x3b),
        Category::InvalidData => (0xd8, 0x4c, 0x9e),
        Category::Throttling => (0x00, 0x9c, 0xb0),
        Category::Limit => (0x5c, 0x3d, 0x8f),
        Category::Transient => (0x2f, 0x6f, 0xd0),
        Category::TargetConfig => (0x2e, 0x8b, 0x57),
        Category::Scoping => (0x8a, 0xb8, 0x4a),
        Category::Internal => (0x33, 0x4e, 0x6b),
        Category::Unclassified => (0x9e, 0x9e, 0x9e),
    }
}

fn color(c: Category) -> RGBColor {
    let (r, g, b) = category_rgb(c);
    RGBColor(r, g, b)
}

const INK: RGBColor = RGBColor(0x55, 0x5b, 0x66);
const GRID: RGBColor = RGBColor(0xe3, 0xe6, 0xea);
const FONT: &str = "sans-serif";

fn plot_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("drawing a chart: {e}"))
}

/// An SVG ready to be placed inline in HTML.
#[derive(Debug, Clone)]
pub struct Svg {
    pub markup: String,
    pub width: u32,
    pub height: u32,
    /// `<rect>` elements drawn: one per bar or bar segment.
    pub bars: usize,
}

/// Inline SVG in HTML needs no namespace declaration; dropping it keeps the report free of
/// URLs other than the catalog's documentation links.
fn inline(markup: String) -> String {
    markup.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

pub const TIMELINE_WIDTH: u32 = 960;
pub const TIMELINE_HEIGHT: u32 = 300;
/// Most labelled ticks on the time axis.
const MAX_TICKS: usize = 8;
/// The time axis has room for at least this many buckets, so that the bars of a short
/// export stay bars instead of filling the chart.
const MIN_SLOTS: usize = 12;

const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
const TICK_STEPS: [i64; 16] = [
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    28 * DAY,
];

/// Bucket indices (0..=n, n being the end of the last bucket) that fall on round times,
/// at most eight of them.
pub fn ticks(start: DateTime<Utc>, width: i64, n: usize) -> (i64, Vec<u32>) {
    let s = start.timestamp();
    let at = |step: i64| -> Vec<u32> {
        // Weeks are counted from Mondays, like the week buckets.
        let offset = if step % (7 * DAY) == 0 { 4 * DAY } else { 0 };
        (0..=n)
            .filter(|i| (s + width * *i as i64 - offset).rem_euclid(step) == 0)
            .map(|i| i as u32)
            .collect()
    };
    for step in TICK_STEPS
        .iter()
        .copied()
        .filter(|st| *st >= width && st % width == 0)
    {
        let t = at(step);
        if t.len() <= MAX_TICKS {
            return (step, t);
        }
    }
    (width, vec![0])
}

/// A tick's label: the date for day steps and at midnight of a multi-day span, else the
/// time of day.
fn tick_label(t: DateTime<Utc>, step: i64, multi_day: bool) -> String {
    let midnight = t.timestamp().rem_euclid(DAY) == 0;
    if step >= DAY || (multi_day && midnight) {
        t.format("%m-%d").to_string()
    } else {
        t.format("%H:%M").to_string()
    }
}

/// Failures per bucket as stacked bars, one colour per category (stacked in the
/// catalog's category order).
pub fn timeline(tl: &Timeline) -> io::Result<Svg> {
    let n = tl.buckets.len();
    let (step, ticks) = ticks(tl.start, tl.width, n);
    let end = tl.bucket_start(n);
    let multi_day = tl.start.date_naive() != (end - chrono::Duration::seconds(1)).date_naive();
    let peak = tl.peak().max(1);
    // Headroom above the highest bar, and a round top for the axis.
    let top = peak + (peak / 10).max(1);
    let mut markup = String::new();
    let bars;
    {
        let root = SVGBackend::with_string(&mut markup, (TIMELINE_WIDTH, TIMELINE_HEIGHT))
            .into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin_top(12)
            .margin_right(16)
            .x_label_area_size(30)
            .y_label_area_size(44)
            .build_cartesian_2d(
                (0u32..n.max(MIN_SLOTS) as u32).with_key_points(ticks),
                0u64..top,
            )
            .map_err(plot_error)?;
        let label = |i: &u32| tick_label(tl.bucket_start(*i as usize), step, multi_day);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(RGBColor(0xb0, 0xb5, 0xbd))
            .y_labels(6)
            .x_label_formatter(&label)
            .y_label_formatter(&|v: &u64| v.to_string())
            .label_style((FONT, 15).into_font().color(&INK))
            .draw()
            .map_err(plot_error)?;
        let mut segments = Vec::new();
        for (i, b) in tl.buckets.iter().enumerate() {
            let mut base = 0u64;
            for c in Category::ALL {
                let Some(&count) = b.get(c).filter(|n| **n > 0) else {
                    continue;
                };
                let x = i as u32;
                let mut r = Rectangle::new([(x, base), (x + 1, base + count)], color(*c).filled());
                // A pixel of air between neighbouring bars.
                r.set_margin(0, 0, 1, 1);
                segments.push(r);
                base += count;
            }
        }
        bars = segments.len();
        chart.draw_series(segments).map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(Svg {
        markup: inline(markup),
        width: TIMELINE_WIDTH,
        height: TIMELINE_HEIGHT,
        bars,
    })
}

pub const BARS_WIDTH: u32 = 960;
/// Height of one bar's row.
pub const BAR_BAND: u32 = 30;
/// Space above the first and below the last row.
pub const BAR_PAD: u32 = 4;
/// Width left free on the left for the HTML labels.
pub const BAR_LABEL_WIDTH: u32 = 420;

/// Where the HTML label of a row goes, in percent of the chart's box (so that the labels
/// stay on their bars however the SVG is scaled).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowBox {
    pub top: f64,
    pub height: f64,
}

/// Horizontal bars, one per row, largest expected first, each with its count at its end.
pub fn bars(rows: &[(u64, Category)]) -> io::Result<(Svg, Vec<RowBox>)> {
    let n = rows.len().max(1);
    let height = BAR_PAD * 2 + BAR_BAND * n as u32;
    let max = rows.iter().map(|r| r.0).max().unwrap_or(1).max(1);
    // Room after the longest bar for its count.
    let right = max as f64 * 1.12 + 1.0;
    let mut markup = String::new();
    {
        let root = SVGBackend::with_string(&mut markup, (BARS_WIDTH, height)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin_top(BAR_PAD)
            .margin_bottom(BAR_PAD)
            .margin_left(BAR_LABEL_WIDTH)
            .margin_right(8)
            .build_cartesian_2d(0f64..right, 0f64..n as f64)
            .map_err(plot_error)?;
        // Rank 1 at the top.
        let y = |i: usize| (n - 1 - i) as f64;
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (count, c))| {
                let mut r = Rectangle::new(
                    [(0.0, y(i) + 0.0), (*count as f64, y(i) + 1.0)],
                    color(*c).filled(),
                );
                r.set_margin(5, 5, 0, 0);
                r
            }))
            .map_err(plot_error)?;
        let font = (FONT, 16)
            .into_font()
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(rows.iter().enumerate().map(|(i, (count, _))| {
                EmptyElement::at((*count as f64, y(i) + 0.5))
                    + Text::new(count.to_string(), (6, 0), font.clone())
            }))
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    let boxes = (0..rows.len())
        .map(|i| RowBox {
            top: f64::from(BAR_PAD + BAR_BAND * i as u32) * 100.0 / f64::from(height),
            height: f64::from(BAR_BAND) * 100.0 / f64::from(height),
        })
        .collect();
    Ok((
        Svg {
            markup: inline(markup),
            width: BARS_WIDTH,
            height,
            bars: rows.len(),
        },
        boxes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn rects(svg: &str) -> usize {
        svg.matches("<rect").count()
    }

    #[test]
    fn timeline_draws_one_rect_per_segment_and_nothing_else_as_rect() {
        let start = crate::time::parse_time("2026-11-20T00:00:00Z").expect("time");
        let tl = Timeline {
            start,
            width: 300,
            buckets: vec![
                BTreeMap::from([(Category::Auth, 2), (Category::Conflict, 3)]),
                BTreeMap::new(),
                BTreeMap::from([(Category::Auth, 1)]),
            ],
        };
        let svg = timeline(&tl).expect("drawn");
        assert_eq!(svg.bars, 3);
        assert_eq!(rects(&svg.markup), 3);
        assert!(svg.markup.starts_with("<svg"));
        assert!(!svg.markup.contains("http"));
        // The time axis is labelled with bucket start times.
        assert!(svg.markup.contains("00:05") && svg.markup.contains("00:15"));
    }

    #[test]
    fn bars_draw_one_rect_per_row_with_label_boxes() {
        let (svg, boxes) = bars(&[(17, Category::Conflict), (3, Category::Auth)]).expect("drawn");
        assert_eq!(rects(&svg.markup), 2);
        assert_eq!(svg.height, BAR_PAD * 2 + BAR_BAND * 2);
        assert_eq!(boxes.len(), 2);
        assert!(boxes[0].top < boxes[1].top);
        assert!((boxes[1].top + boxes[1].height - (100.0 - 400.0 / 68.0)).abs() < 1e-9);
        assert!(svg.markup.contains("17"));
    }

    #[test]
    fn ticks_fall_on_round_times() {
        let t = |s: &str| crate::time::parse_time(s).expect("time");
        // 17 five-minute buckets from midnight: every 15 minutes.
        let (step, v) = ticks(t("2026-11-20T00:00:00Z"), 300, 17);
        assert_eq!(step, 15 * MINUTE);
        assert_eq!(v, vec![0, 3, 6, 9, 12, 15]);
        // 30 days from a Wednesday: weekly ticks on Mondays (2026-11-23 is one).
        let (step, v) = ticks(t("2026-11-18T00:00:00Z"), DAY, 30);
        assert_eq!(step, 7 * DAY);
        assert_eq!(v, vec![5, 12, 19, 26]);
        assert_eq!(tick_label(t("2026-11-23T00:00:00Z"), DAY, true), "11-23");
        assert_eq!(tick_label(t("2026-11-23T06:00:00Z"), HOUR, true), "06:00");
        assert_eq!(tick_label(t("2026-11-23T00:00:00Z"), HOUR, true), "11-23");
        assert_eq!(tick_label(t("2026-11-23T00:00:00Z"), HOUR, false), "00:00");
    }
}
