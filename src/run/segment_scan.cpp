#include "run/segment_scan.hpp"

#include "run/clock.hpp"
#include "run/stop_signal.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

namespace finseg {

namespace {

// Test hook (never needed in production): FINSEG_TEST_SHARD_DELAY_MS slows each shard down so a
// test's signal surely lands in the middle of a run. The wait ends early on a stop signal.
void test_shard_delay() {
  static const long delay_ms = [] {
    const char* text = std::getenv("FINSEG_TEST_SHARD_DELAY_MS");
    return text ? std::strtol(text, nullptr, 10) : 0L;
  }();
  for (long waited = 0; waited < delay_ms && !stop_requested(); waited += 5)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

std::vector<int> scan_order(const RunPlan& plan) {
  std::vector<int> order;
  if (plan.jobs.empty()) return order;
  const std::set<int> resumed(plan.resumed_shards.begin(), plan.resumed_shards.end());
  for (std::size_t k = 0; k < plan.shards.size(); ++k)
    if (!resumed.count(static_cast<int>(k))) order.push_back(static_cast<int>(k));
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return plan.shards[static_cast<std::size_t>(a)].transactions > plan.shards[static_cast<std::size_t>(b)].transactions;
  });
  return order;
}

std::vector<ScanUnit> scan_units(const RunPlan& plan, int ranks) {
  const std::vector<int> order = scan_order(plan);
  std::vector<ScanUnit> units, split;
  const auto tail = ranks > 1 ? std::min(order.size(), static_cast<std::size_t>(ranks)) : std::size_t{0};
  const std::size_t whole = order.size() - tail;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const int shard = order[i];
    const std::uint64_t users = plan.shards[static_cast<std::size_t>(shard)].users;
    if (i < whole || users < kSplitParts) {
      units.push_back({shard, {}});
      continue;
    }
    for (std::uint64_t p = 0; p < kSplitParts; ++p) split.push_back({shard, {users * p / kSplitParts, users * (p + 1) / kSplitParts}});
  }
  units.insert(units.end(), split.begin(), split.end());  // the split units after every whole shard
  return units;
}

SegmentScan::SegmentScan(const RunPlan& plan, const std::filesystem::path& store, bool verify_store, const Checkpoint& checkpoint,
                         RankReport& stats)
    : plan_(plan), checkpoint_(checkpoint), stats_(stats), taxonomy_(plan.label_groups),
      scanner_(store, plan.label_groups, plan.jobs, taxonomy_, verify_store) {}

std::optional<std::uint64_t> SegmentScan::operator()(int unit, ShardScheduler& scheduler) {
  const ScanUnit& u = units_->at(static_cast<std::size_t>(unit));
  const ShardInfo& info = plan_.shards.at(static_cast<std::size_t>(u.shard));
  std::vector<SegmentPartial> partials(plan_.jobs.size());
  const auto rows = compute_shard(info, partials, [&scheduler] { scheduler.serve_between_blocks(); }, u.users);
  if (!rows) return std::nullopt;
  const auto t_spill = Clock::now();
  saved_.push_back(checkpoint_.save(u.shard, u.users, info, partials));
  stats_.spill += since(t_spill);
  return rows;
}

// The scan's one call per shard: read once, every job over the same block (run/shard_scanner).
std::optional<std::uint64_t> SegmentScan::compute_shard(const ShardInfo& shard, std::vector<SegmentPartial>& partials,
                                                        const std::function<void()>& between_blocks, ShardUsers users) {
  test_shard_delay();
  const bool complete = scanner_.scan(
      shard, partials,
      [&] {
        between_blocks();
        return !stop_requested();
      },
      users);
  stats_.read = scanner_.read_seconds();
  stats_.compute = scanner_.compute_seconds();
  if (!complete || stop_requested()) return std::nullopt;
  return scanner_.last_transactions();
}

}  // namespace finseg
