// libFuzzer target: the partial-file decoder (src/results/partial_file.cpp), which reads a run's
// checkpoint files (RESULTS/.checkpoint/<run key>/shard-NNNNN.part) when it resumes and merges.
// Input: a partial file without its trailing CRC-32; the target appends the right CRC, so the
// fuzzer gets past the checksum to the header and section decoding behind it (a file that only
// a bug or an attacker, not a damaged disk, could write). Then: verify, read every job's
// section, and merge them into a document, as the run does after verify_partial_file.
#include "core/date.hpp"
#include "core/errors.hpp"
#include "results/partial_file.hpp"

#include "fuzz_support.hpp"

#include <zlib.h>

#include <cstring>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace finseg;
  std::string bytes(fuzz::as_text(data, size));
  const auto crc = static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), data, static_cast<uInt>(size)));
  char crc_bytes[4];
  std::memcpy(crc_bytes, &crc, 4);
  bytes.append(crc_bytes, 4);
  const auto file = fuzz::scratch_dir() / "shard-00000.part";
  const auto out = fuzz::scratch_dir() / "result.json";
  fuzz::write_bytes(file, bytes);
  std::filesystem::remove(out);

  JobSpec spec;
  spec.request.segment = Segment::lowBalance;
  spec.request.duration_in_month = 3;
  spec.creation_date = *parse_date("2024-04-10");
  try {
    const PartialFileHeader header = verify_partial_file(file);
    const std::vector<PartialFileRef> refs{{file, header}};
    for (std::size_t job = 0; job < header.jobs.size(); ++job) {
      std::filesystem::remove(out);
      try {
        read_partial_section(file, header, job);
        write_merged_document(spec, job, refs, out);
      } catch (const std::logic_error&) {
        // Users out of order in a section: the documented reaction (a bug: exit 1) to a file that
        // breaks the invariant its writer enforces (encode_partial_file refuses such partials).
      }
    }
  } catch (const IoError&) {
  }
  return 0;
}
