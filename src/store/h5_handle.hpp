// RAII owners for HDF5 C handles and the translation of HDF5 failures into typed errors.
// One owner per handle kind (file, group, dataset, dataspace, datatype, property list,
// attribute): move-only, the destructor closes and never throws (a failed close is logged).
// Every HDF5 call that can fail goes through check()/make(), which turn a negative return
// code into a StoreError (reading a store) or an IoError (writing one) carrying the file name
// and the HDF5 error stack.
#pragma once

#include <hdf5.h>

#include <string>
#include <string_view>
#include <utility>

namespace finseg::h5 {

// Reading a store that turns out bad is the user's problem with the store (exit code
// bad_store); failing to write one is an I/O problem (exit code io).
enum class Failure { store, io };

struct Context {
  std::string subject;  // what the messages start with: "shard /data/store/shard-00003.h5"
  Failure failure = Failure::store;
};

// Turns HDF5's automatic printing of the error stack off, so errors reach the user only
// through our exceptions.
void silence_error_printing() noexcept;

// What every entry point of the store calls before any other HDF5 call: silence_error_printing()
// and, once per process, the registration of the built-in LZ4 filter (h5_lz4.hpp). Cheap.
void prepare_library() noexcept;

// The current HDF5 error stack as one line ("" when empty); clears the stack.
std::string take_error_stack();

// Throws the Context's error type: "<subject>: <what>: HDF5: <error stack>".
[[noreturn]] void fail(const Context& ctx, std::string_view what);

inline void check(herr_t status, const Context& ctx, std::string_view what) {
  if (status < 0) fail(ctx, what);
}

// A destructor cannot throw: a failed close is written to stderr with the HDF5 error stack.
void log_close_failure(const char* kind) noexcept;

template <class Kind>
class Handle {
 public:
  Handle() noexcept = default;
  explicit Handle(hid_t id) noexcept : id_(id) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const noexcept { return id_; }
  explicit operator bool() const noexcept { return id_ >= 0; }

  // Closes now and reports failure (a file's close flushes: its failure is a write failure).
  void close(const Context& ctx) {
    if (id_ < 0) return;
    const herr_t status = Kind::close(std::exchange(id_, H5I_INVALID_HID));
    check(status, ctx, std::string("closing HDF5 ") + Kind::name);
  }
  void reset() noexcept {
    if (id_ < 0) return;
    if (Kind::close(std::exchange(id_, H5I_INVALID_HID)) < 0) log_close_failure(Kind::name);
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

struct FileKind {
  static constexpr const char* name = "file";
  static herr_t close(hid_t id) noexcept { return H5Fclose(id); }
};
struct GroupKind {
  static constexpr const char* name = "group";
  static herr_t close(hid_t id) noexcept { return H5Gclose(id); }
};
struct DatasetKind {
  static constexpr const char* name = "dataset";
  static herr_t close(hid_t id) noexcept { return H5Dclose(id); }
};
struct DataspaceKind {
  static constexpr const char* name = "dataspace";
  static herr_t close(hid_t id) noexcept { return H5Sclose(id); }
};
struct DatatypeKind {
  static constexpr const char* name = "datatype";
  static herr_t close(hid_t id) noexcept { return H5Tclose(id); }
};
struct PropListKind {
  static constexpr const char* name = "property list";
  static herr_t close(hid_t id) noexcept { return H5Pclose(id); }
};
struct AttributeKind {
  static constexpr const char* name = "attribute";
  static herr_t close(hid_t id) noexcept { return H5Aclose(id); }
};

using File = Handle<FileKind>;
using Group = Handle<GroupKind>;
using Dataset = Handle<DatasetKind>;
using Dataspace = Handle<DataspaceKind>;
using Datatype = Handle<DatatypeKind>;
using PropList = Handle<PropListKind>;
using Attribute = Handle<AttributeKind>;

// Takes ownership of a freshly created/opened id, or throws when HDF5 returned an error.
template <class H>
H make(hid_t id, const Context& ctx, std::string_view what) {
  if (id < 0) fail(ctx, what);
  return H(id);
}

}  // namespace finseg::h5
