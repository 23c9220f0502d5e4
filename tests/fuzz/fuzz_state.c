// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz_state.c: libFuzzer target for the state file loader:
 * cs_state_parse(), then, for what parses, what the daemon does with it at
 * start: the changes applied over a YAML configuration (two cells, as in
 * configs/two-cells.yaml), pruned against it, and the result checked
 * against a made-up machine of 8 CPUs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "log.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char yaml[] =
	"cells:\n"
	"  - name: a\n    cpus: \"1\"\n    policy: fifo\n"
	"  - name: b\n    cpus: \"2-3\"\n    policy: vtime\n    lag_us: 20000\n"
	"  - name: web\n    cpus: {min: 1, max: 2, weight: 200}\n    policy: latency\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_config base;
	static struct cs_sysinfo si;
	static int ready;
	struct cs_config merged;
	struct cs_state st;
	char err[CS_ERR_MAX], names[256];
	double t0;

	if (!ready) {
		cs_log_set_level(CS_LOG_ERROR);
		if (cs_config_parse("base.yaml", yaml, strlen(yaml), &base, err, sizeof(err)))
			abort();
		cs_cpus_parse("0-7", &si.online, err, sizeof(err));
		si.parent_cpus = si.online;
		ready = 1;
	}
	t0 = cs_fuzz_cpu_ms();
	if (!cs_state_parse("fuzz.json", (const char *)data, size, &st, err, sizeof(err))) {
		if (!cs_state_apply(&base, &st, &merged)) {
			cs_config_check(&merged, &si, err, sizeof(err));
			cs_config_free(&merged);
		}
		cs_state_prune(&st, &base, names, sizeof(names));
		cs_state_free(&st);
	}
	cs_fuzz_check_time(t0, "loading and applying the state file");
	return 0;
}
