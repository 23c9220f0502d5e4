# cli_events: `cellsched events` shows what happened, with times, oldest
# first, numbered: the cells' policies attaching, a resize; even when the
# daemon prints only errors (--quiet). `events --follow` prints what comes
# next as it comes.
# also on: 6.18
. /cs/guest/lib.sh
[ "$(nproc)" = 4 ] || skip "needs 4 CPUs, have $(nproc)"
start_cellsched -c /cs/configs/two-cells.yaml --quiet
# (its log has errors only: the events are the way to see the cells come up)
wait_for 30 sh -c "cellsched events | grep -q \"$(started b vtime)\"" ||
	{ cellsched events; fail "no event of b's policy starting"; }
[ ! -s $CS_LOG ] || { cat $CS_LOG; fail "the --quiet daemon printed more than errors"; }
cellsched cell resize b --cpus 2 > /dev/null || fail "resize exited $?"
cellsched events > /tmp/ev.txt || fail "events exited $?"
sed 's/^/# /' /tmp/ev.txt | tail -6
grep -q "^20[0-9-]*T[0-9:.]* info    $(started a fifo)" /tmp/ev.txt || fail "no timed line for a's policy"
grep -q "^20[0-9-]*T[0-9:.]* info    cell b: CPUs 2-3 -> 2$" /tmp/ev.txt || fail "no line for b's resize"
# oldest first: b's policy came before its resize
[ "$(grep -n "$(started b vtime)" /tmp/ev.txt | head -1 | cut -d: -f1)" -lt \
  "$(grep -n 'cell b: CPUs 2-3 -> 2' /tmp/ev.txt | cut -d: -f1)" ] || fail "events out of order"
seqs=$(cellsched --json events | sed -n 's/^ *"seq": *\([0-9]*\).*/\1/p' | tr '\n' ' ')
[ "$seqs" = "$(echo $seqs | tr ' ' '\n' | sort -n | tr '\n' ' ')" ] && [ -n "$seqs" ] ||
	fail "events --json numbers not increasing: $seqs"

cellsched events --follow > /tmp/follow.txt 2>&1 & f=$!
wait_for 10 grep -q "cell b: CPUs 2-3 -> 2" /tmp/follow.txt || fail "--follow did not print what was kept"
cellsched cell resize b --cpus 2-3 > /dev/null || fail "resize back exited $?"
wait_for 10 grep -q "cell b: CPUs 2 -> 2-3" /tmp/follow.txt || { cat /tmp/follow.txt; fail "--follow missed the resize"; }
[ "$(grep -c 'cell b: CPUs 2-3 -> 2$' /tmp/follow.txt)" = 1 ] || fail "--follow printed an event twice"
kill $f
stop_cellsched
[ "$CS_RC" = 0 ] || { cat $CS_LOG; fail "cellsched exited $CS_RC"; }
