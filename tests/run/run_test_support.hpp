// What the tests of tests/run need, whichever communicator they run on. These sources are built
// twice (as arbor's test/unit-distributed): into test_run, on the local communicator, and into
// test_mpi, on MPI's world under mpirun at 1-4 ranks. Each binary defines run_world().
#pragma once

#include "parallel/communicator.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace finseg::testing {

// The communicator the run's tests use: local in test_run, MPI's world in test_mpi.
Communicator& run_world();

// A fresh folder created by rank 0 and known to every rank of `comm`; removed by rank 0 on
// destruction.
class SharedTempDirOn {
 public:
  explicit SharedTempDirOn(Communicator& comm) : comm_(comm) {
    std::string path;
    if (comm_.is_root()) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "finseg-test-XXXXXX").string();
      path = ::mkdtemp(tmpl.data()) ? tmpl : "";
    }
    path_ = comm_.broadcast(path, 0);
  }
  ~SharedTempDirOn() {
    comm_.barrier();
    if (comm_.is_root()) std::filesystem::remove_all(path_);
  }
  SharedTempDirOn(const SharedTempDirOn&) = delete;
  SharedTempDirOn& operator=(const SharedTempDirOn&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  Communicator& comm_;
  std::filesystem::path path_;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace finseg::testing
