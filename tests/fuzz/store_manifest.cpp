// libFuzzer target: the store manifest reader (src/store/store_manifest.cpp), which every command
// that opens a store runs first on manifest.json.
// Beyond "no crash": a manifest it accepts is written back by manifest_to_json into text that
// it accepts again and writes back identically (the writer and the reader agree).
#include "core/errors.hpp"
#include "store/store_manifest.hpp"

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace finseg;
  StoreManifest manifest;
  try {
    manifest = parse_manifest(fuzz::as_text(data, size), "store fuzz: manifest.json");
  } catch (const StoreError&) {
    return 0;
  }
  const std::string text = manifest_to_json(manifest);
  try {
    if (manifest_to_json(parse_manifest(text, "written back")) != text) fuzz::broken("the manifest written back reads differently");
  } catch (const StoreError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    fuzz::broken("the manifest written back is refused");
  }
  return 0;
}
