#!/bin/bash
B=/work/wt/exp-target/release/ringlog-bench
end=$(( $(date +%s) + ${1:-240} ))
while [ $(date +%s) -lt $end ]; do
  for k in ringlog-park ringlog-yield; do
    for cfg in "0 20 1024" "3 20 1024" "3 20 256"; do
      set -- $cfg
      out=$(RL_EXP=$1 RL_SLEEP=$2 RL_EVERY=$3 timeout 20 $B --child ring $k 2 4194304 1000 | tr '\n' ' ')
      echo "m$1e$3-$k 2 $out" | awk '{rt=0; for(i=1;i<=NF;i++) if ($i=="handoff_before_ns") rt=$(i+1); printf "%s %s %.1f %.0f\n", $1, $2, $5/$6*1000, rt}'
    done
  done
  out=$(timeout 20 $B --child ring disruptor-sleep 2 4194304 1000 | tr '\n' ' ')
  echo "ds 2 $out" | awk '{rt=0; for(i=1;i<=NF;i++) if ($i=="handoff_before_ns") rt=$(i+1); printf "%s %s %.1f %.0f\n", $1, $2, $5/$6*1000, rt}'
done
