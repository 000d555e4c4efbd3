#include "parallel/communicator.hpp"

#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include <mpi.h>

#include <functional>
#include <limits>
#include <stdexcept>

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
  std::vector<std::string> all_gather(const std::string& data) override {
    std::vector<std::string> all;
    boost::mpi::all_gather(world_, data, all);
    return all;
  }
  std::vector<std::string> all_to_all(const std::vector<std::string>& outgoing) override;
  std::vector<std::int64_t> all_reduce(const std::vector<std::int64_t>& values, Reduce op) override {
    std::vector<std::int64_t> result(values.size());
    const MPI_Op mpi_op = op == Reduce::sum ? MPI_SUM : op == Reduce::max ? MPI_MAX : MPI_MIN;
    MPI_Allreduce(values.data(), result.data(), static_cast<int>(values.size()), MPI_INT64_T, mpi_op, world_);
    return result;
  }
  std::int64_t exscan_sum(std::int64_t value) override {
    std::int64_t below = 0;
    MPI_Exscan(&value, &below, 1, MPI_INT64_T, MPI_SUM, world_);
    return world_.rank() == 0 ? 0 : below;  // MPI leaves rank 0's result undefined
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

// Sizes first (MPI_Alltoall), then the bytes in one MPI_Alltoallv.
std::vector<std::string> MpiCommunicator::all_to_all(const std::vector<std::string>& outgoing) {
  const auto n = static_cast<std::size_t>(world_.size());
  if (outgoing.size() != n) throw std::invalid_argument("all_to_all: one piece per rank expected");
  std::vector<int> send_counts(n), recv_counts(n), send_displs(n), recv_displs(n);
  std::string send_buffer;
  for (std::size_t r = 0; r < n; ++r) {
    if (outgoing[r].size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        send_buffer.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) - outgoing[r].size())
      throw std::length_error("all_to_all: more than 2 GiB sent by one rank in one exchange");
    send_counts[r] = static_cast<int>(outgoing[r].size());
    send_displs[r] = static_cast<int>(send_buffer.size());
    send_buffer += outgoing[r];
  }
  MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, world_);
  std::size_t total = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (total > static_cast<std::size_t>(std::numeric_limits<int>::max()) - static_cast<std::size_t>(recv_counts[r]))
      throw std::length_error("all_to_all: more than 2 GiB received by one rank in one exchange");
    recv_displs[r] = static_cast<int>(total);
    total += static_cast<std::size_t>(recv_counts[r]);
  }
  std::string recv_buffer(total, '\0');
  MPI_Alltoallv(send_buffer.data(), send_counts.data(), send_displs.data(), MPI_CHAR, recv_buffer.data(),
                recv_counts.data(), recv_displs.data(), MPI_CHAR, world_);
  std::vector<std::string> incoming(n);
  for (std::size_t r = 0; r < n; ++r)
    incoming[r] = recv_buffer.substr(static_cast<std::size_t>(recv_displs[r]), static_cast<std::size_t>(recv_counts[r]));
  return incoming;
}

}  // namespace

std::unique_ptr<Communicator> make_mpi_communicator() { return std::make_unique<MpiCommunicator>(); }

struct MpiSession::Impl {
  Impl(int& argc, char**& argv) : env(argc, argv, boost::mpi::threading::single, /*abort_on_exception=*/false) {}
  boost::mpi::environment env;
};

MpiSession::MpiSession(int& argc, char**& argv) : impl_(std::make_unique<Impl>(argc, argv)) {}
MpiSession::~MpiSession() = default;

}  // namespace finseg
