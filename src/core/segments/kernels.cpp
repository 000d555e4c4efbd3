#include "core/segments/kernels.hpp"

#include "core/segments/account_view.hpp"
#include "core/segments/balance.hpp"
#include "core/segments/breakdown.hpp"
#include "core/segments/income_spending.hpp"
#include "core/segments/insurance.hpp"

#include <stdexcept>
#include <string>

namespace finseg {

ColumnSet required_columns(const SegmentRequest& request) {
  constexpr ColumnSet kBalances = kUserIds | kAccountIds | kAccountMeta | kBookingDate | kAmount;
  switch (request.segment) {
    case Segment::highBalance:
    case Segment::lowBalance:
    case Segment::incomeSpendingSummary: return kBalances;
    case Segment::financialBreakdown: return kUserIds | kBookingDate | kAmount | kLabels;
    case Segment::insuranceSpending: return kUserIds | kAccountIds | kBookingDate | kAmount | kLabels | kCounterpartNameIds;
  }
  throw std::logic_error("required_columns: unknown segment");
}

namespace {

void require(bool ok, const char* column) {
  if (!ok) throw std::logic_error(std::string("compute_segment: shard column '") + column + "' was not read");
}

// A column the job needs but the store left unread would be read out of bounds: check sizes once.
void check_columns(ColumnSet columns, const ShardData& s) {
  const std::size_t users = shard_users(s);
  const std::size_t accounts = shard_accounts(s);
  const std::size_t txns = static_cast<std::size_t>(s.account_txn_offsets.back());
  require(static_cast<std::size_t>(s.user_account_offsets.back()) == accounts, "user_account_offsets");
  if (columns & kUserIds) require(s.user_id.size() == users, "user_id");
  if (columns & kAccountIds) require(s.account_id.size() == accounts, "account_id");
  if (columns & kAccountMeta)
    require(s.account_type.size() == accounts && s.balance.size() == accounts && s.balance_date.size() == accounts,
            "account meta");
  if (columns & kBookingDate) require(s.booking_date.size() == txns, "booking_date");
  if (columns & kAmount) require(s.amount.size() == txns, "amount");
  if (columns & kLabels) require(s.labels.size() == txns, "labels");
  if (columns & kCounterpartName) require(s.counterpart_name.size() == txns, "counterpart_name");
  if (columns & kCounterpartNameIds)
    require(s.counterpart_names_by_id ? s.counterpart_name_id.size() == txns : s.counterpart_name.size() == txns,
            "counterpart_name");
}

void scan_users(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, UserRange users,
                SegmentPartial& out) {
  switch (job.request.segment) {
    case Segment::highBalance: return scan_high_balance(job, shard, users, out);
    case Segment::lowBalance: return scan_low_balance(job, shard, users, out);
    case Segment::incomeSpendingSummary: return scan_income_spending(job, shard, users, out);
    case Segment::financialBreakdown: return scan_financial_breakdown(job, taxonomy, shard, users, out);
    case Segment::insuranceSpending: return scan_insurance_spending(job, taxonomy, shard, users, out);
  }
  throw std::logic_error("compute_segment: unknown segment");
}

}  // namespace

std::size_t block_end(const ShardData& shard, std::size_t begin) {
  const std::size_t users = shard_users(shard);
  const auto txn_of_user = [&](std::size_t u) {
    return shard.account_txn_offsets[static_cast<std::size_t>(shard.user_account_offsets[u])];
  };
  const std::int64_t limit = txn_of_user(begin) + static_cast<std::int64_t>(kBlockTransactions);
  std::size_t end = begin + 1;
  while (end < users && txn_of_user(end + 1) <= limit) ++end;
  return end;
}

void compute_segment(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, SegmentPartial& out) {
  check_columns(required_columns(job.request), shard);
  scan_users(job, taxonomy, shard, all_users(shard), out);
}

bool compute_segments(std::span<const JobSpec> jobs, const Taxonomy& taxonomy, const ShardData& shard,
                      std::span<SegmentPartial> out, const std::function<bool()>& between_blocks) {
  if (out.size() != jobs.size()) throw std::logic_error("compute_segments: one partial per job");
  for (const auto& job : jobs) check_columns(required_columns(job.request), shard);
  const std::size_t users = shard_users(shard);
  for (std::size_t begin = 0; begin < users;) {
    const UserRange block{begin, block_end(shard, begin)};
    for (std::size_t j = 0; j < jobs.size(); ++j) scan_users(jobs[j], taxonomy, shard, block, out[j]);
    begin = block.end;
    if (!between_blocks()) return false;
  }
  return true;
}

}  // namespace finseg
