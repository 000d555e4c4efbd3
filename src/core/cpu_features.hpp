// What the CPU runs beyond the x86-64 baseline the project compiles for: code compiled a second
// time with __attribute__((target("avx2"))) is taken only where this says so.
#pragma once

namespace finseg {

inline bool cpu_has_avx2() noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
#else
  return false;
#endif
}

}  // namespace finseg
