#include "feeds/connection.hpp"

namespace citymap::feeds {

std::string_view connectionStateName(ConnectionState s) {
  switch (s) {
    case ConnectionState::Off:
      return "off";
    case ConnectionState::Connecting:
      return "connecting";
    case ConnectionState::Connected:
      return "connected";
    case ConnectionState::Reconnecting:
      return "reconnecting";
  }
  return "unknown";
}

}  // namespace citymap::feeds
