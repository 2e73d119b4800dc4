// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_clients: real connections during (and without) the floods.
 *
 *   bench_clients [-v] --dst ADDR --port P --secs S [--gap-ms G] [--timeout-ms T]
 *
 * Sequential connections, G ms apart, each with a deadline of T ms: connect,
 * then the server's one byte (bench_serve).  Prints attempts, ok, failed,
 * synack_only (connected, but the byte never came: the handshake's ACK did
 * not reach the server), p50/p99/max of the time to that byte, and the raw
 * samples (for pooling percentiles across rounds).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench_lib.h"

#define SAMPLES_MAX 100000

static const char usage[] = "usage: bench_clients [-v] --dst ADDR --port P --secs S (<= 60) "
			    "[--gap-ms G] [--timeout-ms T]";

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * One connection with a deadline.  Returns the time until the server's
 * byte in ns, or 0 on failure; *synack_only is set when connect()
 * succeeded (a SYN-ACK came back) but the byte never did.
 */
static __u64 connect_once(const struct sockaddr *sa, socklen_t sl, int timeout_ms, int *synack_only)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0, left;
	socklen_t el = sizeof(err);
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	__u64 t0 = now_ns(), t = 0;
	char b;

	*synack_only = 0;
	if (fd < 0)
		return 0;
	if (connect(fd, sa, sl) == 0 ||
	    (errno == EINPROGRESS && poll(&p, 1, timeout_ms) == 1 &&
	     !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) && !err)) {
		left = timeout_ms - (int)((now_ns() - t0) / 1000000);
		p.events = POLLIN;
		if (left > 0 && poll(&p, 1, left) == 1 && recv(fd, &b, 1, 0) == 1)
			t = now_ns() - t0;
		else
			*synack_only = 1;
	}
	close(fd);
	return t;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "secs", required_argument, NULL, 't' },
		{ "gap-ms", required_argument, NULL, 'g' },
		{ "timeout-ms", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dst = NULL;
	int port = 0, gap_ms = 20, timeout_ms = 3000, c, synack_only;
	double secs = 0;
	struct sockaddr_storage ss;
	socklen_t sl;
	__u64 end, *lat;
	size_t n = 0, ok = 0, half = 0;

	bench_init("bench_clients");
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			bench_verbose = 1;
			break;
		case 'd':
			dst = optarg;
			break;
		case 'p':
			port = opt_uint("--port", optarg, 1, 65535);
			break;
		case 't':
			secs = opt_secs("--secs", optarg, 60);
			break;
		case 'g':
			gap_ms = opt_uint("--gap-ms", optarg, 0, 10000);
			break;
		case 'o':
			timeout_ms = opt_uint("--timeout-ms", optarg, 1, 60000);
			break;
		default:
			die("%s", usage);
		}
	}
	if (optind != argc || !dst || !port || !secs)
		die("%s", usage);
	sockaddr_of(dst, port, &ss, &sl);
	lat = calloc(SAMPLES_MAX, sizeof(*lat));
	if (!lat)
		die("out of memory");
	end = now_ns() + (__u64)(secs * 1e9);
	while (now_ns() < end && n < SAMPLES_MAX) {
		__u64 t = connect_once((void *)&ss, sl, timeout_ms, &synack_only);

		n++;
		if (t)
			lat[ok++] = t;
		half += synack_only;
		usleep(gap_ms * 1000);
	}
	qsort(lat, ok, sizeof(*lat), cmp_u64);
	printf("attempts %zu\nok %zu\nfailed %zu\nsynack_only %zu\n", n, ok, n - ok, half);
	if (ok) {
		printf("p50_us %.1f\np99_us %.1f\nmax_us %.1f\n", lat[(ok - 1) / 2] / 1e3,
		       lat[(ok * 99 + 99) / 100 - 1] / 1e3, lat[ok - 1] / 1e3);
		printf("samples_us");
		for (size_t i = 0; i < ok; i++)
			printf(" %.1f", lat[i] / 1e3);
		printf("\n");
	}
	free(lat);
	return 0;
}
