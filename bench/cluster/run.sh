#!/usr/bin/env bash
# The multi-host test bed (docs/deploy.md): network namespaces joined by a bridge, each a "host" with its own
# address in 10.77.0.0/24, which exists only inside the namespaces this script creates (nothing is added to the
# machine's own network). bench/cluster/driver.py starts PostgreSQL, PgBouncer, Redis, HAProxy, two gunicorn web
# hosts, a Celery worker and beats in them and runs the checks. Whatever happens (failure, Ctrl-C, the time
# budget), the trap kills every process in our namespaces, deletes them and removes the temporary directory.
#
#   bench/cluster/run.sh            full size, 8-minute budget
#   bench/cluster/run.sh --small    CI size, 4-minute budget (about 2 minutes on a quiet machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PY=${PY:-$ROOT/.venv/bin/python}

small=0
for arg in "$@"; do
  case "$arg" in
    --small) small=1 ;;
    *) echo "usage: $0 [--small]" >&2; exit 2 ;;
  esac
done
budget=$(( small ? 240 : 480 ))
started=$(date +%s)

if [ "$(id -u)" -ne 0 ]; then
  echo "cluster-test needs root (ip netns, and running PostgreSQL as its own user)" >&2
  exit 2
fi

# Debian packages the bed needs; installed once, never started as services.
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v haproxy >/dev/null || need+=(haproxy)
command -v pgbouncer >/dev/null || need+=(pgbouncer)
command -v redis-server >/dev/null || need+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts packaged daemons on install where it can; the bed runs its own, so stop those.
  for service in haproxy pgbouncer; do
    service "$service" stop >/dev/null 2>&1 || true
  done
fi

# Names unique to this run (several engineers may run the bed at once); interface names stay under 15 chars.
id="c$$"
prefix="dgc$$"
tmp=$(mktemp -d "/tmp/dignity-cluster-$$-XXXX")
chmod 755 "$tmp"
hosts=(sw lb db redis weba webb worker beat client)

teardown() {
  status=$?
  trap - EXIT INT TERM
  for host in "${hosts[@]}"; do
    ns="$prefix-$host"
    ip netns list 2>/dev/null | grep -qw "$ns" || continue
    # Every process in the namespace, whatever started it: nothing of the bed outlives it.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  done
  sleep 0.5
  for host in "${hosts[@]}"; do ip netns del "$prefix-$host" 2>/dev/null || true; done
  if [ "${CLUSTER_KEEP_LOGS:-0}" = 1 ]; then
    mkdir -p var/cluster && cp "$tmp"/*.log var/cluster/ 2>/dev/null || true
  fi
  rm -rf "$tmp"
  echo "== cluster bed torn down ($(( $(date +%s) - started )) s in all, exit $status)"
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== namespaces $prefix-{${hosts[*]}} on 10.77.0.0/24 (inside them only); budget ${budget} s"
declare -A address=([lb]=10.77.0.2 [db]=10.77.0.10 [redis]=10.77.0.11 [weba]=10.77.0.21 [webb]=10.77.0.22
  [worker]=10.77.0.31 [beat]=10.77.0.41 [client]=10.77.0.100)
for host in "${hosts[@]}"; do
  ip netns add "$prefix-$host"
  ip -n "$prefix-$host" link set lo up
done
ip -n "$prefix-sw" link add br0 type bridge
ip -n "$prefix-sw" link set br0 up
number=0
for host in "${hosts[@]}"; do
  [ "$host" = sw ] && continue
  number=$(( number + 1 ))
  # Made inside the switch namespace, one end moved straight into the host's: no device in the machine's own.
  ip -n "$prefix-sw" link add "${id}p$number" type veth peer name eth0 netns "$prefix-$host"
  ip -n "$prefix-sw" link set "${id}p$number" master br0 up
  ip -n "$prefix-$host" addr add "${address[$host]}/24" dev eth0
  ip -n "$prefix-$host" link set eth0 up
done

left=$(( budget - ($(date +%s) - started) ))
# The first run on a machine also migrates, loads the demo and collects static files into var/cluster/cache
# (later runs restore them in seconds): that may take up to this much more.
cold=240
args=(--prefix "$prefix" --tmp "$tmp" --budget "$left" --cold-allowance "$cold")
[ "$small" = 1 ] && args+=(--small)
# The driver runs in the client namespace: the checks reach the hosts only by their bed addresses.
timeout --kill-after=10 "$(( left + cold ))" ip netns exec "$prefix-client" "$PY" bench/cluster/driver.py "${args[@]}"
