// SPDX-License-Identifier: GPL-2.0
/*
 * orchestrator/core/cgroup.c: cgroup v2 operations through libcgroup (see cgroup.h).
 *
 * libcgroup creates, modifies, reads and deletes groups and walks the tree.
 * Two things it leaves to us on cgroup v2: enabling controllers in an
 * ancestor's cgroup.subtree_control (libcgroup 2.0 writes it only for the
 * groups it creates) and the cgroup id (the directory's inode). Paths are
 * built in PATH_MAX buffers and one that would not fit is refused
 * (-ENAMETOOLONG), never cut short: a cut path names another cgroup.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <libcgroup.h>

#include "cgroup.h"

static char cs_cg_mnt[PATH_MAX];

/* Map a libcgroup error to -errno, keeping the system errno when it has one. */
static int cg_err(int ret)
{
	int e;

	if (ret == 0)
		return 0;
	e = cgroup_get_last_errno();
	if (ret == ECGOTHER && e)
		return -e;
	switch (ret) {
	case ECGROUPNOTEXIST:
		return -ENOENT;
	case ECGROUPNOTALLOWED:
	case ECGROUPNOTOWNER:
		return -EPERM;
	case ECGROUPVALUENOTEXIST:
		return -ENOENT;
	default:
		return e ? -e : -EIO;
	}
}

int cs_cg_init(void)
{
	char *mp = NULL;
	int ret;

	ret = cgroup_init();
	if (ret)
		return ret == ECGROUPNOTMOUNTED ? -ENOENT : cg_err(ret);
	ret = cgroup_get_subsys_mount_point("cpuset", &mp);
	if (ret || !mp)
		return -ENOENT;
	ret = snprintf(cs_cg_mnt, sizeof(cs_cg_mnt), "%s", mp) < (int)sizeof(cs_cg_mnt) ? 0 :
	      -ENAMETOOLONG;
	free(mp);
	if (ret)
		cs_cg_mnt[0] = '\0';
	return ret;
}

/* A libcgroup handle for @path with @controller added; NULL when out of memory. */
static struct cgroup *cg_handle(const char *path, const char *controller)
{
	struct cgroup *cg = cgroup_new_cgroup(path);

	if (cg && !cgroup_add_controller(cg, controller))
		cgroup_free(&cg);
	return cg;
}

const char *cs_cg_mount(void)
{
	return cs_cg_mnt;
}

/* "MOUNT/PATH[/FILE]" into @buf[PATH_MAX]; -ENAMETOOLONG rather than a cut path. */
static int full_path(const char *path, const char *file, char buf[PATH_MAX])
{
	int n = snprintf(buf, PATH_MAX, "%s/%s%s%s", cs_cg_mnt, path, file ? "/" : "",
			 file ? file : "");

	return n >= 0 && n < PATH_MAX ? 0 : -ENAMETOOLONG;
}

bool cs_cg_exists(const char *path)
{
	char p[PATH_MAX];
	struct stat st;

	return !full_path(path, NULL, p) && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int cs_cg_id(const char *path, uint64_t *id)
{
	char p[PATH_MAX];
	struct stat st;

	if (full_path(path, NULL, p))
		return -ENAMETOOLONG;
	if (stat(p, &st) < 0)
		return -errno;
	*id = st.st_ino;
	return 0;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = list; (s = strstr(s, word)); s += n)
		if ((s == list || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\n' || !s[n]))
			return true;
	return false;
}

/* Enable +cpuset +cpu for the children of @path (path "" is the root). */
static int enable_subtree(const char *path)
{
	char p[PATH_MAX], have[256];
	ssize_t n;
	int fd, err = 0;

	if (full_path(path, "cgroup.subtree_control", p))
		return -ENAMETOOLONG;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, have, sizeof(have) - 1);
	close(fd);
	have[n > 0 ? n : 0] = '\0';
	if (has_word(have, "cpuset") && has_word(have, "cpu"))
		return 0;
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "+cpuset +cpu", 12) < 0)
		err = -errno;
	close(fd);
	return err;
}

int cs_cg_ensure_parent(const char *path, bool *created)
{
	char prefix[PATH_MAX];
	struct cgroup *cg;
	int ret;

	*created = false;
	if (strlen(path) >= sizeof(prefix))
		return -ENAMETOOLONG;
	/* every ancestor, root included, must pass the controllers down */
	ret = enable_subtree("");
	for (const char *s = path; !ret && (s = strchr(s, '/')); s++) {
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(s - path), path);
		ret = enable_subtree(prefix);
	}
	if (ret)
		return ret;
	if (!cs_cg_exists(path)) {
		cg = cg_handle(path, "cpuset");
		if (!cg)
			return -ENOMEM;
		ret = cg_err(cgroup_create_cgroup(cg, 0));
		cgroup_free(&cg);
		if (ret)
			return ret;
		*created = true;
	}
	return enable_subtree(path);
}

int cs_cg_create(const char *path, const char *cpus)
{
	char p[PATH_MAX];
	struct cgroup_controller *ctl;
	struct cgroup *cg;
	int ret;

	if (full_path(path, NULL, p))
		return -ENAMETOOLONG;
	if (cs_cg_exists(path))
		return -EEXIST;
	cg = cgroup_new_cgroup(path);
	if (!cg)
		return -ENOMEM;
	ctl = cgroup_add_controller(cg, "cpuset");
	ret = ctl ? cgroup_add_value_string(ctl, "cpuset.cpus", cpus) : ECGFAIL;
	if (!ret)
		ret = cgroup_create_cgroup(cg, 0);
	ret = ret == ECGFAIL ? -ENOMEM : cg_err(ret);
	if (ret && cs_cg_exists(path))
		cgroup_delete_cgroup(cg, 0);	/* created but cpuset.cpus refused */
	cgroup_free(&cg);
	if (!ret) {
		/* the mark outlives us: a restart after kill -9 knows the cgroup is ours */
		if (setxattr(p, CS_CG_MARK, "1", 1, 0) < 0)
			return 0;	/* unmarked: treated as someone else's later */
	}
	return ret;
}

bool cs_cg_is_ours(const char *path)
{
	char p[PATH_MAX], v[4];

	return !full_path(path, NULL, p) && getxattr(p, CS_CG_MARK, v, sizeof(v)) == 1 &&
	       v[0] == '1';
}

int cs_cg_delete(const char *path)
{
	struct cgroup *cg;
	char p[PATH_MAX];
	int ret;

	if (full_path(path, NULL, p))
		return -ENAMETOOLONG;
	cg = cg_handle(path, "cpuset");
	if (!cg)
		return -ENOMEM;
	ret = cg_err(cgroup_delete_cgroup_ext(cg, 0));
	cgroup_free(&cg);
	/* libcgroup reports a busy group as a generic failure: say what it is */
	if (ret && access(p, F_OK) == 0)
		return -EBUSY;
	return ret == -ENOENT ? 0 : ret;
}

static const char *controller_of(const char *file)
{
	return strncmp(file, "cpuset.", 7) ? "cpu" : "cpuset";
}

int cs_cg_write(const char *path, const char *file, const char *value)
{
	struct cgroup_controller *ctl;
	char p[PATH_MAX];
	struct cgroup *cg;
	int ret;

	if (!value[0]) {
		/* libcgroup skips empty values; "" is how cpuset.cpus follows the parent */
		int fd;

		if (full_path(path, file, p))
			return -ENAMETOOLONG;
		fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		ret = write(fd, "\n", 1) == 1 ? 0 : -errno;
		close(fd);
		return ret;
	}

	if (full_path(path, file, p))
		return -ENAMETOOLONG;
	cg = cgroup_new_cgroup(path);
	if (!cg)
		return -ENOMEM;
	ctl = cgroup_add_controller(cg, controller_of(file));
	ret = ctl ? cgroup_add_value_string(ctl, file, value) : ECGFAIL;
	if (!ret)
		ret = cgroup_modify_cgroup(cg);
	cgroup_free(&cg);
	return ret == ECGFAIL ? -ENOMEM : cg_err(ret);
}

int cs_cg_read(const char *path, const char *file, char *buf, size_t len)
{
	char line[4096], name[128], p[PATH_MAX];
	void *handle = NULL;
	size_t n;
	int ret;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	/* libcgroup's prototype takes a non-const name */
	if (full_path(path, file, p) || snprintf(name, sizeof(name), "%s", file) >= (int)sizeof(name))
		return -ENAMETOOLONG;
	ret = cgroup_read_value_begin(controller_of(file), path, name, &handle, line,
				      sizeof(line));
	if (ret && ret != ECGEOF)
		return cg_err(ret);
	if (!ret) {
		n = strlen(line);
		/* a line libcgroup had to split, or one longer than @buf: refuse, never cut */
		if ((n == sizeof(line) - 1 && line[n - 1] != '\n') ||
		    snprintf(buf, len, "%s", line) >= (int)len)
			ret = -EOVERFLOW;
		/* drain the iterator; the files we read are one line */
		while (cgroup_read_value_next(&handle, line, sizeof(line)) == 0)
			;
	}
	cgroup_read_value_end(&handle);
	if (ret == -EOVERFLOW) {
		buf[0] = '\0';
		return ret;
	}
	for (n = strlen(buf); n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ');)
		buf[--n] = '\0';
	return 0;
}

int cs_cg_for_each_child(const char *path, int (*fn)(const char *name, void *arg), void *arg)
{
	char root[PATH_MAX], clean[PATH_MAX];
	struct cgroup_file_info info;
	void *handle = NULL;
	int base, ret, out = 0;
	size_t plen;

	if (full_path(path, NULL, root))
		return -ENAMETOOLONG;
	plen = strlen(root);
	ret = cgroup_walk_tree_begin("cpuset", path, 1, &handle, &info, &base);
	if (ret && ret != ECGEOF)
		return cg_err(ret);
	cgroup_walk_tree_set_flags(&handle, CGROUP_WALK_TYPE_PRE_DIR);
	while (!ret) {
		/* depth 1 yields the base itself and its direct children */
		if (info.type == CGROUP_FILE_TYPE_DIR && strlen(info.full_path) > plen + 1 &&
		    !strncmp(info.full_path, root, plen) && info.full_path[plen] == '/') {
			/* both PATH_MAX: it fits */
			snprintf(clean, sizeof(clean), "%s", info.full_path + plen + 1);
			clean[strcspn(clean, "/")] = '\0';
			if (clean[0]) {
				out = fn(clean, arg);
				if (out)
					break;
			}
		}
		ret = cgroup_walk_tree_next(1, &handle, &info, base);
	}
	cgroup_walk_tree_end(&handle);
	if (out)
		return out;
	return ret == ECGEOF || ret == 0 ? 0 : cg_err(ret);
}

int cs_cg_attach(const char *path, int pid)
{
	char p[PATH_MAX];
	struct cgroup *cg;
	int ret;

	if (full_path(path, NULL, p))
		return -ENAMETOOLONG;
	cg = cg_handle(path, "cpuset");
	if (!cg)
		return -ENOMEM;
	ret = cg_err(cgroup_attach_task_pid(cg, pid));
	cgroup_free(&cg);
	return ret;
}

int cs_cg_move_all(const char *from, const char *to, unsigned int *moved)
{
	char name[PATH_MAX], ctrl[] = "cpuset";
	pid_t *pids = NULL;
	int n = 0, ret;

	*moved = 0;
	/* libcgroup's prototype takes a non-const name */
	if (full_path(from, NULL, name) || full_path(to, NULL, name))
		return -ENAMETOOLONG;
	snprintf(name, sizeof(name), "%s", from);
	ret = cgroup_get_procs(name, ctrl, &pids, &n);
	if (ret)
		return cg_err(ret);
	ret = 0;
	for (int i = 0; i < n; i++) {
		int err = cs_cg_attach(to, pids[i]);

		/* a process that exited meanwhile is not an error */
		if (!err)
			(*moved)++;
		else if (err != -ESRCH && !ret)
			ret = err;
	}
	free(pids);
	return ret;
}
