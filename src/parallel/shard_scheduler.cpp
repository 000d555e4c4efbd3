#include "parallel/shard_scheduler.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <stdexcept>
#include <utility>

namespace finseg {

namespace {
constexpr int kTagRequest = 101;
constexpr int kTagAssign = 102;
constexpr int kNoShard = -1;
// Request payload: "<rows done> <state>", state 0 = working, 1 = failed, 2 = asked to stop (signal).
constexpr char kWorking = '0', kFailed = '1', kInterrupted = '2';
std::string request_text(std::uint64_t rows, char state) { return std::to_string(rows) + ' ' + state; }
}  // namespace

ShardScheduler::ShardScheduler(Communicator& comm, std::vector<int> order, double serve_interval)
    : comm_(comm), order_(std::move(order)), released_(static_cast<std::size_t>(comm.size()), false),
      rows_(static_cast<std::size_t>(comm.size()), 0), serve_interval_(serve_interval) {
  released_[0] = true;
  const auto ranks = static_cast<std::size_t>(comm.size());
  const auto rank = static_cast<std::size_t>(comm.rank());
  if (rank < order_.size()) first_ = order_[rank];
  next_index_ = std::min(ranks, order_.size());  // the first shards are handed out already
}

int ShardScheduler::take() {
  if (failed_ || interrupted_ || next_index_ >= order_.size()) return kNoShard;
  return order_[next_index_++];
}

void ShardScheduler::answer(int worker, const std::string& request) {
  const auto space = request.find(' ');
  rows_[static_cast<std::size_t>(worker)] = std::stoull(request.substr(0, space));
  const std::string state = request.substr(space + 1);
  if (state.size() == 1 && state[0] == kFailed) failed_ = true;
  if (state.size() == 1 && state[0] == kInterrupted) interrupted_ = true;
  const int shard = take();
  if (shard == kNoShard) released_[static_cast<std::size_t>(worker)] = true;
  comm_.send(worker, kTagAssign, std::to_string(shard));
}

double ShardScheduler::default_serve_interval() {
  const auto set = [](const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' && std::string_view(v) != "0" && std::string_view(v) != "false";
  };
  return set("OMPI_MCA_mpi_oversubscribe") || set("OMPI_MCA_mpi_yield_when_idle") ? 4e-3 : 0.0;
}

void ShardScheduler::serve_between_blocks() {
  if (!comm_.is_root()) return;
  if (serve_interval_.count() > 0) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_served_ < serve_interval_) return;
    last_served_ = now;
  }
  serve();
}

void ShardScheduler::serve() {
  if (!comm_.is_root()) return;
  while (comm_.probe(kTagRequest)) {
    int from = 0;
    const std::string request = comm_.recv(-1, kTagRequest, from);
    answer(from, request);
  }
}

std::optional<int> ShardScheduler::next(std::uint64_t rows_done) {
  const int first = std::exchange(first_, kNoShard);
  if (comm_.is_root()) {
    rows_[0] = rows_done;
    serve();
    const int shard = first != kNoShard && !failed_ && !interrupted_ ? first : take();
    return shard == kNoShard ? std::nullopt : std::optional<int>(shard);
  }
  if (first != kNoShard) {
    // As if the answer to a request had been waiting; ask for the following shard now.
    comm_.send(0, kTagRequest, request_text(rows_done, kWorking));
    in_flight_ = true;
    return first;
  }
  int from = 0;
  if (!in_flight_) comm_.send(0, kTagRequest, request_text(rows_done, kWorking));
  const int shard = std::stoi(comm_.recv(0, kTagAssign, from));
  in_flight_ = false;
  if (shard == kNoShard) {
    let_go_ = true;
    return std::nullopt;
  }
  // Prefetch: ask for the following shard now, while this one is computed.
  comm_.send(0, kTagRequest, request_text(rows_done, kWorking));
  in_flight_ = true;
  return shard;
}

void ShardScheduler::fail() { stop(Reason::failed); }

void ShardScheduler::interrupt() { stop(Reason::interrupted); }

void ShardScheduler::stop(Reason reason) {
  (reason == Reason::failed ? failed_ : interrupted_) = true;
  // A worker the coordinator has let go already (its last next() said "no shard": a stop signal
  // that came after it) asks nothing: the coordinator no longer answers, and waiting for its
  // answer hung the run while rank 0 waited in finish()'s barrier. The stop travels with the
  // collective after the scan, as below.
  if (comm_.is_root() || let_go_) return;
  int from = 0;
  if (in_flight_) {
    in_flight_ = false;
    // The prefetched answer is dropped; if it already said "no shard", the coordinator has let
    // this rank go and the failure (or stop) travels with the collective after the scan instead.
    if (std::stoi(comm_.recv(0, kTagAssign, from)) == kNoShard) return;
  }
  comm_.send(0, kTagRequest, request_text(rows_[0], reason == Reason::failed ? kFailed : kInterrupted));
  while (std::stoi(comm_.recv(0, kTagAssign, from)) != kNoShard) {
    // Cannot happen: the coordinator answers a failing or stopping request with "no shard".
    throw std::logic_error("ShardScheduler: coordinator handed a shard to a stopped worker");
  }
}

void ShardScheduler::finish() {
  if (comm_.is_root()) answer_until_all_released();
  // No rank may send a request of a later scheduler before rank 0 is done with this one.
  comm_.barrier();
}

void ShardScheduler::answer_until_all_released() {
  auto all_released = [&] {
    for (bool r : released_)
      if (!r) return false;
    return true;
  };
  while (!all_released()) {
    int from = 0;
    const std::string request = comm_.recv(-1, kTagRequest, from);
    answer(from, request);
  }
}

std::uint64_t ShardScheduler::rows_reported() const {
  std::uint64_t total = 0;
  for (auto r : rows_) total += r;
  return total;
}

}  // namespace finseg
