#!/bin/sh
# Example deployer for the controller example: records the release it was given (digests when pinned) under
# ./releases/<env>/<run>, switches ./releases/<env>/current, and prints what it did. Swap in helm,
# compose-ssh or your own command for real targets.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/releases/$PIER_ENV/$1"
mkdir -p "$dest"
cp "$PIER_RELEASE_FILE" "$dest/release.json"
ln -sfn "$1" "$here/releases/$PIER_ENV/.current.tmp"
mv -T "$here/releases/$PIER_ENV/.current.tmp" "$here/releases/$PIER_ENV/current"
echo "deployed $PIER_APP to $PIER_ENV as run $1"
