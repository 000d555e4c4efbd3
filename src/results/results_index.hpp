// The user index of a result document: a sidecar `result.idx` next to `result.json` holding the
// byte offset of every user line, so that page P of a document is one read of 8 bytes and a seek,
// whatever the document's size (GET /segments/{segment}/{jobId}?page=P&perPage=N).
//
// Layout (little-endian): "FSIDX001", the document's size in bytes (u64), then one u64 offset per
// user, in document order. `finseg run` writes it with the document; a document without one
// (older results) gets it on first use, by the same streaming pass of the document
// (DocumentReader), written aside and renamed into place (two builders at once write the same
// bytes); an index whose recorded size is not the document's is built again. Documents are never
// rewritten in place (a job folder is renamed into place complete), so a matching size is enough.
#pragma once

#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

namespace finseg {

class UserIndex {
 public:
  // Opens the index of `document` (result.json), building it first when missing or stale.
  // Throws DocumentError when the document is not a result document, IoError on I/O failures.
  // A changes document (`kind`, GET .../changes paged) is indexed the same way.
  static UserIndex open_or_build(const std::filesystem::path& document, DocumentKind kind = DocumentKind::result);
  static std::filesystem::path path_of(const std::filesystem::path& document);
  // Writes the index beside `document` (path_of), replacing any: `finseg run`, in the staged job
  // folder before it is renamed into place, so the index arrives with its document.
  static void write_beside(const std::filesystem::path& document) { build(document, path_of(document)); }

  // The index written while the document is (finseg run: each rank's range of the users, no
  // second pass): `file` created at its full size for `users` users (never over an existing
  // file), then every writer fills its entries through a Part. Throws IoError.
  static void create_sized(const std::filesystem::path& file, std::uint64_t users);
  class Part {
   public:
    // Entries from user number `first_user` on; with `document_size`, also the header (one Part
    // of the index must write it). Throws IoError.
    Part(const std::filesystem::path& file, std::uint64_t first_user, std::optional<std::uint64_t> document_size);
    ~Part();
    Part(const Part&) = delete;
    Part& operator=(const Part&) = delete;
    void add(std::uint64_t line_offset);  // the next user's line starts at this byte of the document
    void close(bool sync = true);         // flushed and fsynced: the index is as durable as its document
   private:
    std::unique_ptr<DocumentWriter> out_;
  };

  UserIndex(UserIndex&& other) noexcept;
  UserIndex& operator=(UserIndex&&) = delete;
  UserIndex(const UserIndex&) = delete;
  ~UserIndex();

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t offset(std::uint64_t user) const;  // of user number `user` (< count())

 private:
  UserIndex(std::filesystem::path file, int fd, std::uint64_t count) : file_(std::move(file)), fd_(fd), count_(count) {}
  // The open index, or none (fd -1) when missing, damaged or not of a document of `size` bytes.
  static UserIndex try_open(const std::filesystem::path& file, std::uint64_t size);
  static void build(const std::filesystem::path& document, const std::filesystem::path& file, DocumentKind kind = DocumentKind::result);

  std::filesystem::path file_;
  int fd_ = -1;
  std::uint64_t count_ = 0;
};

}  // namespace finseg
