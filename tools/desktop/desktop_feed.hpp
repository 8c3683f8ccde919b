#pragma once
// The desktop app's live feed: the --feed option, and the adapter between the MQTT transport
// (core/platform/mqtt, which knows nothing of the app) and MapApp's feed entry points. The
// transport's network thread wakes the GLFW loop; the loop's idle hook calls pump() on the
// app's thread, which hands messages to MapApp::feedMessage and states to
// MapApp::feedConnection, and logs state changes on stderr.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/map_app.hpp"
#include "base/result.hpp"
#include "platform/mqtt/mqtt_transport.hpp"

namespace citymap::desktop {

// The broker for `--feed ARG`: "off" (nullopt), an mqtt://host:port URL, or, when ARG is empty,
// the TCP listener in broker.env of tools/broker/start.sh ($CITYMAP_BROKER_DIR, else
// build/broker) if that file exists, else mqtt://127.0.0.1:1883.
Result<std::optional<platform::MqttEndpoint>> feedEndpoint(const std::string& arg);

class DesktopFeed {
 public:
  // Starts the transport (anonymous, citymap/v1/danang/#); `wake` is called from its thread.
  static Result<std::unique_ptr<DesktopFeed>> start(app::MapApp& app, const platform::MqttEndpoint& broker,
                                                    std::function<void()> wake);
  // The app's thread, once per loop iteration.
  void pump();
  // Connected for at least `ms` (the retained state has arrived by then).
  bool settled(double ms) const;
  // One line about what arrived, on stderr.
  void logSummary();
  const platform::MqttTransport& transport() const { return *transport_; }

 private:
  explicit DesktopFeed(app::MapApp& app) : app_(app) {}
  void onStatus(const feeds::ConnectionStatus& s);

  app::MapApp& app_;
  std::unique_ptr<platform::MqttTransport> transport_;
  double connectedSinceMs_ = -1;
  double lastLogMs_ = 0;
  uint64_t lastLogReceived_ = 0;
};

}  // namespace citymap::desktop
