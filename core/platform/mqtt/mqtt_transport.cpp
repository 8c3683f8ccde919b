#include "platform/mqtt/mqtt_transport.hpp"

#include <mosquitto.h>
#include <netdb.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <random>

namespace citymap::platform {

namespace {

struct LibInit {
  LibInit() { mosquitto_lib_init(); }
  ~LibInit() { mosquitto_lib_cleanup(); }
};

// libmosquitto's texts end with a full stop; the UI shows them inside its own sentence.
std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

// The reason behind a libmosquitto result code; `err` is errno right after the failing call
// (for MOSQ_ERR_EAI it holds the getaddrinfo() code).
std::string describe(int rc, int err) {
  if (rc == MOSQ_ERR_ERRNO && err != 0) return std::strerror(err);
  if (rc == MOSQ_ERR_EAI && err != 0) return std::string("cannot resolve the host name: ") + gai_strerror(err);
  if (rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_ERRNO) return "connection lost";
  if (rc == MOSQ_ERR_KEEPALIVE) return "the broker stopped answering (keepalive)";
  if (rc == MOSQ_ERR_NO_CONN) return "not connected";
  return trimmed(mosquitto_strerror(rc));
}

double steadyMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

bool parsePort(std::string_view s, int& port) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 1 || v > 65535) return false;
  port = v;
  return true;
}

}  // namespace

// --- addresses -----------------------------------------------------------------------------

std::string MqttEndpoint::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "mqtt://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<MqttEndpoint> parseMqttUrl(std::string_view url) {
  const std::string whole(url);
  std::string_view rest = url;
  if (const size_t scheme = rest.find("://"); scheme != std::string_view::npos) {
    const std::string_view name = rest.substr(0, scheme);
    if (name != "mqtt" && name != "tcp")
      return Error{"unsupported feed URL " + whole + ": the desktop app speaks mqtt:// (MQTT over TCP)"};
    rest.remove_prefix(scheme + 3);
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos)
    return Error{"feed URL " + whole + ": a path is not supported (mqtt://host:port)"};
  if (rest.find('@') != std::string_view::npos)
    return Error{"feed URL " + whole + ": credentials do not belong in the URL"};
  MqttEndpoint e;
  std::string_view portText;
  if (rest.starts_with('[')) {  // [IPv6]:port
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return Error{"feed URL " + whole + ": unterminated [IPv6 address]"};
    e.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Error{"feed URL " + whole + ": expected :port after the address"};
      portText = rest.substr(1);
      if (portText.empty()) return Error{"feed URL " + whole + ": empty port"};
    }
  } else {
    const size_t colon = rest.rfind(':');
    e.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      portText = rest.substr(colon + 1);
      if (portText.empty()) return Error{"feed URL " + whole + ": empty port"};
    }
    if (e.host.find(':') != std::string::npos)
      return Error{"feed URL " + whole + ": put an IPv6 address in brackets, mqtt://[::1]:1883"};
  }
  if (e.host.empty()) return Error{"feed URL " + whole + ": no host"};
  if (!portText.empty() && !parsePort(portText, e.port))
    return Error{"feed URL " + whole + ": the port must be a number from 1 to 65535"};
  return e;
}

Result<MqttEndpoint> readBrokerEnv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": " + std::strerror(errno)};
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line))
    if (const size_t eq = line.find('='); eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  MqttEndpoint e;
  if (kv["MQTT_HOST"].empty() || kv["MQTT_PORT"].empty()) return Error{path + ": MQTT_HOST or MQTT_PORT missing"};
  e.host = kv["MQTT_HOST"];
  if (!parsePort(kv["MQTT_PORT"], e.port)) return Error{path + ": MQTT_PORT is not a port number"};
  return e;
}

// --- the transport -------------------------------------------------------------------------

MqttTransport::MqttTransport(MqttTransportOptions options, Callbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)), handoff_(options_.limits, callbacks_.wake) {
  std::random_device rd;
  rng_ = (uint64_t(rd()) << 32) ^ rd();
}

Result<std::unique_ptr<MqttTransport>> MqttTransport::start(MqttTransportOptions o, Callbacks callbacks) {
  static LibInit init;
  if (o.broker.host.empty()) return Error{"MQTT: no broker host"};
  if (o.broker.port < 1 || o.broker.port > 65535) return Error{"MQTT: bad port " + std::to_string(o.broker.port)};
  if (o.qos < 0 || o.qos > 1) return Error{"MQTT: the subscription QoS must be 0 or 1"};
  if (o.keepaliveS < 5 || o.keepaliveS > 65535) return Error{"MQTT: keepalive must be 5..65535 s"};
  if (o.topicFilter.empty() || mosquitto_sub_topic_check(o.topicFilter.c_str()) != MOSQ_ERR_SUCCESS)
    return Error{"MQTT: invalid topic filter '" + o.topicFilter + "'"};
  for (const std::string& f : o.extraFilters)
    if (f.empty() || mosquitto_sub_topic_check(f.c_str()) != MOSQ_ERR_SUCCESS)
      return Error{"MQTT: invalid topic filter '" + f + "'"};
  if (o.user.empty() && !o.password.empty()) return Error{"MQTT: a password needs a user name"};

  std::unique_ptr<MqttTransport> t(new MqttTransport(std::move(o), std::move(callbacks)));
  // A clean session with a random client id: the broker keeps nothing for us between
  // connections; the retained messages bring a fresh subscription up to date.
  t->mosq_ = mosquitto_new(nullptr, true, t.get());
  if (!t->mosq_) return Error{std::string("MQTT: cannot create a client: ") + std::strerror(errno)};
  mosquitto_int_option(t->mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_threaded_set(t->mosq_, true);
  const auto& opt = t->options_;
  if (!opt.user.empty() &&
      mosquitto_username_pw_set(t->mosq_, opt.user.c_str(), opt.password.c_str()) != MOSQ_ERR_SUCCESS)
    return Error{"MQTT: cannot set the credentials"};
  mosquitto_connect_callback_set(t->mosq_, &MqttTransport::onConnect);
  mosquitto_subscribe_callback_set(t->mosq_, &MqttTransport::onSubscribe);
  mosquitto_message_callback_set(t->mosq_, &MqttTransport::onMessage);
  mosquitto_disconnect_callback_set(t->mosq_, &MqttTransport::onDisconnect);
  t->report(feeds::ConnectionState::Connecting, "", 0, 0);
  t->thread_ = std::thread([p = t.get()] { p->run(); });
  return t;
}

MqttTransport::~MqttTransport() {
  stop();
  if (mosq_) mosquitto_destroy(mosq_);
}

void MqttTransport::stop() {
  {
    std::lock_guard lock(waitMutex_);
    stopping_ = true;
  }
  waitCv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

size_t MqttTransport::poll() { return handoff_.drain(callbacks_.onMessage, callbacks_.onConnection); }

MqttTransportStats MqttTransport::stats() const {
  MqttTransportStats s;
  s.handoff = handoff_.stats();
  s.sessions = sessions_;
  s.attempts = attempts_;
  s.lost = lost_;
  return s;
}

void MqttTransport::report(feeds::ConnectionState state, std::string detail, int attempt, double retryInMs) {
  feeds::ConnectionStatus s;
  s.state = state;
  s.url = options_.broker.url();
  s.detail = std::move(detail);
  s.attempt = attempt;
  s.retryInMs = retryInMs;
  handoff_.pushStatus(s);
}

double MqttTransport::jitter() {
  // splitmix64: a uniform draw in [0, 1) for the backoff's jitter.
  uint64_t z = (rng_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return double((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

void MqttTransport::run() {
  int attempt = 0;  // failed attempts since the last session
  while (!stopping_) {
    const std::string reason = session();
    if (stopping_) break;
    if (subscribed_) attempt = 0;
    ++attempt;
    const double delay = options_.backoff.delayMs(attempt, jitter());
    report(feeds::ConnectionState::Reconnecting, reason, attempt, delay);
    std::unique_lock lock(waitMutex_);
    waitCv_.wait_for(lock, std::chrono::duration<double, std::milli>(delay), [this] { return stopping_.load(); });
  }
  // Say goodbye if connected (the broker then drops the session at once), briefly flushing.
  if (mosquitto_disconnect(mosq_) == MOSQ_ERR_SUCCESS)
    for (int i = 0; i < 10 && mosquitto_loop(mosq_, 10, 1) == MOSQ_ERR_SUCCESS; ++i) {
    }
}

std::string MqttTransport::session() {
  subscribed_ = ended_ = false;
  subscribeMid_ = -1;
  endReason_.clear();
  ++attempts_;
  errno = 0;
  int rc = mosquitto_connect_async(mosq_, options_.broker.host.c_str(), options_.broker.port, options_.keepaliveS);
  if (rc != MOSQ_ERR_SUCCESS) return describe(rc, errno);
  const double started = steadyMs();
  std::string reason;
  while (!stopping_) {
    errno = 0;
    rc = mosquitto_loop(mosq_, 100, 1);
    const int err = errno;
    if (rc != MOSQ_ERR_SUCCESS || ended_) {
      reason = !endReason_.empty() ? endReason_ : describe(rc, err);
      break;
    }
    if (!subscribed_ && steadyMs() - started > options_.connectTimeoutMs) {
      // The next attempt closes the half-open socket (mosquitto_connect_async starts afresh).
      reason = "no answer from the broker within " + std::to_string(int(options_.connectTimeoutMs / 1000)) + " s";
      break;
    }
  }
  if (subscribed_ && !stopping_) ++lost_;
  return stopping_ ? std::string() : reason;
}

// --- libmosquitto callbacks (network thread, inside mosquitto_loop) ------------------------

void MqttTransport::onConnect(mosquitto* m, void* self, int rc) {
  auto* t = static_cast<MqttTransport*>(self);
  if (rc != 0) {  // refused: libmosquitto closes the connection and mosquitto_loop returns
    t->endReason_ = trimmed(mosquitto_connack_string(rc));
    return;
  }
  // Subscribe on every connect: a clean session has no subscriptions, and the retained
  // messages that answer the subscription are the catch-up.
  const int s = mosquitto_subscribe(m, &t->subscribeMid_, t->options_.topicFilter.c_str(), t->options_.qos);
  if (s != MOSQ_ERR_SUCCESS) {
    t->endReason_ = "cannot subscribe: " + describe(s, errno);
    t->ended_ = true;
    mosquitto_disconnect(m);
    return;
  }
  for (const std::string& f : t->options_.extraFilters)  // best effort: the live feed does not depend on them
    (void)mosquitto_subscribe(m, nullptr, f.c_str(), t->options_.qos);
}

void MqttTransport::onSubscribe(mosquitto* m, void* self, int mid, int count, const int* granted) {
  auto* t = static_cast<MqttTransport*>(self);
  if (mid != t->subscribeMid_) return;
  if (count < 1 || granted[0] > 2) {  // 0x80: refused (e.g. by the broker's ACL)
    t->endReason_ = "the broker refused the subscription to " + t->options_.topicFilter;
    t->ended_ = true;
    mosquitto_disconnect(m);
    return;
  }
  t->subscribed_ = true;
  ++t->sessions_;
  t->report(feeds::ConnectionState::Connected, "", 0, 0);
}

void MqttTransport::onMessage(mosquitto*, void* self, const mosquitto_message* msg) {
  auto* t = static_cast<MqttTransport*>(self);
  if (!msg || !msg->topic) return;
  const auto* p = static_cast<const uint8_t*>(msg->payload);
  t->handoff_.pushMessage(msg->topic, std::span<const uint8_t>(p, p ? size_t(msg->payloadlen) : 0));
}

void MqttTransport::onDisconnect(mosquitto*, void* self, int rc) {
  const int err = errno;
  auto* t = static_cast<MqttTransport*>(self);
  if (rc != 0 && t->endReason_.empty()) t->endReason_ = describe(rc, err);
}

}  // namespace citymap::platform
