// tests/run in test_run: the run's phase tests on the single-process communicator (the same
// sources run on MPI in test_mpi; see run_test_support.hpp).
#include "run_test_support.hpp"

#include <memory>

namespace finseg::testing {
Communicator& run_world() {
  static const std::unique_ptr<Communicator> comm = make_local_communicator();
  return *comm;
}
}  // namespace finseg::testing
