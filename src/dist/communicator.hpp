// The one small communication interface all parallel code talks to (arbor's habit): a
// single-process implementation and an MPI one (Boost.MPI). Payloads are byte strings, so
// callers serialize with cereal and nothing above this layer includes MPI.
#pragma once

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
