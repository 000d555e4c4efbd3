#include "store/shard_stream.hpp"

#include "core/errors.hpp"
#include "io/atomic_file.hpp"
#include "store/store_structure.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace finseg {

namespace {

// Datasets 10..21 of h5layout::kDatasets: which are string bytes, which offsets, element sizes.
constexpr std::size_t kFirstTxnDataset = 10;
constexpr std::array<std::size_t, 12> kElement = {1, 8, sizeof(Day), sizeof(Cents), sizeof(LabelSet), 1, 8,
                                                  sizeof(std::uint32_t), 1, 8, 1, 8};
constexpr std::array<std::size_t, 4> kTextColumns = {0, 5, 8, 10};  // the bytes; offsets follow each

}  // namespace

void ShardStreamWriter::Spool::open(std::filesystem::path file, std::size_t element, std::string& scratch) {
  file_ = std::move(file);
  element_ = element;
  scratch_ = &scratch;
}

void ShardStreamWriter::Spool::grow(std::size_t n) {
  const std::size_t capacity = std::max<std::size_t>({2 * capacity_, size_ + n, 4096});
  std::unique_ptr<char[]> bigger(new char[capacity]);
  if (size_ > 0) std::memcpy(bigger.get(), buf_.get(), size_);
  buf_ = std::move(bigger);
  capacity_ = capacity;
}

void ShardStreamWriter::Spool::flush() {
  if (size_ == 0) return;
  append_to_file(file_, std::string_view(buf_.get(), size_));
  file_bytes_ += size_;
  size_ = 0;
}

const void* ShardStreamWriter::Spool::next(std::size_t count) {
  const std::size_t want = count * element_;
  if (read_ >= file_bytes_) {  // the rest is in memory
    const char* p = buf_.get() + (read_ - file_bytes_);
    read_ += want;
    return p;
  }
  if (!in_ && !(in_ = std::fopen(file_.c_str(), "rb"))) throw IoError("cannot read " + file_.string() + ": " + std::strerror(errno));
  std::string& scratch = *scratch_;
  scratch.resize(want);
  const std::size_t from_file = static_cast<std::size_t>(std::min<std::uint64_t>(want, file_bytes_ - read_));
  if (std::fread(scratch.data(), 1, from_file, in_) != from_file) throw IoError("cannot read " + file_.string() + ": short read");
  std::memcpy(scratch.data() + from_file, buf_.get(), want - from_file);  // a slab across file and memory
  read_ += want;
  return scratch.data();
}

void ShardStreamWriter::Spool::adopt(std::unique_ptr<char[]>& buf, std::size_t& capacity) noexcept {
  if (size_ != 0 || !buf) return;
  buf_ = std::move(buf);
  capacity_ = std::exchange(capacity, 0);
}

void ShardStreamWriter::Spool::release(std::unique_ptr<char[]>& buf, std::size_t& capacity) noexcept {
  buf = std::move(buf_);
  capacity = std::exchange(capacity_, 0);
  size_ = 0;
}

void ShardStreamWriter::Spool::remove() noexcept {
  if (in_) std::fclose(in_);
  in_ = nullptr;
  std::error_code ec;
  if (file_bytes_ > 0) std::filesystem::remove(file_, ec);
}

ShardStreamWriter::ShardStreamWriter(std::filesystem::path spool_dir, std::string prefix, std::uint64_t memory_bytes, Buffers* keep)
    : memory_bytes_(memory_bytes), keep_(keep) {
  for (std::size_t i = 0; i < txn_.size(); ++i) {
    txn_[i].open(spool_dir / (prefix + ".col" + std::to_string(kFirstTxnDataset + i)), kElement[i], scratch_);
    if (keep_) txn_[i].adopt(keep_->bytes[i], keep_->capacity[i]);
  }
  const std::int64_t zero = 0;
  for (const std::size_t c : kTextColumns) txn_[c + 1].append(&zero, sizeof zero);
}

ShardStreamWriter::~ShardStreamWriter() {
  for (auto& s : txn_) s.remove();
  if (keep_)
    for (std::size_t i = 0; i < txn_.size(); ++i) txn_[i].release(keep_->bytes[i], keep_->capacity[i]);
}

void ShardStreamWriter::no_account() { throw std::logic_error("ShardStreamWriter: a transaction before any account"); }

void ShardStreamWriter::spool() {
  for (auto& s : txn_) s.flush();
  buffered_ = 0;
  spooled_ = true;
}

const h5::ShardColumns& ShardStreamWriter::columns() {
  memory_ = std::make_unique<h5::MemoryColumns>(head_);
  columns_ = memory_->columns;
  for (std::size_t i = 0; i < txn_.size(); ++i) {
    columns_.lengths[kFirstTxnDataset + i] = txn_[i].elements();
    columns_.sources[kFirstTxnDataset + i] = &txn_[i];
  }
  if (transactions() > 0) columns_.bookings = {first_booking_, last_booking_};
  return columns_;
}

}  // namespace finseg
