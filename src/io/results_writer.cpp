#include "io/results_writer.hpp"

#include "core/errors.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace finseg {

namespace {
constexpr std::size_t kWriteBuffer = 1024 * 1024;
}

DocumentWriter::DocumentWriter(const std::filesystem::path& out) : out_(out), buffer_(new char[kWriteBuffer]) {
  f_ = std::fopen(out.c_str(), "wbx");
  if (!f_) throw IoError("cannot create " + out.string() + ": " + std::strerror(errno));
  std::setvbuf(f_, buffer_.get(), _IOFBF, kWriteBuffer);
}

DocumentWriter::~DocumentWriter() {
  if (f_) std::fclose(f_);  // only after an error: the caller discards the file
}

void DocumentWriter::write(std::string_view bytes) {
  if (!bytes.empty() && ::fwrite_unlocked(bytes.data(), 1, bytes.size(), f_) != bytes.size())
    throw IoError("cannot write " + out_.string() + ": " + std::strerror(errno));
}

std::uint64_t DocumentWriter::append_file(const std::filesystem::path& file) {
  std::FILE* in = std::fopen(file.c_str(), "rb");
  if (!in) throw IoError("cannot read " + file.string() + ": " + std::strerror(errno));
  std::unique_ptr<char[]> chunk(new char[kWriteBuffer]);
  std::uint64_t total = 0;
  std::size_t n = 0;
  while ((n = std::fread(chunk.get(), 1, kWriteBuffer, in)) > 0) {
    write(std::string_view(chunk.get(), n));
    total += n;
  }
  const bool failed = std::ferror(in) != 0;
  std::fclose(in);
  if (failed) throw IoError("cannot read " + file.string());
  return total;
}

void DocumentWriter::close(bool sync) {
  if (std::fflush(f_) != 0 || (sync && ::fsync(::fileno(f_)) != 0)) throw IoError("cannot write " + out_.string() + ": " + std::strerror(errno));
  std::FILE* f = f_;
  f_ = nullptr;
  if (std::fclose(f) != 0) throw IoError("cannot close " + out_.string() + ": " + std::strerror(errno));
}

}  // namespace finseg
