// Maintenance of the token file (`finseg token`): issuing a token and converting a clear-text
// file. Every change rewrites the file atomically (written aside with mode 0600, fsynced,
// renamed) under an exclusive lock on its folder, so two commands at once lose no line and a
// reader (the service at start) never sees half a file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace finseg::http {

// A fresh token: "finseg_" and 43 base64url characters of 256 random bits (OpenSSL's CSPRNG).
// The prefix lets secret scanners recognise a leaked token.
std::string new_token();

// Adds the hash of a new token for `client` to `file` (created if absent) and returns the token:
// the only time anybody sees it. Throws UsageError (bad client name, malformed or clear-text
// file, naming file and line) or IoError.
std::string add_token(const std::filesystem::path& file, const std::string& client);

// Replaces every clear-text `CLIENT TOKEN` line of `file` by `CLIENT sha256:HASH`, keeping
// comments, blank lines and hashed lines as they are. Returns how many lines it converted (0: the
// file is left untouched). Throws UsageError or IoError.
std::size_t hash_token_file(const std::filesystem::path& file);

}  // namespace finseg::http
