// The store-writing options shared by `generate` and `import`: the compression filter chain
// (docs/store-format.md 4: shuffle + plain LZ4 for every column is the measured default; LZ4HC
// level 4 for the numeric columns, `shuffle-lz4hc-numeric`, for a store read by many runs).
#pragma once

#include "app/args.hpp"
#include "store/store.hpp"

#include <vector>

namespace finseg {

// The options of shard_write_options(), for the specs of `generate` and `import`.
inline std::vector<OptionDef> shard_write_option_defs() {
  return {choice("compression", "FILTER",
                 "HDF5 filter chain of the shards (docs/store-format.md 4); lz4hc is LZ4HC level 4, "
                 "shuffle-lz4hc-numeric LZ4HC for the numeric columns and LZ4 for the text columns "
                 "(a smaller store that runs read faster, written slower)",
                 {"none", "deflate", "shuffle-deflate", "szip", "lz4", "shuffle-lz4", "lz4hc", "shuffle-lz4hc",
                  "shuffle-lz4hc-numeric"},
                 "shuffle-lz4"),
          integer("deflate-level", "L", "deflate level of --compression deflate and shuffle-deflate",
                  ShardWriteOptions{}.deflate_level, 1, 9),
          integer("chunk-elements", "N",
                  "values per HDF5 chunk of a numeric column (docs/store-format.md 1.6)",
                  static_cast<std::int64_t>(kDefaultChunkElements), 64, 1 << 20)};
}

// --compression none|deflate|shuffle-deflate|szip|lz4|shuffle-lz4 (default)|lz4hc|shuffle-lz4hc|
// shuffle-lz4hc-numeric, --deflate-level 1..9, --chunk-elements 64..2^20. lz4 is plain LZ4, lz4hc
// LZ4HC level 4 (same decoder); shuffle-lz4hc-numeric: LZ4HC level 4 on the numeric columns, LZ4
// on the texts.
inline ShardWriteOptions shard_write_options(const Args& args) {
  using F = ShardWriteOptions::Filter;
  ShardWriteOptions o;
  const std::string c = args.get("compression").value_or("shuffle-lz4");
  if (c == "none") o.filter = F::none;
  else if (c == "deflate") o.filter = F::deflate;
  else if (c == "shuffle-deflate") o.filter = F::shuffle_deflate;
  else if (c == "szip") o.filter = F::szip;
  else if (c == "lz4" || c == "lz4hc") o.filter = F::lz4;
  else if (c == "shuffle-lz4" || c == "shuffle-lz4hc" || c == "shuffle-lz4hc-numeric") o.filter = F::shuffle_lz4;
  else
    throw UsageError("--compression '" + c +
                     "': one of none, deflate, shuffle-deflate, szip, lz4, shuffle-lz4, lz4hc, shuffle-lz4hc, "
                     "shuffle-lz4hc-numeric");
  o.lz4_level = c.find("lz4hc") != std::string::npos ? kDefaultLz4HcLevel : 1;
  o.text_lz4_level = c.ends_with("lz4hc") ? kDefaultLz4HcLevel : 1;
  o.deflate_level = static_cast<int>(args.get_int("deflate-level"));
  o.chunk_elements = static_cast<std::uint64_t>(args.get_int("chunk-elements"));
  return o;
}

}  // namespace finseg
