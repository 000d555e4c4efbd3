#include "core/segments/document.hpp"

#include "core/segments/json_text.hpp"

namespace finseg {

std::string document_head(const JobSpec& job) {
  std::string head = "{\"durationInMonth\":";
  append_json_uint(head, static_cast<std::uint64_t>(effective_duration(job.request)));
  head += ",\"creationDate\":\"";
  append_date(head, job.creation_date);
  head += "\",\"users\":[";
  return head;
}

SegmentTotals write_document_users(std::vector<PendingSource> sources, const std::function<void(std::string_view)>& write,
                                   bool starts_document, const std::string& what, const std::function<void()>& line_start) {
  bool first = starts_document;
  return merge_users(
      std::move(sources),
      [&](std::string_view, std::string_view json) {
        write(document_separator(first));
        if (line_start) line_start();
        write(json);
        first = false;
      },
      what);
}

SegmentTotals write_document(const JobSpec& job, std::vector<PendingSource> sources,
                             const std::function<void(std::string_view)>& write, const std::string& what) {
  write(document_head(job));
  const SegmentTotals totals = write_document_users(std::move(sources), write, true, what);
  write(document_tail(totals.users == 0));
  return totals;
}

std::string render_document(const JobSpec& job, const SegmentPartial& all) {
  std::string doc;
  std::size_t bytes = 64;
  bytes += all.json_text.size() + 2 * all.users();
  doc.reserve(bytes);
  write_document(job, {source_of(all)}, [&doc](std::string_view piece) { doc += piece; }, "render_document");
  return doc;
}

}  // namespace finseg
