//! Column charts as inline SVG for the insights report, drawn by hand: a few rectangles and
//! labels need no plotting crate.

use std::fmt::Write as _;

use super::html::{esc, percent};

pub(super) const BLUE: &str = "#1d4ed8";
pub(super) const ORANGE: &str = "#b45309";
pub(super) const GREEN: &str = "#15803d";
pub(super) const INK: &str = "#1f2937";
pub(super) const GRID: &str = "#d1d5db";

/// `2025-01-31` → `01-31`.
pub(super) fn short_day(day: &str) -> String {
    day.get(5..).unwrap_or(day).to_string()
}

pub(super) struct Bar {
    pub(super) label: String,
    pub(super) value: f64,
    /// A part of the bar drawn over it from the base (the zero-result searches).
    pub(super) part: Option<f64>,
}

/// A round axis maximum at or above `max`: 1, 2, 5 × 10^k.
pub(super) fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        if step * magnitude >= max {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

pub(super) fn column_chart(
    id: &str,
    title: &str,
    desc: &str,
    bars: &[Bar],
    ratio: bool,
    legend: &[(&str, &str)],
) -> String {
    let (width, height) = (720.0, 260.0);
    let (left, right, top, bottom) = (52.0, 12.0, 34.0, 44.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
    // Legend.
    let mut x = left;
    for (name, color) in legend {
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"8\" width=\"14\" height=\"14\" fill=\"{color}\"/>\
             <text x=\"{}\" y=\"20\" font-size=\"13\" fill=\"{INK}\">{}</text>",
            x + 20.0,
            esc(name)
        );
        x += 40.0 + name.len() as f64 * 7.5;
    }
    let max = if ratio {
        1.0
    } else {
        nice_max(bars.iter().map(|b| b.value).fold(0.0, f64::max))
    };
    // Round steps: 10 → 0, 2, …, 10; 20 → 0, 5, …, 20.
    let ticks: u32 = if ratio || (max / 4.0).fract() == 0.0 {
        4
    } else {
        5
    };
    for i in 0..=ticks {
        let v = max * f64::from(i) / f64::from(ticks);
        let y = top + plot_h - plot_h * f64::from(i) / f64::from(ticks);
        let label = if ratio {
            percent(v)
        } else if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        };
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"{INK}\">{label}</text>",
            width - right,
            left - 6.0,
            y + 4.0
        );
    }
    if bars.is_empty() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" text-anchor=\"middle\" fill=\"{INK}\">No data in this period</text>",
            left + plot_w / 2.0,
            top + plot_h / 2.0
        );
    }
    let slot = plot_w / bars.len().max(1) as f64;
    let bar_w = (slot * 0.7).clamp(1.0, 48.0);
    let every = (bars.len() as f64 / 12.0).ceil().max(1.0) as usize;
    for (i, bar) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let h = plot_h * (bar.value / max).clamp(0.0, 1.0);
        let color = if ratio { ORANGE } else { BLUE };
        let value = if ratio {
            percent(bar.value)
        } else {
            format!("{}", bar.value)
        };
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" fill=\"{color}\"><title>{}: {}</title></rect>",
            top + plot_h - h,
            esc(&bar.label),
            esc(&value)
        );
        if let Some(part) = bar.part.filter(|p| *p > 0.0) {
            let ph = plot_h * (part / max).clamp(0.0, 1.0);
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" height=\"{ph:.1}\" fill=\"{ORANGE}\"><title>{}: {} with no results</title></rect>",
                top + plot_h - ph,
                esc(&bar.label),
                part
            );
        }
        if i % every == 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
                x + bar_w / 2.0,
                height - bottom + 18.0,
                esc(&bar.label)
            );
        }
    }
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{INK}\"/></svg>",
        width - right,
        top + plot_h,
        top + plot_h
    );
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_axis_maxima() {
        assert_eq!(super::nice_max(0.0), 1.0);
        assert_eq!(super::nice_max(7.0), 10.0);
        assert_eq!(super::nice_max(13.0), 20.0);
        assert_eq!(super::nice_max(450.0), 500.0);
    }
}
