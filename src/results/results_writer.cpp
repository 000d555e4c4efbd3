#include "results/results_writer.hpp"

#include "core/errors.hpp"
#include "io/io_times.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <new>
#include <thread>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace finseg {

namespace {
constexpr std::size_t kWriteBuffer = 1024 * 1024;  // write_part_at's copy
// Every this many bytes the writer asks the kernel to start writing them to the disk: without it
// nothing reaches the disk before close()'s fsync, which then waits for the whole file (on this
// VM ~0.25 s per 220 MB, more than merging them costs in CPU); with it the disk writes while the
// merge goes on, and the fsync waits for the last few MiB only.
constexpr std::uint64_t kWritebackBytes = 8 << 20;

[[noreturn]] void fail(const char* what, const std::filesystem::path& file, int error) {
  throw IoError(std::string(what) + " " + file.string() + ": " + std::strerror(error));
}

// pwrite of all `n` bytes at `offset`, timed into the thread's IoTimes.
void pwrite_all(int fd, const char* data, std::size_t n, std::uint64_t offset, const std::filesystem::path& file) {
  IoTimes& times = thread_io_times();
  const auto t0 = std::chrono::steady_clock::now();
  times.written_bytes += n;
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, data, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail("cannot write", file, w < 0 ? errno : EIO);
    data += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
  times.write += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

// The writer's own buffer and pwrite at its offset, not stdio: the calls into the kernel are the
// merge's and are timed (IoTimes); a slice written by several processes needs no seek.

void DocumentWriter::FreeAligned::operator()(char* p) const noexcept { std::free(p); }

namespace {
std::uint64_t align_down(std::uint64_t x, std::uint64_t a) { return x - x % a; }
std::uint64_t align_up(std::uint64_t x, std::uint64_t a) { return align_down(x + a - 1, a); }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

// A thread writing one aligned block at a time through an O_DIRECT descriptor of the file, while
// the writer fills its other buffer: the disk's time overlaps the merge's CPU. A file system that
// opens with O_DIRECT but refuses the write (EINVAL) gets the bytes through the page cache.
class DocumentWriter::DirectSink {
 public:
  // Null unless FINSEG_DOCUMENT_IO=direct, and where the file system refuses O_DIRECT (tmpfs
  // before Linux 6.6). Not the default: on the idle machine the page cache won at np=2
  // (docs/performance.md 2.4.2).
  static std::unique_ptr<DirectSink> open(const std::filesystem::path& file, int buffered_fd) {
    const char* mode = std::getenv("FINSEG_DOCUMENT_IO");
    if (!mode || std::string_view(mode) != "direct") return nullptr;
    const int fd = ::open(file.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
    if (fd < 0) return nullptr;
    return std::unique_ptr<DirectSink>(new DirectSink(file, fd, buffered_fd));
  }
  ~DirectSink() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    ::close(fd_);
  }
  DirectSink(const DirectSink&) = delete;
  DirectSink& operator=(const DirectSink&) = delete;

  // Hands `n` bytes at `data` (aligned, as are n and offset) to the thread, once it has written
  // the previous ones; `data` stays untouched until the next send or wait. Throws IoError.
  void send(const char* data, std::size_t n, std::uint64_t offset) {
    std::unique_lock lock(m_);
    wait_idle(lock);
    data_ = data;
    n_ = n;
    offset_ = offset;
    busy_ = true;
    cv_.notify_all();
  }
  // Waits until everything sent is written. Throws IoError.
  void wait() {
    std::unique_lock lock(m_);
    wait_idle(lock);
  }

 private:
  DirectSink(const std::filesystem::path& file, int fd, int buffered_fd) : file_(file), fd_(fd), buffered_fd_(buffered_fd) {
    thread_ = std::thread([this] { run(); });
  }
  void wait_idle(std::unique_lock<std::mutex>& lock) {
    cv_.wait(lock, [this] { return !busy_; });
    if (error_ != 0) fail("cannot write", file_, std::exchange(error_, 0));
  }
  void run() {
    std::unique_lock lock(m_);
    for (;;) {
      cv_.wait(lock, [this] { return busy_ || stop_; });
      if (!busy_) return;
      const char* data = data_;
      std::size_t n = n_;
      std::uint64_t offset = offset_;
      lock.unlock();
      int error = 0;
      while (n > 0) {
        const ssize_t w = ::pwrite(through_cache_ ? buffered_fd_ : fd_, data, n, static_cast<off_t>(offset));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EINVAL && !through_cache_) {
          through_cache_ = true;
          continue;
        }
        if (w <= 0) {
          error = w < 0 ? errno : EIO;
          break;
        }
        data += w;
        n -= static_cast<std::size_t>(w);
        offset += static_cast<std::uint64_t>(w);
      }
      lock.lock();
      error_ = error;
      busy_ = false;
      cv_.notify_all();
    }
  }

  std::filesystem::path file_;
  int fd_, buffered_fd_;
  bool through_cache_ = false;  // the thread's own
  std::mutex m_;
  std::condition_variable cv_;
  const char* data_ = nullptr;
  std::size_t n_ = 0;
  std::uint64_t offset_ = 0;
  bool busy_ = false, stop_ = false;
  int error_ = 0;
  std::thread thread_;
};

namespace {
char* new_buffer(std::size_t bytes) {
  char* p = static_cast<char*>(std::aligned_alloc(4096, bytes));
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace

DocumentWriter::DocumentWriter(const std::filesystem::path& out) : out_(out), buffer_(new_buffer(kBufferBytes)) {
  fd_ = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd_ < 0) fail("cannot create", out, errno);
}

DocumentWriter::DocumentWriter(const std::filesystem::path& out, std::uint64_t offset)
    : out_(out), buffer_(new_buffer(kBufferBytes)), position_(offset), unsent_(offset) {
  fd_ = ::open(out.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd_ < 0) fail("cannot open", out, errno);
  restart_at(offset);
}

// The file's blocks are allocated here (fallocate: unwritten extents, read as zeros), not by the
// writeback of each rank's pages as they go (ext4's delayed allocation): 220 MB written by two
// processes in 1 MiB - 4 KiB pwrites with writeback every 8 MiB and fsync took 0.135 s instead of
// 0.167 s and 0.044 s of system CPU instead of 0.061 s, one process 0.240 s instead of 0.317 s
// (docs/performance.md 2.4.3, scripts/write-experiment.py). Where fallocate is not supported, the
// file is only sized (sparse) as before: the same bytes either way.
void create_sized_file(const std::filesystem::path& file, std::uint64_t bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot create " + file.string() + ": " + std::strerror(errno));
  bool sized = bytes == 0 || ::fallocate(fd, 0, 0, static_cast<off_t>(bytes)) == 0;
  if (!sized && (errno == EOPNOTSUPP || errno == ENOSYS)) sized = ::ftruncate(fd, static_cast<off_t>(bytes)) == 0;
  const int error = errno;
  if (::close(fd) != 0 || !sized) throw IoError("cannot write " + file.string() + ": " + std::strerror(sized ? errno : error));
}

DocumentWriter::~DocumentWriter() {
  direct_.reset();             // joins its thread before the buffers go
  if (fd_ >= 0) ::close(fd_);  // only after an error: the caller discards the file
}

void DocumentWriter::restart_at(std::uint64_t offset) {
  position_ = first_ = offset;
  base_ = align_down(offset, kAlign);
  used_ = static_cast<std::size_t>(offset - base_);
}

void DocumentWriter::write_through(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t n = std::min(bytes.size(), kBufferBytes - used_);
    std::memcpy(buffer_.get() + used_, bytes.data(), n);
    used_ += n;
    position_ += n;
    bytes.remove_prefix(n);
    if (used_ == kBufferBytes) flush(false);
  }
}

void DocumentWriter::flush(bool last) {
  if (!direct_tried_ && !last) {  // a file of one buffer or less is written through the page cache
    direct_tried_ = true;
    direct_ = DirectSink::open(out_, fd_);
    if (direct_) spare_.reset(new_buffer(kBufferBytes));
  }
  if (!direct_) {
    if (position_ > first_) pwrite_all(fd_, buffer_.get() + (first_ - base_), position_ - first_, first_, out_);
    if (!last && position_ - unsent_ >= kWritebackBytes) {
      IoTimes& times = thread_io_times();
      const auto t0 = std::chrono::steady_clock::now();
      // A hint: a failure here shows again in close()'s fsync, which is what makes the bytes durable.
      (void)::sync_file_range(fd_, static_cast<off_t>(unsent_), static_cast<off_t>(position_ - unsent_), SYNC_FILE_RANGE_WRITE);
      times.writeback += seconds_since(t0);
      unsent_ = position_;
    }
    restart_at(position_);
    return;
  }
  // The unaligned head (a slice's first bytes) through the page cache, the aligned blocks to the
  // thread, and the unaligned tail into the next buffer (or, the last time, through the cache).
  const std::uint64_t aligned = std::min(align_up(first_, kAlign), position_), end = std::max(aligned, align_down(position_, kAlign));
  if (aligned > first_) pwrite_all(fd_, buffer_.get() + (first_ - base_), aligned - first_, first_, out_);
  IoTimes& times = thread_io_times();
  const auto t0 = std::chrono::steady_clock::now();
  if (end > aligned) {
    direct_->send(buffer_.get() + (aligned - base_), end - aligned, aligned);
    times.written_bytes += end - aligned;
    std::swap(buffer_, spare_);  // the thread sends from spare_ now; buffer_ is free (sent before)
  }
  if (last) {
    direct_->wait();
    times.write += seconds_since(t0);
    if (position_ > end) pwrite_all(fd_, (end > aligned ? spare_ : buffer_).get() + (end - base_), position_ - end, end, out_);
    restart_at(position_);
    return;
  }
  times.write += seconds_since(t0);
  const std::uint64_t old_base = base_;
  base_ = first_ = end;
  used_ = static_cast<std::size_t>(position_ - end);
  std::memcpy(buffer_.get(), (end > aligned ? spare_ : buffer_).get() + (end - old_base), used_);
}

void DocumentWriter::skip_to(std::uint64_t offset) {
  if (offset < position_) throw std::logic_error("DocumentWriter::skip_to: backwards");
  flush(true);
  restart_at(offset);
  unsent_ = offset;
}

void DocumentWriter::close(bool sync) {
  flush(true);
  direct_.reset();
  if (sync && ::fsync(fd_) != 0) fail("cannot write", out_, errno);
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) fail("cannot close", out_, errno);
}


void write_part_at(const std::filesystem::path& document, std::uint64_t offset, std::string_view separator,
                   const std::filesystem::path& part) {
  const int out = ::open(document.c_str(), O_WRONLY | O_CLOEXEC);
  if (out < 0) throw IoError("cannot open " + document.string() + ": " + std::strerror(errno));
  std::FILE* in = std::fopen(part.c_str(), "rb");
  try {
    if (!in) throw IoError("cannot read " + part.string() + ": " + std::strerror(errno));
    pwrite_all(out, separator.data(), separator.size(), offset, document);
    offset += separator.size();
    std::unique_ptr<char[]> chunk(new char[kWriteBuffer]);
    for (std::size_t n; (n = std::fread(chunk.get(), 1, kWriteBuffer, in)) > 0; offset += n) pwrite_all(out, chunk.get(), n, offset, document);
    if (std::ferror(in)) throw IoError("cannot read " + part.string());
    if (::fsync(out) != 0) throw IoError("cannot write " + document.string() + ": " + std::strerror(errno));
  } catch (...) {
    if (in) std::fclose(in);
    ::close(out);
    throw;
  }
  std::fclose(in);
  if (::close(out) != 0) throw IoError("cannot close " + document.string() + ": " + std::strerror(errno));
}

}  // namespace finseg
