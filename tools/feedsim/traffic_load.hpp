#pragma once
// The simulator's load mode (--traffic-rate N, for benchmarks): traffic updates for the real
// road segments in turn, one segment after the other and round again, each pass with new
// speeds, at a fixed rate. Every message is marked simulated, like all of the simulator's.
#include <cstdint>
#include <string>

#include "feedsim/city_data.hpp"
#include "feedsim/simulator.hpp"

namespace citymap::feedsim {

class TrafficLoad {
 public:
  // firstSequence: the sequence number of message 0 (then one more per message).
  TrafficLoad(const CityData& data, std::string city, std::string source, uint64_t seed, uint64_t firstSequence);

  // The index-th message since the start, stamped timestampMs; a pure function of the seed,
  // the index and the time. The data must have roads.
  Outgoing make(uint64_t index, int64_t timestampMs) const;
  size_t segments() const { return data_.roads.size(); }

 private:
  const CityData& data_;
  std::string city_, source_;
  uint64_t seed_, firstSequence_;
};

}  // namespace citymap::feedsim
