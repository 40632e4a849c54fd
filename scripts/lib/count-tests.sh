#!/usr/bin/env bash
# Adds up what the runners reported (cargo test, vitest, node --test) and
# prints one closing line; exits non-zero when any test failed or none ran.
logs=$1
read -r cp cf ci < <(grep -h '^test result:' "$logs"/cargo*.log 2>/dev/null |
  awk '{for (i=1;i<=NF;i++){ if ($(i+1) ~ /^passed/) p+=$i; if ($(i+1) ~ /^failed/) f+=$i; if ($(i+1) ~ /^ignored/) g+=$i }} END {print p+0, f+0, g+0}')
vp=$(grep -ho 'Tests  *[0-9]* passed' "$logs/vitest.log" 2>/dev/null | awk '{s+=$2} END {print s+0}')
vf=$(grep -ho '[0-9]* failed' "$logs/vitest.log" 2>/dev/null | awk '{s+=$1} END {print s+0}')
# The contract's unittest: "Ran N tests", then "OK (skipped=K)" or "FAILED (failures=F, errors=E)".
kn=$(grep -ho '^Ran [0-9]* test' "$logs/contract.log" 2>/dev/null | awk '{s+=$2} END {print s+0}')
kf=$(grep -ho '\(failures\|errors\)=[0-9]*' "$logs/contract.log" 2>/dev/null | awk -F= '{s+=$2} END {print s+0}')
ks=$(grep -ho 'skipped=[0-9]*' "$logs/contract.log" 2>/dev/null | awk -F= '{s+=$2} END {print s+0}')
kp=$((kn - kf - ks))
ep=$(grep -h '^# pass' "$logs/e2e.log" 2>/dev/null | awk '{s+=$3} END {print s+0}')
ef=$(grep -h '^# fail' "$logs/e2e.log" 2>/dev/null | awk '{s+=$3} END {print s+0}')
es=$(grep -h '^# skipped' "$logs/e2e.log" 2>/dev/null | awk '{s+=$3} END {print s+0}')
passed=$((cp + vp + kp + ep))
failed=$((cf + vf + kf + ef))
echo
echo "Rust: $cp passed, $cf failed, $ci not run (ignored)   UI (vitest): $vp passed, $vf failed   AI Training contract (SDK): $kp passed, $kf failed, $ks skipped   WebDriver: $ep passed, $ef failed, $es skipped (reasons above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$kn" -gt 0 ] && [ "$ep" -gt 0 ]
