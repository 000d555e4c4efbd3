// manifest.json of a store (docs/store-format.md): the JSON text of a StoreManifest and its
// validating parser.
#pragma once

#include "store/store.hpp"

#include <string>
#include <string_view>

namespace finseg {

// Pretty-printed JSON with keys in documented order, ending in a newline; deterministic.
std::string manifest_to_json(const StoreManifest& manifest);

// Parses and validates (format, version, types, shard file names, totals, snapshotDate);
// throws StoreError starting with `subject` (e.g. "store /data/bank: manifest.json").
StoreManifest parse_manifest(std::string_view text, const std::string& subject);

}  // namespace finseg
