// Runs a step on every rank so that an error on one rank reaches all of them instead of leaving
// the others waiting in the next collective: every rank returns, or every rank throws the error
// of the lowest failing rank (with its exit code). Every command's collective steps use it (the
// batch run of src/run, import, export, generate, diff, report).
#pragma once

#include "core/errors.hpp"
#include "parallel/collectives.hpp"

#include <cereal/types/string.hpp>

#include <exception>
#include <string>

namespace finseg {

// An error every rank of the run knows about (thrown on all of them by on_every_rank): main()
// prints it once, on rank 0, and every rank exits with its code; no MPI_Abort is needed.
struct CollectiveError : Error {
  using Error::Error;
};

// One rank's outcome of a step, as it travels to the others.
struct RankFailure {
  bool failed = false;
  int code = 0;  // ExitCode
  std::string message;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(failed, code, message);
  }
};

template <class Body>
void on_every_rank(Communicator& comm, Body&& body) {
  RankFailure mine;
  try {
    body();
  } catch (const Error& e) {
    mine = {true, static_cast<int>(e.code()), e.what()};
  } catch (const std::exception& e) {
    mine = {true, static_cast<int>(ExitCode::internal), "rank " + std::to_string(comm.rank()) + ": " + e.what()};
  }
  if (!any_rank(comm, mine.failed)) return;  // the usual case: one small all-reduce
  for (const RankFailure& f : all_gather_values(comm, mine))
    if (f.failed) throw CollectiveError(static_cast<ExitCode>(f.code), f.message);
}

}  // namespace finseg
