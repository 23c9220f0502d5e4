#!/bin/sh
# tests/install/install.sh SOURCE TESTBUILD: `meson install` as a packager
# runs it (prefix /usr, into a DESTDIR), on a build of its own without the
# test-only policies (TESTBUILD/install-check, made on first use). Checks the
# exact file list, that systemd-analyze accepts the installed unit, that the
# man pages and the completion are well formed, that a second install keeps
# an edited configuration, that the installed binary knows no test-only
# policy, and that the test build (-Dtest_policies=true) refuses to install.
# TAP output.
set -u
src=$1 testbuild=$2
b=$testbuild/install-check
d=$(mktemp -d "${TMPDIR:-/tmp}/cellsched-install.XXXXXX")
trap 'rm -rf "$d"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

echo "TAP version 13"
echo "1..9"

# 1. the test build refuses, and installs nothing
if out=$(meson install -C "$testbuild" --no-rebuild --destdir "$d/refused" 2>&1); then
	not_ok "a build with the test-only policies refuses to install" "meson install succeeded"
elif ! echo "$out" | grep -q "test-only policies"; then
	not_ok "a build with the test-only policies refuses to install" "$out"
elif [ -n "$(find "$d/refused" -type f 2>/dev/null)" ]; then
	not_ok "a build with the test-only policies refuses to install" \
		"it installed: $(find "$d/refused" -type f)"
else
	ok "a build with the test-only policies refuses to install"
fi

# 2. the packager's build installs
if [ ! -f "$b/build.ninja" ]; then
	meson setup "$b" "$src" -Dprefix=/usr -Dtest_policies=false > "$d/setup.log" 2>&1 ||
		{ not_ok "meson setup of the install build" "$(tail -20 "$d/setup.log")"; exit 1; }
fi
root=$d/root
if meson install -C "$b" --destdir "$root" > "$d/install.log" 2>&1; then
	ok "meson install --destdir"
else
	not_ok "meson install --destdir" "$(tail -20 "$d/install.log")"
	exit 1
fi

# 3. exactly these files
want="etc/cellsched/cellsched.yaml
usr/bin/cellsched
usr/lib/systemd/system/cellsched.service
usr/share/bash-completion/completions/cellsched
usr/share/doc/cellsched/LICENSE
usr/share/doc/cellsched/README.md
usr/share/doc/cellsched/examples/cellsched.yaml
usr/share/doc/cellsched/examples/resizable.yaml
usr/share/doc/cellsched/examples/two-cells.yaml
usr/share/man/man5/cellsched.yaml.5
usr/share/man/man8/cellsched.8"
have=$(cd "$root" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
if [ "$have" = "$want" ]; then
	ok "the installed files"
else
	not_ok "the installed files" "want:" $want "have:" $have
fi

# 4. the unit: systemd-analyze verify, on the installed tree, and its paths
unit=$root/usr/lib/systemd/system/cellsched.service
# (in a copy with this machine's targets, which the unit's default
# dependencies name; the Documentation= man pages looked up in the tree)
mkdir -p "$d/verify" && cp -a "$root/." "$d/verify/" &&
	cp /lib/systemd/system/*.target "$d/verify/usr/lib/systemd/system/" 2>/dev/null
out=$(MANPATH=$d/verify/usr/share/man systemd-analyze verify --root="$d/verify" \
	/usr/lib/systemd/system/cellsched.service 2>&1)
rc=$?
if [ $rc = 0 ] && [ -z "$out" ]; then
	ok "systemd-analyze verify accepts the installed unit"
else
	not_ok "systemd-analyze verify accepts the installed unit" "exit $rc" "$out"
fi
if grep -q '^Type=notify$' "$unit" &&
   grep -q '^ExecStart=/usr/bin/cellsched run -c /etc/cellsched/cellsched.yaml$' "$unit" &&
   grep -q '^ExecReload=/usr/bin/cellsched reload$' "$unit" &&
   grep -q '^Documentation=man:cellsched(8) man:cellsched.yaml(5) file:///usr/share/doc/cellsched/README.md$' "$unit" &&
   ! grep -q '@[a-z]*@' "$unit"; then
	ok "the unit: Type=notify, installed paths, reload by the CLI"
else
	not_ok "the unit: Type=notify, installed paths, reload by the CLI" "$(grep -v '^#' "$unit")"
fi

# 5. the man pages are roff with their title line; the completion parses and completes
if grep -q '^\.TH "cellsched" "8"' "$root/usr/share/man/man8/cellsched.8" &&
   grep -q '^\.TH "cellsched.yaml" "5"' "$root/usr/share/man/man5/cellsched.yaml.5"; then
	ok "man pages cellsched(8) and cellsched.yaml(5)"
else
	not_ok "man pages cellsched(8) and cellsched.yaml(5)" \
		"$(head -12 "$root/usr/share/man/man8/cellsched.8" "$root/usr/share/man/man5/cellsched.yaml.5")"
fi
comp=$(bash -c '. "$1" && COMP_WORDS=(cellsched cel) COMP_CWORD=1 COMP_LINE="cellsched cel" COMP_POINT=13 &&
	_cellsched && echo "${COMPREPLY[*]}"' sh "$root/usr/share/bash-completion/completions/cellsched" 2>&1)
if [ "$(echo $comp | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ')" = "cell cells " ]; then
	ok "the bash completion completes 'cel' to cell and cells"
else
	not_ok "the bash completion completes 'cel' to cell and cells" "got: $comp"
fi

# 6. a second install keeps an edited configuration
echo "# edited" >> "$root/etc/cellsched/cellsched.yaml"
meson install -C "$b" --no-rebuild --destdir "$root" > "$d/install2.log" 2>&1
if tail -1 "$root/etc/cellsched/cellsched.yaml" | grep -q '^# edited$' &&
   grep -q "Keeping the existing /etc/cellsched/cellsched.yaml" "$d/install2.log"; then
	ok "a second install keeps the edited /etc/cellsched/cellsched.yaml"
else
	not_ok "a second install keeps the edited /etc/cellsched/cellsched.yaml" "$(tail -5 "$d/install2.log")"
fi

# 7. the installed binary knows no test-only policy and checks its example
printf 'cells:\n  - name: t\n    cpus: "1"\n    policy: test-fault\n' > "$d/fault.yaml"
"$root/usr/bin/cellsched" check -c "$d/fault.yaml" > "$d/check.out" 2>&1
rc=$?
if [ $rc = 8 ] && grep -q "unknown policy 'test-fault'" "$d/check.out" &&
   "$root/usr/bin/cellsched" check -c "$root/etc/cellsched/cellsched.yaml" > /dev/null; then
	ok "the installed binary has no test-only policy and accepts the installed configuration"
else
	not_ok "the installed binary has no test-only policy and accepts the installed configuration" \
		"check of policy test-fault exited $rc: $(cat "$d/check.out")"
fi
exit $failed
