# Sourced by bench scripts: starts a throwaway docker-registry (distribution 2.8) on a free loopback port,
# storage in a temp dir, and stops it and deletes everything on exit.
# After `registry_start DIR`: $REGISTRY (127.0.0.1:PORT), $REGISTRY_STORAGE, $REGISTRY_PID.
# The caller's EXIT trap must call registry_stop.

registry_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

registry_start() {
  local dir=$1 port
  command -v docker-registry >/dev/null || { echo "bench: needs docker-registry (apt-get install docker-registry)" >&2; return 1; }
  port=$(registry_free_port)
  REGISTRY_STORAGE="$dir/registry-storage"
  mkdir -p "$REGISTRY_STORAGE"
  # No blob-descriptor cache, so wiping the storage directory between runs really empties the registry.
  cat >"$dir/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $REGISTRY_STORAGE}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$port
YAML
  docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
  REGISTRY_PID=$!
  REGISTRY="127.0.0.1:$port"
  local i
  for i in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null; then return 0; fi
    kill -0 "$REGISTRY_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: docker-registry did not answer on $REGISTRY; log:" >&2
  cat "$dir/registry.log" >&2
  return 1
}

registry_stop() {
  if [ -n "${REGISTRY_PID:-}" ]; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
    REGISTRY_PID=
  fi
}

# Median (seconds, 3 decimals) of command N (0-based) in a hyperfine --export-json file.
hyperfine_median() {
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]
print(f'{r["median"]:.3f}')
PY
}
