// The byte form of a value sent between ranks (cereal's binary archive): what the typed
// collectives of communicator.hpp send, and what a partial result or a wire type is made of.
#pragma once

#include <cereal/archives/binary.hpp>

#include <sstream>
#include <string>

namespace finseg {

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
