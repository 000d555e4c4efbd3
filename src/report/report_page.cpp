#include "report/report_page.hpp"

#include "report/svg_chart.hpp"

#include <algorithm>
#include <set>

namespace finseg {

namespace {

using svg::escape;

// "1234567.89" -> "1,234,567.89": exact, for analysts; tests strip the commas.
std::string grouped(std::string digits) {
  const std::size_t sign = !digits.empty() && digits[0] == '-' ? 1 : 0;
  std::size_t end = digits.find('.');
  if (end == std::string::npos) end = digits.size();
  for (std::size_t i = end; i > sign + 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}
std::string money(Cents c) { return grouped(format_money(c)); }
std::string count(std::uint64_t n) { return grouped(std::to_string(n)); }
double euros(Cents c) { return static_cast<double>(c) / 100.0; }

// <td data-k="KEY">TEXT</td>: the key names the figure for tests and scripts reading the page.
std::string cell(const std::string& key, const std::string& text) {
  return "<td data-k=\"" + escape(key) + "\">" + text + "</td>";
}

std::string figure(const std::string& id, const std::string& chart, const std::string& caption) {
  return "<figure class=\"chart\" id=\"" + escape(id) + "\">" + chart + "<figcaption>" + caption + "</figcaption></figure>\n";
}

std::string quantile_row(const std::string& key, const std::string& label, const AmountSketch& s) {
  if (s.count() == 0) return "<tr><th>" + escape(label) + "</th><td colspan=\"7\">none</td></tr>";
  return "<tr><th>" + escape(label) + "</th>" + cell(key + ".count", count(s.count())) + cell(key + ".min", money(s.min())) +
         cell(key + ".p25", money(s.quantile(0.25))) + cell(key + ".median", money(s.quantile(0.5))) +
         cell(key + ".p75", money(s.quantile(0.75))) + cell(key + ".max", money(s.max())) + cell(key + ".sum", money(s.sum())) + "</tr>";
}

std::string quantile_table(const std::vector<std::string>& keys, const std::vector<std::string>& labels,
                           const std::vector<const AmountSketch*>& sketches, const char* what) {
  std::string s = "<table class=\"num\"><tr><th></th><th>" + std::string(what) +
                  "</th><th>min</th><th>25%</th><th>median</th><th>75%</th><th>max</th><th>sum</th></tr>";
  for (std::size_t i = 0; i < keys.size(); ++i) s += quantile_row(keys[i], labels[i], *sketches[i]);
  return s + "</table>\n";
}

svg::Box box_of(const std::string& label, const AmountSketch& s) {
  return {label, euros(s.quantile(0.1)), euros(s.quantile(0.25)), euros(s.quantile(0.5)), euros(s.quantile(0.75)), euros(s.quantile(0.9))};
}

std::string histogram(const std::string& id, const AmountSketch& s, const std::string& caption) {
  if (s.count() == 0) return "<p class=\"empty\">No amounts.</p>";
  std::vector<std::string> labels;
  svg::Series counts{"accounts", {}};
  for (const auto& bin : s.histogram(24)) {
    labels.push_back(svg::compact_number(euros(bin.low)) + " … " + svg::compact_number(euros(bin.high)));
    counts.values.push_back(static_cast<double>(bin.count));
  }
  return figure(id, svg::column_chart(labels, {counts}, true), caption);
}

std::string balance_section(const std::string& n, const ReportJob& job) {
  const AmountSketch& s = job.figures.balances();
  return quantile_table({n + ".amount"}, {"amount"}, {&s}, "accounts") +
         histogram("chart-" + n + "-amounts", s,
                   "Accounts by reported amount (EUR; bins of equal width on a logarithmic scale of the amount)");
}

std::string flow_section(const std::string& n, const ReportJob& job) {
  const FlowFigures& f = job.figures.flows();
  std::string s = "<table class=\"num\"><tr><th></th><th>transactions</th><th>amount</th></tr><tr><th>incoming</th>" +
                  cell(n + ".in_tx", count(f.incoming_transactions)) + cell(n + ".in_sum", money(f.incoming.sum())) +
                  "</tr><tr><th>outgoing</th>" + cell(n + ".out_tx", count(f.outgoing_transactions)) +
                  cell(n + ".out_sum", money(f.outgoing.sum())) + "</tr></table>\n";
  s += figure("chart-" + n + "-totals",
              svg::bar_chart({{"incoming", euros(f.incoming.sum()), money(f.incoming.sum()), 2},
                              {"outgoing", -euros(f.outgoing.sum()), money(f.outgoing.sum()), 3}}),
              "Money in and out over the window, all accounts together (EUR)");
  s += quantile_table({n + ".in", n + ".out"}, {"incoming per account", "outgoing per account"}, {&f.incoming, &f.outgoing}, "accounts");
  if (f.incoming.count() > 0)
    s += figure("chart-" + n + "-per-account", svg::box_chart({box_of("incoming per account", f.incoming), box_of("outgoing per account", f.outgoing)}),
                "Per account (EUR): boxes from the first to the third quartile, the median marked, whiskers from 10% to 90%");
  return s;
}

std::string month_table(const std::string& n, const ReportJob& job) {
  const JobFigures& f = job.figures;
  std::string s = "<table class=\"num\"><tr><th>month</th>";
  for (const auto& g : f.groups()) s += "<th>" + escape(g) + "</th>";
  s += "</tr>";
  for (std::size_t m = 0; m < f.months().size(); ++m) {
    s += "<tr><th>" + escape(f.months()[m]) + "</th>";
    for (std::size_t g = 0; g < f.groups().size(); ++g)
      s += cell(n + "." + f.groups()[g] + "." + f.months()[m], money(f.group_figures()[g].month_sums[m]));
    s += "</tr>";
  }
  return s + "</table>\n";
}

std::string breakdown_section(const std::string& n, const ReportJob& job) {
  const JobFigures& f = job.figures;
  std::vector<std::string> keys, labels;
  std::vector<const AmountSketch*> sketches;
  std::vector<svg::Box> boxes;
  std::vector<svg::Series> sums;
  for (std::size_t g = 0; g < f.groups().size(); ++g) {
    const GroupFigures& gf = f.group_figures()[g];
    keys.push_back(n + "." + f.groups()[g]);
    labels.push_back(f.groups()[g] + " (" + count(gf.users) + " users)");
    sketches.push_back(&gf.monthly);
    if (gf.monthly.count() > 0) boxes.push_back(box_of(f.groups()[g], gf.monthly));
    svg::Series series{f.groups()[g], {}};
    for (const Cents c : gf.month_sums) series.values.push_back(euros(c));
    sums.push_back(series);
  }
  std::string s = quantile_table(keys, labels, sketches, "user-months");
  if (!boxes.empty())
    s += figure("chart-" + n + "-monthly", svg::box_chart(boxes),
                "Monthly totals per user and label group (EUR; negative = spending): boxes from the first to the third quartile, "
                "the median marked, whiskers from 10% to 90%");
  s += figure("chart-" + n + "-months", svg::column_chart(f.months(), sums, false),
              "Month by month: the sum over every listed user, per label group (EUR)");
  return s + month_table(n, job);
}

std::string insurance_section(const std::string& n, const ReportJob& job) {
  const InsuranceFigures& f = job.figures.insurance();
  std::set<std::string> type_set, frequency_set;
  for (const auto& [key, c] : f.contracts) type_set.insert(key.first), frequency_set.insert(key.second);
  const std::vector<std::string> types(type_set.begin(), type_set.end()), frequencies(frequency_set.begin(), frequency_set.end());
  std::vector<svg::Series> series;
  std::string table = "<table class=\"num\"><tr><th>insuranceType</th>";
  for (const auto& q : frequencies) table += "<th>" + escape(q) + "</th>";
  table += "</tr>";
  for (const auto& q : frequencies) series.push_back({q, {}});
  for (const auto& t : types) {
    table += "<tr><th>" + escape(t) + "</th>";
    for (std::size_t k = 0; k < frequencies.size(); ++k) {
      const auto it = f.contracts.find({t, frequencies[k]});
      const std::uint64_t c = it == f.contracts.end() ? 0 : it->second;
      series[k].values.push_back(static_cast<double>(c));
      table += cell(n + ".contracts." + t + "." + frequencies[k], count(c));
    }
    table += "</tr>";
  }
  std::string s;
  if (!types.empty()) s += figure("chart-" + n + "-contracts", svg::stacked_bar_chart(types, series), "Contracts by insurance type and payment frequency");
  s += table + "</table>\n" + quantile_table({n + ".contract"}, {"amount per contract"}, {&f.amounts}, "contracts");
  if (job.expected_insurance_types.empty()) return s;
  std::vector<svg::Bar> bars;
  for (const auto& t : job.expected_insurance_types) {
    const auto it = f.missing.find(t);
    const std::uint64_t c = it == f.missing.end() ? 0 : it->second;
    bars.push_back({t, static_cast<double>(c), count(c)});
  }
  s += "<p><b data-k=\"" + escape(n + ".missing_any") + "\">" + count(f.users_missing_any) + "</b> of the " + count(job.figures.users()) + " users with a contract miss at least one expected type.</p>";
  std::string missing = "<table class=\"num\"><tr><th>expected type</th><th>users missing it</th></tr>";
  for (const auto& b : bars) missing += "<tr><th>" + escape(b.label) + "</th>" + cell(n + ".missing." + b.label, b.value_text) + "</tr>";
  return s + figure("chart-" + n + "-missing", svg::bar_chart(bars), "Users (with at least one contract) who miss each expected insurance type") +
         missing + "</table>\n";
}

}  // namespace

namespace {

const char* const kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;color:#222;max-width:920px;margin:24px auto;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 4px;border-top:2px solid #0072B2;padding-top:10px}
.sub{color:#555;margin:0 0 8px}table{border-collapse:collapse;margin:10px 0}th,td{padding:3px 9px;border-bottom:1px solid #e4e4e4;text-align:left}
table.num td,table.jobs td[data-k]{text-align:right;font-variant-numeric:tabular-nums}code{font-size:12px;color:#444;word-break:break-word}
table.jobs td{vertical-align:top}td.window{white-space:nowrap}.req{color:#555;font-size:12.5px}
figure{margin:14px 0}figure svg{width:100%;height:auto;display:block}figcaption{color:#555;font-size:12.5px}
.note{color:#666;font-size:12.5px}
)";

std::string overview(const ReportPage& page) {
  std::string s = "<h2 id=\"overview\">Segment sizes</h2>\n<table class=\"jobs\"><tr><th>#</th><th>segment and request</th><th>window</th>"
                   "<th>users</th><th>accounts</th><th>entries</th></tr>";
  std::vector<svg::Bar> bars;
  for (std::size_t i = 0; i < page.jobs.size(); ++i) {
    const ReportJob& job = page.jobs[i];
    const std::string n = std::to_string(i + 1);
    const std::string segment(to_string(job.figures.segment()));
    const std::string window = job.window_months == 0 ? "balance on " + job.window_to
                                                        : job.window_from + " … " + job.window_to + "<br>" + std::to_string(job.window_months) + (job.window_months == 1 ? " month" : " months");
    s += "<tr><td><a href=\"#job-" + n + "\">" + n + "</a></td><td><b>" + segment + "</b><br><span class=\"req\">" + escape(job.request_text) +
         "</span></td><td class=\"window\">" + window + "</td>" + cell(n + ".users", count(job.figures.users())) +
         (job.figures.segment() == Segment::financialBreakdown ? "<td>per user</td>" : cell(n + ".accounts", count(job.figures.accounts()))) +
         cell(n + ".entries", count(job.figures.entries())) + "</tr>";
    bars.push_back({"#" + n + " " + segment, static_cast<double>(job.figures.users()), count(job.figures.users())});
  }
  s += "</table>\n";
  return s + figure("chart-users", svg::bar_chart(bars), "Users in each segment");
}

std::string job_section(std::size_t index, const ReportJob& job) {
  const std::string n = std::to_string(index + 1);
  const std::string segment(to_string(job.figures.segment()));
  std::string s = "<section id=\"job-" + n + "\" data-job=\"" + escape(job.job_id) + "\">\n<h2>#" + n + " " + segment + "</h2>\n";
  s += "<p class=\"sub\">jobId <code>" + escape(job.job_id) + "</code> · creationDate " + escape(job.creation_date) + " · " +
       (job.window_months == 0 ? "balance at the end of " + escape(job.window_to)
                               : "window " + escape(job.window_from) + " … " + escape(job.window_to)) +
       "<br>request <code>" + escape(job.request_json) + "</code></p>\n";
  switch (job.figures.segment()) {
    case Segment::highBalance:
    case Segment::lowBalance: s += balance_section(n, job); break;
    case Segment::incomeSpendingSummary: s += flow_section(n, job); break;
    case Segment::financialBreakdown: s += breakdown_section(n, job); break;
    case Segment::insuranceSpending: s += insurance_section(n, job); break;
  }
  return s + "</section>\n";
}

}  // namespace

ReportSection changes_section(const std::vector<ReportChanges>& changes) {
  std::string s = "<p class=\"sub\">Each row compares two jobs of the same segment and request (<code>finseg diff</code>): "
                  "users who <b>entered</b> the segment, <b>left</b> it, or <b>changed</b> by the rules of the diff; the others "
                  "are unchanged.</p>\n<table class=\"jobs\"><tr><th>#</th><th>segment and request</th><th>creationDates</th>"
                  "<th>users before</th><th>users after</th><th>entered</th><th>left</th><th>changed</th><th>unchanged</th></tr>";
  std::vector<std::string> labels;
  std::vector<svg::Series> users{{"entered", {}}, {"left", {}}, {"changed", {}}};
  std::vector<svg::Series> kinds{{"added", {}}, {"removed / ended", {}}, {"moved / repriced", {}}};
  std::string kind_table = "<table class=\"num\"><tr><th></th><th>added</th><th>removed / ended</th><th>moved / repriced</th></tr>";
  double moved_users = 0, listed_changes = 0;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const ReportChanges& c = changes[i];
    const ChangeFigures& f = c.figures;
    const std::string n = "changes." + std::to_string(i + 1);
    const std::string label = "#" + std::to_string(i + 1) + " " + c.segment;
    s += "<tr data-job=\"" + escape(c.job_id) + "\"><td>" + std::to_string(i + 1) + "</td><td><b>" + escape(c.segment) +
         "</b><br><span class=\"req\">" + escape(c.request_text) + "</span><br><span class=\"req\">jobs <code>" +
         escape(c.old_job_id) + "</code> → <code>" + escape(c.new_job_id) + "</code></span></td><td class=\"window\">" +
         escape(c.old_creation) + " →<br>" + escape(c.new_creation) + "</td>" + cell(n + ".oldUsers", count(c.counts.old_users)) +
         cell(n + ".newUsers", count(c.counts.new_users)) + cell(n + ".entered", count(f.entered)) + cell(n + ".left", count(f.left)) +
         cell(n + ".changed", count(f.changed)) + cell(n + ".unchanged", count(c.counts.unchanged)) + "</tr>";
    kind_table += "<tr><th>" + escape(label) + "</th>" + cell(n + ".added", count(f.added)) + cell(n + ".removed", count(f.removed)) +
                  cell(n + ".moved", count(f.moved)) + "</tr>";
    labels.push_back(label);
    const std::uint64_t user_counts[] = {f.entered, f.left, f.changed}, kind_counts[] = {f.added, f.removed, f.moved};
    for (std::size_t k = 0; k < 3; ++k) {
      users[k].values.push_back(static_cast<double>(user_counts[k]));
      kinds[k].values.push_back(static_cast<double>(kind_counts[k]));
      moved_users += static_cast<double>(user_counts[k]);
      listed_changes += static_cast<double>(kind_counts[k]);
    }
  }
  s += "</table>\n";
  // A chart of nothing draws no mark: say so instead.
  s += moved_users > 0 ? figure("chart-changes-users", svg::stacked_bar_chart(labels, users), "Users who entered, left or changed, per segment")
                       : "<p class=\"empty\">No user entered, left or changed.</p>\n";
  s += "<p>The changes listed for the changed users, by kind (an account, label group or contract added, removed or ended; "
       "an amount moved or repriced):</p>\n" + kind_table + "</table>\n";
  if (listed_changes > 0)
    s += figure("chart-changes-kinds", svg::stacked_bar_chart(labels, kinds), "Changes listed for the changed users, by kind");
  return {"changes", "Changes since the previous quarter", s};
}

std::string render_report(const ReportPage& page) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(page.title) +
                  "</title><style>" + kStyle + "</style></head><body>\n<h1>" + escape(page.title) + "</h1>\n";
  std::set<std::string> dates;
  for (const auto& job : page.jobs) dates.insert(job.creation_date);
  std::string date_list;
  for (const auto& d : dates) date_list += (date_list.empty() ? "" : ", ") + d;
  s += "<p class=\"sub\">" + std::to_string(page.jobs.size()) + " jobs · creationDate " + escape(date_list) + "</p>\n";
  s += overview(page);
  for (std::size_t i = 0; i < page.jobs.size(); ++i) s += job_section(i, page.jobs[i]);
  for (const auto& section : page.sections)
    s += "<section id=\"" + escape(section.id) + "\">\n<h2>" + escape(section.title) + "</h2>\n" + section.html + "</section>\n";
  s += "<p class=\"note\">Made by <code>finseg report</code> from the jobs' result documents: counts and sums are exact; "
       "quartiles and medians are within 1% (a mergeable sketch). No customer data beyond counts.</p>\n</body></html>\n";
  return s;
}

}  // namespace finseg
