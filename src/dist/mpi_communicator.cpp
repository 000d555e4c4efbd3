#include "dist/communicator.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include <mpi.h>

#include <functional>

namespace finseg {

namespace {

class MpiCommunicator final : public Communicator {
 public:
  int rank() const override { return world_.rank(); }
  int size() const override { return world_.size(); }
  void barrier() override { world_.barrier(); }
  std::string broadcast(const std::string& data, int root) override {
    std::string value = world_.rank() == root ? data : std::string();
    boost::mpi::broadcast(world_, value, root);
    return value;
  }
  std::vector<std::string> gather(const std::string& data, int root) override {
    std::vector<std::string> all;
    boost::mpi::gather(world_, data, all, root);
    return all;
  }
  bool all_ok(bool ok) override {
    int v = ok ? 1 : 0;
    int r = 0;
    boost::mpi::all_reduce(world_, v, r, boost::mpi::minimum<int>());
    return r == 1;
  }
  // Point to point uses the C API on plain bytes: probe, then receive from the probed source, so
  // a receive from any source can never pair one sender's size with another sender's data.
  void send(int dest, int tag, const std::string& data) override {
    MPI_Send(data.data(), static_cast<int>(data.size()), MPI_CHAR, dest, tag, world_);
  }
  std::string recv(int source, int tag, int& from) override {
    MPI_Status status;
    MPI_Probe(source < 0 ? MPI_ANY_SOURCE : source, tag, world_, &status);
    int count = 0;
    MPI_Get_count(&status, MPI_CHAR, &count);
    std::string data(static_cast<std::size_t>(count), '\0');
    MPI_Recv(data.data(), count, MPI_CHAR, status.MPI_SOURCE, tag, world_, MPI_STATUS_IGNORE);
    from = status.MPI_SOURCE;
    return data;
  }
  bool probe(int tag) override {
    int flag = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, tag, world_, &flag, MPI_STATUS_IGNORE);
    return flag != 0;
  }
  [[noreturn]] void abort(int exit_code) override {
    world_.abort(exit_code);
    std::abort();
  }

 private:
  boost::mpi::communicator world_;
};

}  // namespace

std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

struct MpiSession::Impl {
  Impl(int& argc, char**& argv) : env(argc, argv, boost::mpi::threading::single, /*abort_on_exception=*/false) {}
  boost::mpi::environment env;
};

MpiSession::MpiSession(int& argc, char**& argv) : impl_(std::make_unique<Impl>(argc, argv)) {}
MpiSession::~MpiSession() = default;

}  // namespace finseg
