#!/bin/sh
# t_tls_curl.sh - the remote API driven with curl alone, as docs/api.md
# shows it: host info, the instance list, one instance, its log, stop and
# start through PUT state, the configuration text, and the metrics.
. "$(dirname "$0")/tls_lib.sh"

write_conf
mkcert ok
cp "$T/ok.crt" "$TRUST/clients/"
start_cairnd
c() { scurl ok "$@"; }

c "$SURL/1.0" | grep -q '"config_generation":5' || fail "GET /1.0"
wait_for 50 sh -c "curl -sS --cert $T/ok.crt --key $T/ok.key --cacert $TLS/server.crt \
	--resolve cairn:$PORT:127.0.0.1 $SURL/1.0/instances/web | grep -q '\"state\":\"running\"'" ||
	fail "web never running"
c "$SURL/1.0/instances" | grep -q '^\[{"name":"web"' || fail "GET /1.0/instances"
c "$SURL/1.0/instances/web" | grep -q '"kind":"service"' || fail "GET /1.0/instances/web"
code=$(c -o /dev/null -w '%{http_code}' "$SURL/1.0/instances/nope")
[ "$code" = 404 ] || fail "unknown instance gave $code"
c "$SURL/1.0/instances/web/log?lines=5" | grep -q "web-started" || fail "GET log"

c -X PUT -d '{"action":"stop"}' "$SURL/1.0/instances/web/state" >/dev/null || fail "PUT stop"
wait_for 50 sh -c "curl -sS --cert $T/ok.crt --key $T/ok.key --cacert $TLS/server.crt \
	--resolve cairn:$PORT:127.0.0.1 $SURL/1.0/instances/web | grep -q '\"state\":\"stopped\"'" ||
	fail "web never stopped"
c -X PUT -d '{"action":"start"}' "$SURL/1.0/instances/web/state" | grep -q '"name":"web"' ||
	fail "PUT start"
wait_for 50 sh -c "curl -sS --cert $T/ok.crt --key $T/ok.key --cacert $TLS/server.crt \
	--resolve cairn:$PORT:127.0.0.1 $SURL/1.0/instances/web | grep -q '\"state\":\"running\"'" ||
	fail "web never running again"
code=$(c -o /dev/null -w '%{http_code}' -X PUT -d '{"action":"dance"}' "$SURL/1.0/instances/web/state")
[ "$code" = 400 ] || fail "bad action gave $code"

c "$SURL/1.0/config" | grep -q "hostname = tlshost" || fail "GET /1.0/config"
m=$(c -i "$SURL/metrics") || fail "GET /metrics"
echo "$m" | grep -qi "^content-type: text/plain; version=0.0.4" || fail "metrics content type"
echo "$m" | grep -q '^cairn_instance_state{name="web",state="running"} 1' || fail "metrics: state"
echo "$m" | grep -q '^cairn_instance_up{name="web"} 1' || fail "metrics: up"
echo "$m" | grep -q '^cairn_instance_restarts_total{name="web"} ' || fail "metrics: restarts"
echo "$m" | grep -q '^cairn_instance_memory_bytes{name="web"} [1-9]' || fail "metrics: memory"
echo "$m" | grep -q '^cairn_config_generation 5' || fail "metrics: generation"

# Kept-alive connection: several requests over one TLS session.
n=$(c -w '%{num_connects}\n' -o /dev/null -o /dev/null -o /dev/null \
	"$SURL/1.0" "$SURL/1.0/instances" "$SURL/metrics" | awk '{s += $1} END {print s}')
[ "$n" = 1 ] || fail "keep-alive: $n connections for 3 requests"
echo "ok"
