#include "run/stop_signal.hpp"

#include <csignal>

namespace finseg {

namespace {
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signal_number) { g_stop_signal = signal_number; }
}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
}

bool stop_requested() noexcept { return g_stop_signal != 0; }

int stop_signal() noexcept { return static_cast<int>(g_stop_signal); }

}  // namespace finseg
