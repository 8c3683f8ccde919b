// citymap-feedsim: publishes simulated live IOC feeds for Da Nang to an MQTT broker (see
// simulator.hpp and docs/FEEDS.md). Every message is marked simulated.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "feeds/feed_reader.hpp"
#include "feeds/topic.hpp"
#include "feedsim/city_data.hpp"
#include "feedsim/describe.hpp"
#include "feedsim/history_chunks.hpp"
#include "feedsim/mqtt_client.hpp"
#include "feedsim/simulator.hpp"
#include "feedsim/traffic_load.hpp"

namespace citymap::feedsim {
namespace {

volatile std::sig_atomic_t gStop = 0;
void onSignal(int) { gStop = 1; }

const char* kUsage = R"(usage: citymap-feedsim --data-dir DIR [options]

Publishes SIMULATED live feeds (hydro-met sensors, storm shelters, incidents, buses, traffic,
the typhoon scenario's storm track)
tied to the real Da Nang data in DIR (the folder described by its README.md).

  --data-dir DIR        the Da Nang data folder (required)
  --scenario NAME       normal (default), rush or typhoon
  --seed N              random seed (default 1): the same seed gives the same feeds
  --speedup X           simulated seconds per wall second (default 1)
  --start WHEN          simulated start: "now" (default: the current time for normal, today's
                        07:00 for rush, today's 00:00 for typhoon), YYYY-MM-DD (that local day
                        at 08:00 for normal, 07:00 rush, 00:00 typhoon) or YYYY-MM-DDTHH:MM
                        (local time, UTC+7)
  --skip-hours H        begin H simulated hours into the scenario (e.g. 6: the typhoon's
                        shelters already open); water levels start from their initial values
  --history-hours H     also publish the history for clients' time slider: the H simulated
                        hours before the start are simulated at once, and everything as it
                        goes, as retained chunks on citymap/v1/<city>-history/<window start>
                        (15-minute windows, the newest message per entity; H hours kept)
  --duration S          stop after S wall seconds (default: run until SIGINT/SIGTERM)
  --only LIST           comma-separated subset of sensors,shelters,incidents,buses,traffic,storm
  --city SLUG           topic city (default danang)
  --source NAME         the messages' source (default feedsim)
load (benchmarks):
  --traffic-rate N      instead of the traffic model, publish N traffic updates per second
                        (QoS 0), cycling over the real road segments with new speeds on every
                        pass; the other feeds run as usual (--only traffic: none)
  --traffic-copies K    the load cycles over K times the city's road segments: copy k > 0 of
                        a segment has the id segment + k * 2^46, on no map feature (stored and
                        counted by clients, not drawn; default 1, at most 127)
  --traffic-batch N     up to N updates per MQTT message (default 250), on the non-retained
                        citymap/v1/<city>/traffic/batch; each segment's state also goes retained
                        on its own topic about every --retain-s. 1: the old mode, every update
                        its own retained message on its segment's topic
  --batch-ms MS         a batch goes when its first update is MS old (default 50) or it is full
  --batch-bytes B       at most B bytes per batch (default 3900: Mosquitto sends larger
                        WebSocket messages in slow 4 KiB pieces; at most 65536)
  --retain-s S          how often each segment's state goes to its retained topic in batch mode
                        (default 30; spread over 0.5..1.5 S); 0: never (batches only, no
                        catch-up state: for benchmarks of many entities)
broker:
  --broker-env FILE     read MQTT_HOST, MQTT_PORT, MQTT_USER, MQTT_PASSWORD_FILE from FILE
                        (tools/broker/start.sh writes build/broker/broker.env)
  --host H --port P     broker address (default 127.0.0.1:1883)
  --user U              user name (default publisher)
  --password-file F     file whose first line is the password
  --qos 0|1             (default 1)
  --keep-incidents      on exit, leave this source's retained incidents and storms in place
                        (default: clear them, and clear leftovers of an earlier run at start)
offline:
  --dry-run S           no broker: simulate S seconds and print one JSON line per message
  --quiet               less logging on stderr
)";

struct Options {
  std::string dataDir;
  Scenario scenario = Scenario::Normal;
  uint64_t seed = 1;
  double speedup = 1;
  std::string start = "now";
  double durationS = 0;
  double skipHours = 0;
  double historyHours = 0;
  std::string only;
  std::string city = "danang";
  std::string source = "feedsim";
  std::string brokerEnv;
  MqttOptions mqtt;
  std::string passwordFile;
  int qos = 1;
  bool keepIncidents = false;
  double dryRunS = -1;
  bool quiet = false;
  double trafficRate = 0;      // load mode: traffic updates per second (0: the model's traffic)
  uint32_t trafficCopies = 1;  // load mode: the city's segments counted this many times
  LoadBatching batching;       // load mode: how the updates are published
};

int64_t wallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Days since 1970-01-01 of a civil date (proleptic Gregorian).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

Result<int64_t> parseStart(const std::string& text, Scenario scenario, int64_t nowMs) {
  if (text == "now") return scenarioStartMs(scenario, nowMs);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  char tail = 0;
  const int n = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d%c", &y, &mo, &d, &h, &mi, &tail);
  if ((n != 3 && n != 5) || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59)
    return Error{"--start: expected now, YYYY-MM-DD or YYYY-MM-DDTHH:MM, got '" + text + "'"};
  const int64_t localMidnightUtc = daysFromCivil(y, unsigned(mo), unsigned(d)) * 86'400'000 - 7 * 3'600'000;
  if (n == 5) return localMidnightUtc + (int64_t(h) * 60 + mi) * 60'000;
  if (scenario == Scenario::Normal) return localMidnightUtc + 8 * 3'600'000;
  return scenarioStartMs(scenario, localMidnightUtc);
}

Result<std::map<std::string, std::string>> readEnvFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"cannot read " + path};
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos || line.starts_with('#')) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

Result<std::string> firstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) return Error{"cannot read a password from " + path};
  return line;
}

Result<Options> parseArgs(int argc, char** argv) {
  Options o;
  o.mqtt.user = "publisher";
  // CLI11 tokenises and converts the values; the ranges are checked below, each with its message.
  CLI::App app{"citymap-feedsim"};
  app.set_help_flag();
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // a repeated option: the last wins
  bool help = false;
  std::string scenario;
  double port = o.mqtt.port, qos = o.qos, trafficBatch = double(o.batching.maxUpdates),
         batchMs = double(o.batching.intervalMs), batchBytes = double(o.batching.maxBytes),
         retainS = double(o.batching.retainIntervalMs) / 1000;
  app.add_flag("-h,--help", help);
  app.add_option("--data-dir", o.dataDir);
  auto* scenarioOpt = app.add_option("--scenario", scenario);
  app.add_option("--seed", o.seed);
  auto* speedup = app.add_option("--speedup", o.speedup);
  app.add_option("--start", o.start);
  app.add_option("--duration", o.durationS);
  auto* historyHours = app.add_option("--history-hours", o.historyHours);
  auto* skipHours = app.add_option("--skip-hours", o.skipHours);
  app.add_option("--only", o.only);
  app.add_option("--city", o.city);
  app.add_option("--source", o.source);
  app.add_option("--broker-env", o.brokerEnv);
  app.add_option("--host", o.mqtt.host);
  app.add_option("--user", o.mqtt.user);
  app.add_option("--password-file", o.passwordFile);
  app.add_option("--port", port);
  auto* qosOpt = app.add_option("--qos", qos);
  auto* rate = app.add_option("--traffic-rate", o.trafficRate);
  auto* copies = app.add_option("--traffic-copies", o.trafficCopies);
  auto* batch = app.add_option("--traffic-batch", trafficBatch);
  auto* ms = app.add_option("--batch-ms", batchMs);
  auto* bytes = app.add_option("--batch-bytes", batchBytes);
  auto* retain = app.add_option("--retain-s", retainS);
  app.add_flag("--keep-incidents", o.keepIncidents);
  app.add_option("--dry-run", o.dryRunS);
  app.add_flag("--quiet", o.quiet);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return Error{std::string(e.what()) + " (see --help)"};
  }
  if (help) {
    std::cout << kUsage;
    std::exit(0);
  }
  if (scenarioOpt->count() > 0) {
    auto s = parseScenario(scenario);
    if (!s) return Error{"--scenario: expected normal, rush or typhoon, got '" + scenario + "'"};
    o.scenario = *s;
  }
  const auto given = [](const CLI::Option* opt) { return opt->count() > 0; };
  if (given(speedup) && !(o.speedup > 0 && o.speedup <= 10000)) return Error{"--speedup must be in (0, 10000]"};
  if (given(historyHours) && !(o.historyHours >= 0 && o.historyHours <= 48))
    return Error{"--history-hours must be in [0, 48]"};
  if (given(skipHours) && !(o.skipHours >= 0 && o.skipHours <= 72)) return Error{"--skip-hours must be in [0, 72]"};
  if (given(qosOpt) && qos != 0 && qos != 1) return Error{"--qos must be 0 or 1"};
  if (given(rate) && !(o.trafficRate > 0 && o.trafficRate <= 1e6))
    return Error{"--traffic-rate must be in (0, 1000000]"};
  if (given(copies) && !(o.trafficCopies >= 1 && o.trafficCopies <= TrafficLoad::kMaxCopies))
    return Error{"--traffic-copies must be in [1, " + std::to_string(TrafficLoad::kMaxCopies) + "]"};
  if (given(batch) && !(trafficBatch >= 1 && trafficBatch <= double(feeds::kMaxFeedBatchUpdates)))
    return Error{"--traffic-batch must be in [1, " + std::to_string(feeds::kMaxFeedBatchUpdates) + "]"};
  if (given(ms) && !(batchMs >= 0 && batchMs <= 10'000)) return Error{"--batch-ms must be in [0, 10000]"};
  if (given(bytes) && !(batchBytes >= 512 && batchBytes <= 65536))
    return Error{"--batch-bytes must be in [512, 65536]"};
  if (given(retain) && !(retainS == 0 || (retainS >= 1 && retainS <= 3600)))
    return Error{"--retain-s must be 0 (never) or in [1, 3600]"};
  o.mqtt.port = int(port);
  o.qos = int(qos);
  o.batching.maxUpdates = size_t(trafficBatch);
  o.batching.intervalMs = int64_t(batchMs);
  o.batching.maxBytes = size_t(batchBytes);
  o.batching.retainIntervalMs = int64_t(retainS * 1000);
  if (o.dataDir.empty()) return Error{"--data-dir is required (see --help)"};
  if (!feeds::validCitySlug(o.city)) return Error{"--city must be 1..32 characters of [a-z0-9-]"};
  if (!o.brokerEnv.empty()) {
    auto env = readEnvFile(o.brokerEnv);
    if (!env) return Error{env.error()};
    if (env->count("MQTT_HOST")) o.mqtt.host = env->at("MQTT_HOST");
    if (env->count("MQTT_PORT")) o.mqtt.port = std::atoi(env->at("MQTT_PORT").c_str());
    if (env->count("MQTT_USER")) o.mqtt.user = env->at("MQTT_USER");
    if (env->count("MQTT_PASSWORD_FILE") && o.passwordFile.empty()) o.passwordFile = env->at("MQTT_PASSWORD_FILE");
  }
  if (!o.passwordFile.empty()) {
    auto pw = firstLine(o.passwordFile);
    if (!pw) return Error{pw.error()};
    o.mqtt.password = *pw;
  }
  return o;
}

Result<SimConfig> makeConfig(const Options& o, int64_t wallStart) {
  SimConfig c;
  c.scenario = o.scenario;
  c.seed = o.seed;
  c.speedup = o.speedup;
  c.source = o.source;
  c.city = o.city;
  auto start = parseStart(o.start, o.scenario, wallStart);
  if (!start) return Error{start.error()};
  c.simStartMs = *start;
  c.wallStartMs = wallStart;
  c.skipMs = int64_t(o.skipHours * 3'600'000);
  if (!o.only.empty()) {
    c.sensors = c.shelters = c.incidents = c.buses = c.traffic = c.storm = false;
    std::stringstream ss(o.only);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (item == "sensors")
        c.sensors = true;
      else if (item == "shelters")
        c.shelters = true;
      else if (item == "incidents")
        c.incidents = true;
      else if (item == "buses")
        c.buses = true;
      else if (item == "traffic")
        c.traffic = true;
      else if (item == "storm")
        c.storm = true;
      else
        return Error{"--only: unknown feed '" + item + "'"};
    }
  }
  if (o.trafficRate > 0) c.traffic = false;  // the load generator publishes the traffic
  return c;
}

std::string utcText(int64_t ms) {
  const std::time_t t = ms / 1000 + 7 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S+07", &tm);
  return buf;
}

int dryRun(const CityData& data, const Options& o) {
  // Deterministic for a given --start: the wall clock is pinned to the simulated start. Without
  // one, the scenario's real start today (as a live run), not 1970.
  auto probe = makeConfig(o, wallNowMs());
  if (!probe) return std::cerr << "citymap-feedsim: " << probe.error() << "\n", 2;
  SimConfig c = *probe;
  const int64_t from = c.simStartMs + c.skipMs;  // the first simulated step
  c.wallStartMs = from;
  Simulator sim(data, c);
  const int64_t end = from + int64_t(o.dryRunS * 1000);
  std::vector<Outgoing> out;
  std::optional<TrafficLoad> load;
  if (o.trafficRate > 0) load.emplace(data, o.city, o.source, o.seed, uint64_t(from) * 1000, o.trafficCopies);
  uint64_t loadSent = 0;
  LoadPublisher publisher(o.city, o.batching);
  std::vector<LoadPublish> published;
  for (int64_t t = from;; t = std::min(end, t + 60'000)) {
    out.clear();
    sim.advanceTo(t, out);
    for (const Outgoing& m : out) std::cout << describe(m) << '\n';
    for (const uint64_t due = load ? uint64_t(double(t - from) * o.trafficRate / 1000) : 0; loadSent < due;
         ++loadSent) {
      // Each update as a line, with where it is published: its retained topic or batch n.
      const int64_t ts = from + int64_t(double(loadSent) * 1000 / o.trafficRate);
      const Outgoing m = load->make(loadSent, ts);
      publisher.flush(ts, false, published);
      const bool retained = publisher.add(m, ts, published) == LoadPublisher::Route::Retained;
      std::string line = describe(m);
      line.pop_back();
      line += retained
                  ? ",\"retain\":true}"
                  : ",\"retain\":false,\"published\":\"" + feeds::feedBatchTopic(o.city, feeds::FeedKind::Traffic) +
                        "\",\"batch\":" + std::to_string(publisher.batchesStarted() - 1) + "}";
      std::cout << line << '\n';
    }
    if (t >= end) break;
  }
  const SimStats& s = sim.stats();
  std::cerr << "citymap-feedsim: dry run, " << scenarioName(c.scenario) << " from " << utcText(c.simStartMs) << ", "
            << s.messages << " messages, " << s.clears << " clears\n";
  return 0;
}

int live(const CityData& data, const Options& o) {
  const int64_t wallStart = wallNowMs();
  auto config = makeConfig(o, wallStart);
  if (!config) return std::cerr << "citymap-feedsim: " << config.error() << "\n", 2;
  MqttOptions mo = o.mqtt;
  mo.clientId = "feedsim-" + std::to_string(getpid());
  auto client = MqttClient::connect(mo);
  if (!client) return std::cerr << "citymap-feedsim: " << client.error() << "\n", 1;
  MqttClient& mqtt = **client;
  // Retained incidents and storms outlive a run at the broker: they are cleared when it ends.
  const std::string cityTree = std::string(feeds::kTopicRoot) + "/" + o.city + "/";
  const std::vector<std::string> eventTrees = {cityTree + "incident/", cityTree + "storm/"};
  const auto isEvent = [&](const std::string& topic) {
    return std::any_of(eventTrees.begin(), eventTrees.end(),
                       [&](const std::string& t) { return topic.starts_with(t); });
  };
  std::set<std::string> incidentTopics;                 // retained incidents and storms this run has published
  std::map<std::string, std::vector<uint8_t>> backlog;  // held back while disconnected

  // Leftover incidents and storms of an earlier run of this source (e.g. a killed typhoon demo).
  if (!o.keepIncidents) {
    int cleared = 0;
    for (const std::string& tree : eventTrees)
      for (const auto& [topic, payload] : mqtt.retained(tree + "#", 500)) {
        auto m = feeds::decodeFeedMessage(payload);
        if (m && m->source == o.source && mqtt.publish(topic, {}, o.qos, true)) ++cleared;
      }
    if (cleared && !o.quiet)
      std::cerr << "citymap-feedsim: cleared " << cleared << " old retained incidents and storms\n";
  }

  // History for the time slider: the hours before the start simulated at once (their messages
  // stamped in the past), then the run itself, in retained chunks.
  const int64_t liveSimStart = config->simStartMs + config->skipMs;
  const int64_t preMs = int64_t(o.historyHours * 3'600'000);
  std::optional<HistoryChunker> history;
  if (preMs > 0) {
    history.emplace(o.city, 15 * 60'000, preMs);
    int cleared = 0;  // chunks of an earlier run
    for (const auto& [topic, payload] : mqtt.retained(feeds::historySubscription(o.city), 1000))
      if (!payload.empty() && mqtt.publish(topic, {}, o.qos, true)) ++cleared;
    if (cleared && !o.quiet) std::cerr << "citymap-feedsim: cleared " << cleared << " old history chunks\n";
    config->skipMs -= preMs;
    config->wallStartMs -= int64_t(double(preMs) / o.speedup);
  }
  Simulator sim(data, *config);
  if (history) {
    std::vector<Outgoing> past;
    std::map<std::string, std::vector<uint8_t>> latest;  // the state at the start, sent live too
    for (int64_t t = liveSimStart - preMs; t < liveSimStart;) {
      t = std::min(liveSimStart, t + 10 * 60'000);
      past.clear();
      sim.advanceTo(t, past);
      for (const Outgoing& m : past) {
        history->add(m.topic, m.payload, m.message ? m.message->timestampMs : sim.wallTimeOf(m.simMs));
        latest[m.topic] = m.payload;
      }
    }
    size_t chunks = 0, bytes = 0;
    for (const Outgoing& c : history->take(wallStart, true)) {
      mqtt.publish(c.topic, c.payload, o.qos, true);
      ++chunks;
      bytes += c.payload.size();
    }
    for (const auto& [topic, payload] : latest) mqtt.publish(topic, payload, o.qos, true);
    if (!o.quiet)
      std::cerr << "citymap-feedsim: history: " << o.historyHours << " h before the start in " << chunks << " chunks, "
                << bytes / 1024 << " KiB (" << feeds::historySubscription(o.city) << ")\n";
  }
  std::cerr << "citymap-feedsim: SIMULATED " << scenarioName(o.scenario) << " scenario from "
            << utcText(config->simStartMs) << ", seed " << o.seed << ", speedup " << o.speedup << ", "
            << data.stations.size() << " stations, " << data.shelters.size() << " shelters, " << data.roads.size()
            << " road segments, " << data.trips.size() << " bus trips -> mqtt://" << mo.host << ":" << mo.port << "\n";
  // Load mode: traffic updates at a fixed rate, sent in small bursts (every 10 ms); a backlog
  // of more than a second (a stalled process) is skipped, not sent at once.
  std::optional<TrafficLoad> load;
  if (o.trafficRate > 0) {
    load.emplace(data, o.city, o.source, o.seed, uint64_t(wallStart) * 1000, o.trafficCopies);
    std::cerr << "citymap-feedsim: load mode, " << o.trafficRate << " traffic updates/s over " << load->segments()
              << " road segments (QoS 0, "
              << (o.batching.maxUpdates > 1
                      ? "batches of up to " + std::to_string(o.batching.maxUpdates) + " updates on " +
                            feeds::feedBatchTopic(o.city, feeds::FeedKind::Traffic) +
                            ", each segment retained every ~" + std::to_string(o.batching.retainIntervalMs / 1000) +
                            " s"
                      : std::string("one retained message per update"))
              << ")\n";
  }
  LoadPublisher publisher(o.city, o.batching);
  std::vector<LoadPublish> toPublish;
  uint64_t loadSent = 0, loadSkipped = 0, loadMessages = 0;
  std::signal(SIGINT, onSignal);
  std::signal(SIGTERM, onSignal);
  std::vector<Outgoing> out;
  int64_t lastLog = wallStart;
  int64_t lastHistoryMs = wallStart;
  uint64_t lastCount = 0;
  while (!gStop) {
    const int64_t wall = wallNowMs();
    if (o.durationS > 0 && wall - wallStart >= int64_t(o.durationS * 1000)) break;
    out.clear();
    sim.advanceTo(liveSimStart + int64_t(double(wall - wallStart) * o.speedup), out);
    // While the broker is away only the newest message per topic is kept (a bounded backlog:
    // one per entity), and sent once the connection is back.
    const bool up = mqtt.connected();
    if (up && !backlog.empty()) {
      if (!o.quiet)
        std::cerr << "citymap-feedsim: connected again, sending " << backlog.size() << " held-back messages\n";
      for (const auto& [topic, payload] : backlog) mqtt.publish(topic, payload, o.qos, true);
      backlog.clear();
    }
    for (const Outgoing& m : out) {
      if (up)
        mqtt.publish(m.topic, m.payload, o.qos, true);
      else
        backlog[m.topic] = m.payload;
      if (history) history->add(m.topic, m.payload, m.message ? m.message->timestampMs : sim.wallTimeOf(m.simMs));
      if (isEvent(m.topic)) {
        if (m.payload.empty())
          incidentTopics.erase(m.topic);
        else
          incidentTopics.insert(m.topic);
      }
    }
    if (load) {
      const uint64_t due = uint64_t(double(wall - wallStart) * o.trafficRate / 1000);
      const uint64_t maxBacklog = uint64_t(o.trafficRate) + 1;
      if (due > loadSent + maxBacklog) {
        loadSkipped += due - maxBacklog - loadSent;
        loadSent = due - maxBacklog;
      }
      toPublish.clear();
      for (; loadSent < due; ++loadSent) publisher.add(load->make(loadSent, wall), wall, toPublish);
      publisher.flush(wall, false, toPublish);
      for (const LoadPublish& p : toPublish) mqtt.publish(p.topic, p.payload, 0, p.retain);
      loadMessages += toPublish.size();
    }
    if (history && up && wall - lastHistoryMs >= 60'000) {  // the open window too: the newest minutes
      for (const Outgoing& c : history->take(wall, true)) mqtt.publish(c.topic, c.payload, o.qos, true);
      lastHistoryMs = wall;
    }
    if (!o.quiet && wall - lastLog >= 10'000) {
      const uint64_t n = mqtt.published();
      std::fprintf(
          stderr,
          "citymap-feedsim: sim %s  %.0f msg/s  rain %.1f mm/h  incidents %zu  buses %zu  shelters open %zu  %s\n",
          utcText(sim.simTimeMs()).c_str(), double(n - lastCount) * 1000.0 / double(wall - lastLog), sim.cityRainMmH(),
          sim.activeIncidents(), sim.activeBuses(), sim.openShelters(),
          mqtt.connected() ? "connected" : "DISCONNECTED (reconnecting)");
      lastLog = wall;
      lastCount = n;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(load ? 10 : 100));
  }
  if (load) {  // the last, partial batch
    toPublish.clear();
    publisher.flush(wallNowMs(), true, toPublish);
    for (const LoadPublish& p : toPublish) mqtt.publish(p.topic, p.payload, 0, p.retain);
    loadMessages += toPublish.size();
  }
  if (!o.keepIncidents) {
    for (const std::string& t : incidentTopics) mqtt.publish(t, {}, o.qos, true);
    if (history)
      for (const std::string& t : history->published()) mqtt.publish(t, {}, o.qos, true);
  }
  const bool flushed = mqtt.flush(5000);
  std::cerr << "citymap-feedsim: stopped; " << mqtt.published() << " published, " << mqtt.acknowledged()
            << " acknowledged, " << mqtt.failed() << " refused, " << mqtt.reconnects() << " reconnects"
            << (flushed ? "" : " (not all acknowledged)");
  if (load)
    std::cerr << "; load: " << loadSent << " traffic updates in " << loadMessages << " MQTT messages, " << loadSkipped
              << " skipped (behind)";
  std::cerr << "\n";
  return 0;
}

int run(int argc, char** argv) {
  auto options = parseArgs(argc, argv);
  if (!options) {
    std::cerr << "citymap-feedsim: " << options.error() << "\n";
    return 2;
  }
  const Options& o = *options;
  LoadOptions lo;
  lo.roads = o.only.empty() || o.only.find("traffic") != std::string::npos ||
             o.only.find("incidents") != std::string::npos || o.trafficRate > 0;
  lo.buses = o.only.empty() || o.only.find("buses") != std::string::npos;
  auto data = loadCityData(o.dataDir, lo);
  if (!data) {
    std::cerr << "citymap-feedsim: " << data.error() << "\n";
    return 1;
  }
  if (o.trafficRate > 0 && data->roads.empty()) {
    std::cerr << "citymap-feedsim: --traffic-rate: the data has no road segments\n";
    return 1;
  }
  return o.dryRunS >= 0 ? dryRun(*data, o) : live(*data, o);
}

}  // namespace
}  // namespace citymap::feedsim

int main(int argc, char** argv) { return citymap::feedsim::run(argc, argv); }
