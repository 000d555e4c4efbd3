// One line per event on stderr, with a UTC timestamp; safe from any thread. Never logs tokens.
// Control characters and invalid UTF-8 in a message are written as \xNN, a backslash as two (escape_for_log).
#pragma once

#include <string>

namespace finseg::http {

void log_line(const std::string& message);

}  // namespace finseg::http
