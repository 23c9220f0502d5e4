// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_mode.c: orchestrator/core/mode.c and the mode rule of
 * config_check.c: the BTF probe against kernel BTF made with libbpf in a
 * temporary sysfs tree (a 7.3-like kernel, a 6.18-like one, none), what each
 * requested mode resolves to on each, `policy: external` refused in embedded
 * mode and the other policies accepted in both.
 */
#define _GNU_SOURCE		/* nftw() in fake_tree.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "config.h"
#include "fake_tree.h"
#include "mode.h"

enum { HAS_SCX = 1, HAS_CID = 2, HAS_GRANT = 4 };

/* @sysfs/kernel/btf/vmlinux with the types @what names, and an unrelated one. */
static void put_btf(unsigned int what)
{
	struct btf *btf = btf__new_empty();
	const void *raw;
	char path[512];
	__u32 size;
	FILE *f;
	int i32, proto;

	assert_non_null(btf);
	i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	assert_true(i32 > 0);
	assert_true(btf__add_struct(btf, "task_struct", 4) > 0);
	assert_int_equal(btf__add_field(btf, "pid", i32, 0, 0), 0);
	if (what & HAS_SCX)
		assert_true(btf__add_struct(btf, "sched_ext_ops", 0) > 0);
	if (what & HAS_CID)
		assert_true(btf__add_struct(btf, "sched_ext_ops_cid", 0) > 0);
	if (what & HAS_GRANT) {
		proto = btf__add_func_proto(btf, i32);
		assert_true(proto > 0);
		assert_true(btf__add_func(btf, "scx_bpf_sub_grant", BTF_FUNC_GLOBAL, proto) > 0);
	}
	raw = btf__raw_data(btf, &size);
	assert_non_null(raw);
	put("kernel/btf/vmlinux", "");
	snprintf(path, sizeof(path), "%s/kernel/btf/vmlinux", sysfs);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	fclose(f);
	btf__free(btf);
}

static void test_probe_native_kernel(void **state)
{
	struct cs_kernel_features f;

	(void)state;
	put_btf(HAS_SCX | HAS_CID | HAS_GRANT);
	assert_int_equal(cs_mode_probe(sysfs, &f), 0);
	assert_true(f.btf && f.scx && f.cid_ops && f.sub_grant);
}

static void test_probe_lts_kernel(void **state)
{
	struct cs_kernel_features f;

	(void)state;
	put_btf(HAS_SCX);
	assert_int_equal(cs_mode_probe(sysfs, &f), 0);
	assert_true(f.btf && f.scx);
	assert_false(f.cid_ops || f.sub_grant);
}

static void test_probe_no_btf(void **state)
{
	struct cs_kernel_features f;

	(void)state;
	assert_int_equal(cs_mode_probe(sysfs, &f), -ENOENT);
	assert_false(f.btf);
	put("kernel/btf/vmlinux", "not BTF at all");
	assert_true(cs_mode_probe(sysfs, &f) < 0);
	assert_false(f.btf);
}

static const struct cs_kernel_features k73 = { true, true, true, true };
static const struct cs_kernel_features k72 = { true, true, true, false };
static const struct cs_kernel_features k618 = { true, true, false, false };
static const struct cs_kernel_features none = { true, false, false, false };

static void test_resolve(void **state)
{
	enum cs_mode m;
	char why[256];

	(void)state;
	assert_int_equal(cs_mode_resolve(CS_MODE_AUTO, NULL, &k73, &m, why, sizeof(why)), 0);
	assert_int_equal(m, CS_MODE_NATIVE);
	assert_non_null(strstr(why, "auto: the kernel has the sub-scheduler API"));

	assert_int_equal(cs_mode_resolve(CS_MODE_AUTO, NULL, &k618, &m, why, sizeof(why)), 0);
	assert_int_equal(m, CS_MODE_EMBEDDED);
	assert_string_equal(why, "auto: the kernel has sched_ext but no sub-scheduler API (no "
			    "struct sched_ext_ops_cid and kfunc scx_bpf_sub_grant)");

	assert_int_equal(cs_mode_resolve(CS_MODE_NATIVE, "--mode native", &k618, &m, why,
					 sizeof(why)), -ENOTSUP);
	assert_string_equal(why, "native mode (asked for by --mode native) needs the sched_ext "
			    "sub-scheduler API (Linux 7.3 or later); this kernel's BTF has no "
			    "struct sched_ext_ops_cid and kfunc scx_bpf_sub_grant");
	/* 7.2: cid-form ops, no capabilities: still not enough, and it says which */
	assert_int_equal(cs_mode_resolve(CS_MODE_NATIVE, "--mode native", &k72, &m, why,
					 sizeof(why)), -ENOTSUP);
	assert_non_null(strstr(why, "has no kfunc scx_bpf_sub_grant"));
	assert_int_equal(cs_mode_resolve(CS_MODE_AUTO, NULL, &k72, &m, why, sizeof(why)), 0);
	assert_int_equal(m, CS_MODE_EMBEDDED);

	/* embedded may be asked for on any kernel with sched_ext */
	assert_int_equal(cs_mode_resolve(CS_MODE_EMBEDDED, "--mode embedded", &k73, &m, why,
					 sizeof(why)), 0);
	assert_int_equal(m, CS_MODE_EMBEDDED);
	assert_string_equal(why, "asked for by --mode embedded");

	assert_int_equal(cs_mode_resolve(CS_MODE_AUTO, NULL, &none, &m, why, sizeof(why)),
			 -ENOENT);
	assert_non_null(strstr(why, "no sched_ext"));
}

static void test_names(void **state)
{
	enum cs_mode m = CS_MODE_NATIVE;

	(void)state;
	assert_int_equal(cs_mode_parse("embedded", &m), 0);
	assert_int_equal(m, CS_MODE_EMBEDDED);
	assert_int_equal(cs_mode_parse("Native", &m), -EINVAL);
	assert_int_equal(cs_mode_parse("", &m), -EINVAL);
	assert_int_equal(m, CS_MODE_EMBEDDED);
	assert_string_equal(cs_mode_name(CS_MODE_AUTO), "auto");
	assert_string_equal(cs_mode_name(CS_MODE_NATIVE), "native");
}

static const char external_yaml[] =
	"mode: embedded\n"
	"cells:\n"
	"  - name: a\n"
	"    cpus: 1\n"
	"  - name: ext\n"
	"    cpus: 2\n"
	"    policy: external\n";

static void test_external_needs_native(void **state)
{
	struct cs_config cfg;
	char err[CS_ERR_MAX];

	(void)state;
	assert_int_equal(cs_config_parse("t.yaml", external_yaml, strlen(external_yaml), &cfg,
					 err, sizeof(err)), 0);
	assert_int_equal(cfg.mode, CS_MODE_EMBEDDED);
	assert_int_equal(cfg.mode_pos.line, 1);
	assert_int_equal(cs_config_check_mode(&cfg, CS_MODE_NATIVE, "auto", err, sizeof(err)), 0);
	assert_int_equal(cs_config_check_mode(&cfg, CS_MODE_EMBEDDED, "asked for by --mode "
					      "embedded", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.yaml:7:13: cell 'ext': policy 'external' needs native mode "
			    "(a sched_ext sub-scheduler per cell: Linux 7.3 or later), and this "
			    "configuration runs in embedded mode (asked for by --mode embedded)");
	cs_config_free(&cfg);
}

static const char policies_yaml[] =
	"cells:\n"
	"  - {name: f, cpus: 1, policy: fifo}\n"
	"  - {name: v, cpus: 2, policy: vtime}\n"
	"  - {name: l, cpus: 3, policy: latency}\n";

/* fifo, vtime and latency run in embedded mode as in native mode */
static void test_policies_run_in_both(void **state)
{
	struct cs_config cfg;
	char err[CS_ERR_MAX];

	(void)state;
	assert_int_equal(cs_config_parse("t.yaml", policies_yaml, strlen(policies_yaml), &cfg,
					 err, sizeof(err)), 0);
	assert_int_equal(cfg.mode, CS_MODE_AUTO);
	assert_int_equal(cs_config_check_mode(&cfg, CS_MODE_EMBEDDED, "auto", err, sizeof(err)),
			 0);
	assert_int_equal(cs_config_check_mode(&cfg, CS_MODE_NATIVE, "auto", err, sizeof(err)), 0);
	cs_config_free(&cfg);
}

/* the YAML's mode: key, refused where it is wrong */
static void test_bad_mode_key(void **state)
{
	static const struct {
		const char *yaml, *want;
	} rows[] = {
		{ "mode: cid\n", "t.yaml:1:7: unknown 'mode' 'cid' (known: auto, native, embedded)" },
		{ "mode: [native]\n", "t.yaml:1:7: 'mode' must be a scalar, not a list" },
	};
	struct cs_config cfg;
	char err[CS_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(cs_config_parse("t.yaml", rows[i].yaml, strlen(rows[i].yaml), &cfg,
						 err, sizeof(err)), -EINVAL);
		assert_string_equal(err, rows[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_native_kernel, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_probe_lts_kernel, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_probe_no_btf, tree_setup, tree_teardown),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_external_needs_native),
		cmocka_unit_test(test_policies_run_in_both),
		cmocka_unit_test(test_bad_mode_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
