#include "core/segments/document.hpp"

#include "core/segments/json_text.hpp"

#include <stdexcept>

namespace finseg {

std::string document_head(const JobSpec& job) {
  std::string head = "{\"durationInMonth\":";
  append_json_uint(head, static_cast<std::uint64_t>(effective_duration(job.request)));
  head += ",\"creationDate\":\"";
  append_date(head, job.creation_date);
  head += "\",\"users\":[";
  return head;
}

std::string render_document(const JobSpec& job, const SegmentPartial& all) {
  if (all.user_ids.size() != all.user_json.size())
    throw std::logic_error("render_document: user_ids and user_json differ in length");
  std::string doc = document_head(job);
  std::size_t bytes = doc.size() + 8;
  for (const std::string& u : all.user_json) bytes += u.size() + 2;
  doc.reserve(bytes);
  for (std::size_t i = 0; i < all.user_json.size(); ++i) {
    doc += document_separator(i == 0);
    doc += all.user_json[i];
  }
  doc += document_tail(all.user_json.empty());
  return doc;
}

}  // namespace finseg
