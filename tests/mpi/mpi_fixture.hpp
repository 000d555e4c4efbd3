// Shared helpers of the MPI tests: the world communicator and a scratch folder all ranks share.
#pragma once

#include "parallel/communicator.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace finseg::testing {

inline Communicator& world() {
  static std::unique_ptr<Communicator> comm = make_mpi_communicator();
  return *comm;
}

// A fresh folder created by rank 0 and known to every rank; removed by rank 0 on destruction.
class SharedTempDir {
 public:
  SharedTempDir() {
    std::string path;
    if (world().is_root()) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "finseg-mpi-XXXXXX").string();
      path = ::mkdtemp(tmpl.data()) ? tmpl : "";
    }
    path_ = world().broadcast(path, 0);
  }
  ~SharedTempDir() {
    world().barrier();
    if (world().is_root()) std::filesystem::remove_all(path_);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace finseg::testing
