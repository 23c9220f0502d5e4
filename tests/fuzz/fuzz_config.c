// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz_config.c: libFuzzer target for the YAML loader and the
 * configuration checks: cs_config_parse(), then, for what parses, a copy and
 * cs_config_check() against a made-up machine of 8 online CPUs with the
 * cell parent on 0-5, and the topology the planner would use.
 * Everything the checks return is an answer; only a crash, a sanitizer
 * report or an input taking over CS_FUZZ_MAX_MS is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "log.h"
#include "topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_sysinfo si;
	static int ready;
	struct cs_config cfg, copy;
	struct cs_topo topo;
	char err[CS_ERR_MAX];
	double t0;

	if (!ready) {
		cs_log_set_level(CS_LOG_ERROR);
		cs_cpus_parse("0-7", &si.online, err, sizeof(err));
		cs_cpus_parse("0-5", &si.parent_cpus, err, sizeof(err));
		ready = 1;
	}
	t0 = cs_fuzz_cpu_ms();
	if (!cs_config_parse("fuzz.yaml", (const char *)data, size, &cfg, err, sizeof(err))) {
		if (!cs_config_copy(&copy, &cfg)) {
			if (!cs_config_check(&copy, &si, err, sizeof(err)))
				cs_config_topology(&copy, &si.online, NULL, &topo, err, sizeof(err));
			cs_config_free(&copy);
		}
		cs_config_free(&cfg);
	}
	cs_fuzz_check_time(t0, "parsing and checking the configuration");
	return 0;
}
