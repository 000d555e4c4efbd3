#include "results/results_dir.hpp"

#include "core/errors.hpp"
#include "io/atomic_file.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cctype>
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

void ResultsDir::mark_pending(const std::vector<std::pair<std::string, std::string>>& jobs) const {
  std::vector<std::pair<std::filesystem::path, std::string>> files;
  for (const auto& [id, manifest_json] : jobs) files.emplace_back(pending_file(id), manifest_json);
  write_files_atomic(files);
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

namespace {

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool is_pid(std::string_view s) {
  return !s.empty() && s.size() <= 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<std::string> ResultsDir::staged_job_id(const std::string& name) {
  if (name.rfind(".tmp-", 0) != 0) return std::nullopt;
  const std::string_view rest = std::string_view(name).substr(5);
  // The tag is the last field (a pid), or the last 36 characters (a UUID, which has dashes).
  std::string_view id;
  if (rest.size() > 37 && is_uuid(rest.substr(rest.size() - 36)) && rest[rest.size() - 37] == '-') {
    id = rest.substr(0, rest.size() - 37);
  } else if (const auto dash = rest.rfind('-'); dash != std::string_view::npos && is_pid(rest.substr(dash + 1))) {
    id = rest.substr(0, dash);
  }
  if (!valid_job_id(id)) return std::nullopt;
  return std::string(id);
}

std::size_t ResultsDir::discard_all_staged(const std::string& job_id) const {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (staged_job_id(name) != job_id) continue;
    std::error_code ignored;
    if (std::filesystem::remove_all(entry.path(), ignored) > 0) ++removed;
  }
  return removed;
}

std::string ResultsDir::read_result(const std::string& job_id) const { return read_file(job_dir(job_id) / "result.json"); }
std::string ResultsDir::read_manifest(const std::string& job_id) const {
  const auto done = job_dir(job_id) / "manifest.json";
  return read_file(std::filesystem::exists(done) ? done : pending_file(job_id));
}

}  // namespace finseg
