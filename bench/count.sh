#!/bin/bash
# Instructions per run of one workload (see src/count.ts): callgrind at two run counts, the
# difference over the extra runs. Usage: ./count.sh w1 [small] [big] [width]. Built packages;
# COUNT_NODE_FLAGS is passed to node (e.g. an --import that maps @rxagents/core to another build).
cd "$(dirname "$0")"
w=$1; small=${2:-5}; big=${3:-25}; width=$4
count() {
  local out; out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" node --predictable --predictable-gc-schedule \
    --random-seed=1 --hash-seed=1 $COUNT_NODE_FLAGS --import tsx/esm src/count.ts "$w" "$1" $width > /dev/null 2>&1
  callgrind_annotate "$out" 2>/dev/null | grep -m1 'PROGRAM TOTALS' | awk '{gsub(",","",$1); print $1}'
  rm -f "$out"
}
a=$(count "$small"); b=$(count "$big")
echo "$w ${width:-} $(( (b - a) / (big - small) )) instructions/run"
