// The feed transports' reconnect policy (feeds::Backoff) and connection-state names. The
// delays are computed from the attempt number and a random draw passed in: no clocks here.
#include "feeds/connection.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>

namespace citymap::feeds {
namespace {

// Draws spread over [0, 1), both ends included.
constexpr double kUnits[] = {0.0, 1e-9, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999999};

TEST(Backoff, EachAttemptStaysWithinItsBounds) {
  const Backoff b;  // 500 ms initial, doubling, 30 s cap
  EXPECT_EQ(b.initialMs, 500);
  EXPECT_EQ(b.maxMs, 30'000);
  // attempt: upper bound (initial * 2^(attempt-1), capped); the lower bound is initial / 2.
  const std::pair<int, double> expected[] = {{1, 500},    {2, 1000},   {3, 2000},   {4, 4000},   {5, 8000},
                                             {6, 16'000}, {7, 30'000}, {8, 30'000}, {20, 30'000}};
  for (const auto& [attempt, high] : expected) {
    for (double u : kUnits) {
      const double d = b.delayMs(attempt, u);
      EXPECT_GE(d, 250) << "attempt " << attempt << " u " << u;
      EXPECT_LE(d, high) << "attempt " << attempt << " u " << u;
    }
    // The draw spans the whole interval: 0 gives the lower bound, values near 1 the upper.
    EXPECT_DOUBLE_EQ(b.delayMs(attempt, 0.0), 250) << attempt;
    EXPECT_NEAR(b.delayMs(attempt, 0.999999), high, high * 1e-5) << attempt;
    EXPECT_DOUBLE_EQ(b.delayMs(attempt, 0.5), 250 + (high - 250) / 2) << attempt;
  }
}

TEST(Backoff, GrowsWithTheAttemptAndIsMonotonicInTheDraw) {
  const Backoff b;
  for (int attempt = 1; attempt < 12; ++attempt) {
    EXPECT_LE(b.delayMs(attempt, 0.999), b.delayMs(attempt + 1, 0.999)) << attempt;
    double last = 0;
    for (double u : kUnits) {
      const double d = b.delayMs(attempt, u);
      EXPECT_GE(d, last) << "attempt " << attempt << " u " << u;
      last = d;
    }
  }
}

TEST(Backoff, CapHoldsForHugeAttemptNumbers) {
  const Backoff b;
  for (int attempt : {31, 64, 1000, 1 << 20, INT_MAX}) {
    const double d = b.delayMs(attempt, 0.999999);
    EXPECT_TRUE(std::isfinite(d)) << attempt;
    EXPECT_LE(d, 30'000) << attempt;
    EXPECT_GT(d, 29'999) << attempt;
  }
}

TEST(Backoff, OutOfRangeInputsAreClamped) {
  const Backoff b;
  // Attempt 0 or negative behaves like the first attempt; draws outside [0, 1] are clamped.
  for (int attempt : {0, -1, INT_MIN}) {
    EXPECT_GE(b.delayMs(attempt, 0.5), 250) << attempt;
    EXPECT_LE(b.delayMs(attempt, 0.5), 500) << attempt;
  }
  EXPECT_DOUBLE_EQ(b.delayMs(3, -2.0), 250);
  EXPECT_DOUBLE_EQ(b.delayMs(3, 7.0), 2000);
}

TEST(Backoff, OtherConstants) {
  // A cap below the first step and a small initial delay.
  const Backoff tight{.initialMs = 100, .maxMs = 60};
  for (double u : kUnits) {
    EXPECT_GE(tight.delayMs(1, u), 50);
    EXPECT_LE(tight.delayMs(1, u), 60);
    EXPECT_LE(tight.delayMs(9, u), 60);
  }
  const Backoff quick{.initialMs = 10, .maxMs = 1000};
  EXPECT_DOUBLE_EQ(quick.delayMs(4, 0.0), 5);
  EXPECT_NEAR(quick.delayMs(4, 0.999999), 80, 1e-3);
  EXPECT_NEAR(quick.delayMs(40, 0.999999), 1000, 1e-2);
}

TEST(ConnectionState, Names) {
  EXPECT_EQ(connectionStateName(ConnectionState::Off), "off");
  EXPECT_EQ(connectionStateName(ConnectionState::Connecting), "connecting");
  EXPECT_EQ(connectionStateName(ConnectionState::Connected), "connected");
  EXPECT_EQ(connectionStateName(ConnectionState::Reconnecting), "reconnecting");
  ConnectionStatus a, b;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.state, ConnectionState::Off);
  b.detail = "connection refused";
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace citymap::feeds
