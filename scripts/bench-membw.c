/* Memory-bandwidth floor for docs/performance.md: sums a 1 GiB int64 array (after touching it),
 * best of 5 passes, single thread.  cc -O2 -o /tmp/membw scripts/bench-membw.c && /tmp/membw */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(void) {
  size_t n = (1u << 30) / sizeof(int64_t);
  int64_t *a = malloc(n * sizeof *a);
  if (!a) return 1;
  for (size_t i = 0; i < n; i++) a[i] = (int64_t)i;
  double best = 1e9; int64_t s = 0;
  for (int r = 0; r < 5; r++) {
    double t0 = now();
    for (size_t i = 0; i < n; i++) s += a[i];
    double t = now() - t0; if (t < best) best = t;
  }
  printf("sum %lld: 1 GiB in %.3f s = %.1f GB/s = %.0fM int64/s (one core)\n", (long long)s, best,
         n * 8 / best / 1e9, n / best / 1e6);
  return 0;
}
