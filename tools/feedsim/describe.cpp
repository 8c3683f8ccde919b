#include "feedsim/describe.hpp"

#include <cstdio>
#include <sstream>

namespace citymap::feedsim {

namespace {

void str(std::ostringstream& o, const char* key, const std::string& v) {
  o << ",\"" << key << "\":\"";
  for (char c : v) {
    if (c == '"' || c == '\\')
      o << '\\' << c;
    else if (static_cast<unsigned char>(c) < 0x20)
      o << ' ';
    else
      o << c;
  }
  o << '"';
}

void num(std::ostringstream& o, const char* key, double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.7g", v);
  o << ",\"" << key << "\":" << buf;
}

struct Fields {
  std::ostringstream& o;
  void operator()(const feeds::TrafficUpdate& v) const {
    num(o, "speed_kmh", v.speedKmh);
    num(o, "congestion", int(v.congestion));
  }
  void operator()(const feeds::CameraUpdate& v) const { num(o, "status", int(v.status)); }
  void operator()(const feeds::SensorReading& v) const {
    num(o, "station_kind", int(v.kind));
    num(o, "value", v.value);
    str(o, "unit", std::string(feeds::unitSymbol(v.unit)));
    num(o, "level", v.alertLevel());
    num(o, "trend", int(v.trend));
  }
  void operator()(const feeds::Incident& v) const {
    num(o, "incident_kind", int(v.kind));
    num(o, "severity", int(v.severity));
    str(o, "title_en", v.titleEn);
    o << ",\"start_ms\":" << v.startMs << ",\"expiry_ms\":" << v.expiryMs;
  }
  void operator()(const feeds::BusReport& v) const {
    str(o, "route", v.route);
    str(o, "label", v.label);
    num(o, "lng", v.position.lng);
    num(o, "lat", v.position.lat);
    num(o, "bearing", v.bearingDeg);
    num(o, "delay_s", v.delayS);
    str(o, "next_stop", v.nextStopName);
  }
  void operator()(const feeds::ShelterStatus& v) const {
    num(o, "open", v.open ? 1 : 0);
    num(o, "capacity", v.capacity);
    num(o, "occupancy", v.occupancy);
  }
  void operator()(const feeds::StormReport& v) const {
    str(o, "name_en", v.nameEn);
    num(o, "category", int(v.category));
    num(o, "lng", v.position.lng);
    num(o, "lat", v.position.lat);
    num(o, "wind_ms", v.windMs);
    num(o, "beaufort", v.beaufort);
    num(o, "pressure_hpa", v.pressureHpa);
    num(o, "past", double(v.past.size()));
    num(o, "forecast", double(v.forecast.size()));
  }
};

}  // namespace

std::string describe(const Outgoing& m) {
  std::ostringstream o;
  o << "{\"sim_ms\":" << m.simMs;
  str(o, "topic", m.topic);
  if (!m.message) {
    o << ",\"clear\":true}";
    return o.str();
  }
  const feeds::FeedMessage& f = *m.message;
  str(o, "kind", std::string(feeds::kindName(f.kind())));
  o << ",\"seq\":" << f.sequence << ",\"ts\":" << f.timestampMs
    << ",\"simulated\":" << (f.simulated ? "true" : "false");
  std::visit(Fields{o}, f.payload);
  o << ",\"bytes\":" << m.payload.size() << "}";
  return o.str();
}

}  // namespace citymap::feedsim
