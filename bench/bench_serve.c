// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_serve: the DUT's listener, on 0.0.0.0:PORT and [::]:PORT.
 *
 *   bench_serve [-v] --port P --secs S
 *
 * Accepts, sends one byte, closes: a client (bench_clients) counts a
 * connection only once that byte arrives, i.e. once the handshake reached
 * this socket (a SYN-ACK alone proves nothing behind a proxy).  Prints
 * "listening" once both sockets listen; stops by itself after S seconds.
 */
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench_lib.h"

static const char usage[] = "usage: bench_serve [-v] --port P --secs S (<= 3600)";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "secs", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int port = 0, c;
	double secs = 0;
	struct pollfd p[2];
	__u64 end;

	bench_init("bench_serve");
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		if (c == 'v')
			bench_verbose = 1;
		else if (c == 'p')
			port = opt_uint("--port", optarg, 1, 65535);
		else if (c == 't')
			secs = opt_secs("--secs", optarg, 3600);
		else
			die("%s", usage);
	}
	if (optind != argc || !port || !secs)
		die("%s", usage);
	p[0] = (struct pollfd){ .fd = listen_on(AF_INET, port), .events = POLLIN };
	p[1] = (struct pollfd){ .fd = listen_on(AF_INET6, port), .events = POLLIN };
	printf("listening\n");
	end = now_ns() + (__u64)(secs * 1e9);
	while (now_ns() < end) {
		if (poll(p, 2, 100) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			int s;

			while ((s = accept(p[i].fd, NULL, NULL)) >= 0) {
				if (send(s, "k", 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
					perror("bench_serve: send");
				close(s);
			}
		}
	}
	return 0;
}
