#!/usr/bin/env bash
# Runs every benchmark from a bench build folder; prints markdown tables for
# docs/benchmarks.md. MOT evaluation runs only where the shared MOT data is.
set -euo pipefail
dir="${1:-build-bench}"
root="$(cd "$(dirname "$0")/.." && pwd)"
echo "## tracker update cost"; "$dir/bench/argus_bench_tracker"
echo "## pipeline throughput"; "$dir/bench/argus_bench_pipeline" "$root"
clip="$root/../shared/data/drone-footage/tune/V_DRONE_021.mp4"
if [ -f "$clip" ]; then
  echo "## live path on a real 640x512 clip"
  "$dir/bench/argus_bench_pipeline" "$root" --video "$clip"
  "$dir/bench/argus_bench_pipeline" "$root" --video "$clip" --paced
  echo "## detection stage cost: detector, + motion, + classifier"
  cmake --build "$dir" --target argus >/dev/null
  /usr/bin/python3 "$root/bench/real_footage/stage_cost.py" --argus "$dir/argus" --clip "$clip"
else
  echo "## live path on a real clip: skipped, no $clip"
fi
echo "## pipeline throughput with and without the track store"
"$dir/bench/argus_bench_pipeline" "$root" --store "${TMPDIR:-/tmp}" 7
echo "## track store: inserts and queries"; "$dir/bench/argus_bench_store" "${TMPDIR:-/tmp}"
echo "## WebSocket fan-out (tick delivery latency)"
cmake --build "$dir" --target argus >/dev/null
/usr/bin/python3 "$root/bench/ws_fanout/run.py" --argus "$dir/argus"
echo "## H.265 frame server: argus vs the raw decode + encode loop"
/usr/bin/python3 "$root/bench/frames/run.py" --argus "$dir/argus" \
  --raw "$dir/bench/argus_bench_frames_raw"
echo "## Camera relay: shared encode vs one encode per viewer"
/usr/bin/python3 "$root/bench/relay/run.py" --argus "$dir/argus"
echo "## PTZ autotracking quality (held-out seeds 101-110)"
"$dir/bench/argus_bench_ptz" 10 101
echo "## The analytics pipeline with and without autotracking"
/usr/bin/python3 "$root/bench/ptz/pipeline.py" --argus "$dir/argus"
mot="${MOT_DATA:-$root/../shared/data/mot-tune}"
if [ -d "$mot" ]; then
  echo "## MOT evaluation (config/mot.yaml)"
  "$dir/bench/argus_mot_eval" "$mot" --config "$root/config/mot.yaml"
fi
