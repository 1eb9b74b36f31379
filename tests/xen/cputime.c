/*
 * cputime.c - run a command and print the CPU time it used, for the
 * Xen benchmark in dom0 (busybox's `time` rounds to 10 ms and mixes its
 * output with the command's).
 *
 *   cputime OUTFILE CMD [ARG...]
 *
 * CMD's standard output and error go to OUTFILE; then one line on
 * standard output: "cpu_us=N user_us=N sys_us=N wall_ms=N status=N".
 * Exit status is CMD's (126/127 when it could not be run).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
cputime_us(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status = 0, fd;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: cputime OUTFILE CMD [ARG...]\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 126;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 126;
	}
	if (pid == 0) {
		if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 126;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("cpu_us=%lld user_us=%lld sys_us=%lld wall_ms=%lld status=%d\n",
	    cputime_us(&ru.ru_utime) + cputime_us(&ru.ru_stime),
	    cputime_us(&ru.ru_utime), cputime_us(&ru.ru_stime),
	    (long long)(t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000,
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
