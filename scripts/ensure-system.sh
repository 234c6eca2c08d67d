#!/usr/bin/env bash
# Makes sure of what the test suite needs from the machine, on a fresh Debian machine as on a developer's:
# system packages (Chromium, Graphviz, PostgreSQL, MariaDB, Redis) and the services running on 127.0.0.1.
# Called by `make test` and by `.ci/run`; does nothing that is already done. Needs root (or sudo) only to
# install or start what is missing. FKMAP_SKIP_SYSTEM=1 skips it (a machine whose services live elsewhere).
set -uo pipefail
[ "${FKMAP_SKIP_SYSTEM:-}" = "1" ] && exit 0

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 "${2:-30}"); do port_open "$1" && return 0; sleep 1; done; return 1; }

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/sbin/mariadbd ] || command -v mysqld >/dev/null 2>&1 || need+=(mariadb-server)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ "${#need[@]}" -gt 0 ]; then
  echo "ensure-system: installing ${need[*]}"
  if command -v apt-get >/dev/null 2>&1; then
    as_root apt-get update -qq || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
      || echo "ensure-system: could not install ${need[*]} (tests that need them fail in CI)" >&2
  else
    echo "ensure-system: no apt-get; install ${need[*]} by hand" >&2
  fi
fi

if ! port_open 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ensure-system: starting PostgreSQL"
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  if [ -n "$version" ]; then
    conf="/etc/postgresql/$version/main/pg_hba.conf"
    # the suite connects as postgres/root over TCP without a password (a throw-away local server)
    if [ -f "$conf" ] && ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$conf"; then
      as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf"
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_port 5432 || echo "ensure-system: PostgreSQL did not start" >&2
    as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='root'\" | grep -q 1 || createuser -s root" \
      >/dev/null 2>&1 || true
  fi
fi

if ! port_open 6379 && command -v redis-server >/dev/null 2>&1; then
  echo "ensure-system: starting Redis"
  as_root mkdir -p /var/lib/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis >/dev/null || true
  wait_port 6379 10 || echo "ensure-system: Redis did not start" >&2
fi

if ! port_open 3306 && [ -x /usr/sbin/mariadbd ]; then
  echo "ensure-system: starting MariaDB"
  as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null
  [ -d /var/lib/mysql/mysql ] || as_root mariadb-install-db --user=mysql >/dev/null 2>&1 || true
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql || true
  wait_port 3306 || echo "ensure-system: MariaDB did not start" >&2
  # the suite connects as root over TCP without a password (Debian's root@localhost uses the unix socket)
  as_root mariadb -uroot -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION" >/dev/null 2>&1 || true
fi
exit 0
