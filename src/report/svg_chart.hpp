// Charts as inline SVG written by finseg: no script and no library at view time, a few KB each,
// so the page can be mailed and opened offline. Each function returns one <svg> element with a
// viewBox (it scales to the page width) and draws at least one mark for non-empty data.
#pragma once

#include <string>
#include <vector>

namespace finseg::svg {

// Text for SVG/HTML: & < > " escaped.
std::string escape(const std::string& text);
// 1234567.5 -> "1.23M", -2500 -> "-2.5k": axis labels.
std::string compact_number(double value);

struct Bar {
  std::string label;
  double value = 0;
  std::string value_text;  // printed at the end of the bar
  std::size_t colour = 0;  // index into the palette
};
// Horizontal bars from zero, one per label (values >= 0).
std::string bar_chart(const std::vector<Bar>& bars);

struct Series {
  std::string name;
  std::vector<double> values;  // one per category
};
// Vertical columns per category, the series side by side (negative values go below the zero line);
// a legend when there is more than one series. `rotate_labels` for many or long category labels.
std::string column_chart(const std::vector<std::string>& categories, const std::vector<Series>& series, bool rotate_labels);

// Horizontal stacked bars: one row per category, one segment per series (values >= 0), a legend.
std::string stacked_bar_chart(const std::vector<std::string>& categories, const std::vector<Series>& series);

struct Box {
  std::string label;
  double p10 = 0, p25 = 0, median = 0, p75 = 0, p90 = 0;
};
// One box per row on a shared horizontal axis: box p25..p75, a line at the median, whiskers p10..p90.
std::string box_chart(const std::vector<Box>& boxes);

}  // namespace finseg::svg
