// SIGTERM and SIGUSR1 (Slurm's --signal, time limit, preemption; mpirun forwards SIGUSR1) ask a
// run to stop at the next shard boundary and save what it has finished. The handler only sets a
// sig_atomic_t flag; the run checks it between shards and between the jobs of a shard.
#pragma once

namespace finseg {

// Installs the handlers (SA_RESTART: MPI and file calls are not cut short). Idempotent.
void install_stop_handlers();
// Whether a stop signal arrived since install_stop_handlers().
bool stop_requested() noexcept;
// The number of the last stop signal received (0 if none), for messages.
int stop_signal() noexcept;

}  // namespace finseg
