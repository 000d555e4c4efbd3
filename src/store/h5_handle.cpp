#include "store/h5_handle.hpp"

#include "core/errors.hpp"
#include "store/h5_lz4.hpp"

#include <cstdio>
#include <vector>

namespace finseg::h5 {

namespace {

struct StackEntry {
  std::string desc;
  std::string minor;
};

herr_t collect_entry(unsigned /*n*/, const H5E_error2_t* err, void* client) noexcept {
  auto* entries = static_cast<std::vector<StackEntry>*>(client);
  try {
    StackEntry e;
    if (err->desc) e.desc = err->desc;
    char buf[256];
    H5E_type_t type;
    if (H5Eget_msg(err->min_num, &type, buf, sizeof buf) > 0) e.minor = buf;
    entries->push_back(std::move(e));
  } catch (...) {
    return -1;
  }
  return 0;
}

}  // namespace

void silence_error_printing() noexcept { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void prepare_library() noexcept {
  silence_error_printing();
  // A failed registration shows later, as the HDF5 error of the first lz4 chunk written or read.
  register_lz4_filter();
}

std::string take_error_stack() {
  // Copy the stack first (this clears the default stack), so that the calls made while
  // walking it cannot disturb it.
  const hid_t stack = H5Eget_current_stack();
  if (stack < 0) return "";
  std::vector<StackEntry> entries;
  H5Ewalk2(stack, H5E_WALK_DOWNWARD, collect_entry, &entries);
  H5Eclose_stack(stack);
  // Downward: from the API call to the innermost cause. Keep each distinct description once,
  // and the innermost minor message, which usually names the real cause ("Fletcher32
  // checksum", "file exists", ...).
  std::string text;
  std::string last;
  for (const auto& e : entries) {
    if (e.desc.empty() || e.desc == last) continue;
    if (!text.empty()) text += "; ";
    text += e.desc;
    last = e.desc;
  }
  if (!entries.empty() && !entries.back().minor.empty()) text += " [" + entries.back().minor + "]";
  return text;
}

void fail(const Context& ctx, std::string_view what) {
  std::string message = ctx.subject + ": " + std::string(what);
  const std::string stack = take_error_stack();
  if (!stack.empty()) message += ": HDF5: " + stack;
  if (ctx.failure == Failure::io) throw IoError(message);
  throw StoreError(message);
}

void log_close_failure(const char* kind) noexcept {
  try {
    const std::string stack = take_error_stack();
    std::fprintf(stderr, "finseg: warning: closing an HDF5 %s failed: %s\n", kind, stack.c_str());
  } catch (...) {
    std::fprintf(stderr, "finseg: warning: closing an HDF5 %s failed\n", kind);
  }
}

}  // namespace finseg::h5
