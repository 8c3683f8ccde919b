#pragma once
// A small publisher on libmosquitto for the simulator (native only): connects with a user name
// and password, publishes retained messages, reconnects by itself (libmosquitto's network
// thread, with backoff), and can list the retained messages under a topic filter.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"

struct mosquitto;
struct mosquitto_message;

namespace citymap::feedsim {

struct MqttOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string user;
  std::string password;
  std::string clientId;
  int keepaliveS = 30;
};

class MqttClient {
 public:
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Connects and waits (up to timeoutMs) for the broker to accept the session.
  static Result<std::unique_ptr<MqttClient>> connect(const MqttOptions& options, int timeoutMs = 10'000);

  // Queues a message (QoS 0 or 1); false if libmosquitto refused it (QoS 0 while disconnected).
  bool publish(const std::string& topic, const std::vector<uint8_t>& payload, int qos, bool retain);
  // Subscribes to `filter` and returns the retained messages that arrive within waitMs.
  std::vector<std::pair<std::string, std::vector<uint8_t>>> retained(const std::string& filter, int waitMs);
  // Waits until every QoS 1 message published so far is acknowledged (or timeoutMs passes).
  bool flush(int timeoutMs);

  bool connected() const { return connected_; }
  uint64_t published() const { return published_; }
  uint64_t acknowledged() const { return acknowledged_; }
  uint64_t failed() const { return failed_; }
  uint64_t reconnects() const { return reconnects_; }

 private:
  MqttClient() = default;
  static void onConnect(mosquitto*, void* self, int rc);
  static void onDisconnect(mosquitto*, void* self, int rc);
  static void onPublish(mosquitto*, void* self, int mid);
  static void onMessage(mosquitto*, void* self, const mosquitto_message* msg);

  mosquitto* mosq_ = nullptr;
  std::mutex mutex_;
  std::condition_variable cv_;
  int connectRc_ = -1;
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> published_{0}, acknowledged_{0}, failed_{0}, reconnects_{0}, connects_{0};
  bool collecting_ = false;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> collected_;
};

}  // namespace citymap::feedsim
