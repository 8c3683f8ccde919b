#include "feedsim/traffic_load.hpp"

#include <cmath>
#include <utility>

#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"
#include "feedsim/noise.hpp"

namespace citymap::feedsim {

TrafficLoad::TrafficLoad(const CityData& data, std::string city, std::string source, uint64_t seed,
                         uint64_t firstSequence)
    : data_(data), city_(std::move(city)), source_(std::move(source)), seed_(seed), firstSequence_(firstSequence) {}

Outgoing TrafficLoad::make(uint64_t index, int64_t timestampMs) const {
  const size_t n = data_.roads.size();
  const Road& road = data_.roads[index % n];
  const uint64_t pass = index / n;
  // 15..100 % of the free-flow speed, new for every pass over the roads.
  const double factor = 0.15 + 0.85 * unit01(seed_, {0x10ad, road.id, pass});
  feeds::TrafficUpdate t;
  t.segmentId = road.id;
  t.freeFlowKmh = float(freeFlowKmh(road.highway));
  t.speedKmh = float(std::round(double(t.freeFlowKmh) * factor * 10) / 10);
  t.congestion = congestionFor(factor);

  feeds::FeedMessage m;
  m.source = source_;
  m.sequence = firstSequence_ + index;
  m.timestampMs = timestampMs;
  m.simulated = true;
  m.payload = t;
  Outgoing o;
  o.topic = feeds::feedTopic(city_, m.kind(), m.entityId());
  o.payload = feeds::encodeFeedMessage(m);
  o.simMs = timestampMs;
  o.message = std::move(m);
  return o;
}

}  // namespace citymap::feedsim
