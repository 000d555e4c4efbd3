// Advisory locks that die with their holder: Linux open file description locks (fcntl
// F_OFD_SETLK) on byte ranges of a lock file. A lock is released when its LockFile is closed or
// the process dies, whatever kills it (SIGKILL, OOM, node loss ends it at the file server). They
// are POSIX record locks to the file system, so they work where those do (local file systems,
// NFS; Lustre mounted with -o flock). Two LockFiles in one process are two holders.
#pragma once

#include <filesystem>
#include <string>

namespace finseg {

class LockFile {
 public:
  // Opens (creates) `path`; throws IoError.
  explicit LockFile(std::filesystem::path path);
  ~LockFile();
  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) noexcept;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  // Takes byte `slot` exclusively (or shared) without waiting: false when another holder
  // conflicts. Throws IoError when the file system refuses locks.
  bool try_lock(int slot, bool exclusive);
  void unlock(int slot);
  // Whether the file this LockFile opened is still the one at its path (not removed or
  // replaced since): a lock on a removed file protects nothing.
  bool still_at_path() const;
  // Replaces the file's text (who holds it, for messages); errors are ignored.
  void describe(const std::string& text) noexcept;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

// Whether any process holds a lock on bytes [0, slots) of `path` (false when it does not exist).
bool lock_held(const std::filesystem::path& path, int slots);

// The text a holder left in the lock file (describe()), or "" when unreadable.
std::string lock_holder(const std::filesystem::path& path);

// "host pid 1234 since 2026-12-01T14:55:02Z": what describe() records of this process.
std::string this_process_description();

}  // namespace finseg
