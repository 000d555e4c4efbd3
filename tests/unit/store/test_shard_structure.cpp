// The structural checks run on every read: what a checksum-valid but inconsistent shard would
// otherwise turn into (out-of-range offsets, wrong lengths, unknown enum values, stray bits).
#include "store/store_structure.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

namespace finseg {
namespace {

std::string problem(const ShardData& d, ColumnSet columns = kAllColumns, std::size_t label_names = 64) {
  return shard_structure_problem(d, columns, {d.user_account_offsets.size() - 1, d.account_txn_offsets.size() - 1,
                                              static_cast<std::uint64_t>(d.account_txn_offsets.back())},
                                 label_names);
}

TEST(ShardStructure, AConsistentShardHasNoProblem) {
  EXPECT_EQ(problem(test::hand_built_shard()), "");
  EXPECT_EQ(problem(ShardData{}), "");
}

TEST(ShardStructure, FindsEachKindOfInconsistency) {
  {
    ShardData d = test::hand_built_shard();
    d.account_txn_offsets[1] = 4;  // 0, 4, 3, ...
    EXPECT_NE(problem(d).find("accounts/transaction_offsets: offsets decrease"), std::string::npos) << problem(d);
  }
  {
    ShardData d = test::hand_built_shard();
    d.user_account_offsets.front() = 1;
    EXPECT_NE(problem(d).find("users/account_offsets: first offset"), std::string::npos) << problem(d);
  }
  {
    ShardData d = test::hand_built_shard();
    d.amount.push_back(1);
    EXPECT_NE(problem(d).find("transactions/amount"), std::string::npos) << problem(d);
    EXPECT_EQ(problem(d, kBookingDate), "");  // amount not read: not checked
  }
  {
    ShardData d = test::hand_built_shard();
    d.purpose.assign(std::vector<char>(3), {0, 1, 2, 3, 9});
    EXPECT_NE(problem(d).find("transactions/purpose"), std::string::npos) << problem(d);
  }
  {
    ShardData d = test::hand_built_shard();
    d.account_type[0] = static_cast<AccountType>(8);
    EXPECT_NE(problem(d).find("no account type"), std::string::npos) << problem(d);
  }
  {
    ShardData d = test::hand_built_shard();
    EXPECT_NE(problem(d, kLabels, 40).find("label bit"), std::string::npos);
  }
}

}  // namespace
}  // namespace finseg
