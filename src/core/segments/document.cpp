#include "core/segments/document.hpp"

#include "core/segments/json_text.hpp"

#include <stdexcept>

namespace finseg {

std::string render_document(const JobSpec& job, const SegmentPartial& all) {
  if (all.user_ids.size() != all.user_json.size())
    throw std::logic_error("render_document: user_ids and user_json differ in length");
  std::size_t bytes = 96;
  for (const std::string& u : all.user_json) bytes += u.size() + 2;
  std::string doc;
  doc.reserve(bytes);
  doc += "{\"durationInMonth\":";
  append_json_uint(doc, static_cast<std::uint64_t>(effective_duration(job.request)));
  doc += ",\"creationDate\":\"";
  append_date(doc, job.creation_date);
  doc += "\",\"users\":[";
  for (std::size_t i = 0; i < all.user_json.size(); ++i) {
    doc += i == 0 ? "\n" : ",\n";
    doc += all.user_json[i];
  }
  doc += all.user_json.empty() ? "]}\n" : "\n]}\n";
  return doc;
}

}  // namespace finseg
