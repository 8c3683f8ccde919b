// The desktop's MQTT transport (core/platform/mqtt) against the real Mosquitto broker that
// ctest starts (fixture feeds_broker), and its pieces without a broker.
//   without a broker (ctest feeds.transport.unit):
//     - the hand-off: arrival order of messages and state changes, the bound (oldest dropped and
//       counted), one wake per drain cycle, several producer threads
//     - broker URLs and broker.env
//   with the broker (ctest feeds.transport):
//     - the simulator publishes; MqttTransport feeds a headless MapApp (no GL: NullRenderer) that
//       reaches the expected state: connected, entities of every published kind, simulated
//     - the broker restarts mid-stream: the transport reports reconnecting (with the reason and
//       the backoff delay), then connected, and the retained messages bring the state back
//     - malformed payloads published with the publisher's credentials are counted as malformed
//       and the state stays intact
//     - refusals (wrong password, no broker) are reported with their reason and retried
// (An anonymous client's publish being refused is covered by broker_test.cpp.)
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "app/map_app.hpp"
#include "broker_support.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/feed_types.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"
#include "feedsim/mqtt_client.hpp"
#include "frame/frame_renderer.hpp"
#include "platform/file/file_platform.hpp"
#include "platform/mqtt/feed_handoff.hpp"
#include "platform/mqtt/mqtt_transport.hpp"

namespace citymap::platform {
namespace {

using namespace std::chrono_literals;
using namespace citymap::feeds::feedtest;
namespace feedtest = citymap::feeds::feedtest;
using feeds::ConnectionState;
using feeds::ConnectionStatus;
using feeds::FeedKind;

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

// --- the hand-off, without a broker ---------------------------------------------------------

struct Delivered {
  std::vector<std::string> order;  // "m:<topic>" or "s:<state>"
  std::vector<std::vector<uint8_t>> payloads;
  FeedHandoff::MessageFn onMessage() {
    return [this](std::string_view topic, std::span<const uint8_t> p) {
      order.push_back("m:" + std::string(topic));
      payloads.emplace_back(p.begin(), p.end());
    };
  }
  FeedHandoff::StatusFn onStatus() {
    return [this](const ConnectionStatus& s) { order.push_back("s:" + std::string(connectionStateName(s.state))); };
  }
};

ConnectionStatus statusOf(ConnectionState s, std::string detail = "") {
  ConnectionStatus c;
  c.state = s;
  c.detail = std::move(detail);
  return c;
}

TEST(FeedHandoff, DeliversInArrivalOrder) {
  int wakes = 0;
  FeedHandoff h({}, [&] { ++wakes; });
  Delivered d;
  EXPECT_EQ(h.drain(d.onMessage(), d.onStatus()), 0u);
  h.pushStatus(statusOf(ConnectionState::Connecting));
  h.pushStatus(statusOf(ConnectionState::Connected));
  h.pushMessage("a", bytes("1"));
  h.pushMessage("b", bytes(""));  // an empty payload (a cleared entity) is a message too
  h.pushStatus(statusOf(ConnectionState::Reconnecting, "connection lost"));
  h.pushMessage("c", bytes("333"));
  EXPECT_EQ(wakes, 1);  // once until the app thread drains
  EXPECT_EQ(h.stats().queued, 3u);
  EXPECT_EQ(h.lastStatus().detail, "connection lost");
  EXPECT_EQ(h.drain(d.onMessage(), d.onStatus()), 6u);
  EXPECT_EQ(d.order, (std::vector<std::string>{"s:connecting", "s:connected", "m:a", "m:b", "s:reconnecting", "m:c"}));
  EXPECT_EQ(d.payloads, (std::vector<std::vector<uint8_t>>{bytes("1"), bytes(""), bytes("333")}));
  EXPECT_EQ(h.drain(d.onMessage(), d.onStatus()), 0u);
  h.pushMessage("d", bytes("4"));
  EXPECT_EQ(wakes, 2);  // drained, so the next push wakes again
  const HandoffStats s = h.stats();
  EXPECT_EQ(s.pushed, 4u);
  EXPECT_EQ(s.delivered, 3u);
  EXPECT_EQ(s.queued, 1u);
  EXPECT_EQ(s.droppedFull, 0u);
  EXPECT_EQ(s.wakes, 2u);
}

TEST(FeedHandoff, BoundedDropsTheOldestAndCountsThem) {
  FeedHandoff h({.maxMessages = 100, .maxBytes = 1000, .maxStatuses = 3});
  for (int i = 0; i < 250; ++i) h.pushMessage("t/" + std::to_string(i), bytes("x"));
  for (int i = 0; i < 5; ++i) h.pushStatus(statusOf(ConnectionState::Reconnecting, std::to_string(i)));
  HandoffStats s = h.stats();
  EXPECT_EQ(s.queued, 100u);
  EXPECT_EQ(s.droppedFull, 150u);
  EXPECT_EQ(s.peakQueued, 100u);
  std::vector<std::string> topics, details;
  h.drain([&](std::string_view t, std::span<const uint8_t>) { topics.emplace_back(t); },
          [&](const ConnectionStatus& c) { details.push_back(c.detail); });
  ASSERT_EQ(topics.size(), 100u);
  EXPECT_EQ(topics.front(), "t/150");  // the newest survive
  EXPECT_EQ(topics.back(), "t/249");
  EXPECT_EQ(details, (std::vector<std::string>{"2", "3", "4"}));

  // The byte bound: 10 payloads of 300 bytes do not fit into 1000.
  for (int i = 0; i < 10; ++i) h.pushMessage("big/" + std::to_string(i), std::vector<uint8_t>(300, uint8_t(i)));
  s = h.stats();
  EXPECT_EQ(s.queued, 3u);
  EXPECT_EQ(s.droppedFull, 150u + 7u);
  // A single payload over the whole budget, or a topic over 256 bytes, is refused and counted.
  h.pushMessage("huge", std::vector<uint8_t>(1001, 0));
  h.pushMessage(std::string(300, 't'), bytes("x"));
  s = h.stats();
  EXPECT_EQ(s.droppedTooLarge, 2u);
  EXPECT_EQ(s.queued, 3u);
  topics.clear();
  h.drain([&](std::string_view t, std::span<const uint8_t>) { topics.emplace_back(t); }, {});
  EXPECT_EQ(topics, (std::vector<std::string>{"big/7", "big/8", "big/9"}));
}

TEST(FeedHandoff, ManyProducersOneConsumer) {
  std::atomic<int> wakes{0};
  FeedHandoff h({.maxMessages = 512, .maxBytes = 1 << 20}, [&] { ++wakes; });
  constexpr int kThreads = 3, kEach = 20000;
  std::atomic<int> running{kThreads};
  std::vector<std::thread> producers;
  for (int p = 0; p < kThreads; ++p)
    producers.emplace_back([&, p] {
      const char topic[3] = {'p', char('0' + p), 0};
      for (int i = 0; i < kEach; ++i) {
        const uint32_t seq = uint32_t(i);
        h.pushMessage(topic, std::span(reinterpret_cast<const uint8_t*>(&seq), sizeof seq));
      }
      --running;
    });
  std::array<int64_t, kThreads> last;
  last.fill(-1);
  uint64_t delivered = 0;
  bool ordered = true;
  auto consume = [&](std::string_view topic, std::span<const uint8_t> p) {
    const int producer = topic[1] - '0';
    uint32_t seq = 0;
    std::memcpy(&seq, p.data(), sizeof seq);
    ordered = ordered && int64_t(seq) > last[size_t(producer)];  // per producer, in order (gaps: dropped)
    last[size_t(producer)] = seq;
    ++delivered;
  };
  while (running > 0) h.drain(consume, {});
  for (auto& t : producers) t.join();
  h.drain(consume, {});
  const HandoffStats s = h.stats();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(s.pushed, uint64_t(kThreads * kEach));
  EXPECT_EQ(s.delivered, delivered);
  EXPECT_EQ(s.delivered + s.droppedFull, s.pushed);
  EXPECT_LE(s.peakQueued, 512u);
  // Drop-oldest never drops the newest message: the last one pushed (some producer's final
  // message) always arrives. Another producer's final messages may have been pushed out by
  // producers still running after it.
  EXPECT_TRUE(std::count(last.begin(), last.end(), int64_t(kEach - 1)) >= 1) << "the newest message always arrives";
  EXPECT_GE(wakes.load(), 1);
  EXPECT_EQ(s.wakes, uint64_t(wakes.load()));
}

// --- addresses ------------------------------------------------------------------------------

TEST(MqttUrl, Parses) {
  struct Case {
    const char* url;
    const char* host;
    int port;
  };
  for (const Case& c :
       {Case{"mqtt://127.0.0.1:1883", "127.0.0.1", 1883}, Case{"mqtt://broker.example:8883/", "broker.example", 8883},
        Case{"mqtt://localhost", "localhost", 1883}, Case{"tcp://10.0.0.2:1", "10.0.0.2", 1},
        Case{"example.org:65535", "example.org", 65535}, Case{"mqtt://[::1]:1884", "::1", 1884},
        Case{"mqtt://[fe80::1]", "fe80::1", 1883}}) {
    auto e = parseMqttUrl(c.url);
    ASSERT_TRUE(e) << c.url << ": " << e.error();
    EXPECT_EQ(e->host, c.host) << c.url;
    EXPECT_EQ(e->port, c.port) << c.url;
  }
  EXPECT_EQ(parseMqttUrl("mqtt://[::1]:1884")->url(), "mqtt://[::1]:1884");
  EXPECT_EQ(parseMqttUrl("localhost")->url(), "mqtt://localhost:1883");
}

TEST(MqttUrl, RefusesWhatItCannotUse) {
  for (const char* bad :
       {"", "mqtt://", "mqtt://:1883", "mqtt://host:", "mqtt://host:0", "mqtt://host:65536", "mqtt://host:12x",
        "mqtt://host:-1", "ws://host:9001", "mqtts://host:8883", "mqtt://host:1883/citymap", "mqtt://user:pw@host:1883",
        "mqtt://::1", "mqtt://[::1", "mqtt://[::1]x"}) {
    auto e = parseMqttUrl(bad);
    EXPECT_FALSE(e) << bad;
    if (!e) {
      EXPECT_FALSE(e.error().empty());
    }
  }
}

TEST(MqttUrl, ReadsBrokerEnv) {
  const std::string dir = ::testing::TempDir();
  const std::string good = dir + "/citymap-broker-good.env", bad = dir + "/citymap-broker-bad.env";
  std::ofstream(good) << "MQTT_HOST=127.0.0.1\nMQTT_PORT=24567\nMQTT_WS_PORT=24568\nMQTT_USER=publisher\n";
  std::ofstream(bad) << "MQTT_HOST=127.0.0.1\nMQTT_PORT=nope\n";
  auto e = readBrokerEnv(good);
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->url(), "mqtt://127.0.0.1:24567");
  EXPECT_FALSE(readBrokerEnv(bad));
  auto missing = readBrokerEnv(dir + "/no-such-broker.env");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("no-such-broker.env"), std::string::npos);
}

TEST(MqttTransport, RefusesBadOptions) {
  auto bad = [](auto change) {
    MqttTransportOptions o;
    change(o);
    return !MqttTransport::start(o, {});
  };
  EXPECT_TRUE(bad([](MqttTransportOptions& o) { o.topicFilter = "citymap/#/x"; }));
  EXPECT_TRUE(bad([](MqttTransportOptions& o) { o.topicFilter = ""; }));
  EXPECT_TRUE(bad([](MqttTransportOptions& o) { o.qos = 2; }));
  EXPECT_TRUE(bad([](MqttTransportOptions& o) { o.keepaliveS = 1; }));
  EXPECT_TRUE(bad([](MqttTransportOptions& o) { o.broker.port = 0; }));
  EXPECT_TRUE(bad([](MqttTransportOptions& o) { o.password = "secret"; }));
}

// A port nothing listens on (bound, read and released).
int closedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    return 1;  // port 1 is refused for ordinary users as well
  close(fd);
  return ntohs(a.sin_port);
}

// Collects what a transport delivers; pump() is the app thread's loop body.
struct Client {
  std::vector<ConnectionStatus> statuses;
  std::vector<std::string> topics;
  std::atomic<int> wakes{0};
  std::function<void(std::string_view, std::span<const uint8_t>)> forward;
  std::function<void(const ConnectionStatus&)> forwardStatus;
  std::unique_ptr<MqttTransport> transport;

  std::string start(MqttTransportOptions o) {
    auto t = MqttTransport::start(std::move(o), {[this](std::string_view topic, std::span<const uint8_t> payload) {
                                                   topics.emplace_back(topic);
                                                   if (forward) forward(topic, payload);
                                                 },
                                                 [this](const ConnectionStatus& s) {
                                                   statuses.push_back(s);
                                                   if (forwardStatus) forwardStatus(s);
                                                 },
                                                 [this] { ++wakes; }});
    if (!t) return t.error();
    transport = std::move(t).value();
    return "";
  }
  size_t count(ConnectionState s) const {
    return size_t(std::count_if(statuses.begin(), statuses.end(), [s](const auto& c) { return c.state == s; }));
  }
  // Runs `pump` until `done` holds or `timeout` passes; returns done().
  bool until(const std::function<bool()>& done, std::chrono::milliseconds timeout, const std::function<void()>& pump) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (true) {
      pump();
      if (done()) return true;
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(5ms);
    }
  }
};

std::string describe(const std::vector<ConnectionStatus>& statuses) {
  std::string s;
  for (const auto& c : statuses)
    s += std::string(connectionStateName(c.state)) + "(" + std::to_string(c.attempt) + ", " +
         std::to_string(int(c.retryInMs)) + " ms, '" + c.detail + "') ";
  return s;
}

TEST(MqttTransport, NoBrokerIsReportedAndRetriedWithBackoff) {
  Client c;
  MqttTransportOptions o;
  o.broker.port = closedPort();
  ASSERT_EQ(c.start(o), "");
  ASSERT_TRUE(c.until([&] { return c.count(ConnectionState::Reconnecting) >= 3; }, 15s, [&] { c.transport->poll(); }))
      << describe(c.statuses);
  EXPECT_EQ(c.statuses.front().state, ConnectionState::Connecting);
  EXPECT_EQ(c.statuses.front().url, o.broker.url());
  int attempt = 0;
  for (const auto& s : c.statuses) {
    if (s.state != ConnectionState::Reconnecting) continue;
    EXPECT_EQ(s.attempt, ++attempt) << describe(c.statuses);
    EXPECT_GE(s.retryInMs, 250);
    EXPECT_LE(s.retryInMs, 500 << (s.attempt - 1));
    EXPECT_EQ(s.detail, "Connection refused");
  }
  EXPECT_EQ(c.count(ConnectionState::Connected), 0u);
  EXPECT_GE(c.transport->stats().attempts, 3u);
  EXPECT_GE(c.wakes.load(), 1);
}

TEST(MqttTransport, StopsPromptlyDuringALongBackoff) {
  Client c;
  MqttTransportOptions o;
  o.broker.port = closedPort();
  o.backoff = {.initialMs = 60'000, .maxMs = 60'000};  // the first retry would wait 30..60 s
  ASSERT_EQ(c.start(o), "");
  ASSERT_TRUE(c.until([&] { return c.count(ConnectionState::Reconnecting) >= 1; }, 10s, [&] { c.transport->poll(); }));
  EXPECT_GE(c.statuses.back().retryInMs, 30'000);
  const auto t0 = std::chrono::steady_clock::now();
  c.transport.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "stop() waited for the backoff";
}

// --- with the broker ------------------------------------------------------------------------

// The traffic colour table under a stream (issue 12): one upload for the first reports, then
// at most one every LiveLayer::kStateIntervalMs while reports keep coming, and at once again
// for a report after a quiet moment. No broker: messages go straight to a headless app.
TEST(TrafficColours, StreamedReportsAreUploadedAtMostFourTimesASecond) {
  FilePlatform platform;
  app::AppConfig config;
  config.showUi = false;
  auto renderer = std::make_unique<frame::NullRenderer>();
  const frame::NullRenderer& r = *renderer;
  app::MapApp app(platform, config, std::move(renderer));
  app.resize(256, 256, 1);
  ASSERT_TRUE(app.start()) << app.status().error;
  uint64_t seq = 1;
  const auto report = [&](uint64_t segment) {
    feeds::FeedMessage m;
    m.source = "test";
    m.sequence = seq++;
    m.timestampMs = int64_t(platform.epochMs());
    m.simulated = true;
    m.payload = feeds::TrafficUpdate{segment, float(10 + seq % 40), 50, feeds::Congestion::Unknown};
    const std::vector<uint8_t> bytes = feeds::encodeFeedMessage(m);
    app.feedMessage(feeds::feedTopic("danang", m.kind(), m.entityId()), bytes);
  };
  report(1);
  app.frame();
  const size_t first = r.featureStateUploads();
  EXPECT_GE(first, 1u) << "the first reports are drawn at once";
  // A second of frames, new reports in every one (~60 a second).
  const auto start = std::chrono::steady_clock::now();
  int frames = 0;
  while (std::chrono::steady_clock::now() - start < 1s) {
    report(2 + frames % 50);
    app.frame();
    ++frames;
    std::this_thread::sleep_for(16ms);
  }
  const size_t streamed = r.featureStateUploads() - first;
  EXPECT_GT(frames, 20);
  EXPECT_GE(streamed, 2u) << "the colours follow the stream";
  EXPECT_LE(streamed, 6u) << "at most every 250 ms, not every one of " << frames << " frames";
  // The stream's last reports (held back, or this one) are drawn by the frame they are due in.
  report(99);
  std::this_thread::sleep_for(300ms);
  app.frame();
  const size_t afterStream = r.featureStateUploads();
  EXPECT_EQ(afterStream, first + streamed + 1) << "the last reports";
  // Quiet, then one report: at once, in the next frame.
  std::this_thread::sleep_for(300ms);
  app.frame();
  const size_t beforeQuietReport = r.featureStateUploads();
  report(7);
  app.frame();
  EXPECT_EQ(r.featureStateUploads(), beforeQuietReport + 1);
}

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    b_ = broker();
    if (b_.dir.empty() || b_.port == 0) GTEST_SKIP() << "no broker: run through ctest (fixture feeds_broker)";
  }
  MqttTransportOptions options() const {
    MqttTransportOptions o;
    o.broker.host = b_.host;
    o.broker.port = b_.port;
    return o;
  }
  Broker b_;
};

TEST_F(TransportTest, SimulatorStateReachesAHeadlessApp) {
  if (!haveData()) GTEST_SKIP() << "Da Nang data not found under " << CITYMAP_DATA_DIR;
  FilePlatform platform;
  app::AppConfig config;
  config.tilesetUrl = CITYMAP_TILES;  // the map itself is not under test (it may be missing)
  config.showUi = false;
  app::MapApp app(platform, config, std::make_unique<frame::NullRenderer>());  // no GL needed
  app.resize(256, 256, 1);
  ASSERT_TRUE(app.start()) << app.status().error;

  // The adapter the desktop uses: messages and state changes go to the app's one entry point.
  Client c;
  c.forward = [&](std::string_view topic, std::span<const uint8_t> payload) { app.feedMessage(topic, payload); };
  c.forwardStatus = [&](const ConnectionStatus& s) { app.feedConnection(s); };
  ASSERT_EQ(c.start(options()), "");
  auto pump = [&] {
    platform.poll();
    c.transport->poll();
    if (platform.takeFrameRequest()) app.frame();
  };
  ASSERT_TRUE(c.until([&] { return c.count(ConnectionState::Connected) == 1; }, 15s, pump)) << describe(c.statuses);
  EXPECT_EQ(app.status().feed.connection.state, ConnectionState::Connected);

  const std::string log = b_.dir + "/feedsim-transport.log";
  std::atomic<int> simStatus{-100};
  std::thread sim([&] {
    simStatus = runProgram(feedsimArgs(b_, {"--scenario", "normal", "--start", "2026-10-15T08:00", "--speedup", "60",
                                            "--duration", "4", "--seed", "5"}),
                           log, 60);
  });
  c.until([&] { return simStatus != -100; }, 90s, pump);
  sim.join();
  ASSERT_EQ(simStatus, 0) << feedtest::readFile(log);
  // Let the last messages arrive and the app's summary (refreshed 4 times a second) catch up.
  c.until([] { return false; }, 1500ms,
          [&] {
            pump();
            app.frame();
          });

  const app::FeedSummary& f = app.status().feed;
  EXPECT_EQ(f.connection.state, ConnectionState::Connected);
  EXPECT_EQ(f.connection.url, c.transport->url());
  EXPECT_EQ(f.entities[size_t(FeedKind::Sensor)], 45);
  EXPECT_EQ(f.entities[size_t(FeedKind::Shelter)], 413);
  EXPECT_GT(f.entities[size_t(FeedKind::Traffic)], 500);
  EXPECT_GT(f.entities[size_t(FeedKind::Bus)], 10);
  EXPECT_TRUE(f.simulated);
  EXPECT_EQ(f.droppedMalformed, 0u) << app.feeds().lastError();
  EXPECT_EQ(f.droppedUnknown, 0u) << app.feeds().lastError();
  EXPECT_GE(f.newestAgeMs, 0);
  EXPECT_LT(f.newestAgeMs, 10'000);

  const MqttTransportStats s = c.transport->stats();
  std::printf("transport: %llu messages delivered, hand-off peak %zu queued, %llu wakes\n",
              (unsigned long long)s.handoff.delivered, s.handoff.peakQueued, (unsigned long long)s.handoff.wakes);
  EXPECT_GT(s.handoff.delivered, 1000u);
  EXPECT_EQ(s.handoff.delivered, app.feeds().counters().received);  // everything reached the store
  EXPECT_EQ(s.handoff.droppedFull, 0u);
  EXPECT_EQ(s.sessions, 1u);
  EXPECT_EQ(s.lost, 0u);
  EXPECT_GT(c.wakes.load(), 0);
  EXPECT_EQ(c.statuses.front().state, ConnectionState::Connecting);
  EXPECT_EQ(c.count(ConnectionState::Reconnecting), 0u) << describe(c.statuses);
}

TEST_F(TransportTest, RecoversFromABrokerRestartMidStream) {
  if (!haveData()) GTEST_SKIP() << "Da Nang data not found under " << CITYMAP_DATA_DIR;
  // The transport is not tied to the app: here it feeds a bare FeedStore.
  feeds::FeedStore store;
  Client c;
  size_t reconnectedAt = SIZE_MAX;  // messages delivered before the second "connected"
  c.forward = [&](std::string_view topic, std::span<const uint8_t> payload) {
    store.enqueue(topic, payload, wallMs());
  };
  c.forwardStatus = [&](const ConnectionStatus& s) {
    if (s.state == ConnectionState::Connected && c.count(ConnectionState::Connected) == 2)
      reconnectedAt = c.topics.size();
  };
  ASSERT_EQ(c.start(options()), "");
  auto pump = [&] {
    c.transport->poll();
    store.drain(wallMs());
  };
  ASSERT_TRUE(c.until([&] { return c.count(ConnectionState::Connected) == 1; }, 15s, pump)) << describe(c.statuses);

  const std::string log = b_.dir + "/feedsim-transport-restart.log";
  std::atomic<int> simStatus{-100};
  std::thread sim([&] {
    simStatus = runProgram(feedsimArgs(b_, {"--scenario", "typhoon", "--start", "2026-10-15", "--speedup", "300",
                                            "--duration", "12", "--only", "sensors,shelters,incidents", "--seed", "6"}),
                           log, 60);
  });
  c.until([] { return false; }, 2500ms, pump);
  const uint64_t receivedBefore = store.counters().received;
  ASSERT_EQ(brokerScript(b_, "stop.sh"), 0);
  const bool sawLoss = c.until([&] { return c.count(ConnectionState::Reconnecting) >= 1; }, 10s, pump);
  c.until([] { return false; }, 1000ms, pump);  // retries fail while the broker is away
  ASSERT_EQ(brokerScript(b_, "start.sh", b_.dir + "/transport-restart.log"), 0)
      << feedtest::readFile(b_.dir + "/transport-restart.log");
  const int64_t up = wallMs();
  const bool back = c.until([&] { return c.count(ConnectionState::Connected) == 2; }, 40s, pump);
  c.until([&] { return simStatus != -100; }, 60s, pump);
  sim.join();
  c.until([] { return false; }, 1000ms, pump);
  ASSERT_TRUE(sawLoss) << describe(c.statuses);
  ASSERT_TRUE(back) << describe(c.statuses);
  EXPECT_EQ(simStatus, 0) << feedtest::readFile(log);

  std::printf("connection states: %s\n", describe(c.statuses).c_str());
  // connecting, connected, reconnecting (attempt 1, 2, ...: the reason and the delay), connected.
  std::vector<ConnectionState> states;
  for (const auto& s : c.statuses)
    if (states.empty() || states.back() != s.state) states.push_back(s.state);
  EXPECT_EQ(states, (std::vector<ConnectionState>{ConnectionState::Connecting, ConnectionState::Connected,
                                                  ConnectionState::Reconnecting, ConnectionState::Connected}))
      << describe(c.statuses);
  int attempt = 0;
  for (const auto& s : c.statuses) {
    EXPECT_EQ(s.url, c.transport->url());
    if (s.state != ConnectionState::Reconnecting) continue;
    EXPECT_EQ(s.attempt, ++attempt) << describe(c.statuses);
    EXPECT_FALSE(s.detail.empty());
    EXPECT_GE(s.retryInMs, 250);
    EXPECT_LE(s.retryInMs, std::min(30'000, 500 << (s.attempt - 1)));
  }
  EXPECT_EQ(c.statuses.back().attempt, 0);
  EXPECT_TRUE(c.statuses.back().detail.empty());
  const MqttTransportStats st = c.transport->stats();
  EXPECT_EQ(st.sessions, 2u);
  EXPECT_EQ(st.lost, 1u);

  // Caught up: the retained state arrived again after the reconnect, then live messages.
  ASSERT_NE(reconnectedAt, SIZE_MAX);
  std::set<std::string> sensorsAfter, sheltersAfter;
  for (size_t i = reconnectedAt; i < c.topics.size(); ++i) {
    if (c.topics[i].find("/sensor/") != std::string::npos) sensorsAfter.insert(c.topics[i]);
    if (c.topics[i].find("/shelter/") != std::string::npos) sheltersAfter.insert(c.topics[i]);
  }
  EXPECT_EQ(sensorsAfter.size(), 45u);
  EXPECT_EQ(sheltersAfter.size(), 413u);
  EXPECT_GT(receivedBefore, 100u);
  EXPECT_GT(store.counters().received, receivedBefore + 458);
  EXPECT_GT(store.newestTimestampMs(), up) << "no live message after the restart";
  EXPECT_EQ(store.sensors().size(), 45u);
  EXPECT_EQ(store.shelters().size(), 413u);
  EXPECT_EQ(store.counters().droppedMalformed, 0u) << store.lastError();
}

TEST_F(TransportTest, MalformedPayloadsAreCountedAndTheStateStaysIntact) {
  feeds::FeedStore store;
  Client c;
  c.forward = [&](std::string_view topic, std::span<const uint8_t> payload) {
    store.enqueue(topic, payload, wallMs());
  };
  MqttTransportOptions o = options();
  o.topicFilter = "citymap/v1/danang/shelter/#";
  ASSERT_EQ(c.start(o), "");
  auto pump = [&] {
    c.transport->poll();
    store.drain(wallMs());
  };
  ASSERT_TRUE(c.until([&] { return c.count(ConnectionState::Connected) == 1; }, 15s, pump)) << describe(c.statuses);
  c.until([] { return false; }, 1000ms, pump);  // retained shelters of earlier runs, if any
  const feeds::FeedCounters before = store.counters();

  auto pub = feedsim::MqttClient::connect({b_.host, b_.port, b_.user, b_.password, "transport-malformed"});
  ASSERT_TRUE(pub) << pub.error();
  feeds::FeedMessage m;
  m.source = "transport-test";
  m.sequence = 1;
  m.timestampMs = wallMs();
  m.payload = feeds::ShelterStatus{778001, true, 100, 10};
  const std::string topic = "citymap/v1/danang/shelter/778001";
  auto publish = [&](const std::string& t, const std::vector<uint8_t>& payload) {
    ASSERT_TRUE((*pub)->publish(t, payload, 1, false)) << t;
  };
  publish(topic, feeds::encodeFeedMessage(m));
  ASSERT_TRUE((*pub)->flush(3000));
  ASSERT_TRUE(c.until([&] { return store.shelters().count(778001) == 1; }, 5s, pump));

  // Six bad ones on the same entity's topic (and its neighbour).
  std::vector<uint8_t> truncated = feeds::encodeFeedMessage(m);
  truncated.resize(truncated.size() / 2);
  feeds::FeedMessage negative = m;
  negative.sequence = 5;
  negative.payload = feeds::ShelterStatus{778001, false, 100, -40};  // occupancy < 0
  feeds::FeedMessage newer = m;
  newer.sequence = 6;
  newer.payload = feeds::ShelterStatus{778001, false, 100, 99};
  publish(topic, truncated);
  publish(topic, bytes(R"({"shelter":778001,"open":false})"));
  publish(topic, std::vector<uint8_t>(64, 0xAB));
  publish(topic, std::vector<uint8_t>(66'000, 0));                               // over 64 KiB
  publish(topic, feeds::encodeFeedMessage(negative));                            // fails a semantic check
  publish("citymap/v1/danang/shelter/778002", feeds::encodeFeedMessage(newer));  // names another entity
  ASSERT_TRUE((*pub)->flush(3000));
  ASSERT_TRUE(c.until([&] { return store.counters().droppedMalformed >= before.droppedMalformed + 6; }, 5s, pump))
      << store.counters().droppedMalformed - before.droppedMalformed << " dropped; " << store.lastError();
  c.until([] { return false; }, 300ms, pump);
  EXPECT_EQ(store.counters().droppedMalformed - before.droppedMalformed, 6u);
  EXPECT_EQ(store.counters().accepted - before.accepted, 1u);
  ASSERT_EQ(store.shelters().count(778001), 1u);
  EXPECT_EQ(store.shelters().at(778001).value.occupancy, 10);  // intact
  EXPECT_TRUE(store.shelters().at(778001).value.open);
  EXPECT_EQ(store.shelters().count(778002), 0u);
  EXPECT_FALSE(store.lastError().empty());

  // And it still takes good messages.
  publish(topic, feeds::encodeFeedMessage(newer));
  ASSERT_TRUE((*pub)->flush(3000));
  ASSERT_TRUE(c.until([&] { return store.shelters().at(778001).value.occupancy == 99; }, 5s, pump));
  EXPECT_EQ(c.transport->stats().handoff.droppedTooLarge, 0u);
  EXPECT_EQ(c.count(ConnectionState::Reconnecting), 0u) << describe(c.statuses);
}

TEST_F(TransportTest, AWrongPasswordIsReportedAndRetried) {
  Client c;
  MqttTransportOptions o = options();
  o.user = b_.user;
  o.password = b_.password + "-wrong";
  ASSERT_EQ(c.start(o), "");
  ASSERT_TRUE(c.until([&] { return c.count(ConnectionState::Reconnecting) >= 2; }, 15s, [&] { c.transport->poll(); }))
      << describe(c.statuses);
  for (const auto& s : c.statuses) {
    if (s.state == ConnectionState::Reconnecting) {
      EXPECT_NE(s.detail.find("not authori"), std::string::npos) << s.detail;
    }
  }
  EXPECT_EQ(c.count(ConnectionState::Connected), 0u);

  // The right password (the publisher account may read the feeds too) connects.
  Client ok;
  o.password = b_.password;
  ASSERT_EQ(ok.start(o), "");
  EXPECT_TRUE(ok.until([&] { return ok.count(ConnectionState::Connected) == 1; }, 15s, [&] { ok.transport->poll(); }))
      << describe(ok.statuses);
}

}  // namespace
}  // namespace citymap::platform
