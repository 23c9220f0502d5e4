#!/bin/sh
# tests/unit/readme.sh SOURCE CELLSCHED [--update]: the README's samples
# that this machine can produce cannot drift. Each block that follows a line
#   <!-- sample: ARGS -->
# must be exactly what `cellsched ARGS` prints (stdout and stderr, run from
# SOURCE); --update rewrites the blocks from the current binary instead.
# The SRE session's transcript (<!-- demo: sre -->) comes from a demo run in
# the VM (scripts/readme-samples): here its commands must be the demo's.
# TAP output.
set -u
src=$1 bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") update=${3:-}
readme=$src/README.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# last first: a rewritten block moves the lines after it, not before
grep -n '^<!-- sample: .* -->$' "$readme" | sort -rn > "$tmp/markers"
echo "TAP version 13"
echo "1..$(($(wc -l < "$tmp/markers") + 1))"
n=0 failed=0
cp "$readme" "$tmp/new"
while IFS= read -r m; do
	n=$((n + 1))
	line=${m%%:*}
	args=$(echo "$m" | sed 's/^[0-9]*:<!-- sample: \(.*\) -->$/\1/')
	# the block: the line after the marker opens it (```), the next ``` closes it
	start=$((line + 2))
	end=$(awk -v s="$start" 'NR >= s && /^```$/ { print NR; exit }' "$readme")
	sed -n "${start},$((end - 1))p" "$readme" > "$tmp/want"
	# shellcheck disable=SC2086
	(cd "$src" && "$bin" $args) > "$tmp/have" 2>&1
	if cmp -s "$tmp/want" "$tmp/have"; then
		echo "ok $n - README line $line: cellsched $args"
	elif [ "$update" = --update ]; then
		echo "ok $n - README line $line: cellsched $args # updated"
		awk -v s="$start" -v e="$end" -v f="$tmp/have" '
			NR == s { while ((getline l < f) > 0) print l }
			NR >= s && NR < e { next } { print }' "$tmp/new" > "$tmp/new2" &&
			mv "$tmp/new2" "$tmp/new"
	else
		failed=1
		echo "not ok $n - README line $line: cellsched $args"
		diff "$tmp/want" "$tmp/have" | sed 's/^/# /'
		echo "# (tests/unit/readme.sh SOURCE CELLSCHED --update rewrites it)"
	fi
done < "$tmp/markers"
[ "$update" = --update ] && cp "$tmp/new" "$readme"

# the demo's transcript (<!-- demo: sre -->, put there by scripts/readme-samples):
# its commands are the ones tests/vm/guest/demo.sh runs, in that order
n=$((n + 1))
line=$(grep -n '^<!-- demo: sre -->$' "$readme" | cut -d: -f1)
if [ -z "$line" ]; then
	failed=1
	echo "not ok $n - README has the demo's transcript (<!-- demo: sre -->)"
else
	awk -v s=$((line + 2)) 'NR >= s && /^```$/ { exit } NR >= s && /^\$ / && !/--pid/' \
		"$readme" | sed 's/^\$ //' > "$tmp/want"
	sed -n "s/^sre //p" "$src/tests/vm/guest/demo.sh" | sed "s/^'\(.*\)'\$/\1/" > "$tmp/have"
	if cmp -s "$tmp/want" "$tmp/have"; then
		echo "ok $n - README line $line: the demo transcript's commands are the demo's"
	else
		failed=1
		echo "not ok $n - README line $line: the demo transcript's commands are the demo's"
		diff "$tmp/want" "$tmp/have" | sed 's/^/# /'
		echo "# (scripts/demo | tee LOG; scripts/readme-samples LOG rewrites it)"
	fi
fi
exit $failed
