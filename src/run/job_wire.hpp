// cereal serialization of validated jobs, broadcast from the coordinator to every rank.
#pragma once

#include "core/segments/partial.hpp"
#include "core/segments/request.hpp"
#include "parallel/wire.hpp"

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

namespace finseg {

template <class Archive>
void serialize(Archive& ar, SegmentRequest& r) {
  ar(r.segment, r.account_type, r.threshold, r.duration_in_month, r.label_groups, r.expected_insurance_types, r.callback_url);
}

template <class Archive>
void serialize(Archive& ar, JobSpec& j) {
  ar(j.request, j.creation_date);
}

template <class Archive>
void serialize(Archive& ar, LabelGroup& g) {
  ar(g.name, g.labels);
}

}  // namespace finseg
