#include "io/file_lock.hpp"

#include "core/errors.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <utility>

namespace finseg {

namespace {

struct flock byte_range(short type, int first, int count) {
  struct flock l {};
  l.l_type = type;
  l.l_whence = SEEK_SET;
  l.l_start = first;
  l.l_len = count;
  l.l_pid = 0;  // must be 0 for OFD locks
  return l;
}

}  // namespace

LockFile::LockFile(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError("cannot open lock file " + path_.string() + ": " + std::strerror(errno));
}

LockFile::~LockFile() {
  if (fd_ >= 0) ::close(fd_);
}

LockFile::LockFile(LockFile&& other) noexcept : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

LockFile& LockFile::operator=(LockFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

bool LockFile::try_lock(int slot, bool exclusive) {
  struct flock l = byte_range(exclusive ? F_WRLCK : F_RDLCK, slot, 1);
  if (::fcntl(fd_, F_OFD_SETLK, &l) == 0) return true;
  if (errno == EAGAIN || errno == EACCES) return false;
  throw IoError("cannot lock " + path_.string() + ": " + std::strerror(errno) +
                " (the results folder must be on a file system with POSIX locks)");
}

void LockFile::unlock(int slot) {
  struct flock l = byte_range(F_UNLCK, slot, 1);
  ::fcntl(fd_, F_OFD_SETLK, &l);
}

bool LockFile::still_at_path() const {
  struct stat mine {}, there {};
  return ::fstat(fd_, &mine) == 0 && ::stat(path_.c_str(), &there) == 0 && mine.st_ino == there.st_ino &&
         mine.st_dev == there.st_dev;
}

void LockFile::describe(const std::string& text) noexcept {
  if (::ftruncate(fd_, 0) != 0) return;
  [[maybe_unused]] const auto written = ::pwrite(fd_, text.data(), text.size(), 0);
}

bool lock_held(const std::filesystem::path& path, int slots) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock l = byte_range(F_WRLCK, 0, slots);
  const bool held = ::fcntl(fd, F_OFD_GETLK, &l) == 0 && l.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

std::string lock_holder(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string this_process_description() {
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  char when[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(host) + " pid " + std::to_string(::getpid()) + " since " + when;
}

}  // namespace finseg
