// GoogleTest main for tests run under mpirun: every rank runs every test, and every rank exits
// with the worst result of all ranks (all-reduce MAX), so one rank's failure fails the run.
// Only rank 0 prints the test listing.
#include "mpi_fixture.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <gtest/gtest.h>

int main(int argc, char** argv) {
  finseg::MpiSession session(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  boost::mpi::communicator world;
  if (world.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int mine = RUN_ALL_TESTS();
  int worst = 0;
  boost::mpi::all_reduce(world, mine, worst, boost::mpi::maximum<int>());
  if (world.rank() == 0 && worst != mine) std::fprintf(stderr, "a test failed on another rank\n");
  return worst;
}
