#pragma once
// Deterministic randomness for the simulator: every value is a pure function of the seed and
// its inputs (entity, time bucket, ...), so a run is reproducible whatever the wall clock does.
#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace citymap::feedsim {

// SplitMix64 finaliser: a good 64-bit mixing function.
constexpr uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline uint64_t hashAll(uint64_t seed, std::initializer_list<uint64_t> values) {
  uint64_t h = mix64(seed);
  for (uint64_t v : values) h = mix64(h ^ v);
  return h;
}

// Uniform in [0, 1).
inline double unit01(uint64_t seed, std::initializer_list<uint64_t> values) {
  return double(hashAll(seed, values) >> 11) * 0x1.0p-53;
}

inline double uniform(double lo, double hi, uint64_t seed, std::initializer_list<uint64_t> values) {
  return lo + (hi - lo) * unit01(seed, values);
}

// Smooth value noise in [-1, 1] over time: random knots every periodMs, smoothstep between.
inline double smoothNoise(uint64_t seed, uint64_t key, int64_t tMs, int64_t periodMs) {
  const int64_t k = tMs >= 0 ? tMs / periodMs : (tMs - periodMs + 1) / periodMs;
  const double f = double(tMs - k * periodMs) / double(periodMs);
  const double a = unit01(seed, {key, uint64_t(k)}) * 2 - 1;
  const double b = unit01(seed, {key, uint64_t(k + 1)}) * 2 - 1;
  const double s = f * f * (3 - 2 * f);
  return a + (b - a) * s;
}

// A Gaussian bump of height 1 at `centre` with width `sigma` (same unit as x).
inline double bump(double x, double centre, double sigma) {
  const double d = (x - centre) / sigma;
  return std::exp(-0.5 * d * d);
}

}  // namespace citymap::feedsim
