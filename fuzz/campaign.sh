#!/bin/sh
# `make fuzz`: runs each fuzz target for SECONDS, one after the other (the
# CI machine has 2 cores), keeping the grown corpus of earlier campaigns
# under FUZZ_DIR/fuzz/campaign/<target>/, and prints one line per target.
# A target stops at its first crash; the reproducer is listed.
#   campaign.sh FUZZ_DIR SECONDS [target...]
set -u
dir=$1 seconds=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
# Default: every target the fuzz build made (fuzz/CMakeLists.txt), so a
# new target is never left out of the campaign.
all=$(find "$dir/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x \
  | sed 's|.*/fuzz_||' | sort | tr '\n' ' ')
targets=${*:-$all}
out=$dir/fuzz/campaign
mkdir -p "$out"
summary=$out/summary.md
{
  echo "| target | seconds | execs | execs/s | cov | ft | corpus | result |"
  echo "|---|---:|---:|---:|---:|---:|---:|---|"
} > "$summary"
status=0
for t in $targets; do
  work=$out/$t
  echo "== fuzz_$t: ${seconds}s" >&2
  "$root/fuzz/run_target.sh" "$dir/fuzz/fuzz_$t" "$root/fixtures/fuzz/$t" \
    "$work" "$seconds" > "$work.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work.log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$work.log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
  result=ok
  found=$(ls "$work/artifacts" 2>/dev/null | head -1)
  if [ "$rc" != 0 ] || [ -n "$found" ]; then
    result="CRASH $work/artifacts/$found (log: $work.log)"
    status=1
  fi
  echo "| $t | $seconds | ${execs:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $result |" >> "$summary"
done
echo
cat "$summary"
exit $status
