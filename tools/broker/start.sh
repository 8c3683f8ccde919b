#!/usr/bin/env bash
# Starts citymap's MQTT broker (Mosquitto) in the background and waits until both listeners
# accept connections. Idempotent: a broker already running from the same directory is kept.
#
# Environment (all optional):
#   CITYMAP_BROKER_DIR      where the config, password file, pid file, log and retained state
#                           live (default <repo>/build/broker)
#   CITYMAP_MQTT_BIND       listen address (default 127.0.0.1)
#   CITYMAP_MQTT_PORT       MQTT/TCP port for publishers (default 1883; 0 = any free port)
#   CITYMAP_MQTT_WS_PORT    MQTT/WebSocket port for browsers (default 9001; 0 = any free port)
#   CITYMAP_MQTT_USER       the publishers' user name (default publisher; must match the acl)
#   CITYMAP_MQTT_NEW_PASSWORD=1  generate a new publisher password
#
# Writes into the broker directory:
#   mosquitto.conf      the config (from tools/broker/mosquitto.conf)
#   passwd              the password file (mosquitto_passwd), rewritten on every start
#   publisher.password  the publishers' password (mode 600; kept across restarts)
#   broker.env          MQTT_HOST, MQTT_PORT, MQTT_WS_PORT, MQTT_USER, MQTT_PASSWORD_FILE (shell syntax)
#   mosquitto.pid, mosquitto.log, data/ (retained messages)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${CITYMAP_BROKER_DIR:-$root/build/broker}"
bind="${CITYMAP_MQTT_BIND:-127.0.0.1}"
tcp_port="${CITYMAP_MQTT_PORT:-1883}"
ws_port="${CITYMAP_MQTT_WS_PORT:-9001}"
user="${CITYMAP_MQTT_USER:-publisher}"

say() { echo "[broker] $*" >&2; }
command -v mosquitto >/dev/null || { say "mosquitto is not installed (tools/bootstrap.sh installs it)"; exit 1; }
mkdir -p "$dir/data"
dir="$(cd "$dir" && pwd)"

running_pid() {
  local pid
  [ -f "$dir/mosquitto.pid" ] || return 1
  pid="$(cat "$dir/mosquitto.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q mosquitto "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

if pid="$(running_pid)"; then
  say "already running (pid $pid, $dir/broker.env)"
  exit 0
fi
rm -f "$dir/mosquitto.pid"

listening() { (exec 3<>"/dev/tcp/$bind/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 50); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    listening "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# The publishers' password: generated on the first start (or when CITYMAP_MQTT_NEW_PASSWORD=1),
# kept across restarts so that running publishers reconnect; readable by its owner only.
umask 077
if [ "${CITYMAP_MQTT_NEW_PASSWORD:-0}" = 1 ] || [ ! -s "$dir/publisher.password" ]; then
  head -c 24 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-24 > "$dir/publisher.password"
fi
password="$(head -n1 "$dir/publisher.password")"
rm -f "$dir/passwd"
mosquitto_passwd -c -b "$dir/passwd" "$user" "$password" >/dev/null
umask 022

attempts=1
{ [ "$tcp_port" = 0 ] || [ "$ws_port" = 0 ]; } && attempts=5
want_tcp="$tcp_port" want_ws="$ws_port"
for attempt in $(seq "$attempts"); do
  tcp_port="$want_tcp" ws_port="$want_ws"
  [ "$tcp_port" = 0 ] && tcp_port="$(free_port)"
  [ "$ws_port" = 0 ] && ws_port="$(free_port)"
  if [ "$tcp_port" = "$ws_port" ]; then continue; fi
  for p in "$tcp_port" "$ws_port"; do
    if listening "$p"; then say "port $p on $bind is already in use"; [ "$attempts" = 1 ] && exit 1; fi
  done
  sed -e "s|@DIR@|$dir|g" -e "s|@ACL@|$here/acl|g" -e "s|@BIND@|$bind|g" \
      -e "s|@TCP_PORT@|$tcp_port|g" -e "s|@WS_PORT@|$ws_port|g" -e "s|@USER@|$(id -un)|g" \
      "$here/mosquitto.conf" > "$dir/mosquitto.conf"
  : > "$dir/mosquitto.log"
  # One open file per client: the default soft limit (often 1024) turns client 1,010 or so away
  # ("Too many open files"); take the hard limit, up to 65536 (docs/FEEDS.md, scaling).
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  mosquitto -c "$dir/mosquitto.conf" -d
  # Wait (up to 10 s) for the pid file and both listeners.
  for _ in $(seq 100); do
    if pid="$(running_pid)" && listening "$tcp_port" && listening "$ws_port"; then
      cat > "$dir/broker.env" <<ENV
MQTT_HOST=$bind
MQTT_PORT=$tcp_port
MQTT_WS_PORT=$ws_port
MQTT_USER=$user
MQTT_PASSWORD_FILE=$dir/publisher.password
ENV
      say "mosquitto pid $pid: mqtt://$bind:$tcp_port (publishers), ws://$bind:$ws_port (browsers); $dir/broker.env"
      exit 0
    fi
    sleep 0.1
  done
  if pid="$(running_pid)"; then kill "$pid" 2>/dev/null || true; fi
  say "attempt $attempt: mosquitto did not come up; log:"
  sed 's/^/  /' "$dir/mosquitto.log" >&2 || true
done
exit 1
