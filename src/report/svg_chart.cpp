#include "report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace finseg::svg {

namespace {

// Colour-blind-safe palette (Okabe-Ito, without black).
const char* const kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#999999"};
const char* colour(std::size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A linear axis over [lo, hi] widened to round ticks (1, 2 or 5 times a power of ten).
struct Axis {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  Axis(double min_value, double max_value, int wanted) {
    if (!(max_value > min_value)) max_value = min_value + (min_value == 0 ? 1 : std::abs(min_value));
    const double raw = (max_value - min_value) / wanted;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double step = raw / power <= 1 ? power : raw / power <= 2 ? 2 * power : raw / power <= 5 ? 5 * power : 10 * power;
    lo = std::floor(min_value / step) * step;
    hi = std::ceil(max_value / step) * step;
    for (double t = lo; t <= hi + step / 2; t += step) ticks.push_back(std::abs(t) < step / 1e6 ? 0.0 : t);
  }
  double at(double v, double px0, double px1) const { return px0 + (v - lo) / (hi - lo) * (px1 - px0); }
};

std::string open_svg(double width, double height, const std::string& label) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\" role=\"img\" aria-label=\"" +
         escape(label) + "\" font-family=\"system-ui, sans-serif\" font-size=\"12\">";
}

std::string text(double x, double y, const std::string& s, const char* anchor, const std::string& extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\"" + extra + ">" + escape(s) + "</text>";
}

std::string rect(double x, double y, double w, double h, const char* fill, const std::string& title) {
  return "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(w, 0.5)) + "\" height=\"" + num(std::max(h, 0.5)) +
         "\" fill=\"" + fill + "\"><title>" + escape(title) + "</title></rect>";
}

std::string line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1) {
  return "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\" stroke=\"" + stroke +
         "\" stroke-width=\"" + num(width) + "\"/>";
}

// Vertical grid lines and labels of a horizontal axis from x0 to x1, between y0 and y1.
std::string x_grid(const Axis& axis, double x0, double x1, double y0, double y1) {
  std::string s;
  for (const double t : axis.ticks) {
    const double x = axis.at(t, x0, x1);
    s += line(x, y0, x, y1, t == 0 ? "#555" : "#ddd");
    s += text(x, y1 + 14, compact_number(t), "middle", " fill=\"#555\"");
  }
  return s;
}

std::string legend(const std::vector<Series>& series, double x, double y) {
  std::string s;
  for (std::size_t i = 0; i < series.size(); ++i) {
    s += rect(x, y - 9, 10, 10, colour(i), series[i].name);
    s += text(x + 14, y, series[i].name, "start");
    x += 28 + 8.0 * static_cast<double>(series[i].name.size());  // about the width of upper-case text at 12 px
  }
  return s;
}

}  // namespace

std::string escape(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  for (const char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string compact_number(double v) {
  const double a = std::abs(v);
  char buf[32];
  if (a >= 1e9) std::snprintf(buf, sizeof buf, "%.3g bn", v / 1e9);
  else if (a >= 1e6) std::snprintf(buf, sizeof buf, "%.3gM", v / 1e6);
  else if (a >= 1e3) std::snprintf(buf, sizeof buf, "%.3gk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string bar_chart(const std::vector<Bar>& bars) {
  const double label_w = 230, width = 860, row = 24, top = 8;
  const double height = top + row * static_cast<double>(bars.size()) + 24;
  double max_value = 0;
  for (const auto& b : bars) max_value = std::max(max_value, b.value);
  const Axis axis(0, max_value, 5);
  const double x0 = label_w, x1 = width - 90;
  std::string s = open_svg(width, height, "bar chart");
  s += x_grid(axis, x0, x1, top, height - 20);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double y = top + row * static_cast<double>(i);
    s += text(x0 - 8, y + 16, bars[i].label, "end");
    const double w = axis.at(bars[i].value, x0, x1) - x0;
    s += rect(x0, y + 4, w, row - 8, colour(bars[i].colour), bars[i].label + ": " + bars[i].value_text);
    s += text(x0 + w + 6, y + 16, bars[i].value_text, "start");
  }
  return s + "</svg>";
}

std::string column_chart(const std::vector<std::string>& categories, const std::vector<Series>& series, bool rotate_labels) {
  const double width = 860, left = 64, right = 12, top = series.size() > 1 ? 28 : 10;
  const double plot_h = 220, bottom = rotate_labels ? 70 : 28;
  double lo = 0, hi = 0;
  for (const auto& s : series)
    for (const double v : s.values) lo = std::min(lo, v), hi = std::max(hi, v);
  const Axis axis(lo, hi, 5);
  const double y_top = top, y_bottom = top + plot_h;
  const auto y_of = [&](double v) { return axis.at(v, y_bottom, y_top); };
  std::string s = open_svg(width, top + plot_h + bottom, "column chart");
  if (series.size() > 1) s += legend(series, left, 16);
  for (const double t : axis.ticks) {
    s += line(left, y_of(t), width - right, y_of(t), t == 0 ? "#555" : "#ddd");
    s += text(left - 6, y_of(t) + 4, compact_number(t), "end", " fill=\"#555\"");
  }
  const double slot = (width - left - right) / static_cast<double>(std::max<std::size_t>(categories.size(), 1));
  const double bar_w = slot * 0.8 / static_cast<double>(std::max<std::size_t>(series.size(), 1));
  for (std::size_t c = 0; c < categories.size(); ++c) {
    const double x = left + slot * static_cast<double>(c);
    for (std::size_t k = 0; k < series.size(); ++k) {
      const double v = c < series[k].values.size() ? series[k].values[c] : 0;
      const double y = std::min(y_of(v), y_of(0)), h = std::abs(y_of(v) - y_of(0));
      s += rect(x + slot * 0.1 + bar_w * static_cast<double>(k), y, bar_w, h, colour(k),
                series[k].name + " " + categories[c] + ": " + compact_number(v));
    }
    const double lx = x + slot / 2, ly = y_bottom + 16;
    s += rotate_labels ? text(lx, ly, categories[c], "end", " transform=\"rotate(-40 " + num(lx) + " " + num(ly) + ")\"")
                       : text(lx, ly, categories[c], "middle");
  }
  return s + "</svg>";
}

std::string stacked_bar_chart(const std::vector<std::string>& categories, const std::vector<Series>& series) {
  const double label_w = 200, width = 860, row = 26, top = 28;
  const double height = top + row * static_cast<double>(categories.size()) + 24;
  std::vector<double> totals(categories.size(), 0);
  for (const auto& k : series)
    for (std::size_t c = 0; c < categories.size() && c < k.values.size(); ++c) totals[c] += k.values[c];
  const Axis axis(0, totals.empty() ? 1 : *std::max_element(totals.begin(), totals.end()), 5);
  const double x0 = label_w, x1 = width - 20;
  std::string s = open_svg(width, height, "stacked bar chart");
  s += legend(series, x0, 16);
  s += x_grid(axis, x0, x1, top, height - 20);
  for (std::size_t c = 0; c < categories.size(); ++c) {
    const double y = top + row * static_cast<double>(c);
    s += text(x0 - 8, y + 17, categories[c], "end");
    double from = 0;
    for (std::size_t k = 0; k < series.size(); ++k) {
      const double v = c < series[k].values.size() ? series[k].values[c] : 0;
      if (v <= 0) continue;
      const double a = axis.at(from, x0, x1), b = axis.at(from + v, x0, x1);
      s += rect(a, y + 4, b - a, row - 8, colour(k), categories[c] + ", " + series[k].name + ": " + compact_number(v));
      from += v;
    }
  }
  return s + "</svg>";
}

std::string box_chart(const std::vector<Box>& boxes) {
  const double label_w = 200, width = 860, row = 34, top = 8;
  const double height = top + row * static_cast<double>(boxes.size()) + 24;
  double lo = 0, hi = 0;
  for (const auto& b : boxes) lo = std::min(lo, b.p10), hi = std::max(hi, b.p90);
  const Axis axis(lo, hi, 6);
  const double x0 = label_w, x1 = width - 20;
  const auto x = [&](double v) { return axis.at(v, x0, x1); };
  std::string s = open_svg(width, height, "box plots");
  s += x_grid(axis, x0, x1, top, height - 20);
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const Box& b = boxes[i];
    const double y = top + row * static_cast<double>(i), mid = y + row / 2;
    s += text(x0 - 8, mid + 4, b.label, "end");
    s += line(x(b.p10), mid, x(b.p90), mid, "#333");
    s += line(x(b.p10), mid - 6, x(b.p10), mid + 6, "#333");
    s += line(x(b.p90), mid - 6, x(b.p90), mid + 6, "#333");
    s += rect(x(b.p25), y + 6, x(b.p75) - x(b.p25), row - 12, colour(i),
              b.label + ": quartiles " + compact_number(b.p25) + " / " + compact_number(b.median) + " / " + compact_number(b.p75));
    s += line(x(b.median), y + 4, x(b.median), y + row - 4, "#000", 2.5);
  }
  return s + "</svg>";
}

}  // namespace finseg::svg
