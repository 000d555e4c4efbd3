// One line per event on stderr, with a UTC timestamp; safe from any thread. Never logs tokens.
#pragma once

#include <string>

namespace finseg::http {

void log_line(const std::string& message);

}  // namespace finseg::http
