#!/bin/sh
# Runs one libFuzzer target over its seed corpus and then explores for a
# bounded time. Used by ctest (fuzz.<target>, a few seconds) and by
# `make fuzz` (campaigns). New inputs go to WORKDIR/corpus, never into the
# committed fixtures; crash reproducers go to WORKDIR/artifacts/.
#   run_target.sh BINARY SEEDS WORKDIR SECONDS [libFuzzer flags...]
set -eu
bin=$1 seeds=$2 work=$3 seconds=$4
shift 4
# FUZZ_FRESH_CORPUS=1 (the ctest smoke runs): start from the seeds alone,
# so a run depends on the committed corpus and the code, nothing else.
if [ "${FUZZ_FRESH_CORPUS:-0}" = 1 ]; then rm -rf "$work/corpus"; fi
mkdir -p "$work/corpus" "$work/artifacts"
rm -f "$work/artifacts/"*
# -timeout: one input running this long is a hang (the harness' own
# deadline for a lost reply is 20 s). -rss_limit_mb: an input that makes
# argus allocate 2 GB is a finding, not a machine problem.
exec "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" \
  "$work/corpus" "$seeds"
