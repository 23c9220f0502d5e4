// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/exitinfo.c: classification and formatting of sched_ext exit
 * info (see exitinfo.h).
 */
#include <stdio.h>

#include "exitinfo.h"

bool cs_exit_is_error(int kind)
{
	return kind >= CS_EXIT_KIND_ERROR;
}

const char *cs_exit_kind_name(int kind)
{
	switch (kind) {
	case CS_EXIT_KIND_NONE:		return "none";
	case CS_EXIT_KIND_DONE:		return "done";
	case CS_EXIT_KIND_UNREG:	return "unregistered";
	case CS_EXIT_KIND_UNREG_BPF:	return "bpf-exit";
	case CS_EXIT_KIND_UNREG_KERN:	return "kernel-exit";
	case CS_EXIT_KIND_SYSRQ:	return "sysrq";
	case CS_EXIT_KIND_PARENT:	return "parent-exit";
	case CS_EXIT_KIND_PARENT_KILL:	return "parent-kill";
	case CS_EXIT_KIND_ERROR:	return "error";
	case CS_EXIT_KIND_ERROR_BPF:	return "bpf-error";
	case CS_EXIT_KIND_ERROR_STALL:	return "stall";
	case CS_EXIT_KIND_ERROR_REENQ:	return "reenqueue-limit";
	case CS_EXIT_KIND_ERROR_RESCUE:	return "rescue-overload";
	default:
		return cs_exit_is_error(kind) ? "error" : "exit";
	}
}

char *cs_exit_format(const struct cs_exit_info *ei, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len, "%s: %s", cs_exit_kind_name(ei->kind),
		     ei->reason[0] ? ei->reason : "(no reason given)");
	if (n >= 0 && (size_t)n < len && ei->msg[0])
		n += snprintf(buf + n, len - n, " (%s)", ei->msg);
	if (n >= 0 && (size_t)n < len && ei->cpu >= 0)
		snprintf(buf + n, len - n, " on CPU %d", ei->cpu);
	return buf;
}
