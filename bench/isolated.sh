#!/bin/bash
# Each system in its own process, alternated over rounds; prints the median of the per-process
# medians (ms per run; per invocation for w4). Usage: ./isolated.sh [rounds] (default 3).
cd "$(dirname "$0")"
rounds=${1:-3}
out=$(mktemp)
for w in w1 w2 w3 w4; do
  for r in $(seq "$rounds"); do
    for s in rxagents bare; do node --expose-gc --import tsx/esm src/isolated.ts $w $s >> "$out"; done
  done
done
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
for (const w of ["w1", "w2", "w3", "w4"]) {
  const m = (s) => med(rows.filter((r) => r.workload === w && r.system === s).map((r) => r.median));
  const rx = m("rxagents"), bare = m("bare");
  console.log(`${w} isolated rxagents=${rx.toFixed(4)} bare=${bare.toFixed(4)} vs-bare=${(rx / bare).toFixed(2)}x`);
}' "$out"
rm -f "$out"
