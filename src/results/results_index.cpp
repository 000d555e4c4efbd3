#include "results/results_index.hpp"

#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "results/results_dir.hpp"
#include "results/results_reader.hpp"
#include "results/results_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace finseg {

namespace {

constexpr std::string_view kMagic = "FSIDX001";
constexpr std::uint64_t kHeader = 16;

void put_u64(char* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::uint64_t get_u64(const unsigned char* in) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | in[i];
  return v;
}

bool pread_all(int fd, unsigned char* out, std::size_t n, std::uint64_t at) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, out, n, static_cast<off_t>(at));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    out += r;
    n -= static_cast<std::size_t>(r);
    at += static_cast<std::uint64_t>(r);
  }
  return true;
}

}  // namespace

std::filesystem::path UserIndex::path_of(const std::filesystem::path& document) {
  return document.parent_path() / "result.idx";
}

UserIndex::UserIndex(UserIndex&& other) noexcept : file_(std::move(other.file_)), fd_(other.fd_), count_(other.count_) {
  other.fd_ = -1;
}

UserIndex::~UserIndex() {
  if (fd_ >= 0) ::close(fd_);
}

UserIndex UserIndex::try_open(const std::filesystem::path& file, std::uint64_t size) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return UserIndex(file, -1, 0);
  UserIndex index(file, fd, 0);
  struct stat st {};
  unsigned char header[kHeader];
  if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < kHeader || (st.st_size - kHeader) % 8 != 0 ||
      !pread_all(fd, header, kHeader, 0) || std::string_view(reinterpret_cast<char*>(header), 8) != kMagic ||
      get_u64(header + 8) != size)
    return UserIndex(file, -1, 0);  // `index` closes fd
  index.count_ = (static_cast<std::uint64_t>(st.st_size) - kHeader) / 8;
  return index;
}

// One pass of the document, its offsets written through a buffer to a sibling file renamed into
// place: memory stays one line of the document, whatever its size.
void UserIndex::build(const std::filesystem::path& document, const std::filesystem::path& file, DocumentKind kind) {
  DocumentReader reader(document, kind);
  const auto aside = file.parent_path() / (".result.idx.tmp-" + ResultsDir::new_job_id());
  try {
    DocumentWriter out(aside);
    char header[kHeader];
    std::memcpy(header, kMagic.data(), 8);
    put_u64(header + 8, reader.size());
    out.write(std::string_view(header, kHeader));
    char entry[8];
    while (reader.next()) {
      put_u64(entry, reader.line_offset());
      out.write(std::string_view(entry, 8));
    }
    out.close(false);  // recomputable from the document: a crash may lose it, never a wrong one (size check)
    std::filesystem::rename(aside, file);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(aside, ignored);
    throw;
  }
}

void UserIndex::create_sized(const std::filesystem::path& file, std::uint64_t users) {
  create_sized_file(file, kHeader + 8 * users);
}

UserIndex::Part::Part(const std::filesystem::path& file, std::uint64_t first_user, std::optional<std::uint64_t> document_size)
    : out_(std::make_unique<DocumentWriter>(file, document_size ? 0 : kHeader + 8 * first_user)) {
  if (!document_size) return;
  char header[kHeader];
  std::memcpy(header, kMagic.data(), 8);
  put_u64(header + 8, *document_size);
  out_->write(std::string_view(header, kHeader));
  out_->skip_to(kHeader + 8 * first_user);
}

UserIndex::Part::~Part() = default;

void UserIndex::Part::add(std::uint64_t line_offset) {
  char entry[8];
  put_u64(entry, line_offset);
  out_->write(std::string_view(entry, 8));
}

void UserIndex::Part::close(bool sync) { out_->close(sync); }

UserIndex UserIndex::open_or_build(const std::filesystem::path& document, DocumentKind kind) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(document, ec);
  if (ec) throw IoError("cannot read " + document.string() + ": " + ec.message());
  const auto file = path_of(document);
  if (UserIndex index = try_open(file, size); index.fd_ >= 0) return index;
  build(document, file, kind);
  UserIndex index = try_open(file, size);
  if (index.fd_ < 0) throw IoError("cannot read the user index " + file.string() + " just written");
  return index;
}

std::uint64_t UserIndex::offset(std::uint64_t user) const {
  unsigned char entry[8];
  if (user >= count_ || !pread_all(fd_, entry, 8, kHeader + 8 * user))
    throw IoError("cannot read entry " + std::to_string(user) + " of " + file_.string());
  return get_u64(entry);
}

}  // namespace finseg
