// Runs a step on every rank so that an error on one rank reaches all of them instead of leaving
// the others waiting in the next collective: every rank returns, or every rank throws the error
// of the lowest failing rank (with its exit code).
#pragma once

#include "core/errors.hpp"
#include "parallel/communicator.hpp"

#include <exception>
#include <string>

namespace finseg {

// An error every rank of the run knows about (thrown on all of them by on_every_rank): main()
// prints it once, on rank 0, and every rank exits with its code; no MPI_Abort is needed.
struct CollectiveError : Error {
  using Error::Error;
};

template <class Body>
void on_every_rank(Communicator& comm, Body&& body) {
  std::string failure;  // "<exit code> <message>"
  try {
    body();
  } catch (const Error& e) {
    failure = std::to_string(static_cast<int>(e.code())) + " " + e.what();
  } catch (const std::exception& e) {
    failure = std::to_string(static_cast<int>(ExitCode::internal)) + " rank " + std::to_string(comm.rank()) + ": " + e.what();
  }
  if (comm.all_ok(failure.empty())) return;
  std::string first;
  for (const auto& f : comm.gather(failure, 0))
    if (first.empty() && !f.empty()) first = f;
  first = comm.broadcast(first, 0);
  const auto space = first.find(' ');
  throw CollectiveError(static_cast<ExitCode>(std::stoi(first.substr(0, space))), first.substr(space + 1));
}

}  // namespace finseg
