// Shared helpers of the MPI tests: the world communicator and a scratch folder all ranks share.
#pragma once

#include "../run/run_test_support.hpp"
#include "parallel/communicator.hpp"

#include <memory>

namespace finseg::testing {

inline Communicator& world() {
  static std::unique_ptr<Communicator> comm = make_mpi_communicator();
  return *comm;
}

// A fresh folder created by rank 0 and known to every rank; removed by rank 0 on destruction.
class SharedTempDir : public SharedTempDirOn {
 public:
  SharedTempDir() : SharedTempDirOn(world()) {}
};

}  // namespace finseg::testing
