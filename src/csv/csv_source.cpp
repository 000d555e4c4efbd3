#include "csv/csv_source.hpp"

#include "core/cpu_features.hpp"
#include "core/errors.hpp"
#include "csv/csv_byte_source.hpp"
#include "csv/csv_record.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace finseg::csv {

namespace fs = std::filesystem;

Compression compression_of(const fs::path& file) {
  const fs::path ext = file.extension();
  if (ext == ".gz") return Compression::gzip;
  if (ext == ".zst") return Compression::zstd;
  return Compression::none;
}

namespace {

// The name without its compression suffix: "transactions-2.csv.gz" -> "transactions-2.csv".
std::string uncompressed_name(const fs::path& file) {
  return compression_of(file) == Compression::none ? file.filename().string() : file.stem().string();
}

bool is_input_of(const fs::path& file, std::string_view stem) {
  const std::string name = uncompressed_name(file);
  return name.size() >= stem.size() + 4 && name.compare(0, stem.size(), stem) == 0 &&
         name.compare(name.size() - 4, 4, ".csv") == 0;
}

}  // namespace

std::vector<fs::path> find_input_files(const fs::path& dir, std::string_view stem) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && is_input_of(it->path(), stem)) files.push_back(it->path());
  }
  if (ec) throw IoError("cannot list " + dir.string() + ": " + ec.message());
  if (files.empty())
    throw IoError("no " + std::string(stem) + ".csv or " + std::string(stem) + "*.csv (plain, .gz or .zst) in " +
                  dir.string());
  // Byte order of the names, whatever the locale, so every rank and every run sees one order.
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  return files;
}

std::vector<InputUnit> plan_units(const std::vector<fs::path>& files, std::uint64_t target_bytes, std::uint64_t parts_multiple) {
  target_bytes = std::max<std::uint64_t>(target_bytes, 1);
  parts_multiple = std::max<std::uint64_t>(parts_multiple, 1);
  std::vector<InputUnit> units;
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    const std::uint64_t size = fs::file_size(files[i], ec);
    if (ec) throw IoError("cannot read " + files[i].string() + ": " + ec.message());
    InputUnit unit;
    unit.file = files[i];
    unit.file_index = static_cast<std::uint32_t>(i);
    unit.compression = compression_of(files[i]);
    // Equal parts of about target_bytes; an empty file is still one unit (it reports its missing header).
    std::uint64_t parts =
        unit.compression == Compression::none ? std::max<std::uint64_t>(1, (size + target_bytes - 1) / target_bytes) : 1;
    if (unit.compression == Compression::none && size >= parts_multiple)
      parts = (parts + parts_multiple - 1) / parts_multiple * parts_multiple;
    const std::uint64_t part = size / parts, longer = size % parts;  // the first `longer` parts get one byte more
    for (std::uint64_t k = 0; k < parts; ++k) {
      unit.begin = k * part + std::min(k, longer);
      unit.end = unit.begin + part + (k < longer ? 1 : 0);
      unit.first_of_file = k == 0;
      units.push_back(unit);
    }
  }
  return units;
}

namespace {

void count_scalar(const char* d, std::size_t n, UnitScan& s) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    s.quotes += d[i] == '"';
    s.line_ends += d[i] == '\n';
  }
}

// 16 bytes a step: each lane counts its matches in 8 bits (at most 255 steps), then one SAD sums
// the lanes.
void count_quotes_and_line_ends_sse2(const char* d, std::size_t n, UnitScan& s) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
  std::size_t i = 0;
  while (n - i >= 16) {
    __m128i acc_q = zero, acc_l = zero;
    const std::size_t steps = std::min<std::size_t>((n - i) / 16, 255);
    for (std::size_t k = 0; k < steps; ++k, i += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
      acc_q = _mm_sub_epi8(acc_q, _mm_cmpeq_epi8(v, quote));
      acc_l = _mm_sub_epi8(acc_l, _mm_cmpeq_epi8(v, lf));
    }
    const __m128i sum_q = _mm_sad_epu8(acc_q, zero), sum_l = _mm_sad_epu8(acc_l, zero);
    s.quotes += static_cast<std::uint64_t>(_mm_cvtsi128_si64(sum_q) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sum_q, sum_q)));
    s.line_ends +=
        static_cast<std::uint64_t>(_mm_cvtsi128_si64(sum_l) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sum_l, sum_l)));
  }
  count_scalar(d + i, n - i, s);
#else
  count_scalar(d, n, s);
#endif
}

#if defined(__x86_64__) && defined(__GNUC__)
std::uint64_t sum_lanes_avx2(__m256i counts) __attribute__((target("avx2")));
std::uint64_t sum_lanes_avx2(__m256i counts) {
  const __m256i sums = _mm256_sad_epu8(counts, _mm256_setzero_si256());
  return static_cast<std::uint64_t>(_mm256_extract_epi64(sums, 0) + _mm256_extract_epi64(sums, 1) +
                                    _mm256_extract_epi64(sums, 2) + _mm256_extract_epi64(sums, 3));
}

// 64 bytes a step in two 32-byte halves, whose matches are added first (at most 2 a lane a
// step, so at most 127 steps before the 8-bit lanes are summed): ~11 instructions per 64 bytes
// against ~13 per 16 for SSE2 (the scan was ~0.8 instructions per byte of the CSV).
void count_quotes_and_line_ends_avx2(const char* d, std::size_t n, UnitScan& s) __attribute__((target("avx2")));
void count_quotes_and_line_ends_avx2(const char* d, std::size_t n, UnitScan& s) {
  const __m256i quote = _mm256_set1_epi8('"'), lf = _mm256_set1_epi8('\n');
  std::size_t i = 0;
  while (n - i >= 64) {
    __m256i acc_q = _mm256_setzero_si256(), acc_l = _mm256_setzero_si256();
    const std::size_t steps = std::min<std::size_t>((n - i) / 64, 127);
    for (std::size_t k = 0; k < steps; ++k, i += 64) {
      const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d + i));
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d + i + 32));
      acc_q = _mm256_sub_epi8(acc_q, _mm256_add_epi8(_mm256_cmpeq_epi8(a, quote), _mm256_cmpeq_epi8(b, quote)));
      acc_l = _mm256_sub_epi8(acc_l, _mm256_add_epi8(_mm256_cmpeq_epi8(a, lf), _mm256_cmpeq_epi8(b, lf)));
    }
    s.quotes += sum_lanes_avx2(acc_q);
    s.line_ends += sum_lanes_avx2(acc_l);
  }
  count_quotes_and_line_ends_sse2(d + i, n - i, s);
}
#endif

void count_quotes_and_line_ends(const char* d, std::size_t n, UnitScan& s) noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  if (cpu_has_avx2()) {
    count_quotes_and_line_ends_avx2(d, n, s);
    return;
  }
#endif
  count_quotes_and_line_ends_sse2(d, n, s);
}

}  // namespace

UnitScan scan_unit(const InputUnit& unit) {
  UnitScan scan;
  if (unit.compression != Compression::none || unit.end <= unit.begin) return scan;
  // Read with pread into one 256 KiB block that stays in the L2 cache, not through a mapping as
  // the unit reader reads: the count is too cheap to hide the mapping's page faults and the
  // release of its pages every MiB (the kernel's copy into a warm block costs less), so the scan
  // of the 10,000-user bank's CSV took ~120 ms of CPU mapped and ~70 ms read (with the AVX2
  // count; docs/performance.md 6, fifth round).
  const detail::FileDescriptor fd(unit.file);
  std::vector<char> block(std::min<std::uint64_t>(std::uint64_t{256} << 10, unit.end - unit.begin));
  for (std::uint64_t at = unit.begin; at < unit.end;) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), unit.end - at));
    const std::size_t got = fd.pread_some(block.data(), want, at, unit.file);
    if (got == 0) throw IoError("cannot read " + unit.file.string() + ": it became shorter while being read");
    count_quotes_and_line_ends(block.data(), got, scan);
    at += got;
  }
  return scan;
}

void resolve_units(std::vector<InputUnit>& units, const std::vector<UnitScan>& scans) {
  if (scans.size() != units.size())
    throw std::invalid_argument("resolve_units: " + std::to_string(scans.size()) + " scans for " +
                                std::to_string(units.size()) + " units");
  std::uint64_t quotes = 0, line_ends = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    InputUnit& u = units[i];
    u.first_of_file = u.begin == 0;  // every file starts outside quotes at line 1
    if (u.first_of_file) {
      quotes = 0;
      line_ends = 0;
    } else if (i == 0 || units[i - 1].file != u.file || units[i - 1].end != u.begin) {
      throw std::invalid_argument("resolve_units: unit " + std::to_string(i) + " of " + u.file.string() +
                                  " does not continue the unit before it");
    }
    u.starts_in_quotes = quotes % 2 == 1;
    u.first_line = 1 + line_ends;
    quotes += scans[i].quotes;
    line_ends += scans[i].line_ends;
  }
}

}  // namespace finseg::csv
