/** C source of the CPU device: Headers, the OpenMP thread team policy (team(): one thread below PAR_BYTES of traffic or on an oversubscribed machine) and the exp helpers shared by ELU and the loss. Part of CPU_KERNELS_SOURCE (../cpu-kernels-source.ts). */
export const PRELUDE_SOURCE = String.raw`
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#else
static int omp_get_max_threads(void) { return 1; }
#endif

typedef int64_t i64;
#define CHUNK 16384
/* Traffic (bytes) above which an op is split over threads; below it one thread avoids barrier stalls. */
#define PAR_BYTES 262144

/* Threads for one pass that moves about the given bytes: 1 below PAR_BYTES (a team's start and barriers cost more
   than the pass); 1 while other work occupies a CPU, i.e. the 1-minute load average exceeds the online CPUs
   + 0.5 (our own runnable threads count at most one per CPU): a second thread would then wait for a time slice
   at every barrier, measured 10-40x slower than 1 thread on a 2-CPU machine at load 3-28; else every thread.
   The load average is read at most once a second. UNET3D_CPU_LOAD_GUARD=0 turns the load check off (a benchmark
   does: what it measures must not change with the machine's load). */
static int load_guard_on(void) {
  static int guard = -1;
  if (guard < 0) {
    const char *e = getenv("UNET3D_CPU_LOAD_GUARD");
    guard = !(e && e[0] == '0');
  }
  return guard;
}

/* 1 when team() drops to one thread under load (the default), 0 with UNET3D_CPU_LOAD_GUARD=0; read once per
   process. */
int unet3d_load_guard(void) { return load_guard_on(); }

static int team(i64 bytes) {
  int T = omp_get_max_threads();
  if (bytes <= PAR_BYTES || T == 1) return 1;
  static int loaded = 0;
  static double last = -10;
  if (!load_guard_on()) return T;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  double now = ts.tv_sec + 1e-9 * ts.tv_nsec;
  if (now - last >= 1.0) {
    double la[1];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    loaded = getloadavg(la, 1) == 1 && cpus > 0 && la[0] > (double)cpus + 0.5;
    last = now;
  }
  return loaded ? 1 : T;
}

int unet3d_threads(void) { return omp_get_max_threads(); }
/* Threads of later parallel regions started from the calling (Node main) thread. */
void unet3d_set_threads(int n) {
#ifdef _OPENMP
  if (n > 0) omp_set_num_threads(n);
#else
  (void)n;
#endif
}

/* e^r - 1 and e^r for r in [-708, 0]: r = k ln2 + f, |f| <= ln2/2, expm1(f) by its Taylor series to f^11
   (error < 1e-14), 2^k from the exponent bits. Branch-free so loops over it vectorise. */
static inline double em1_neg(double r, double *er) {
  const double MAGIC = 6755399441055744.0;
  double t = r * 1.4426950408889634 + MAGIC;
  double k = t - MAGIC;
  double f = (r - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
  double p = f * (1.0 + f * (1.0 / 2 + f * (1.0 / 6 + f * (1.0 / 24 + f * (1.0 / 120 + f * (1.0 / 720 +
             f * (1.0 / 5040 + f * (1.0 / 40320 + f * (1.0 / 362880 + f * (1.0 / 3628800 + f * (1.0 / 39916800)))))))))));
  i64 tb;
  memcpy(&tb, &t, 8);
  i64 eb = (i64)((uint64_t)(tb + 1023) << 52);
  double two;
  memcpy(&two, &eb, 8);
  *er = two * (p + 1.0);
  return two * p + (two - 1.0);
}

/* ELU in float: e^r - 1 for r in [-30, 0] as 2^k·expm1(f) + (2^k - 1), |f| <= ln2/2, expm1(f) by its Taylor
   series to f^8 (truncation < 3e-10 relative), ln2 split hi/lo. Agrees with the JavaScript op (table exp,
   1e-12) to a few float32 ulps; below -30, e^r - 1 rounds to -1 in float32 as in the JavaScript op. */
static inline float elu1(float v, double alpha) {
  float r = v < 0 ? v : 0.0f;
  r = r > -30.0f ? r : -30.0f;
  const float MAGIC = 12582912.0f;
  float t = r * 1.44269504088896341f + MAGIC;
  float k = t - MAGIC;
  float f = (r - k * 0.693145751953125f) - k * 1.428606765330187e-06f;
  float p = f * (1.0f + f * (1.0f / 2 + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720 +
            f * (1.0f / 5040 + f * (1.0f / 40320))))))));
  int32_t tb;
  memcpy(&tb, &t, 4);
  int32_t eb = (int32_t)((uint32_t)(tb + 127) << 23);
  float two;
  memcpy(&two, &eb, 4);
  float m1 = two * p + (two - 1.0f);
  return (v > 0 || v != v) ? v : (float)alpha * m1;
}
`;
