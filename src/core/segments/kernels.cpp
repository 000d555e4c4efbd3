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
    case Segment::insuranceSpending: return kUserIds | kAccountIds | kBookingDate | kAmount | kLabels | kCounterpartName;
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
}

}  // namespace

void compute_segment(const JobSpec& job, const Taxonomy& taxonomy, const ShardData& shard, SegmentPartial& out) {
  check_columns(required_columns(job.request), shard);
  switch (job.request.segment) {
    case Segment::highBalance: return scan_high_balance(job, shard, out);
    case Segment::lowBalance: return scan_low_balance(job, shard, out);
    case Segment::incomeSpendingSummary: return scan_income_spending(job, shard, out);
    case Segment::financialBreakdown: return scan_financial_breakdown(job, taxonomy, shard, out);
    case Segment::insuranceSpending: return scan_insurance_spending(job, taxonomy, shard, out);
  }
  throw std::logic_error("compute_segment: unknown segment");
}

}  // namespace finseg
