// The one small communication interface all parallel code talks to (arbor's habit): a
// single-process implementation and an MPI one (Boost.MPI). The primitives move byte strings and
// 64-bit integers; parallel/collectives.hpp builds the typed collectives (sum, max, or, gather
// and broadcast of a cereal-serialisable type) on them, so nothing above this layer includes MPI.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace finseg {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual void barrier() = 0;
  // Root's `data` reaches every rank; every rank returns it.
  virtual std::string broadcast(const std::string& data, int root) = 0;
  // Every rank's `data`, in rank order, at root (other ranks get an empty vector).
  virtual std::vector<std::string> gather(const std::string& data, int root) = 0;
  // Every rank's `data`, in rank order, on every rank.
  virtual std::vector<std::string> all_gather(const std::string& data) = 0;
  // outgoing[r] goes to rank r (outgoing.size() == size()); returns what every rank sent to this
  // one, in rank order. Each piece must stay under 2 GiB (MPI counts are int).
  virtual std::vector<std::string> all_to_all(const std::vector<std::string>& outgoing) = 0;
  // Element-wise reduction of equally long vectors over all ranks; every rank gets the result.
  enum class Reduce { sum, max, min };
  virtual std::vector<std::int64_t> all_reduce(const std::vector<std::int64_t>& values, Reduce op) = 0;
  // The sum of `value` over the ranks below this one (0 on rank 0): a rank's offset in a file
  // that every rank writes a part of.
  virtual std::int64_t exscan_sum(std::int64_t value) = 0;
  // Logical AND over all ranks: lets every rank learn that some rank failed, without hanging.
  virtual bool all_ok(bool ok) = 0;
  // Point to point, for the coordinator/worker protocol.
  virtual void send(int dest, int tag, const std::string& data) = 0;
  // Receives from any source (-1) or one source; returns the sender in `from`.
  virtual std::string recv(int source, int tag, int& from) = 0;
  // Whether a message with `tag` from any source is waiting (never blocks).
  virtual bool probe(int tag) = 0;
  // Ends every process of the run at once with this exit code (a rank that cannot go on).
  [[noreturn]] virtual void abort(int exit_code) = 0;

  bool is_root() const { return rank() == 0; }
};

std::unique_ptr<Communicator> make_local_communicator();
// The world communicator; requires an active MpiSession.
std::unique_ptr<Communicator> make_mpi_communicator();

// One MPI session guard for main(): initializes MPI (also without mpirun: a singleton) and
// finalizes it on destruction.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace finseg
