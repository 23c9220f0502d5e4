// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/mode.c: native or embedded mode (mode.h): the kernel's
 * BTF, read with libbpf, and what a requested mode becomes on it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "mode.h"

static const char *const names[] = {
	[CS_MODE_AUTO] = "auto",
	[CS_MODE_NATIVE] = "native",
	[CS_MODE_EMBEDDED] = "embedded",
};

const char *cs_mode_name(enum cs_mode mode)
{
	return mode <= CS_MODE_EMBEDDED ? names[mode] : "?";
}

int cs_mode_parse(const char *s, enum cs_mode *mode)
{
	for (unsigned int i = 0; i <= CS_MODE_EMBEDDED; i++) {
		if (!strcmp(s, names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

int cs_mode_probe(const char *sysfs, struct cs_kernel_features *f)
{
	char path[PATH_MAX];
	struct btf *btf;
	int err;

	memset(f, 0, sizeof(*f));
	if (snprintf(path, sizeof(path), "%s/kernel/btf/vmlinux", sysfs) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	btf = btf__parse_raw(path);
	if (!btf) {
		err = errno ? -errno : -EINVAL;
		return err;
	}
	f->btf = true;
	f->scx = btf__find_by_name_kind(btf, "sched_ext_ops", BTF_KIND_STRUCT) > 0;
	f->cid_ops = btf__find_by_name_kind(btf, "sched_ext_ops_cid", BTF_KIND_STRUCT) > 0;
	f->sub_grant = btf__find_by_name_kind(btf, "scx_bpf_sub_grant", BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return 0;
}

/* "struct sched_ext_ops_cid and kfunc scx_bpf_sub_grant": what native mode misses. */
static void missing(const struct cs_kernel_features *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", f->cid_ops ? "" : "struct sched_ext_ops_cid",
		 !f->cid_ops && !f->sub_grant ? " and " : "",
		 f->sub_grant ? "" : "kfunc scx_bpf_sub_grant");
}

int cs_mode_resolve(enum cs_mode want, const char *source, const struct cs_kernel_features *f,
		    enum cs_mode *out, char *why, size_t len)
{
	bool native_ok = f->cid_ops && f->sub_grant;
	char miss[96];

	if (!f->scx) {
		snprintf(why, len, "this kernel has no sched_ext (no struct sched_ext_ops in its "
			 "BTF; CONFIG_SCHED_CLASS_EXT)");
		return -ENOENT;
	}
	missing(f, miss, sizeof(miss));
	switch (want) {
	case CS_MODE_NATIVE:
		*out = CS_MODE_NATIVE;
		if (native_ok) {
			snprintf(why, len, "asked for by %s", source);
			return 0;
		}
		snprintf(why, len, "native mode (asked for by %s) needs the sched_ext "
			 "sub-scheduler API (Linux 7.3 or later); this kernel's BTF has no %s",
			 source, miss);
		return -ENOTSUP;
	case CS_MODE_EMBEDDED:
		*out = CS_MODE_EMBEDDED;
		snprintf(why, len, "asked for by %s", source);
		return 0;
	default:
		*out = native_ok ? CS_MODE_NATIVE : CS_MODE_EMBEDDED;
		if (native_ok)
			snprintf(why, len, "auto: the kernel has the sub-scheduler API "
				 "(sched_ext_ops_cid, scx_bpf_sub_grant)");
		else
			snprintf(why, len, "auto: the kernel has sched_ext but no sub-scheduler "
				 "API (no %s)", miss);
		return 0;
	}
}
