// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz_request.c: libFuzzer target for the control request
 * parser, cs_ctl_parse_request(), on whatever a client could send (up to
 * CS_CTL_MAX_REQ + 1 bytes, as the daemon reads them). What it accepts must
 * be an object with a string "cmd"; that is checked here too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ctl.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *req, *cmd;
	char err[1024];
	double t0;

	if (size > CS_CTL_MAX_REQ + 1)
		return 0;	/* the daemon refuses larger ones before parsing */
	t0 = cs_fuzz_cpu_ms();
	req = cs_ctl_parse_request((const char *)data, size, err, sizeof(err));
	if (req && (!json_object_object_get_ex(req, "cmd", &cmd) ||
		    !json_object_is_type(cmd, json_type_string)))
		abort();	/* accepted what the handler cannot take */
	json_object_put(req);
	cs_fuzz_check_time(t0, "parsing the request");
	return 0;
}
