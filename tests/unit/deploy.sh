#!/bin/sh
# tests/unit/deploy.sh SOURCE [CELLSCHED]: the Kubernetes deployment
# (deploy/kubernetes/) cannot drift from the project, checked offline as TAP:
# every manifest parses as YAML and has the kind and apiVersion it should; the
# kustomization lists them all; the DaemonSet is privileged with hostPID,
# mounts each host path cellsched needs from a hostPath volume of the right
# type, runs `cellsched run -c` on the ConfigMap's file, probes with
# `cellsched status`, rolls one node at a time and gives SIGTERM time; the
# ConfigMap's cellsched.yaml is configs/kubernetes.yaml byte for byte; the
# Containerfile names no registry host and its runtime stage installs a package
# for each library the binary links (meson.build's dependencies, and the
# binary's DT_NEEDED entries when CELLSCHED is given and readelf exists); and
# docs/kubernetes.md names every file of deploy/kubernetes. With kubectl,
# `kubectl kustomize` (offline) must render the same objects.
# Needs python3 with PyYAML (Debian: python3-yaml); without it every point is
# a SKIP.
set -u
src=$1 bin=${2:-}
points=17

py=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "TAP version 13"
	echo "1..$points"
	i=1
	while [ $i -le $points ]; do
		echo "ok $i - deploy/kubernetes # SKIP no python3 with PyYAML (Debian: python3-yaml)"
		i=$((i + 1))
	done
	exit 0
fi

kubectl_out=
if command -v kubectl >/dev/null 2>&1; then
	kubectl_out=$(mktemp)
	trap 'rm -f "$kubectl_out"' EXIT
	timeout 60 kubectl kustomize "$src/deploy/kubernetes" >"$kubectl_out" 2>&1 ||
		echo "# kubectl kustomize failed (exit $?)" >>"$kubectl_out"
fi

"$py" - "$src" "$bin" "$points" "$kubectl_out" <<'EOF'
import os
import re
import shutil
import subprocess
import sys

import yaml

src, binary, points, kubectl_out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
deploy = os.path.join(src, 'deploy', 'kubernetes')
n = 0
failed = 0


def point(ok, name, why=()):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {name}")
    if not ok:
        failed += 1
        for line in '\n'.join(str(w) for w in why).splitlines():
            print(f"#   {line}")


def skip(name, why):
    global n
    n += 1
    print(f"ok {n} - {name} # SKIP {why}")


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


print("TAP version 13")
print(f"1..{points}")

# --- 1. every manifest parses; kinds and apiVersions -------------------------
want = {
    'namespace.yaml': [('v1', 'Namespace')],
    'configmap.yaml': [('v1', 'ConfigMap')],
    'daemonset.yaml': [('apps/v1', 'DaemonSet')],
    'kustomization.yaml': [('kustomize.config.k8s.io/v1beta1', 'Kustomization')],
}
manifests = sorted(f for f in os.listdir(deploy) if f.endswith(('.yaml', '.yml')))
docs = {}
errors = []
for f in manifests:
    try:
        docs[f] = [d for d in yaml.safe_load_all(read(os.path.join(deploy, f))) if d is not None]
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as e:
        errors.append(f"{f}: {e}")
point(not errors and manifests, f"every manifest parses as YAML ({', '.join(manifests)})", errors)

errors = []
for f in sorted(set(want) | set(manifests)):
    have = [(d.get('apiVersion'), d.get('kind')) for d in docs.get(f, []) if isinstance(d, dict)]
    if f not in want:
        errors.append(f"{f}: not known to this test (add it to 'want' in tests/unit/deploy.sh)")
    elif have != want[f]:
        errors.append(f"{f}: apiVersion/kind {have}, want {want[f]}")
point(not errors, "each manifest has the kind and apiVersion it should", errors)


def one(f, kind):
    for d in docs.get(f, []):
        if isinstance(d, dict) and d.get('kind') == kind:
            return d
    return {}


ns = one('namespace.yaml', 'Namespace')
cm = one('configmap.yaml', 'ConfigMap')
ds = one('daemonset.yaml', 'DaemonSet')
kz = one('kustomization.yaml', 'Kustomization')
nsname = (ns.get('metadata') or {}).get('name')

# --- 2. the kustomization ----------------------------------------------------
res = kz.get('resources') or []
errors = [f"{f} is not in resources" for f in manifests if f != 'kustomization.yaml' and f not in res]
errors += [f"resource {r} does not exist" for r in res if not os.path.isfile(os.path.join(deploy, r))]
if kz.get('namespace') != nsname:
    errors.append(f"namespace {kz.get('namespace')!r} is not the Namespace's {nsname!r}")
labels = (ns.get('metadata') or {}).get('labels') or {}
if labels.get('pod-security.kubernetes.io/enforce') != 'privileged':
    errors.append("the namespace does not admit privileged pods (pod-security.kubernetes.io/enforce)")
point(not errors, "kustomization lists every manifest, in the namespace that admits privileged pods",
      errors)

# --- 3. the DaemonSet --------------------------------------------------------
spec = ((ds.get('spec') or {}).get('template') or {}).get('spec') or {}
containers = spec.get('containers') or []
ctr = next((c for c in containers if c.get('name') == 'cellsched'), {})
sec = ctr.get('securityContext') or {}
point(spec.get('hostPID') is True and sec.get('privileged') is True,
      "DaemonSet: hostPID and a privileged cellsched container",
      [f"hostPID={spec.get('hostPID')!r}, privileged={sec.get('privileged')!r}"])

host_paths = {  # mount path -> hostPath type
    '/sys/fs/cgroup': 'Directory',
    '/sys/fs/bpf': 'Directory',
    '/sys/kernel/btf': 'Directory',
    '/run/cellsched': 'DirectoryOrCreate',
    '/var/lib/cellsched': 'DirectoryOrCreate',
}
volumes = {v.get('name'): v for v in spec.get('volumes') or []}
mounts = {m.get('mountPath'): m for m in ctr.get('volumeMounts') or []}
errors = []
for path, typ in host_paths.items():
    m = mounts.get(path)
    if not m:
        errors.append(f"{path}: not mounted")
        continue
    hp = (volumes.get(m.get('name')) or {}).get('hostPath')
    if not hp:
        errors.append(f"{path}: volume {m.get('name')!r} is not a hostPath volume")
    elif hp.get('path') != path or hp.get('type') != typ:
        errors.append(f"{path}: volume {m.get('name')!r} is hostPath {hp.get('path')!r} "
                      f"type {hp.get('type')!r}, want {path!r} type {typ!r}")
unused = set(volumes) - {m.get('name') for m in mounts.values()}
errors += [f"volume {v!r} is mounted nowhere" for v in sorted(unused)]
point(not errors, "DaemonSet mounts " + ", ".join(host_paths) + " from hostPath volumes of the same path",
      errors)

cmd = (ctr.get('command') or []) + (ctr.get('args') or [])
cm_name = (cm.get('metadata') or {}).get('name')
errors = []
cfg = cmd[cmd.index('-c') + 1] if '-c' in cmd[:-1] else None
if cmd[:2] != ['/usr/bin/cellsched', 'run'] or not cfg:
    errors.append(f"command {cmd!r} is not /usr/bin/cellsched run -c FILE")
else:
    m = mounts.get(os.path.dirname(cfg))
    vol = (volumes.get(m.get('name')) or {}) if m else {}
    if (vol.get('configMap') or {}).get('name') != cm_name:
        errors.append(f"{os.path.dirname(cfg)} is not the ConfigMap {cm_name!r} mounted")
    elif os.path.basename(cfg) not in (cm.get('data') or {}):
        errors.append(f"the ConfigMap has no key {os.path.basename(cfg)!r}")
    elif m.get('subPath'):
        errors.append("the ConfigMap is mounted with subPath: kubelet would never update it")
point(not errors, "DaemonSet runs `cellsched run -c` on the ConfigMap's cellsched.yaml", errors)

errors = []
for probe in ('startupProbe', 'livenessProbe'):
    c = ((ctr.get(probe) or {}).get('exec') or {}).get('command') or []
    if c[:1] != ['/usr/bin/cellsched'] or 'status' not in c:
        errors.append(f"{probe}: {c!r} is not `cellsched status`")
req = (ctr.get('resources') or {}).get('requests') or {}
if not req.get('cpu') or not req.get('memory'):
    errors.append(f"resource requests {req!r}: want cpu and memory")
point(not errors, "DaemonSet probes with `cellsched status` and requests resources", errors)

upd = (ds.get('spec') or {}).get('updateStrategy') or {}
roll = upd.get('rollingUpdate') or {}
grace = spec.get('terminationGracePeriodSeconds')
errors = []
if upd.get('type') != 'RollingUpdate' or roll.get('maxUnavailable') != 1:
    errors.append(f"updateStrategy {upd!r}: want RollingUpdate, maxUnavailable 1")
if roll.get('maxSurge', 0) not in (0, '0', '0%'):
    errors.append(f"maxSurge {roll.get('maxSurge')!r}: two daemons on one node cannot both run")
if not isinstance(grace, int) or grace < 30:
    errors.append(f"terminationGracePeriodSeconds {grace!r}: want >= 30 for the detach on SIGTERM")
sel = spec.get('nodeSelector') or {}
if sel.get('kubernetes.io/os') != 'linux':
    errors.append(f"nodeSelector {sel!r}: want kubernetes.io/os: linux")
point(not errors, "DaemonSet rolls one node at a time, no surge, and gives SIGTERM time", errors)

# --- 4. the ConfigMap is configs/kubernetes.yaml -----------------------------
want_cfg = read(os.path.join(src, 'configs', 'kubernetes.yaml'))
have_cfg = (cm.get('data') or {}).get('cellsched.yaml')
errors = []
if have_cfg != want_cfg:
    import difflib
    errors = list(difflib.unified_diff(want_cfg.splitlines(), (have_cfg or '').splitlines(),
                                       'configs/kubernetes.yaml', 'configmap.yaml', lineterm=''))[:40]
    errors.append("(make the block anew: sed 's/^./    &/' configs/kubernetes.yaml)")
point(not errors, "ConfigMap's cellsched.yaml is configs/kubernetes.yaml byte for byte", errors)

# --- 5. the Containerfile ----------------------------------------------------
def stages(text):
    """[(FROM line, [instructions])] with continuation lines joined, comments dropped."""
    lines, cur = [], ''
    for raw in text.splitlines():
        if not cur and raw.lstrip().startswith('#'):
            continue
        if raw.rstrip().endswith('\\'):
            cur += raw.rstrip()[:-1] + ' '
            continue
        cur += raw
        if cur.strip():
            lines.append(cur.strip())
        cur = ''
    out = []
    for ins in lines:
        if ins.split()[0].upper() == 'FROM':
            out.append((ins, []))
        elif out:
            out[-1][1].append(ins)
    return out


def apt_packages(instructions):
    pkgs = set()
    for ins in instructions:
        if ins.split()[0].upper() != 'RUN':
            continue
        for cmd_ in re.split(r'&&|;|\|\|', ins[3:]):
            words = cmd_.split()
            if len(words) >= 2 and words[0] == 'apt-get' and 'install' in words:
                pkgs.update(w for w in words[words.index('install') + 1:] if not w.startswith('-'))
    return pkgs


cf_path = os.path.join(deploy, 'Containerfile')
st = stages(read(cf_path)) if os.path.isfile(cf_path) else []
errors = [] if len(st) >= 2 else [f"{len(st)} stages: want a build stage and a runtime stage"]
for frm, _ in st:
    image = [w for w in frm.split()[1:] if not w.startswith('--')][0]
    first = image.split('/')[0]
    if '/' in image and ('.' in first or ':' in first or first == 'localhost'):
        errors.append(f"{frm}: names a registry host")
    if not image.startswith('debian:'):
        errors.append(f"{frm}: want a Debian base image")
if st and not any(re.search(r'\bmeson setup\b', i) for i in st[0][1]) or \
        st and not any(re.search(r'\bninja\b|\bmeson compile\b', i) for i in st[0][1]):
    errors.append("the build stage does not build with meson and ninja")
point(not errors, "Containerfile: two Debian stages, no registry host, built with meson/ninja", errors)

runtime = apt_packages(st[-1][1]) if st else set()
# pkg-config name -> the Debian package of its shared library (bookworm's name;
# trixie's t64 renames are accepted). A new dependency of the binary must be
# added here and to the Containerfile's runtime stage.
dep_pkg = {
    'libelf': r'libelf1(t64)?', 'zlib': r'zlib1g', 'yaml-0.1': r'libyaml-0-2',
    'libcgroup': r'libcgroup\d+', 'json-c': r'libjson-c\d+', 'libsystemd': r'libsystemd0',
    'libmicrohttpd': r'libmicrohttpd\d+(t64)?', 'smartcols': r'libsmartcols1',
}
not_linked = {'threads'}  # libc's
deps = set()
for mb in ('meson.build', os.path.join('orchestrator', 'meson.build')):
    for m in re.finditer(r"dependency\(\s*'([^']+)'([^)]*)\)", read(os.path.join(src, mb))):
        if not re.search(r'required\s*:\s*false', m.group(2)):
            deps.add(m.group(1))
errors = []
for d in sorted(deps - not_linked):
    if d not in dep_pkg:
        errors.append(f"dependency '{d}' has no runtime package in tests/unit/deploy.sh's dep_pkg")
    elif not any(re.fullmatch(dep_pkg[d], p) for p in runtime):
        errors.append(f"dependency '{d}': the runtime stage installs no {dep_pkg[d]} "
                      f"(it installs {', '.join(sorted(runtime)) or 'nothing'})")
point(not errors and deps, "Containerfile's runtime stage installs the library of each meson dependency "
      f"({', '.join(sorted(deps - not_linked))})", errors)

readelf = shutil.which('readelf')
if not binary or not os.path.isfile(binary):
    skip("Containerfile's runtime stage installs each library the binary links", "no binary given")
elif not readelf:
    skip("Containerfile's runtime stage installs each library the binary links", "no readelf (binutils)")
else:
    out = subprocess.run([readelf, '-d', binary], capture_output=True, text=True).stdout
    needed = re.findall(r'\(NEEDED\)\s+Shared library: \[([^\]]+)\]', out)
    base = {'libc', 'libm', 'libpthread', 'libdl', 'librt', 'ld-linux-x86-64', 'ld-linux-aarch64'}
    special = {'libz': 'zlib1g'}
    errors = []
    for so in needed:
        m = re.fullmatch(r'(lib[^/]*?|ld-linux[^/]*?)\.so\.(\d+)', so)
        if not m:
            errors.append(f"{so}: not a soname this test knows")
            continue
        name, ver = m.groups()
        if name in base:
            continue
        pkg = special.get(name) or (name + ('-' if name[-1].isdigit() else '') + ver)
        if not any(p in (pkg, pkg + 't64') for p in runtime):
            errors.append(f"{so}: the runtime stage installs no {pkg}")
    point(not errors and needed, "Containerfile's runtime stage installs each library the binary links "
          f"({', '.join(needed)})", errors)

# --- 6. the documentation names every file -----------------------------------
doc_path = os.path.join(src, 'docs', 'kubernetes.md')
doc = read(doc_path) if os.path.isfile(doc_path) else ''
files = sorted(os.listdir(deploy))
missing = [f for f in files if f"deploy/kubernetes/{f}" not in doc and f"`{f}`" not in doc]
point(doc and not missing, f"docs/kubernetes.md names every file of deploy/kubernetes ({len(files)})",
      [f"not named: {f}" for f in missing] or (["docs/kubernetes.md is missing"] if not doc else []))

# --- 7. kubectl kustomize renders the same objects ---------------------------
if not kubectl_out:
    skip("kubectl kustomize renders every object in the namespace", "no kubectl")
else:
    text = read(kubectl_out)
    errors = []
    try:
        objs = [d for d in yaml.safe_load_all(text) if d]
    except yaml.YAMLError as e:
        objs, errors = [], [f"not YAML: {e}"] + text.splitlines()[:10]
    have = sorted((o.get('kind'), (o.get('metadata') or {}).get('name')) for o in objs)
    want_objs = sorted((d.get('kind'), (d.get('metadata') or {}).get('name'))
                       for f in res for d in docs.get(f, []) if isinstance(d, dict))
    if not errors and have != want_objs:
        errors.append(f"rendered {have}, want {want_objs}")
    for o in objs:
        md = o.get('metadata') or {}
        if o.get('kind') != 'Namespace' and md.get('namespace') != nsname:
            errors.append(f"{o.get('kind')} {md.get('name')}: namespace {md.get('namespace')!r}")
    point(not errors, "kubectl kustomize renders every object in the namespace", errors)

# the rendered ConfigMap still carries the file unchanged
if not kubectl_out:
    skip("the rendered ConfigMap's cellsched.yaml is configs/kubernetes.yaml", "no kubectl")
else:
    try:
        objs = [d for d in yaml.safe_load_all(read(kubectl_out)) if d]
    except yaml.YAMLError:
        objs = []
    rcm = next((o for o in objs if o.get('kind') == 'ConfigMap'), {})
    point((rcm.get('data') or {}).get('cellsched.yaml') == want_cfg,
          "the rendered ConfigMap's cellsched.yaml is configs/kubernetes.yaml")

# --- 8. the Containerfile's ignore file keeps build trees out ----------------
ign = os.path.join(deploy, 'Containerfile.dockerignore')
entries = [l.strip() for l in read(ign).splitlines() if l.strip() and not l.startswith('#')] \
    if os.path.isfile(ign) else []
point('build' in entries and '.git' in entries,
      "Containerfile.dockerignore leaves build/ and .git out of the build context",
      [f"entries: {entries}"])

# --- 9. the images agree ---------------------------------------------------------
img = ctr.get('image', '')
kimg = next((i for i in kz.get('images') or [] if i.get('name') == img.split(':')[0]), None)
errors = []
if ':' not in img or '/' in img.split(':')[0]:
    errors.append(f"image {img!r}: want NAME:TAG with no registry host")
if kimg is None:
    errors.append(f"kustomization images has no entry for {img.split(':')[0]!r}")
elif kimg.get('newTag') and kimg.get('newTag') != img.split(':')[-1]:
    errors.append(f"kustomization newTag {kimg.get('newTag')!r} != the DaemonSet's {img!r}")
version = re.search(r"version\s*:\s*'([^']+)'", read(os.path.join(src, 'meson.build')))
if version and not img.endswith(':' + version.group(1)):
    errors.append(f"image {img!r} is not tagged with the project's version {version.group(1)}")
point(not errors, "the DaemonSet's image is tagged with the project's version, kustomization agrees",
      errors)

if n != points:
    print(f"# ran {n} test points, planned {points}")
    failed += 1
sys.exit(1 if failed else 0)
EOF
exit $?
