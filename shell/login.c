/*
 * login.c - the locale fallback and the login banner (see login.h).
 */
#include "shell/login.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/escape.h"
#include "core/fileread.h"

bool
shell_locale_setup(void)
{
	const char *ctype;

	/* A name the system does not know fails as a whole: start from
	 * C then, as a fresh process would. */
	if (setlocale(LC_ALL, "") == NULL)
		(void)setlocale(LC_ALL, "C");
	ctype = setlocale(LC_CTYPE, NULL);
	if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return false;
	/* Unset, C, POSIX or unknown all leave "C" here; a real locale in
	 * another encoding (de_DE.ISO-8859-1) is the person's choice. */
	if (ctype != NULL && strcmp(ctype, "C") != 0 &&
	    strcmp(ctype, "POSIX") != 0)
		return false;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return false;
	/* Readline sets LC_CTYPE again from LC_ALL, LC_CTYPE or LANG when it
	 * starts: the environment has to say the same. */
	if (getenv("LC_ALL") != NULL && getenv("LC_ALL")[0] != '\0')
		setenv("LC_ALL", "C.UTF-8", 1);
	else
		setenv("LC_CTYPE", "C.UTF-8", 1);
	return true;
}

/* Append the escaped line s[0..n) and a newline to buf at *o. */
static void
login_put_line(char *buf, size_t len, size_t *o, const char *s, size_t n)
{
	char raw[SHELL_BANNER_MAX + 1];
	size_t need;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	memcpy(raw, s, n);
	raw[n] = '\0';
	/* Tabs are kept: escape the pieces between them. */
	for (char *p = raw, *t; ; p = t + 1) {
		t = strchr(p, '\t');
		if (t != NULL)
			*t = '\0';
		need = xdom_escape(buf + *o, len - *o, p);
		*o += need < len - *o ? need : len - *o - 1;
		if (t == NULL || *o + 2 >= len)
			break;
		buf[(*o)++] = '\t';
		buf[*o] = '\0';
	}
	if (*o + 1 < len) {
		buf[(*o)++] = '\n';
		buf[*o] = '\0';
	}
}

/* Longest banner file read at all; what is shown stops at
 * SHELL_BANNER_MAX. */
#define LOGIN_BANNER_FILE_MAX (64 * 1024)

int
shell_banner_read(const char *path, char *buf, size_t len,
    struct xdom_err *err)
{
	char *raw = NULL;
	size_t got = 0, o = 0, k, n;
	const char *p;
	int rc;

	if (len == 0)
		return xdom_err_set(err, XDOM_EINVAL, "no room for the banner");
	buf[0] = '\0';
	/* No link, no FIFO, nothing larger than the bound. */
	rc = xdom_file_read(path, LOGIN_BANNER_FILE_MAX, XDOM_READ_NOFOLLOW,
	    &raw, &got, NULL, err);
	if (rc != 0)
		return xdom_err_set(err, rc, "banner: %s", xdom_err_msg(err));
	/* Cut at the last whole line when the file goes on. */
	if (got > SHELL_BANNER_MAX) {
		got = SHELL_BANNER_MAX;
		while (got > 0 && raw[got - 1] != '\n')
			got--;
	}
	/* NUL bytes cannot be shown and end no line: drop them. */
	for (k = n = 0; k < got; k++)
		if (raw[k] != '\0')
			raw[n++] = raw[k];
	raw[n] = '\0';
	for (p = raw; *p != '\0'; p += k + (p[k] == '\n')) {
		k = strcspn(p, "\n");
		login_put_line(buf, len, &o, p, k);
	}
	free(raw);
	return 0;
}
