// Files and folders that appear complete or not at all: written aside, fsynced, renamed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace finseg {

// Whether write_file_atomic waits for the disk: `durable` fsyncs the file and its folder, so the
// file survives a crash of the machine; `no_fsync` only renames (the file is complete or absent
// for every reader, but a machine crash may lose it or leave garbage: only for files that carry
// their own checksum and can be recomputed, like a run's partial files).
enum class Sync { durable, no_fsync };

// Writes `content` to `path` through a sibling temporary file and rename(2). Throws IoError.
// `mode`: the new file's permissions (before the umask); 0600 for secrets, from the first byte.
void write_file_atomic(const std::filesystem::path& path, const std::string& content, Sync sync = Sync::durable,
                       unsigned mode = 0644);

// write_file_atomic (durable) of several files at once, with fewer waits for the disk: every
// file is written aside, the temporary files are fsynced together (fsync_paths), renamed into
// place, and each folder they are in is fsynced once. After a crash each file is absent, its old
// version or complete (never partly written); once this returns all are durable. Not atomic as a
// set: an error part of the way leaves the files renamed so far in place (no temporary file).
// Throws IoError.
void write_files_atomic(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

// fsync a file or a folder (a folder after a rename inside it). Throws IoError.
void fsync_path(const std::filesystem::path& path);

// fsync_path of every one of `paths` at once, each in its own thread: concurrent fsyncs share the
// filesystem's journal commits and the disk's cache flushes (ext4's group commit), where one
// after the other each waits for its own. Throws the first path's IoError when any fails.
void fsync_paths(const std::vector<std::filesystem::path>& paths);

// Reads a whole file; throws IoError naming it.
std::string read_file(const std::filesystem::path& path);

// Appends `bytes` to `path` (created when absent), opened only for the call: a scratch file
// written in many flushes (spill and spool files) holds no descriptor between them. Not atomic.
// Throws IoError naming the file and the system's reason.
void append_to_file(const std::filesystem::path& path, std::string_view bytes);

}  // namespace finseg
