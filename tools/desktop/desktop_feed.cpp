#include "desktop_feed.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "feeds/topic.hpp"

namespace citymap::desktop {

namespace {

double steadyMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

constexpr double kLogEveryMs = 30'000;

}  // namespace

Result<std::optional<platform::MqttEndpoint>> feedEndpoint(const std::string& arg) {
  if (arg == "off") return std::optional<platform::MqttEndpoint>();
  if (!arg.empty()) {
    auto e = platform::parseMqttUrl(arg);
    if (!e) return Error{e.error()};
    return std::optional(std::move(e).value());
  }
  const char* dir = std::getenv("CITYMAP_BROKER_DIR");
  const std::string env = std::string(dir && *dir ? dir : "build/broker") + "/broker.env";
  if (std::filesystem::exists(env)) {
    auto e = platform::readBrokerEnv(env);
    if (e) return std::optional(std::move(e).value());
    std::fprintf(stderr, "citymap-desktop: %s; using mqtt://127.0.0.1:1883\n", e.error().c_str());
  }
  return std::optional(platform::MqttEndpoint{});
}

Result<std::unique_ptr<DesktopFeed>> DesktopFeed::start(app::MapApp& app, const platform::MqttEndpoint& broker,
                                                        std::function<void()> wake) {
  std::unique_ptr<DesktopFeed> f(new DesktopFeed(app));
  platform::MqttTransportOptions o;
  o.broker = broker;
  o.extraFilters = {feeds::historySubscription("danang")};  // the time slider's past hours
  DesktopFeed* self = f.get();
  auto t = platform::MqttTransport::start(
      o, {[self](std::string_view topic, std::span<const uint8_t> payload) { self->app_.feedMessage(topic, payload); },
          [self](const feeds::ConnectionStatus& s) { self->onStatus(s); }, std::move(wake)});
  if (!t) return Error{t.error()};
  f->transport_ = std::move(t).value();
  return f;
}

void DesktopFeed::pump() {
  transport_->poll();
  const double now = steadyMs();
  const uint64_t received = app_.feeds().counters().received;
  // A first summary 3 s after connecting (the retained state is in), then every 30 s.
  const bool due = lastLogMs_ == 0 ? settled(3000) : now - lastLogMs_ >= kLogEveryMs;
  if (due && received != lastLogReceived_) logSummary();
}

void DesktopFeed::onStatus(const feeds::ConnectionStatus& s) {
  app_.feedConnection(s);
  connectedSinceMs_ = s.state == feeds::ConnectionState::Connected ? steadyMs() : -1;
  std::string line = "citymap-desktop: feed ";
  line.append(s.url).append(" ").append(feeds::connectionStateName(s.state));
  if (s.state == feeds::ConnectionState::Reconnecting) {
    char retry[64];
    std::snprintf(retry, sizeof retry, " (attempt %d, next in %.1f s)", s.attempt, s.retryInMs / 1000);
    line += retry;
  }
  if (!s.detail.empty()) line.append(": ").append(s.detail);
  std::fprintf(stderr, "%s\n", line.c_str());
}

bool DesktopFeed::settled(double ms) const { return connectedSinceMs_ >= 0 && steadyMs() - connectedSinceMs_ >= ms; }

void DesktopFeed::logSummary() {
  lastLogMs_ = steadyMs();
  // The app's feed summary (feeds::FeedSummary, refreshed 4 times a second): the same figures
  // the panel and the web page show.
  const feeds::FeedSummary& f = app_.status().feed;
  lastLogReceived_ = app_.feeds().counters().received;
  std::string kinds;
  for (int k = 0; k < feeds::kFeedKindCount; ++k) {
    const std::string_view name = feeds::kindName(feeds::FeedKind(k));
    char part[64];
    std::snprintf(part, sizeof part, " %d %.*s", f.entities[size_t(k)], int(name.size()), name.data());
    kinds.append(part);
  }
  const platform::MqttTransportStats t = transport_->stats();
  std::fprintf(stderr,
               "citymap-desktop: feed: %llu messages (%llu accepted, %llu malformed, %llu dropped in all), live:%s; "
               "newest %.1f s old%s; transport: %llu sessions, %llu dropped at the hand-off\n",
               (unsigned long long)f.received, (unsigned long long)f.accepted, (unsigned long long)f.droppedMalformed,
               (unsigned long long)f.dropped, kinds.c_str(), f.newestAgeMs >= 0 ? f.newestAgeMs / 1000 : -1.0,
               f.simulated ? " (SIMULATED)" : "", (unsigned long long)t.sessions,
               (unsigned long long)(t.handoff.droppedFull + t.handoff.droppedTooLarge));
}

}  // namespace citymap::desktop
