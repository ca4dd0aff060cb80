#!/bin/sh
# Pier demo deployer: keep each release's manifest and rendered values, then switch `current` atomically.
set -eu
releases=$1
run=$2
dest="$releases/$run"
mkdir -p "$dest"
cp "$PIER_RELEASE_FILE" "$dest/release.json"
cp "$PIER_VALUES_FILE" "$dest/values.yaml"
echo "rendered values for $PIER_APP/$PIER_ENV:"
sed 's/^/    /' "$dest/values.yaml"
# rename(2) replaces the link in one step: readers see the old release or the new one, never neither.
ln -sfn "$run" "$releases/.current.tmp"
mv -T "$releases/.current.tmp" "$releases/current"
echo "current -> $run"
