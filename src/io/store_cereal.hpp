// cereal serialization of store metadata, for sending ShardInfo between ranks.
#pragma once

#include "io/store.hpp"

#include <cereal/archives/binary.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>

#include <sstream>

namespace finseg {

template <class Archive>
void serialize(Archive& ar, ShardInfo& s) {
  ar(s.file, s.users, s.accounts, s.transactions, s.bytes, s.checksum, s.first_booking, s.last_booking,
     s.latest_balance_date);
}

template <class T>
std::string to_bytes(const T& value) {
  std::ostringstream out;
  {
    cereal::BinaryOutputArchive ar(out);
    ar(value);
  }
  return out.str();
}

template <class T>
T from_bytes(const std::string& bytes) {
  std::istringstream in(bytes);
  T value{};
  cereal::BinaryInputArchive ar(in);
  ar(value);
  return value;
}

}  // namespace finseg
