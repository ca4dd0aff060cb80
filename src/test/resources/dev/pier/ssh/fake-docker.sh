#!/bin/bash
# A stand-in for `docker` on the test sshd's PATH (there is no Docker engine on the test machine). It records each
# invocation, and for `compose … up` the files present beside the --env-file (mode, sha256, never content), then
# answers as `docker compose` does. What it does per compose verb is set by files the test writes into $state:
#   behave-<verb>  ok (default) | fail | hang | drop | drop-locked
#   ps-output      printed verbatim by `compose ps` (a JSON array before Compose 2.21, NDJSON after)
set -u
state='@STATE@'
seq=$(( $(cat "$state/seq" 2>/dev/null || echo 0) + 1 ))
echo "$seq" > "$state/seq"
verb=
env_file=
prev=
for a in "$@"; do
  case "$prev" in
    --env-file) env_file=$a ;;
  esac
  case "$a" in
    pull|up|ps|down|config) [ -z "$verb" ] && [ "$prev" != "-p" ] && [ "$prev" != "-f" ] && verb=$a ;;
  esac
  prev=$a
done
call="$state/calls/$(printf '%03d' "$seq")-${verb:-other}"
{
  printf 'cwd %s\n' "$PWD"
  for a in "$@"; do printf 'arg %s\n' "$a"; done
  if [ "$verb" = up ] && [ -n "$env_file" ]; then
    dir=$(dirname "$env_file")
    for f in "$dir"/* "$dir"/.[!.]*; do
      [ -e "$f" ] || continue
      printf 'file %s %s %s\n' "$(stat -c '%a' "$f")" "$(sha256sum < "$f" | cut -d' ' -f1)" "$f"
    done
    printf 'dir %s %s\n' "$(stat -c '%a' "$dir")" "$dir"
  fi
} > "$call.tmp"
mv "$call.tmp" "$call"

behave=$(cat "$state/behave-$verb" 2>/dev/null || echo ok)
# The session's own sshd: the nearest ancestor named sshd (runs as this user, so it may be killed).
session_sshd() {
  local p=$$
  while [ "$p" -gt 1 ]; do
    p=$(awk '{print $4}' "/proc/$p/stat")
    if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sshd ]; then echo "$p"; return; fi
  done
}
case "$behave" in
  fail)
    echo "Error response from daemon: manifest unknown" >&2
    exit 18 ;;
  hang)
    trap 'touch "$state/$verb.terminated"; exit 143' TERM
    touch "$state/$verb.started"
    for _ in $(seq 1 1200); do
      [ -e "$state/release" ] && exit 0
      sleep 0.1
    done
    exit 124 ;;
  drop|drop-locked)
    [ "$behave" = drop-locked ] && : > '@AUTHORIZED_KEYS@'
    touch "$state/$verb.dropped"
    kill -9 "$(session_sshd)"
    exit 1 ;;
esac
case "$verb" in
  pull) echo " app Pulled"; echo " redis Pulled" ;;
  up) echo " Container demo-redis-1  Healthy"; echo " Container demo-app-1  Started" >&2 ;;
  ps) cat "$state/ps-output" ;;
esac
exit 0
