#include "results/document_layout.hpp"

#include "core/errors.hpp"
#include "core/segments/document.hpp"
#include "results/results_index.hpp"
#include "results/results_writer.hpp"

#include <algorithm>
#include <functional>
#include <optional>

namespace finseg {

namespace {

// Sections that must be merged together (their user ranges overlap), in document order.
struct Unit {
  std::vector<std::size_t> files;
  std::uint64_t users = 0, json_bytes = 0;
};

std::vector<Unit> units_of(std::size_t job, const std::vector<PartialFileRef>& files, std::vector<std::size_t>& userless) {
  std::vector<std::size_t> order;
  for (std::size_t f = 0; f < files.size(); ++f) {
    if (job >= files[f].header.jobs.size()) throw IoError("partial file " + files[f].file.string() + ": holds no job " + std::to_string(job));
    (files[f].header.jobs[job].totals.users > 0 ? order : userless).push_back(f);
  }
  const auto section = [&](std::size_t f) -> const PartialSection& { return files[f].header.jobs[job]; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return section(a).first_user < section(b).first_user; });
  std::vector<Unit> units;
  std::string last;  // the largest last user of the current unit
  for (const std::size_t f : order) {
    const PartialSection& s = section(f);
    if (units.empty() || last < s.first_user) {
      units.emplace_back();
      last = s.last_user;
    } else {
      last = std::max(last, s.last_user);
    }
    units.back().files.push_back(f);
    units.back().users += s.totals.users;
    units.back().json_bytes += s.json_bytes;
  }
  return units;
}

}  // namespace

DocumentLayout layout_document(const JobSpec& spec, std::size_t job, const std::vector<PartialFileRef>& files, int slices) {
  DocumentLayout layout;
  layout.head = document_head(spec);
  layout.slices.resize(static_cast<std::size_t>(std::max(slices, 1)));
  const std::vector<Unit> units = units_of(job, files, layout.userless);
  std::uint64_t body = 0;
  for (const Unit& u : units) body += document_users_bytes(u.users, u.json_bytes, false);
  // A unit goes to the slice in whose equal share of the body it starts: contiguous ranges.
  std::vector<Unit> of_slice(layout.slices.size());
  std::uint64_t before = 0;
  for (const Unit& u : units) {
    const double share = body == 0 ? 0.0 : static_cast<double>(before) / static_cast<double>(body);
    const auto r = std::min(layout.slices.size() - 1, static_cast<std::size_t>(share * static_cast<double>(layout.slices.size())));
    of_slice[r].files.insert(of_slice[r].files.end(), u.files.begin(), u.files.end());
    of_slice[r].users += u.users;
    of_slice[r].json_bytes += u.json_bytes;
    before += document_users_bytes(u.users, u.json_bytes, false);
  }
  std::uint64_t offset = layout.head.size();
  bool started = false;
  for (std::size_t r = 0; r < layout.slices.size(); ++r) {
    DocumentSlice& slice = layout.slices[r];
    slice.files = std::move(of_slice[r].files);
    slice.starts_document = !started && of_slice[r].users > 0;
    started = started || slice.starts_document;
    slice.offset = offset;
    slice.bytes = document_users_bytes(of_slice[r].users, of_slice[r].json_bytes, slice.starts_document);
    slice.users_before = layout.users;
    slice.users = of_slice[r].users;
    offset += slice.bytes;
    layout.users += slice.users;
  }
  layout.tail = std::string(document_tail(!started));
  layout.tail_offset = offset;
  return layout;
}

SegmentTotals write_document_slice(const DocumentLayout& layout, int slice_index, std::size_t job, const std::vector<PartialFileRef>& files,
                                   const std::filesystem::path& document, const std::filesystem::path& index, bool sync) {
  const DocumentSlice& slice = layout.slices.at(static_cast<std::size_t>(slice_index));
  std::vector<PendingSource> sources;
  for (const std::size_t f : slice.files) sources.push_back(section_source(files[f], job));
  if (slice_index == 0)
    for (const std::size_t f : layout.userless) sources.push_back(section_source(files[f], job));  // their totals, once
  if (sources.empty() && slice_index != 0) return {};
  DocumentWriter writer(document, slice_index == 0 ? 0 : slice.offset);
  std::optional<UserIndex::Part> entries;
  if (!index.empty()) entries.emplace(index, slice.users_before, slice_index == 0 ? std::optional(layout.total_bytes()) : std::nullopt);
  if (slice_index == 0) writer.write(layout.head);
  std::function<void()> line_start;  // each user's line starts where the writer is, after its separator
  if (entries) line_start = [&] { entries->add(writer.bytes()); };
  const SegmentTotals totals = write_document_users(
      std::move(sources), [&writer](std::string_view piece) { writer.write(piece); }, slice.starts_document,
      "merge of job " + std::to_string(job), line_start);
  if (writer.bytes() != slice.offset + slice.bytes || totals.users != slice.users)
    throw IoError("merge of job " + std::to_string(job) + " into " + document.string() + ": the partial files' records do not match their headers' sizes");
  if (slice_index == 0) {
    writer.skip_to(layout.tail_offset);
    writer.write(layout.tail);
  }
  writer.close(sync);
  if (entries) entries->close(sync);
  return totals;
}

}  // namespace finseg
