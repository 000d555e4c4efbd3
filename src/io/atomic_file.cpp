#include "io/atomic_file.hpp"

#include "core/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace finseg {

namespace {
[[noreturn]] void sys_fail(const std::string& what, const std::filesystem::path& p) {
  throw IoError(what + " " + p.string() + ": " + std::strerror(errno));
}
}  // namespace

void fsync_path(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) sys_fail("cannot open", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0 && errno != EINVAL) sys_fail("cannot fsync", path);
}

void fsync_paths(const std::vector<std::filesystem::path>& paths) {
  if (paths.size() <= 1) {
    for (const auto& p : paths) fsync_path(p);
    return;
  }
  // At most kFsyncThreads waits at once: a run of many jobs must not start a thread per file.
  constexpr std::size_t kFsyncThreads = 16;
  std::vector<std::exception_ptr> errors(paths.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < paths.size();) {
      try {
        fsync_path(paths[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  try {
    for (std::size_t t = 0; t < std::min(paths.size(), kFsyncThreads); ++t) threads.emplace_back(work);
  } catch (...) {  // no thread to be had: this thread does the rest
  }
  work();
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

namespace {

std::filesystem::path temporary_of(const std::filesystem::path& path) { return path.string() + ".tmp-" + std::to_string(::getpid()); }

// Writes `content` into the new file `tmp` (fsynced when `fsync`); removes it on any failure.
void write_aside(const std::filesystem::path& tmp, const std::string& content, bool fsync, unsigned mode) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) sys_fail("cannot create", tmp);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(tmp.c_str());
      sys_fail("cannot write", tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if ((fsync && ::fsync(fd) != 0) || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    sys_fail("cannot write", tmp);
  }
}

void rename_into(const std::filesystem::path& tmp, const std::filesystem::path& path) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    sys_fail("cannot rename into", path);
  }
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
  return path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, const std::string& content, Sync sync, unsigned mode) {
  const std::filesystem::path tmp = temporary_of(path);
  write_aside(tmp, content, sync == Sync::durable, mode);
  rename_into(tmp, path);
  if (sync == Sync::durable) fsync_path(folder_of(path));
}

void write_files_atomic(const std::vector<std::pair<std::filesystem::path, std::string>>& files) {
  std::vector<std::filesystem::path> temporaries, folders;
  try {
    for (const auto& [path, content] : files) {
      temporaries.push_back(temporary_of(path));
      write_aside(temporaries.back(), content, false, 0644);
    }
    fsync_paths(temporaries);
  } catch (...) {
    for (const auto& tmp : temporaries) ::unlink(tmp.c_str());
    throw;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    try {
      rename_into(temporaries[i], files[i].first);
    } catch (...) {
      for (std::size_t k = i + 1; k < temporaries.size(); ++k) ::unlink(temporaries[k].c_str());
      throw;
    }
    const auto folder = folder_of(files[i].first);
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
  }
  fsync_paths(folders);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read " + path.string());
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void append_to_file(const std::filesystem::path& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (!f) throw IoError("cannot write " + path.string() + ": " + std::strerror(errno));
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !ok) throw IoError("cannot write " + path.string() + ": " + std::strerror(ok ? errno : err));
}

}  // namespace finseg
