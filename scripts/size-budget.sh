#!/usr/bin/env bash
# The size budget (part of `make test`): fails when the release SPA in dist/ (wasm + JS + CSS, brotli -q 11)
# is larger than a budget recorded in size-budget.txt, for each of its two figures (scripts/size-total.sh):
#   first  what a first visit downloads before the first screen works (without the on-demand modules);
#   whole  every file of the SPA.
# Every change must pay for its bytes: when a change makes the SPA smaller, lower the budget to the new
# total; raising it needs a reason, written in size-budget.txt and in the commit message.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
for what in first whole; do
  budget=$(awk -v k="$what" '!/^#/ && $1 == k { print $2 }' size-budget.txt)
  [ -n "$budget" ] || { echo "size budget: size-budget.txt has no \"$what\" line" >&2; exit 1; }
  total=$(bash scripts/size-total.sh dist "$what")
  pct=$(awk -v t="$total" -v b="$budget" 'BEGIN { printf "%.1f", 100 * t / b }')
  echo "size budget ($what): the SPA is $total B brotli, the budget $budget B ($pct % used)"
  if [ "$total" -gt "$budget" ]; then
    echo "size budget ($what): over by $((total - budget)) B. Make it smaller (see \`make size\` and \`make twiggy\`) or, with a reason, raise size-budget.txt." >&2
    status=1
  fi
done
exit "$status"
