# Sourced by scripts/test.sh and benchmarks/run.sh: a throwaway PostgreSQL cluster and Redis
# on free ports, stopped by the EXIT trap whatever happens. Exports DATABASE_URL and
# CELERY_BROKER_URL. Expects $PY (a Python to pick free ports with).

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

install_missing() {  # install_missing [chromium]
  local need=()
  [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ] || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  if [ "${1:-}" = chromium ]; then
    [ -x /usr/bin/chromium ] || need+=(chromium)
    ls /usr/share/fonts/opentype/noto 2>/dev/null | grep -q CJK || need+=(fonts-noto-cjk)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    echo "==> installing system packages: ${need[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${need[@]}" >/dev/null
  fi
}

start_services() {
  PGBIN="$(pg_bindir)"
  WORK="$(mktemp -d /tmp/jianfu-services.XXXXXX)"
  chmod 755 "$WORK"
  PGPORT="$(free_port)"
  REDISPORT="$(free_port)"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$WORK"
    as_pg() { runuser -u postgres -- "$@"; }
  else
    as_pg() { "$@"; }
  fi
  trap stop_services EXIT INT TERM
  echo "==> starting PostgreSQL on port $PGPORT"
  as_pg "$PGBIN/initdb" -D "$WORK/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; exit 1; }
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w -t 60 start -o \
    "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTS:-}" \
    >/dev/null || { cat "$WORK/pg/server.log"; exit 1; }
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres jianfu
  echo "==> starting Redis on port $REDISPORT"
  redis-server --port "$REDISPORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/jianfu"
  export CELERY_BROKER_URL="redis://127.0.0.1:$REDISPORT/0"
  export TEST_REDIS_PORT="$REDISPORT"
}

stop_services() {
  set +e
  [ -f "$WORK/pg/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
