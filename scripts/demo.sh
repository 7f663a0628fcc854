#!/usr/bin/env bash
# The main job: on a fresh Debian machine, install what is needed, start a real notary-server on loopback, sign a
# tag with notary-ts, verify it with notary-ts and cross-check with the Go notary CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v notary-server >/dev/null 2>&1 || need_apt+=(notary)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
cat >"$work/server.json" <<JSON
{"server":{"http_addr":"127.0.0.1:$port"},"trust_service":{"type":"local","key_algorithm":"ecdsa"},
 "logging":{"level":"error"},"storage":{"backend":"memory"}}
JSON
notary-server -config "$work/server.json" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/_notary_server/health" >/dev/null 2>&1 && break
  sleep 0.1
done
server="http://127.0.0.1:$port"
echo "notary-server (Debian notary $(dpkg-query -W -f='${Version}' notary 2>/dev/null || echo '?')) listening on $server"

export NOTARY_ROOT_PASSPHRASE=demo-root-passphrase
export NOTARY_TARGETS_PASSPHRASE=demo-repo-passphrase
export NOTARY_SNAPSHOT_PASSPHRASE=demo-repo-passphrase
export NOTARY_DELEGATION_PASSPHRASE=demo-repo-passphrase
trust="$work/trust"
gun=example.com/demo/app

# A stand-in image manifest: its sha256 and size are what docker would sign for the tag.
printf '{"schemaVersion":2,"demo":"notary-ts"}' >"$work/manifest.json"
digest="sha256:$(sha256sum "$work/manifest.json" | cut -d' ' -f1)"
size=$(stat -c %s "$work/manifest.json")

echo
echo "\$ notary-ts sign $gun:v1 --digest $digest --size $size"
bin/notary-ts.js -s "$server" -d "$trust" sign "$gun:v1" --digest "$digest" --size "$size"
echo
echo "\$ notary-ts verify $gun:v1"
got=$(bin/notary-ts.js -s "$server" -d "$trust" verify "$gun:v1")
echo "$got"
echo
echo "\$ notary-ts verify --json $gun:v1   (fresh trust dir)"
bin/notary-ts.js -s "$server" -d "$work/fresh" verify --json "$gun:v1"
echo
echo "\$ notary lookup $gun v1   (the Go notary CLI, its own trust dir)"
go_out=$(notary -d "$work/go-trust" -s "$server" lookup "$gun" v1)
echo "$go_out"

want_hex=${digest#sha256:}
if [ "$got" != "$digest" ] || ! grep -q "$want_hex" <<<"$go_out"; then
  echo "demo FAILED: digests differ" >&2
  exit 1
fi
echo
echo "demo OK: notary-ts signed $gun:v1 and both notary-ts and Go notary verify $digest"
