#!/bin/bash
# Each system in its own process, alternated over rounds; prints the median of the per-process
# medians (ms per run; per invocation for w4) and the ratios: rxagents to the contract floor
# (src/contract.ts), the contract floor to the floor, rxagents to the floor.
# Usage: ./isolated.sh [rounds] [workloads] (default 3 rounds, "w1 w2 w3 w4").
# BASE=<git revision> adds rxagents at that revision as a fourth system in the same rounds (the
# A/B of a core change): its packages/core is built into .tmp/, and its dist is swapped in for
# its processes only (the working tree's dist is put back on exit, whatever happens).
cd "$(dirname "$0")"
rounds=${1:-3}
out=$(mktemp)
workloads=${2:-w1 w2 w3 w4}
systems="rxagents contract bare"
core=../packages/core
if [ -n "$BASE" ]; then
  base=../.tmp/isolated-base
  rm -rf "$base" && mkdir -p "$base"
  git -C .. archive "$BASE" packages/core tsup.package.ts tsconfig.base.json | tar -x -C "$base"
  ln -s "$(cd "$core" && pwd)/node_modules" "$base/packages/core/node_modules"
  (cd "$base/packages/core" && ../../../../node_modules/.bin/tsup > /dev/null) || exit 1
  cp -r "$core/dist" "$base/dist-head"
  trap 'rm -rf "$core/dist" && cp -r "$base/dist-head" "$core/dist"' EXIT
  systems="base rxagents contract bare"
fi
for w in $workloads; do
  for r in $(seq "$rounds"); do
    for s in $systems; do
      case $s in
        base) rm -rf "$core/dist" && cp -r "$base/packages/core/dist" "$core/dist" ;;
        rxagents) [ -n "$BASE" ] && rm -rf "$core/dist" && cp -r "$base/dist-head" "$core/dist" ;;
      esac
      system=$s
      [ "$s" = base ] && system=rxagents
      node --expose-gc --import tsx/esm src/isolated.ts "$w" "$system" | tail -1 | sed "s/\"system\":\"rxagents\"/\"system\":\"$s\"/" >> "$out"
    done
  done
done
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
for (const w of [...new Set(rows.map((r) => r.workload))]) {
  const m = (s) => med(rows.filter((r) => r.workload === w && r.system === s).map((r) => r.median));
  const [rx, contract, bare, base] = [m("rxagents"), m("contract"), m("bare"), m("base")];
  const x = (a, b) => `${(a / b).toFixed(2)}x`;
  const before = base === undefined ? "" : ` base=${base.toFixed(4)} rx/base=${x(rx, base)} base/contract=${x(base, contract)}`;
  console.log(`${w} isolated rxagents=${rx.toFixed(4)} contract=${contract.toFixed(4)} bare=${bare.toFixed(4)} rx/contract=${x(rx, contract)} contract/bare=${x(contract, bare)} rx/bare=${x(rx, bare)}${before}`);
}' "$out"
rm -f "$out"
