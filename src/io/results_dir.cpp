#include "io/results_dir.hpp"

#include "core/errors.hpp"
#include "io/atomic_file.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <random>

namespace finseg {

ResultsDir::ResultsDir(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec || !std::filesystem::is_directory(dir_)) throw IoError("cannot create results folder " + dir_.string() + ": " + ec.message());
}

bool ResultsDir::valid_job_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

std::string ResultsDir::new_job_id() {
  std::random_device rd;  // /dev/urandom on Linux
  unsigned char b[16];
  for (int i = 0; i < 16; i += 4) {
    const unsigned v = rd();
    for (int k = 0; k < 4; ++k) b[i + k] = static_cast<unsigned char>(v >> (8 * k));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char s[37];
  std::snprintf(s, sizeof s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
                b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return s;
}

ResultsDir::State ResultsDir::state(const std::string& job_id) const {
  if (!valid_job_id(job_id)) return State::not_found;
  const auto manifest = job_dir(job_id) / "manifest.json";
  if (std::filesystem::exists(manifest)) {
    try {
      const auto m = nlohmann::json::parse(read_file(manifest));
      return m.value("status", "") == "done" ? State::done : State::failed;
    } catch (const nlohmann::json::exception&) {
      return State::failed;
    }
  }
  const auto pending = pending_file(job_id);
  if (!std::filesystem::exists(pending)) return State::not_found;
  try {
    return nlohmann::json::parse(read_file(pending)).value("status", "") == "failed" ? State::failed : State::pending;
  } catch (const std::exception&) {
    return State::pending;  // being replaced right now
  }
}

void ResultsDir::mark_pending(const std::string& job_id, const std::string& manifest_json) const {
  write_file_atomic(pending_file(job_id), manifest_json);
}

void ResultsDir::commit(const std::string& job_id, const std::string& manifest_json, const std::string* result_json) const {
  const std::string tag = std::to_string(::getpid());
  const auto tmp = stage(job_id, tag);
  try {
    if (result_json) write_file_atomic(tmp / "result.json", *result_json);
  } catch (...) {
    discard_staged(job_id, tag);
    throw;
  }
  commit_staged(job_id, tag, manifest_json);
}

std::filesystem::path ResultsDir::staged_dir(const std::string& job_id, const std::string& tag) const {
  return dir_ / (".tmp-" + job_id + "-" + tag);
}

std::filesystem::path ResultsDir::stage(const std::string& job_id, const std::string& tag) const {
  const auto tmp = staged_dir(job_id, tag);
  std::error_code ec;
  std::filesystem::remove_all(tmp, ec);
  if (!std::filesystem::create_directory(tmp, ec) || ec)
    throw IoError("cannot create " + tmp.string() + ": " + (ec ? ec.message() : std::string("it exists")));
  return tmp;
}

void ResultsDir::commit_staged(const std::string& job_id, const std::string& tag, const std::string& manifest_json) const {
  const auto target = job_dir(job_id);
  const auto tmp = staged_dir(job_id, tag);
  try {
    if (std::filesystem::exists(target)) throw IoError("job " + job_id + " has a result already: " + target.string() + " is never overwritten");
    write_file_atomic(tmp / "manifest.json", manifest_json);
    fsync_path(tmp);
    std::error_code ec;
    std::filesystem::rename(tmp, target, ec);
    if (ec) throw IoError("cannot move job " + job_id + " into " + target.string() + ": " + ec.message());
    fsync_path(dir_);
  } catch (...) {
    discard_staged(job_id, tag);
    throw;
  }
  std::error_code ignored;
  std::filesystem::remove(pending_file(job_id), ignored);
}

void ResultsDir::discard_staged(const std::string& job_id, const std::string& tag) const noexcept {
  std::error_code ignored;
  std::filesystem::remove_all(staged_dir(job_id, tag), ignored);
}

std::string ResultsDir::read_result(const std::string& job_id) const { return read_file(job_dir(job_id) / "result.json"); }
std::string ResultsDir::read_manifest(const std::string& job_id) const {
  const auto done = job_dir(job_id) / "manifest.json";
  return read_file(std::filesystem::exists(done) ? done : pending_file(job_id));
}

}  // namespace finseg
