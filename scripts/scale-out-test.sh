#!/usr/bin/env bash
# Two `churnwise serve` processes behind nginx on one PostgreSQL database
# (issue #14, docs/deploy.md): scripts/scale_out_check.py runs a bounded
# load of reads and writes through nginx and kills one process midway;
# every GET must succeed (nginx retries it on the other process), every
# write must be stored once or fail, and the sign-in throttle and the survey
# rate limit must hold across both processes. Part of scripts/test.sh.
#
# Uses CHURNWISE_TEST_POSTGRES (a fresh schema, dropped at the end) and
# Debian's nginx (installed when missing). Builds the debug binary.
set -euo pipefail
cd "$(dirname "$0")/.."
DATABASE=${CHURNWISE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "scale-out test: installing Debian's nginx" >&2
  sudo=""; [ "$(id -u)" != 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
cargo build --workspace --bin churnwise --locked >&2
BIN=target/debug/churnwise

WORK=$(mktemp -d)
chmod 755 "$WORK"
SCHEMA="scale_out_$$"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$DATABASE" -q -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql "$DATABASE" -q -c "CREATE SCHEMA $SCHEMA" >/dev/null
URL="${DATABASE}?options=-c%20search_path%3D${SCHEMA}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
EMAIL=ops@example.com
echo "a long password for ops" | "$BIN" --database "$URL" user add --email "$EMAIL" \
  --workspace "Scale out" --role owner --name Ops --password-stdin >/dev/null
TOKEN=$("$BIN" --database "$URL" token create --email "$EMAIL" --name scale-out | grep -Eo '[A-Za-z0-9_-]{32,}' | head -1)

A=$(free_port); B=$(free_port); P=$(free_port)
for port in "$A" "$B"; do
  "$BIN" --database "$URL" serve --bind 127.0.0.1 --port "$port" --behind-proxy \
    >"$WORK/serve-$port.log" 2>&1 &
  PIDS+=($!)
done
FIRST=${PIDS[0]}
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  upstream churnwise {
    server 127.0.0.1:$A max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$B max_fails=1 fail_timeout=10s;
  }
  server {
    listen 127.0.0.1:$P;
    location / {
      proxy_pass http://churnwise;
      proxy_set_header Host \$host:\$server_port;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      # GETs are retried on the other process; writes never are (nginx
      # does not retry non-idempotent methods unless told to).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
    }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g "daemon off;" &
PIDS+=($!)
for port in "$A" "$B" "$P"; do
  for _ in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
done
python3 scripts/scale_out_check.py "http://127.0.0.1:$P" "$TOKEN" "$EMAIL" "$FIRST"
