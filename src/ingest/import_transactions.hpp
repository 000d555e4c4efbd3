// The transactions phase of the parallel import: every rank reads its units of the
// transactions*.csv files, checks each row as the serial import does (the account checks through
// the account map), and spills the rows that passed to their shard's owner and every id to the
// duplicate check. Rows with an empty labels cell are labelled by the rules here (--labels
// rules); the learned labeller labels them at the shard owner, once it learned from every rank.
#pragma once

#include "ingest/import_accounts.hpp"
#include "ingest/import_context.hpp"

#include <functional>

namespace finseg {
class Labeller;
class LearnedLabeller;
}

namespace finseg::ingest {

// Collective (an error anywhere is thrown on every rank: read_my_units). `progress(bytes)` is
// called now and then with the raw bytes this rank read so far. `learner`
// (--labels learn), when given, observes every row that passed the row checks: what the shard
// owners would observe unless a duplicate or the money bound drops a row (import_store.cpp).
void read_transactions(ImportContext& ctx, const AccountMap& map, const Labeller* rules, LearnedLabeller* learner,
                       const std::function<void(std::uint64_t)>& progress);

}  // namespace finseg::ingest
