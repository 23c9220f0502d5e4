// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/ctl.c: what both ends of the control socket need (see
 * ctl.h): the socket address, the send/receive timeouts, and the parsing of
 * a request.
 *
 * json-c parses a request (strict mode, UTF-8 checked, depth bounded) but
 * keeps only the last of two equal keys. Duplicates are found by counting:
 * a scan of the text, which json-c has just accepted as strict JSON, counts
 * the members of each object in the order their '{' come; a walk of the
 * parsed tree in the same order must find as many keys in each. An object
 * that lost a member to a duplicate is the first to disagree. Comparing
 * json-c's own decoded keys, "cmd" and "\u0063md" count as the same key.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "ctl.h"

int cs_ctl_set_timeout(int fd, int optname, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	return setsockopt(fd, SOL_SOCKET, optname, &tv, sizeof(tv));
}

int cs_ctl_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

/*
 * The member counts of the objects of @s[@len], strict JSON, in the order of
 * their '{' into @counts (room for @len / 2 + 1). Returns how many objects,
 * or -1 if the nesting goes past CS_CTL_JSON_DEPTH.
 */
static int count_members(const char *s, size_t len, unsigned int *counts)
{
	int stack[CS_CTL_JSON_DEPTH + 1], depth = 0, nr = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;	/* the escaped character, '"' included */
			else if (s[i] == '"')
				in_string = false;
			continue;
		}
		if (s[i] == '"') {
			in_string = true;
		} else if (s[i] == '{' || s[i] == '[') {
			if (depth > CS_CTL_JSON_DEPTH)
				return -1;
			stack[depth++] = s[i] == '{' ? nr : -1;
			if (s[i] == '{')
				counts[nr++] = 0;
		} else if ((s[i] == '}' || s[i] == ']') && depth > 0) {
			depth--;
		} else if (s[i] == ':' && depth > 0 && stack[depth - 1] >= 0) {
			counts[stack[depth - 1]]++;	/* a ':' outside strings ends a key */
		}
	}
	return nr;
}

/* Do the objects of @o, in document order, have the member counts @counts[*next..]? */
static bool same_counts(json_object *o, const unsigned int *counts, int nr, int *next)
{
	if (json_object_is_type(o, json_type_object)) {
		if (*next >= nr || counts[(*next)++] != (unsigned int)json_object_object_length(o))
			return false;
		json_object_object_foreach(o, key, val) {
			(void)key;
			if (!same_counts(val, counts, nr, next))
				return false;
		}
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			if (!same_counts(json_object_array_get_idx(o, i), counts, nr, next))
				return false;
	}
	return true;
}

/* Does some object of @o, parsed from @text[@len], have a key twice? */
static bool has_duplicate_key(json_object *o, const char *text, size_t len)
{
	unsigned int *counts = malloc((len / 2 + 1) * sizeof(*counts));
	int nr = counts ? count_members(text, len, counts) : -1, next = 0;
	bool dup = nr < 0 || !same_counts(o, counts, nr, &next) || next != nr;

	free(counts);
	return dup;
}

json_object *cs_ctl_parse_request(const char *buf, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new_ex(CS_CTL_JSON_DEPTH);
	json_object *req = NULL, *cmd;
	size_t end = 0;

	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	req = json_tokener_parse_ex(tok, buf, (int)len);
	if (req)
		end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	for (size_t i = end; req && i < len; i++)
		if (!strchr(" \t\r\n", buf[i]) || !buf[i]) {
			json_object_put(req);	/* something after the object */
			req = NULL;
		}
	if (req && has_duplicate_key(req, buf, end)) {
		snprintf(err, errlen, "malformed request: an object has the same key twice");
		json_object_put(req);
		return NULL;
	}
	if (!req || !json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "cmd", &cmd) ||
	    !json_object_is_type(cmd, json_type_string)) {
		snprintf(err, errlen, "malformed request: expected a JSON object with a string "
			 "\"cmd\"");
		json_object_put(req);
		return NULL;
	}
	return req;
}
