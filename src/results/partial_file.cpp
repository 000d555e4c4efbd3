#include "results/partial_file.hpp"

#include "core/errors.hpp"
#include "core/segments/document.hpp"
#include "results/document_layout.hpp"
#include "io/atomic_file.hpp"
#include "io/crc32.hpp"
#include "io/io_times.hpp"
#include "results/results_writer.hpp"

#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace finseg {

namespace {

constexpr char kMagic[8] = {'F', 'I', 'N', 'S', 'E', 'G', 'P', 'T'};
constexpr std::uint32_t kVersion = 2;  // 2: a section's json_bytes
constexpr std::size_t kPrefixBytes = sizeof kMagic + sizeof(std::uint32_t) + sizeof(std::uint64_t);
constexpr std::size_t kReadBuffer = 256 * 1024;

template <class T>
void append_raw(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void append_record(std::string& out, std::string_view id, std::string_view json) {
  append_raw(out, static_cast<std::uint32_t>(id.size()));
  out += id;
  append_raw(out, static_cast<std::uint32_t>(json.size()));
  out += json;
}

// The CRC-32 (zlib's) of `n` bytes, continuing `crc` (the CRC of the bytes before them).
std::uint32_t crc_of(const char* data, std::size_t n, std::uint32_t crc = 0) { return crc32_update(crc, data, n); }

// The CRC-32 of a growing buffer, taken piece by piece just behind its end.
struct GrowingCrc {
  std::uint32_t value = crc_of(nullptr, 0);
  std::size_t done = 0;  // bytes of the buffer in `value`
  // Takes in the bytes appended since the last call once there are at least `piece` of them.
  void follow(const std::string& buffer, std::size_t piece) {
    if (buffer.size() == done || buffer.size() - done < piece) return;
    value = crc_of(buffer.data() + done, buffer.size() - done, value);
    done = buffer.size();
  }
};
// Small enough to be in L1 when it is taken (a record is ~100-2,000 bytes), large enough that
// the calls cost nothing.
constexpr std::size_t kCrcPiece = 16 * 1024;

[[noreturn]] void bad_file(const std::filesystem::path& file, const std::string& why) {
  throw IoError("partial file " + file.string() + ": " + why);
}

PartialFileHeader decode_header(const std::filesystem::path& file, const std::string& bytes) {
  try {
    std::istringstream in(bytes);
    cereal::BinaryInputArchive ar(in);
    PartialFileHeader header;
    ar(header);
    return header;
  } catch (const std::exception& e) {
    bad_file(file, std::string("unreadable header: ") + e.what());
  }
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// A file descriptor, closed with its owner.
struct Descriptor {
  int fd = -1;
  explicit Descriptor(int f) : fd(f) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// Reads a section's records one by one through its own buffer, filled by pread from the section's
// bytes only: stdio's seek read from the block before the section and its buffer ran on into the
// next job's section (308 MB read for the 226 MB of sections of the 100,000-user bank), and the
// calls into the kernel are the merge's and are timed (IoTimes).
class SectionReader final : public UserSource {
 public:
  SectionReader(const std::filesystem::path& file, std::uint64_t body_offset, const PartialSection& section)
      : file_(file), section_(section), capacity_(buffer_bytes(section)), buffer_(new char[capacity_]), fd_(::open(file.c_str(), O_RDONLY | O_CLOEXEC)),
        offset_(body_offset + section.offset), unread_(section.bytes), remaining_(section.bytes) {
    if (fd_.fd < 0) bad_file(file, std::strerror(errno));
  }
  // The next user of the section; false at its end.
  // The header's first and last user are checked against the records: a document's byte ranges
  // are laid out by them.
  bool next() override {
    if (remaining_ == 0) {
      if (read_ > 0 && id_ != section_.last_user) bad_file(file_, "a section's last user is not the one its header names");
      return false;
    }
    read_field(id_);
    read_field(json_);
    if (read_++ == 0 && id_ != section_.first_user) bad_file(file_, "a section's first user is not the one its header names");
    return true;
  }
  std::string_view id() const override { return id_; }
  std::string_view json() const override { return json_; }

 private:
  // No larger than the section: a job's section is followed by the other jobs' ones, and a
  // 256 KiB buffer over a 10 KiB section copied 246 KiB of other jobs' records from the page
  // cache, in every one of a run's files for every document (~40 MB per document of the
  // 100,000-user bank's 160 shards: most of a small document's merge).
  static std::size_t buffer_bytes(const PartialSection& section) {
    return static_cast<std::size_t>(std::clamp<std::uint64_t>(section.bytes, 1, kReadBuffer));
  }
  void refill() {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(capacity_, unread_));
    IoTimes& times = thread_io_times();
    const auto t0 = std::chrono::steady_clock::now();
    ssize_t got;
    do got = ::pread(fd_.fd, buffer_.get(), want, static_cast<off_t>(offset_));
    while (got < 0 && errno == EINTR);
    times.read += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (got < 0) bad_file(file_, std::strerror(errno));
    if (got == 0) bad_file(file_, "truncated");
    times.read_bytes += static_cast<std::uint64_t>(got);
    offset_ += static_cast<std::uint64_t>(got);
    unread_ -= static_cast<std::uint64_t>(got);
    begin_ = 0;
    end_ = static_cast<std::size_t>(got);
  }
  void read_exact(void* into, std::size_t n) {
    if (n > remaining_) bad_file(file_, "a record runs past the end of its section");
    remaining_ -= n;
    char* out = static_cast<char*>(into);
    while (n > 0) {
      if (begin_ == end_) refill();
      const std::size_t k = std::min(n, end_ - begin_);
      std::memcpy(out, buffer_.get() + begin_, k);
      begin_ += k;
      out += k;
      n -= k;
    }
  }
  void read_field(std::string& into) {
    std::uint32_t n = 0;
    read_exact(&n, sizeof n);
    if (n > remaining_) bad_file(file_, "a record runs past the end of its section");  // before allocating n bytes
    into.resize(n);
    read_exact(into.data(), n);
  }

  std::filesystem::path file_;
  const PartialSection& section_;
  std::uint64_t read_ = 0;  // records read
  std::size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // the buffer's bytes not yet taken
  Descriptor fd_;
  std::uint64_t offset_;     // in the file, of the section's first byte not yet read into the buffer
  std::uint64_t unread_;     // the section's bytes not yet read into the buffer
  std::uint64_t remaining_;  // the section's bytes not yet taken from the buffer
  std::string id_, json_;
};

}  // namespace

EncodedPartialFile encode_partial(const std::string& run_key, int shard, const std::string& shard_checksum,
                                  const std::vector<SegmentPartial>& partials) {
  // The header first (the sections' sizes are known from the partials), then one buffer.
  PartialFileHeader header{run_key, shard, shard_checksum, {}};
  std::uint64_t body_bytes = 0;
  for (const auto& p : partials) {
    if (p.user_ids.size() != p.json_end.size() || (!p.json_end.empty() && p.json_end.back() != p.json_text.size()))
      throw std::logic_error("encode_partial_file: user_ids and json_end differ in length, or json_text in size");
    PartialSection s;
    s.totals = p.totals();
    s.offset = body_bytes;
    for (std::size_t i = 0; i < p.user_ids.size(); ++i) {
      if (i > 0 && !(p.user_ids[i - 1] < p.user_ids[i]))
        throw std::logic_error("encode_partial_file: users out of order at '" + p.user_ids[i] + "'");
      s.bytes += 2 * sizeof(std::uint32_t) + p.user_ids[i].size() + p.user_json(i).size();
      s.json_bytes += p.user_json(i).size();
    }
    body_bytes += s.bytes;
    if (!p.user_ids.empty()) {
      s.first_user = p.user_ids.front();
      s.last_user = p.user_ids.back();
    }
    header.jobs.push_back(std::move(s));
  }
  std::ostringstream hout;
  {
    cereal::BinaryOutputArchive ar(hout);
    ar(header);
  }
  const std::string header_bytes = hout.str();
  std::string file;
  file.reserve(kPrefixBytes + header_bytes.size() + body_bytes + sizeof(std::uint32_t));
  file.append(kMagic, sizeof kMagic);
  append_raw(file, kVersion);
  append_raw(file, static_cast<std::uint64_t>(header_bytes.size()));
  file += header_bytes;
  // The CRC is taken as the records are appended, a piece at a time while the piece is still in
  // cache: taken over the finished buffer, it read a shard's file (1-2 MB, more than the L2) back
  // from memory, 20 % of a run's last-level read misses (docs/performance.md 2.3). crc32 over
  // consecutive pieces is the CRC of their concatenation: the file's bytes are the same.
  GrowingCrc crc;
  for (const auto& p : partials)
    for (std::size_t i = 0; i < p.user_ids.size(); ++i) {
      append_record(file, p.user_ids[i], p.user_json(i));
      crc.follow(file, kCrcPiece);
    }
  crc.follow(file, 0);
  append_raw(file, crc.value);
  header.body_offset = kPrefixBytes + header_bytes.size();
  return {std::move(file), std::move(header)};
}

PartialFileHeader read_partial_header(const std::filesystem::path& file) {
  FilePtr f(std::fopen(file.c_str(), "rb"));
  if (!f) bad_file(file, std::strerror(errno));
  char prefix[kPrefixBytes];
  if (std::fread(prefix, 1, sizeof prefix, f.get()) != sizeof prefix || std::memcmp(prefix, kMagic, sizeof kMagic) != 0)
    bad_file(file, "not a finseg partial file");
  std::uint32_t version = 0;
  std::uint64_t header_len = 0;
  std::memcpy(&version, prefix + sizeof kMagic, sizeof version);
  std::memcpy(&header_len, prefix + sizeof kMagic + sizeof version, sizeof header_len);
  if (version != kVersion) bad_file(file, "format version " + std::to_string(version) + ", this build reads " + std::to_string(kVersion));
  if (header_len > kMaxPartialHeaderBytes) bad_file(file, "implausible header size " + std::to_string(header_len));
  std::string bytes(header_len, '\0');
  if (std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) bad_file(file, "truncated header");
  PartialFileHeader header = decode_header(file, bytes);
  header.body_offset = kPrefixBytes + header_len;
  for (const auto& s : header.jobs) {
    const std::uint64_t records = s.totals.users, most = s.bytes / (2 * sizeof(std::uint32_t));
    if (records > most || s.json_bytes > s.bytes - records * 2 * sizeof(std::uint32_t))
      bad_file(file, "a section's sizes do not add up");
  }
  return header;
}

PartialFileHeader verify_partial_file(const std::filesystem::path& file) {
  const std::string bytes = read_file(file);
  if (bytes.size() < kPrefixBytes + 4 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    bad_file(file, "not a finseg partial file");
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  if (crc_of(bytes.data(), bytes.size() - 4) != stored) bad_file(file, "checksum mismatch: the file is corrupt");
  const PartialFileHeader header = read_partial_header(file);
  if (header.body_offset > bytes.size() - 4) bad_file(file, "truncated");
  const std::uint64_t body_bytes = bytes.size() - 4 - header.body_offset;
  for (const auto& s : header.jobs)
    if (s.offset > body_bytes || s.bytes > body_bytes - s.offset) bad_file(file, "a section lies outside the file");
  return header;
}

SegmentPartial read_partial_section(const std::filesystem::path& file, const PartialFileHeader& header, std::size_t job) {
  if (job >= header.jobs.size()) throw std::logic_error("read_partial_section: no job " + std::to_string(job));
  SectionReader reader(file, header.body_offset, header.jobs[job]);
  SegmentPartial p;
  while (reader.next()) p.append_user(reader.id(), reader.json());
  p.entries = header.jobs[job].totals.entries;
  p.transactions_scanned = header.jobs[job].totals.transactions_scanned;
  return p;
}

PendingSource section_source(const PartialFileRef& ref, std::size_t job) {
  if (job >= ref.header.jobs.size()) bad_file(ref.file, "holds " + std::to_string(ref.header.jobs.size()) + " jobs, the run has more");
  const PartialSection& section = ref.header.jobs[job];
  PendingSource s;
  s.totals = section.totals;
  s.first_user = section.first_user;
  s.open = [&ref, &section] { return std::make_unique<SectionReader>(ref.file, ref.header.body_offset, section); };
  return s;
}

SegmentTotals write_merged_document(const JobSpec& spec, std::size_t job, const std::vector<PartialFileRef>& files,
                                    const std::filesystem::path& out) {
  const DocumentLayout layout = layout_document(spec, job, files, 1);
  create_sized_file(out, layout.total_bytes());
  return write_document_slice(layout, 0, job, files, out);
}

}  // namespace finseg
