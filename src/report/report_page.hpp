// The quarterly report: one self-contained HTML page (inline CSS, inline SVG charts, no script,
// no network) from the figures of the jobs given. Aggregates only: counts, sums, quantiles.
#pragma once

#include "report/job_figures.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace finseg {

struct ReportJob {
  std::string job_id;
  std::string request_json;  // compact, as the client wrote it
  std::string request_text;  // the same for a reader: "accountType checking · durationInMonth 3 · ..."
  std::string creation_date;
  std::string window_from, window_to;  // the days the document speaks of (highBalance: one day)
  int window_months = 0;
  std::vector<std::string> expected_insurance_types;  // insuranceSpending's request, if given
  JobFigures figures;
};

// A section after the jobs' own, made elsewhere: the extension point for pages that need more
// than one run's documents, such as "changes since last quarter" from `finseg diff` (issue 17).
struct ReportSection {
  std::string id;     // HTML id, [a-z0-9-]
  std::string title;
  std::string html;   // trusted: built by finseg, text already escaped
};

// One changes document of `finseg diff`: who entered, left or changed between two jobs.
struct ReportChanges {
  std::string job_id;
  std::string segment;
  std::string request_text;
  std::string old_job_id, new_job_id, old_creation, new_creation;
  struct Counts {
    std::uint64_t old_users = 0, new_users = 0, entered = 0, left = 0, changed = 0, unchanged = 0;
  } counts;               // what the document's closing line says
  ChangeFigures figures;  // recounted from its users (equal to its counts: cmd_report checks)
};

// The section "Changes since the previous quarter": per changes document a row of counts, a chart
// of entered / left / changed users, and the changes listed by kind.
ReportSection changes_section(const std::vector<ReportChanges>& changes);

struct ReportPage {
  std::string title;
  std::vector<ReportJob> jobs;
  std::vector<ReportSection> sections;
};

std::string render_report(const ReportPage& page);

}  // namespace finseg
