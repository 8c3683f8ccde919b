#include "feedsim/mqtt_client.hpp"

#include <mosquitto.h>

#include <chrono>
#include <thread>

namespace citymap::feedsim {

namespace {
struct LibInit {
  LibInit() { mosquitto_lib_init(); }
  ~LibInit() { mosquitto_lib_cleanup(); }
};
}  // namespace

MqttClient::~MqttClient() {
  if (!mosq_) return;
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
}

Result<std::unique_ptr<MqttClient>> MqttClient::connect(const MqttOptions& o, int timeoutMs) {
  static LibInit init;
  std::unique_ptr<MqttClient> c(new MqttClient());
  c->mosq_ = mosquitto_new(o.clientId.empty() ? nullptr : o.clientId.c_str(), true, c.get());
  if (!c->mosq_) return Error{"mosquitto_new failed"};
  mosquitto_int_option(c->mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  if (!o.user.empty() && mosquitto_username_pw_set(c->mosq_, o.user.c_str(), o.password.c_str()) != MOSQ_ERR_SUCCESS)
    return Error{"cannot set the MQTT credentials"};
  mosquitto_connect_callback_set(c->mosq_, &MqttClient::onConnect);
  mosquitto_disconnect_callback_set(c->mosq_, &MqttClient::onDisconnect);
  mosquitto_publish_callback_set(c->mosq_, &MqttClient::onPublish);
  mosquitto_message_callback_set(c->mosq_, &MqttClient::onMessage);
  mosquitto_reconnect_delay_set(c->mosq_, 1, 30, true);  // exponential backoff 1..30 s
  mosquitto_max_inflight_messages_set(c->mosq_, 200);
  int rc = mosquitto_connect_async(c->mosq_, o.host.c_str(), o.port, o.keepaliveS);
  if (rc != MOSQ_ERR_SUCCESS)
    return Error{"cannot connect to mqtt://" + o.host + ":" + std::to_string(o.port) + ": " + mosquitto_strerror(rc)};
  rc = mosquitto_loop_start(c->mosq_);
  if (rc != MOSQ_ERR_SUCCESS) return Error{std::string("mosquitto_loop_start: ") + mosquitto_strerror(rc)};
  std::unique_lock lock(c->mutex_);
  if (!c->cv_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return c->connectRc_ >= 0; }))
    return Error{"no answer from mqtt://" + o.host + ":" + std::to_string(o.port) + " within " +
                 std::to_string(timeoutMs) + " ms"};
  if (c->connectRc_ != 0)
    return Error{"mqtt://" + o.host + ":" + std::to_string(o.port) +
                 " refused the connection: " + mosquitto_connack_string(c->connectRc_)};
  return c;
}

void MqttClient::onConnect(mosquitto*, void* self, int rc) {
  auto* c = static_cast<MqttClient*>(self);
  {
    std::lock_guard lock(c->mutex_);
    c->connectRc_ = rc;
  }
  if (rc == 0) {
    c->connected_ = true;
    if (c->connects_++ > 0) ++c->reconnects_;
  }
  c->cv_.notify_all();
}

void MqttClient::onDisconnect(mosquitto*, void* self, int) { static_cast<MqttClient*>(self)->connected_ = false; }

void MqttClient::onPublish(mosquitto*, void* self, int) {
  auto* c = static_cast<MqttClient*>(self);
  ++c->acknowledged_;
  c->cv_.notify_all();
}

void MqttClient::onMessage(mosquitto*, void* self, const mosquitto_message* msg) {
  auto* c = static_cast<MqttClient*>(self);
  std::lock_guard lock(c->mutex_);
  if (!c->collecting_ || !msg->retain) return;
  const auto* p = static_cast<const uint8_t*>(msg->payload);
  c->collected_.emplace_back(msg->topic, std::vector<uint8_t>(p, p + msg->payloadlen));
}

bool MqttClient::publish(const std::string& topic, const std::vector<uint8_t>& payload, int qos, bool retain) {
  const int rc = mosquitto_publish(mosq_, nullptr, topic.c_str(), int(payload.size()),
                                   payload.empty() ? nullptr : payload.data(), qos, retain);
  // QoS 1 messages published while the connection is down are kept by libmosquitto and sent
  // after the reconnect (it returns MOSQ_ERR_NO_CONN for them); QoS 0 ones are lost.
  if (rc != MOSQ_ERR_SUCCESS && !(rc == MOSQ_ERR_NO_CONN && qos > 0)) {
    ++failed_;
    return false;
  }
  ++published_;
  return true;
}

std::vector<std::pair<std::string, std::vector<uint8_t>>> MqttClient::retained(const std::string& filter, int waitMs) {
  {
    std::lock_guard lock(mutex_);
    collecting_ = true;
    collected_.clear();
  }
  mosquitto_subscribe(mosq_, nullptr, filter.c_str(), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(waitMs));
  mosquitto_unsubscribe(mosq_, nullptr, filter.c_str());
  std::lock_guard lock(mutex_);
  collecting_ = false;
  return std::move(collected_);
}

bool MqttClient::flush(int timeoutMs) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return acknowledged_ >= published_; });
}

}  // namespace citymap::feedsim
