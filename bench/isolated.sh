#!/bin/bash
# Each system in its own process, alternated over rounds; prints the median of the per-process
# medians (ms per run; per invocation for w4) and the ratios: rxagents to the contract floor
# (src/contract.ts), the contract floor to the floor, rxagents to the floor.
# Usage: ./isolated.sh [rounds] [workloads] (default 3 rounds, "w1 w2 w3 w4").
cd "$(dirname "$0")"
rounds=${1:-3}
out=$(mktemp)
workloads=${2:-w1 w2 w3 w4}
for w in $workloads; do
  for r in $(seq "$rounds"); do
    for s in rxagents contract bare; do node --expose-gc --import tsx/esm src/isolated.ts $w $s >> "$out"; done
  done
done
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
for (const w of [...new Set(rows.map((r) => r.workload))]) {
  const m = (s) => med(rows.filter((r) => r.workload === w && r.system === s).map((r) => r.median));
  const [rx, contract, bare] = [m("rxagents"), m("contract"), m("bare")];
  const x = (a, b) => `${(a / b).toFixed(2)}x`;
  console.log(`${w} isolated rxagents=${rx.toFixed(4)} contract=${contract.toFixed(4)} bare=${bare.toFixed(4)} rx/contract=${x(rx, contract)} contract/bare=${x(contract, bare)} rx/bare=${x(rx, bare)}`);
}' "$out"
rm -f "$out"
