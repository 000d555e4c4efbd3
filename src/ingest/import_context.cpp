#include "ingest/import_context.hpp"

#include "parallel/collectives.hpp"

#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>

namespace finseg::ingest {

namespace {

// This rank's units of `units` (i % size == rank) scanned; the scans of all ranks gathered.
std::vector<csv::UnitScan> scan_all(Communicator& comm, const std::vector<csv::InputUnit>& units) {
  std::vector<std::pair<std::uint64_t, csv::UnitScan>> mine;
  for (std::size_t i = static_cast<std::size_t>(comm.rank()); i < units.size(); i += static_cast<std::size_t>(comm.size()))
    mine.emplace_back(i, csv::scan_unit(units[i]));
  std::vector<csv::UnitScan> scans(units.size());
  for (const auto& part : all_gather_values(comm, mine))
    for (const auto& [i, scan] : part) scans[i] = scan;
  return scans;
}

std::uint64_t total_bytes(const std::vector<csv::InputUnit>& units) {
  std::uint64_t n = 0;
  for (const auto& u : units) n += u.end - u.begin;
  return n;
}

}  // namespace

InputPlan plan_input(Communicator& comm, const std::filesystem::path& dir, std::uint64_t unit_bytes) {
  InputPlan plan;
  plan.account_files = csv::find_input_files(dir, "accounts");
  plan.transaction_files = csv::find_input_files(dir, "transactions");
  plan.account_units = csv::plan_units(plan.account_files, unit_bytes);
  plan.transaction_units = csv::plan_units(plan.transaction_files, unit_bytes);
  // InputPos numbers the transactions files after the accounts files.
  for (auto& u : plan.transaction_units) u.file_index += static_cast<std::uint32_t>(plan.account_files.size());
  csv::resolve_units(plan.account_units, scan_all(comm, plan.account_units));
  csv::resolve_units(plan.transaction_units, scan_all(comm, plan.transaction_units));
  plan.account_bytes = total_bytes(plan.account_units);
  plan.transaction_bytes = total_bytes(plan.transaction_units);
  for (const auto* units : {&plan.account_units, &plan.transaction_units})
    for (const auto& u : *units) plan.estimated_plain_bytes += (u.end - u.begin) * (u.compression == csv::Compression::none ? 1 : 8);
  return plan;
}

void ProblemList::add(PlacedProblem p, bool counts) {
  if (counts) ++rows_;
  items_.push_back(std::move(p));
  if (items_.size() >= 2 * keep_ + 64) trim();
}

void ProblemList::trim() {
  // A row's duplicate reason sorts first among its entries, so that it wins when both are kept.
  std::sort(items_.begin(), items_.end(), [](const PlacedProblem& a, const PlacedProblem& b) {
    if (a.pos != b.pos) return a.pos < b.pos;
    return a.overrides > b.overrides;
  });
  items_.erase(std::unique(items_.begin(), items_.end(), [](const PlacedProblem& a, const PlacedProblem& b) { return a.pos == b.pos; }),
               items_.end());
  if (items_.size() > keep_) items_.resize(keep_);
}

std::vector<csv::Problem> ProblemList::gather_first(Communicator& comm) {
  trim();
  const auto parts = gather_values(comm, items_, 0);
  std::vector<csv::Problem> out;
  if (!comm.is_root()) return out;
  ProblemList all(keep_);
  for (const auto& part : parts)
    for (const auto& p : part) all.items_.push_back(p);
  all.trim();
  for (auto& p : all.items_) out.push_back(std::move(p.problem));
  return out;
}

std::string ImportContext::file_name(std::uint32_t file) const {
  const std::size_t a = plan.account_files.size();
  // The file's name, as the serial import's messages give it (csv::Reader::open).
  return (file < a ? plan.account_files[file] : plan.transaction_files[file - a]).filename().string();
}

std::string ImportContext::accounts_name() const {
  return plan.account_files.size() == 1 ? plan.account_files.front().filename().string() : "accounts*.csv";
}

std::filesystem::path ImportContext::spill(std::string_view kind, int part, int rank) const {
  return staging / (std::string(kind) + "-" + std::to_string(part) + "-" + std::to_string(rank) + ".bin");
}

}  // namespace finseg::ingest
