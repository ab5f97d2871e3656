#!/bin/bash
# Interleaved child runs: eviction never/adaptive/always, 1p and 2p Park; phase by the pinned round trip.
B=/work/main/target/release/ringlog-bench
end=$(( $(date +%s) + ${1:-240} ))
while [ $(date +%s) -lt $end ]; do
  for p in 1 2; do
    for m in never adaptive always; do
      out=$(RINGLOG_BENCH_RING_EVICT=$m timeout 20 $B --child ring ringlog-park $p 4194304 1000 | tr '\n' ' ')
      echo "$m $p $out" | awk '{rt=0; for(i=1;i<=NF;i++) if ($i=="handoff_before_ns") rt=$(i+1); printf "%s %s %.1f %.0f\n", $1, $2, $5/$6*1000, rt}'
    done
  done
done
