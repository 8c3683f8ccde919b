#pragma once
// Shared by the native feed tests that talk to the real Mosquitto broker ctest starts (fixture
// feeds_broker, tools/broker/start.sh on free ports; CITYMAP_BROKER_DIR names its directory).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace citymap::feeds::feedtest {

inline int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Broker {
  std::string dir, host;
  int port = 0, wsPort = 0;
  std::string user, password;
};

// The broker of CITYMAP_BROKER_DIR (empty dir when not run through ctest).
inline Broker broker() {
  Broker b;
  const char* dir = std::getenv("CITYMAP_BROKER_DIR");
  if (!dir) return b;
  b.dir = dir;
  std::ifstream env(b.dir + "/broker.env");
  std::string line;
  std::map<std::string, std::string> kv;
  while (std::getline(env, line))
    if (auto eq = line.find('='); eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  b.host = kv["MQTT_HOST"];
  b.port = std::atoi(kv["MQTT_PORT"].c_str());
  b.wsPort = std::atoi(kv["MQTT_WS_PORT"].c_str());
  b.user = kv["MQTT_USER"];
  std::ifstream pw(kv["MQTT_PASSWORD_FILE"]);
  std::getline(pw, b.password);
  return b;
}

inline bool haveData() {
  return std::filesystem::exists(std::string(CITYMAP_DATA_DIR) + "/ioc/storm_shelters.geojson");
}

// Runs a program, waits for it (killing it after timeoutS); returns its exit status.
inline int runProgram(const std::vector<std::string>& args, const std::string& stderrFile, int timeoutS,
                      const std::vector<std::string>& env = {}) {
  using namespace std::chrono_literals;
  const pid_t pid = fork();
  if (pid == 0) {
    if (!stderrFile.empty()) {
      if (!std::freopen(stderrFile.c_str(), "w", stderr)) _exit(126);
    }
    for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  for (int i = 0; i < timeoutS * 10; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(100ms);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -2;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The simulator's command line against broker `b`, plus `extra` options.
inline std::vector<std::string> feedsimArgs(const Broker& b, const std::vector<std::string>& extra) {
  std::vector<std::string> a = {CITYMAP_FEEDSIM, "--data-dir", CITYMAP_DATA_DIR, "--broker-env", b.dir + "/broker.env"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// Stops or starts the broker of `b` on the same ports (tools/broker/stop.sh or start.sh, its
// stderr into `log`); returns the script's exit status.
inline int brokerScript(const Broker& b, const std::string& script, const std::string& log = "") {
  const std::vector<std::string> env = {"CITYMAP_BROKER_DIR=" + b.dir, "CITYMAP_MQTT_PORT=" + std::to_string(b.port),
                                        "CITYMAP_MQTT_WS_PORT=" + std::to_string(b.wsPort)};
  return runProgram({"/bin/bash", std::string(CITYMAP_SOURCE_DIR) + "/tools/broker/" + script}, log, 30, env);
}

}  // namespace citymap::feeds::feedtest
