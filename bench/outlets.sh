# shellcheck shell=bash disable=SC2034 # sourced: the OUTLETS_* variables it sets are read by run.sh and soak.sh
# Sourced by bench/run.sh and bench/soak.sh: every outlet configured (email, two webhooks, metrics;
# remote JMX through the environment), on free loopback ports, nothing listening to receive.
#
# all_outlets: sets OUTLETS_JMX_PORT, OUTLETS_METRICS_PORT and OUTLETS_YAML (the metrics: and notify: sections).
all_outlets() {
  local p_metrics p_hook
  read -r p_metrics OUTLETS_JMX_PORT p_hook <<<"$(python3 -c 'import socket
ports = []
for _ in range(3):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ports.append(s.getsockname()[1]); s.close()
print(*ports)')"
  OUTLETS_METRICS_PORT=$p_metrics
  OUTLETS_YAML="metrics:
  port: $p_metrics
notify:
  email: {host: 127.0.0.1, port: 2525, from: diskwarden@bench, to: [ops@example.com]}
  webhooks:
    - url: http://127.0.0.1:$p_hook/a
    - {url: \"http://127.0.0.1:$p_hook/b\", format: slack}"
}
