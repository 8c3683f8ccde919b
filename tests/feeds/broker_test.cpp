// Live feeds against a real Mosquitto broker (native). ctest starts the broker with
// tools/broker/start.sh on free ports (fixture feeds_broker) and stops it afterwards, also on
// failure; CITYMAP_BROKER_DIR names its directory (broker.env, publisher.password).
//   - the simulator publishes; an anonymous subscriber receives verified, simulated messages and
//     its feed store reaches the expected state; a newcomer gets the retained state at once
//   - anonymous clients cannot publish; a wrong password is refused; the WebSocket listener
//     answers the MQTT-over-WebSocket upgrade
//   - malformed payloads published by an authenticated client are dropped and counted
//   - the broker restarts mid-stream: publisher and subscriber reconnect and the state recovers
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "broker_support.hpp"
#include "feeds/feed_reader.hpp"
#include "feeds/feed_store.hpp"
#include "feeds/feed_writer.hpp"
#include "feeds/topic.hpp"
#include "feedsim/mqtt_client.hpp"

namespace citymap::feeds {
namespace {

using namespace std::chrono_literals;
using namespace citymap::feeds::feedtest;
using feedsim::MqttClient;
using feedsim::MqttOptions;

// An MQTT subscriber on libmosquitto that resubscribes after every reconnect and keeps what it
// receives.
class Subscriber {
 public:
  struct Message {
    std::string topic;
    std::vector<uint8_t> payload;
    bool retained;
    int64_t receivedMs;
  };

  Subscriber(const Broker& b, std::string filter, bool anonymous = true) : filter_(std::move(filter)) {
    mosquitto_lib_init();
    mosq_ = mosquitto_new(nullptr, true, this);
    if (!anonymous) mosquitto_username_pw_set(mosq_, b.user.c_str(), b.password.c_str());
    mosquitto_connect_callback_set(mosq_, [](mosquitto* m, void* self, int rc) {
      auto* s = static_cast<Subscriber*>(self);
      if (rc != 0) return;
      mosquitto_subscribe(m, nullptr, s->filter_.c_str(), 1);
      ++s->connects_;
    });
    mosquitto_subscribe_callback_set(
        mosq_, [](mosquitto*, void* self, int, int, const int*) { ++static_cast<Subscriber*>(self)->subscribed_; });
    mosquitto_message_callback_set(mosq_, [](mosquitto*, void* self, const mosquitto_message* m) {
      auto* s = static_cast<Subscriber*>(self);
      const auto* p = static_cast<const uint8_t*>(m->payload);
      std::lock_guard lock(s->mutex_);
      s->messages_.push_back({m->topic, std::vector<uint8_t>(p, p + m->payloadlen), m->retain, wallMs()});
    });
    mosquitto_reconnect_delay_set(mosq_, 1, 2, false);
    mosquitto_connect_async(mosq_, b.host.c_str(), b.port, 10);
    mosquitto_loop_start(mosq_);
  }
  ~Subscriber() {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, false);
    mosquitto_destroy(mosq_);
  }
  // Waits until the subscription is acknowledged (n times: after reconnects).
  bool waitSubscribed(int n = 1, std::chrono::milliseconds timeout = 10s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (subscribed_ < n && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(20ms);
    return subscribed_ >= n;
  }
  std::vector<Message> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  // Polls (no fixed sleeps): until pred(messages()) holds, or the deadline.
  template <typename Pred>
  bool waitUntil(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (pred(messages())) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred(messages());
  }
  // Until no message has arrived for `quiet` (the broker has delivered what it had), or the deadline.
  bool waitQuiet(std::chrono::milliseconds quiet = 300ms, std::chrono::milliseconds timeout = 10s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    size_t seen = size_t(-1);
    auto since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < end) {
      const size_t n = count();
      if (n != seen) {
        seen = n;
        since = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - since >= quiet) {
        return true;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  size_t count() {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }
  int connects() const { return connects_; }

 private:
  std::string filter_;
  mosquitto* mosq_ = nullptr;
  std::mutex mutex_;
  std::vector<Message> messages_;
  std::atomic<int> connects_{0}, subscribed_{0};
};

class BrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    b_ = broker();
    if (b_.dir.empty() || b_.port == 0) GTEST_SKIP() << "no broker: run through ctest (fixture feeds_broker)";
  }
  std::vector<std::string> feedsim(const std::vector<std::string>& extra) const { return feedsimArgs(b_, extra); }
  Broker b_;
};

TEST_F(BrokerTest, SimulatorMessagesArriveVerifiedAndSimulated) {
  if (!haveData()) GTEST_SKIP() << "Da Nang data not found under " << CITYMAP_DATA_DIR;
  Subscriber sub(b_, "citymap/v1/danang/#");
  ASSERT_TRUE(sub.waitSubscribed());
  const std::string log = b_.dir + "/feedsim-run1.log";
  ASSERT_EQ(runProgram(feedsim({"--scenario", "normal", "--start", "2026-10-15T08:00", "--speedup", "60", "--duration",
                                "4", "--seed", "3"}),
                       log, 60),
            0)
      << readFile(log);
  ASSERT_TRUE(sub.waitQuiet());
  const auto msgs = sub.messages();
  ASSERT_GT(msgs.size(), 1000u) << readFile(log);

  FeedStore store;
  std::map<FeedKind, size_t> kinds;
  for (const auto& m : msgs) {
    if (m.payload.empty()) continue;
    auto d = decodeFeedMessage(m.payload);
    ASSERT_TRUE(d) << m.topic << ": " << d.error();
    EXPECT_TRUE(d->simulated) << m.topic;
    const auto t = parseFeedTopic(m.topic);
    ASSERT_TRUE(t) << m.topic;
    EXPECT_EQ(t->kind, d->kind());
    EXPECT_EQ(t->entityId, d->entityId());
    ++kinds[d->kind()];
    store.enqueue(m.topic, m.payload, m.receivedMs);
  }
  store.drain(wallMs());
  for (FeedKind k : {FeedKind::Sensor, FeedKind::Shelter, FeedKind::Traffic, FeedKind::Bus})
    EXPECT_GT(kinds[k], 0u) << kindName(k);
  EXPECT_EQ(store.sensors().size(), 45u);
  EXPECT_EQ(store.shelters().size(), 413u);
  EXPECT_GT(store.buses().size(), 10u);
  EXPECT_GT(store.traffic().size(), 500u);
  EXPECT_TRUE(store.sawSimulated());
  EXPECT_EQ(store.counters().droppedMalformed, 0u) << store.lastError();
  EXPECT_EQ(store.counters().droppedUnknown, 0u) << store.lastError();
  EXPECT_LT(wallMs() - store.newestTimestampMs(), 10'000);

  // A newcomer gets every entity's current state at once from the retained messages.
  Subscriber late(b_, "citymap/v1/danang/#");
  ASSERT_TRUE(late.waitSubscribed());
  ASSERT_TRUE(late.waitQuiet(500ms));
  std::set<std::string> sensors, shelters;
  FeedStore lateStore;
  for (const auto& m : late.messages()) {
    EXPECT_TRUE(m.retained) << m.topic;
    if (m.topic.find("/sensor/") != std::string::npos) sensors.insert(m.topic);
    if (m.topic.find("/shelter/") != std::string::npos) shelters.insert(m.topic);
    lateStore.ingest(m.topic, m.payload, wallMs());
  }
  EXPECT_EQ(sensors.size(), 45u);
  EXPECT_EQ(shelters.size(), 413u);
  EXPECT_EQ(lateStore.sensors().size(), 45u);
  // The simulator cleared its incidents when it stopped: none is left retained.
  EXPECT_EQ(lateStore.incidents().size(), 0u);
}

TEST_F(BrokerTest, AnonymousClientsCannotPublish) {
  Subscriber sub(b_, "citymap/v1/danang/sensor/#", /*anonymous=*/false);
  ASSERT_TRUE(sub.waitSubscribed());
  FeedMessage m;
  m.source = "intruder";
  m.sequence = 1;
  m.timestampMs = wallMs();
  m.payload =
      SensorReading{999001, tile::IocKind::FloodStation, std::nullopt, 500.f, Unit::Centimetre, {}, Trend::Rising};
  const std::vector<uint8_t> bytes = encodeFeedMessage(m);

  auto anon = MqttClient::connect({b_.host, b_.port, "", "", "anon-test"});
  ASSERT_TRUE(anon) << anon.error();
  EXPECT_TRUE((*anon)->publish("citymap/v1/danang/sensor/999001", bytes, 1, true));
  (*anon)->flush(2000);

  auto pub = MqttClient::connect({b_.host, b_.port, b_.user, b_.password, "pub-test"});
  ASSERT_TRUE(pub) << pub.error();
  m.source = "test";
  std::get<SensorReading>(m.payload).stationId = 999002;
  ASSERT_TRUE((*pub)->publish("citymap/v1/danang/sensor/999002", encodeFeedMessage(m), 1, false));
  ASSERT_TRUE((*pub)->flush(2000));
  // The authenticated publish is the positive control: once it is in, the anonymous one (sent
  // before it on the same broker) had its chance.
  sub.waitUntil([](const auto& ms) {
    return std::any_of(ms.begin(), ms.end(),
                       [](const auto& x) { return x.topic == "citymap/v1/danang/sensor/999002"; });
  });
  std::set<std::string> topics;
  for (const auto& msg : sub.messages()) topics.insert(msg.topic);
  EXPECT_FALSE(topics.count("citymap/v1/danang/sensor/999001")) << "the broker let an anonymous client publish";
  EXPECT_TRUE(topics.count("citymap/v1/danang/sensor/999002")) << "the authenticated publish did not arrive";

  // Nothing was retained for the anonymous publish either.
  Subscriber late(b_, "citymap/v1/danang/sensor/999001");
  ASSERT_TRUE(late.waitSubscribed());
  late.waitQuiet();  // retained messages come right after the SUBACK
  EXPECT_TRUE(late.messages().empty());
}

TEST_F(BrokerTest, WrongPasswordIsRefused) {
  auto c = MqttClient::connect({b_.host, b_.port, b_.user, b_.password + "x", "bad-pw"}, 5000);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().find("refused"), std::string::npos) << c.error();
}

TEST_F(BrokerTest, WebSocketListenerSpeaksMqtt) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(b_.wsPort));
  inet_pton(AF_INET, b_.host.c_str(), &addr.sin_addr);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = "GET /mqtt HTTP/1.1\r\nHost: " + b_.host +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                          "Sec-WebSocket-Protocol: mqtt\r\n\r\n";
  ASSERT_EQ(send(fd, req.data(), req.size(), 0), ssize_t(req.size()));
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[1024] = {};
  const ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  close(fd);
  ASSERT_GT(n, 0);
  const std::string answer(buf, size_t(n));
  EXPECT_EQ(answer.rfind("HTTP/1.1 101", 0), 0u) << answer;
  EXPECT_NE(answer.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos) << answer;  // RFC 6455 example key
}

TEST_F(BrokerTest, MalformedPayloadsAreDroppedAndCounted) {
  Subscriber sub(b_, "citymap/v1/danang/#");
  ASSERT_TRUE(sub.waitSubscribed());
  auto pub = MqttClient::connect({b_.host, b_.port, b_.user, b_.password, "malformed-test"});
  ASSERT_TRUE(pub) << pub.error();
  FeedMessage good;
  good.source = "test";
  good.sequence = 1;
  good.timestampMs = wallMs();
  good.payload = ShelterStatus{777001, true, 100, 10};
  auto truncated = encodeFeedMessage(good);
  truncated.resize(truncated.size() / 2);
  const std::string json = R"({"shelter":777001,"open":true})";
  ASSERT_TRUE((*pub)->publish("citymap/v1/danang/shelter/777001", truncated, 1, false));
  ASSERT_TRUE(
      (*pub)->publish("citymap/v1/danang/shelter/777001", std::vector<uint8_t>(json.begin(), json.end()), 1, false));
  ASSERT_TRUE((*pub)->publish("citymap/v1/danang/shelter/777002", encodeFeedMessage(good), 1, false));  // wrong topic
  ASSERT_TRUE((*pub)->publish("citymap/v1/danang/shelter/777001", encodeFeedMessage(good), 1, false));
  ASSERT_TRUE((*pub)->flush(2000));
  sub.waitUntil([](const auto& ms) {
    return std::count_if(ms.begin(), ms.end(),
                         [](const auto& x) { return x.topic.find("/shelter/77700") != std::string::npos; }) >= 4;
  });
  FeedStore store;
  for (const auto& m : sub.messages())
    if (m.topic.find("/shelter/77700") != std::string::npos) store.ingest(m.topic, m.payload, wallMs());
  EXPECT_EQ(store.counters().droppedMalformed, 3u);
  EXPECT_EQ(store.counters().accepted, 1u);
  ASSERT_EQ(store.shelters().size(), 1u);
  EXPECT_EQ(store.shelters().at(777001).value.occupancy, 10);
}

TEST_F(BrokerTest, RecoversFromABrokerRestartMidStream) {
  if (!haveData()) GTEST_SKIP() << "Da Nang data not found under " << CITYMAP_DATA_DIR;
  Subscriber sub(b_, "citymap/v1/danang/#");
  ASSERT_TRUE(sub.waitSubscribed());
  const std::string log = b_.dir + "/feedsim-restart.log";
  std::atomic<int> simStatus{-100};
  std::thread sim([&] {
    simStatus = runProgram(feedsim({"--scenario", "typhoon", "--start", "2026-10-15", "--speedup", "300", "--duration",
                                    "9", "--only", "sensors,shelters,incidents"}),
                           log, 60);
  });
  // The simulator is publishing before the broker goes away.
  // (live messages, not the retained ones of earlier tests).
  ASSERT_TRUE(sub.waitUntil(
      [](const auto& ms) {
        return std::count_if(ms.begin(), ms.end(), [](const auto& x) { return !x.retained; }) >= 50;
      },
      30s))
      << readFile(log);
  const std::vector<std::string> env = {"CITYMAP_BROKER_DIR=" + b_.dir, "CITYMAP_MQTT_PORT=" + std::to_string(b_.port),
                                        "CITYMAP_MQTT_WS_PORT=" + std::to_string(b_.wsPort)};
  const std::string scripts = std::string(CITYMAP_SOURCE_DIR) + "/tools/broker/";
  ASSERT_EQ(runProgram({"/bin/bash", scripts + "stop.sh"}, "", 20, env), 0);
  const int64_t down = wallMs();
  std::this_thread::sleep_for(1000ms);
  ASSERT_EQ(runProgram({"/bin/bash", scripts + "start.sh"}, b_.dir + "/restart.log", 30, env), 0)
      << readFile(b_.dir + "/restart.log");
  const int64_t up = wallMs();
  sim.join();
  EXPECT_EQ(simStatus, 0) << readFile(log);
  const std::string simLog = readFile(log);
  EXPECT_EQ(simLog.find(" 0 reconnects"), std::string::npos) << "the simulator did not reconnect: " << simLog;

  // The subscriber reconnected, resubscribed and kept receiving live messages.
  EXPECT_TRUE(sub.waitSubscribed(2)) << "the subscriber did not resubscribe";
  sub.waitQuiet();
  size_t before = 0, after = 0;
  FeedStore store;
  for (const auto& m : sub.messages()) {
    (m.receivedMs < down ? before : after) += m.receivedMs < down || m.receivedMs > up;
    store.ingest(m.topic, m.payload, wallMs());
  }
  EXPECT_GT(before, 100u);
  EXPECT_GT(after, 100u);
  EXPECT_EQ(store.sensors().size(), 45u);
  EXPECT_EQ(store.counters().droppedMalformed, 0u) << store.lastError();
}

}  // namespace
}  // namespace citymap::feeds
