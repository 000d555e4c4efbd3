// tests/run under mpirun: the run's phase tests on MPI's world (see tests/run/run_test_support.hpp).
#include "mpi_fixture.hpp"

namespace finseg::testing {
Communicator& run_world() { return world(); }
}  // namespace finseg::testing
