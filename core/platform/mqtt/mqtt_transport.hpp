#pragma once
// The desktop's live-feed transport: an MQTT subscriber on libmosquitto (native only;
// docs/FEEDS.md, "Transports").
//
// - Subscribes to a topic filter (default citymap/v1/danang/#) anonymously, or with a user
//   name and password when given, over MQTT 3.1.1/TCP with a clean session; resubscribes after
//   every connect, and the broker's retained per-entity messages bring the state up to date.
// - Its own network thread runs libmosquitto's loop (mosquitto_loop) and its own reconnect
//   timing: feeds::Backoff (exponential with jitter, the same policy as the browser's
//   transport). libmosquitto's built-in reconnect cannot follow it (whole seconds, no jitter,
//   quadratic growth), so it is not used.
// - Messages and connection-state changes cross to the app's thread through a bounded
//   FeedHandoff; poll() on the app's thread hands them to the callbacks. `wake` is called from
//   the network thread when something arrives while the app thread may be asleep (the desktop
//   posts an empty GLFW event). Nothing here knows about MapApp or GLFW.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "feeds/connection.hpp"
#include "feeds/topic.hpp"
#include "platform/mqtt/feed_handoff.hpp"

struct mosquitto;
struct mosquitto_message;

namespace citymap::platform {

struct MqttEndpoint {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string url() const;  // mqtt://host:port ([v6 address] in brackets)
};

// "mqtt://host[:port][/]" (the scheme may be left out; the port defaults to 1883; IPv6
// addresses in brackets). Other schemes, paths, credentials in the URL and bad ports are errors.
Result<MqttEndpoint> parseMqttUrl(std::string_view url);
// The TCP listener named by a broker.env file of tools/broker/start.sh (MQTT_HOST, MQTT_PORT).
Result<MqttEndpoint> readBrokerEnv(const std::string& path);

struct MqttTransportOptions {
  MqttEndpoint broker;
  std::string topicFilter = feeds::feedSubscription("danang");  // citymap/v1/danang/#
  std::vector<std::string> extraFilters;  // also subscribed on every connect (e.g. the history chunks)
  std::string user, password;             // empty user: anonymous
  int qos = 1;                            // subscription QoS, 0 or 1
  int keepaliveS = 30;                    // a dead connection is noticed after about 1.5x this
  double connectTimeoutMs = 10'000;       // TCP connect + CONNACK + SUBACK
  feeds::Backoff backoff;
  HandoffLimits limits;
};

struct MqttTransportStats {
  HandoffStats handoff;
  uint64_t sessions = 0;  // successful subscriptions (first connect and every reconnect)
  uint64_t attempts = 0;  // connection attempts
  uint64_t lost = 0;      // established sessions that were lost
};

class MqttTransport {
 public:
  struct Callbacks {
    // Both run on the thread that calls poll().
    FeedHandoff::MessageFn onMessage;    // (topic, payload); an empty payload clears the entity
    FeedHandoff::StatusFn onConnection;  // every change of the connection state
    // Runs on the network thread, at most once per poll() cycle; must be thread-safe.
    FeedHandoff::WakeFn wake;
  };

  // Validates the options and starts connecting on the network thread (state Connecting).
  static Result<std::unique_ptr<MqttTransport>> start(MqttTransportOptions options, Callbacks callbacks);
  ~MqttTransport();  // stop()
  MqttTransport(const MqttTransport&) = delete;
  MqttTransport& operator=(const MqttTransport&) = delete;

  // Hands the messages and state changes that arrived since the last call to the callbacks, in
  // arrival order. Returns how many it delivered.
  size_t poll();
  // Disconnects and joins the network thread (within ~100 ms). Undelivered items stay queued
  // for a last poll(); the callbacks are not called from any other thread after it returns.
  void stop();

  const MqttTransportOptions& options() const { return options_; }
  std::string url() const { return options_.broker.url(); }
  feeds::ConnectionStatus status() const { return handoff_.lastStatus(); }
  MqttTransportStats stats() const;

 private:
  MqttTransport(MqttTransportOptions options, Callbacks callbacks);
  void run();
  // One connection attempt and, if it succeeds, the session until it ends. Returns the reason
  // it ended (empty when stopping).
  std::string session();
  void report(feeds::ConnectionState state, std::string detail, int attempt, double retryInMs);
  double jitter();

  static void onConnect(mosquitto*, void* self, int rc);
  static void onSubscribe(mosquitto*, void* self, int mid, int count, const int* granted);
  static void onMessage(mosquitto*, void* self, const mosquitto_message* msg);
  static void onDisconnect(mosquitto*, void* self, int rc);

  const MqttTransportOptions options_;
  Callbacks callbacks_;
  FeedHandoff handoff_;
  mosquitto* mosq_ = nullptr;
  std::thread thread_;
  std::mutex waitMutex_;
  std::condition_variable waitCv_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> sessions_{0}, attempts_{0}, lost_{0};
  uint64_t rng_ = 0;

  // Network-thread state of the current attempt (touched only by run() and the callbacks it
  // drives through mosquitto_loop()).
  bool subscribed_ = false;
  bool ended_ = false;  // the session was given up (refused subscription, protocol error)
  int subscribeMid_ = -1;
  std::string endReason_;
};

}  // namespace citymap::platform
