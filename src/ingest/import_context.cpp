#include "ingest/import_context.hpp"

#include "core/errors.hpp"
#include "parallel/collectives.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>
#include <optional>

namespace finseg::ingest {

namespace {

struct Failure {
  std::uint64_t order = 0;
  int code = 0;
  std::string message;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(order, code, message);
  }
};

// Every rank's failure (if any) known to all; the first by order thrown everywhere.
void agree_on(Communicator& comm, const std::optional<Failure>& mine) {
  std::vector<Failure> all;
  for (auto& f : all_gather_values(comm, mine ? std::vector<Failure>{*mine} : std::vector<Failure>{}))
    all.insert(all.end(), f.begin(), f.end());
  if (all.empty()) return;
  const auto first = std::min_element(all.begin(), all.end(), [](const Failure& a, const Failure& b) { return a.order < b.order; });
  throw Error(static_cast<ExitCode>(first->code), first->message);
}

std::optional<Failure> failure_of(std::uint64_t order, const std::function<void()>& body, int rank) {
  try {
    body();
  } catch (const Error& e) {
    return Failure{order, static_cast<int>(e.code()), e.what()};
  } catch (const std::exception& e) {
    return Failure{order, static_cast<int>(ExitCode::internal), "rank " + std::to_string(rank) + ": " + e.what()};
  }
  return std::nullopt;
}

// This rank's units of `units` (i % size == rank) scanned; the scans of all ranks gathered.
std::vector<csv::UnitScan> scan_all(Communicator& comm, const std::vector<csv::InputUnit>& units) {
  std::vector<std::pair<std::uint64_t, csv::UnitScan>> mine;
  std::optional<Failure> failed;
  for (std::size_t i = static_cast<std::size_t>(comm.rank()); i < units.size() && !failed; i += static_cast<std::size_t>(comm.size()))
    failed = failure_of(i, [&] { mine.emplace_back(i, csv::scan_unit(units[i])); }, comm.rank());
  agree_on(comm, failed);
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
  // As many units per plain file on every rank (units i % size == rank): no rank waits for one
  // that had a unit more. The units do not change what is stored (rows meet in input order).
  const auto ranks = static_cast<std::uint64_t>(comm.size());
  plan.account_units = csv::plan_units(plan.account_files, unit_bytes, ranks);
  plan.transaction_units = csv::plan_units(plan.transaction_files, unit_bytes, ranks);
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

void agree(ImportContext& ctx, std::uint64_t order, const std::function<void()>& body) {
  agree_on(ctx.comm, failure_of(order, body, ctx.comm.rank()));
}

void read_my_units(ImportContext& ctx, const std::vector<csv::InputUnit>& units,
                   const std::function<void(const csv::InputUnit&)>& read, const std::function<void()>& finish) {
  std::optional<Failure> failed;
  for (std::size_t i = static_cast<std::size_t>(ctx.comm.rank()); i < units.size() && !failed; i += static_cast<std::size_t>(ctx.comm.size()))
    failed = failure_of(i, [&] { read(units[i]); }, ctx.comm.rank());
  if (!failed) failed = failure_of(units.size() + static_cast<std::uint64_t>(ctx.comm.rank()), finish, ctx.comm.rank());
  agree_on(ctx.comm, failed);
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
