// Job files of the shared examples (SEGMENTS.md 3), read the simple way for tests.
#pragma once

#include "segment_test_support.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace finseg::test {

using ordered_json = nlohmann::ordered_json;

inline ordered_json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return ordered_json::parse(in);
}

// A job file of SEGMENTS.md 3, parsed the simple way (the real parser validates; these are valid).
inline JobSpec parse_job(const ordered_json& j, Day snapshot) {
  JobSpec job;
  job.request.segment = *parse_segment(j.at("segment").get<std::string>());
  const ordered_json& r = j.at("request");
  if (r.contains("accountType")) job.request.account_type = parse_account_type(r["accountType"].get<std::string>());
  if (r.contains("threshold")) job.request.threshold = cents(r["threshold"].dump());
  if (r.contains("durationInMonth")) job.request.duration_in_month = r["durationInMonth"].get<int>();
  if (r.contains("labelGroups"))
    for (const auto& g : r["labelGroups"]) job.request.label_groups.push_back(*taxonomy().group_index(g.get<std::string>()));
  if (r.contains("expectedInsuranceTypes")) {
    std::vector<int> bits;
    for (const auto& t : r["expectedInsuranceTypes"]) bits.push_back(*taxonomy().bit_of(t.get<std::string>()));
    job.request.expected_insurance_types = bits;
  }
  if (j.contains("creationDate")) {
    job.creation_date = day(j["creationDate"].get<std::string>());
  } else {
    job.creation_date = snapshot;
  }
  return job;
}

}  // namespace finseg::test
