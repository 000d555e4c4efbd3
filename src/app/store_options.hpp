// The store-writing options shared by `generate` and `import`: the compression filter chain
// (docs/store-format.md: shuffle+deflate(1) is the measured default).
#pragma once

#include "app/args.hpp"
#include "io/store.hpp"

namespace finseg {

// --compression none|deflate|shuffle-deflate|szip, --deflate-level 1..9
inline ShardWriteOptions shard_write_options(const Args& args) {
  ShardWriteOptions o;
  const std::string c = args.get("compression").value_or("shuffle-deflate");
  if (c == "none") o.filter = ShardWriteOptions::Filter::none;
  else if (c == "deflate") o.filter = ShardWriteOptions::Filter::deflate;
  else if (c == "shuffle-deflate") o.filter = ShardWriteOptions::Filter::shuffle_deflate;
  else if (c == "szip") o.filter = ShardWriteOptions::Filter::szip;
  else throw UsageError("--compression '" + c + "': one of none, deflate, shuffle-deflate, szip");
  o.deflate_level = static_cast<int>(args.get_int("deflate-level", o.deflate_level, 1, 9));
  return o;
}

}  // namespace finseg
