// cereal serialization of store metadata, for sending ShardInfo between ranks (parallel/wire.hpp).
#pragma once

#include "store/store.hpp"

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>

namespace finseg {

template <class Archive>
void serialize(Archive& ar, ShardInfo& s) {
  ar(s.file, s.users, s.accounts, s.transactions, s.bytes, s.checksum, s.first_booking, s.last_booking,
     s.latest_balance_date);
}

}  // namespace finseg
