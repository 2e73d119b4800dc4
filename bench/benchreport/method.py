# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The run's machine and method, what a profiler can do here, how to reproduce."""

def machine(rep):
    """Where and when the run ran."""
    w, facts = rep.w, rep.facts
    w('## Machine')
    w('')
    w(f"- CPU: {facts.get('cpu_model', '?')}, {int(facts.get('cpus', 0))} cores (a VM; "
      'shared with other work, so noisy)')
    w(f"- Kernel: {facts.get('kernel', '?')}; clang: {facts.get('clang', '?')}; "
      f"libbpf {facts.get('libbpf', '?')}; libxdp {facts.get('libxdp', '?')}; "
      f"{facts.get('nft', '?')}")
    w(f"- Peer: {facts.get('peer_status', '?')}; verifier: {facts.get('peer_verifier', '?')}")
    w(f"- Date: {facts.get('date', '?')}; synx {facts.get('synx_version', '?')}")
    w(f"- Load average at start / end: {facts.get('loadavg_start', '?')} / "
      f"{facts.get('loadavg_end', '?')}; whole run took {int(facts.get('elapsed_s', 0))} s")
    w(f"- Rounds: {int(facts.get('rounds', 0))}; closed-mode loads {facts.get('t_closed')} s, "
      f"split-mode {facts.get('t_split')} s, paced {facts.get('t_paced')} s "
      f"({int(facts.get('paced_pps', 0)) // 1000} kpps), idle client baseline "
      f"{facts.get('t_idle')} s, each per scenario per round")
    w('')


def method(rep):
    """How each figure is measured."""
    w, facts = rep.w, rep.facts
    w('## Method')
    w('')
    w('Two namespaces joined by one veth pair; nothing touches the host\'s interfaces.')
    w('')
    w('- **Generator**: `BPF_PROG_TEST_RUN` with `BPF_F_TEST_XDP_LIVE_FRAMES` on the generator\'s '
      'veth (bench/bench_gen.bpf.c): each run copies a template frame, randomises the source '
      'address (198.18.128.0/17 or fd00:0:0:1::/64), source port and sequence (and the '
      'acknowledgment number, a random "cookie", for the ACK floods), fixes both checksums '
      'incrementally, and returns `XDP_TX`. SYNs carry Linux\'s options (MSS, SACK-permitted, '
      'timestamps, window scale). Paced runs spin inside the program (`bpf_loop` on '
      '`bpf_ktime_get_ns`), not in userspace. Every load is bounded by a packet count and a '
      'time. Every frame is addressed to the DUT device\'s own MAC and to one of its local '
      'addresses (198.18.0.2, fd00::2).')
    w('- **Sink**: bench/bench_sink.bpf.c on the generator\'s veth keeps its NAPI running (veth '
      'delivers XDP frames only to an end with an XDP program), counts the DUT\'s replies to '
      'spoofed sources and verifies their IPv4 and TCP checksums with an independent sum: one '
      f"reply in {int(facts.get('sink_sample', 64))} at full speed (so that verification does not "
      'inflate every scenario\'s cost), every reply in the paced runs. Kernel-built replies leave '
      'veth with CHECKSUM_PARTIAL (the field holds the pseudo-header sum): counted apart as '
      '"partial", not as bad.')
    w('- **Scenarios** on the DUT end: synx attached with `synx attach IF --mode native` (the '
      'product path), once with its default `--cookies auto` (synx\'s own cookies on this '
      'kernel) and once with `--cookies kernel`, the latter from a state directory without a key, '
      'as on a host that never ran own cookies (when it finds the interface\'s key, left by own '
      'cookies, kernel mode first checks each handshake ACK against own cookies for two cookie '
      'periods, about 137 s: one more SipHash per ACK, the pieces table\'s siphash row, not '
      'measured here); **the peer**: the kernel\'s own XDP SYN proxy '
      '(`tools/testing/selftests/bpf/progs/xdp_synproxy_kern.c`, from Debian\'s '
      'linux-source-6.12 package, extracted and built at bench time against this kernel\'s BTF '
      'by bench/peer_build.sh; nothing of it is in this repository), its XDP program loaded by '
      'bench/bench_peer.c and configured as its userspace does (`values[0]` = MSS 1460/1440, '
      'wscale 7, TTL 64; `allowed_ports` = 80), with what its documentation puts behind it: '
      'the standard nftables SYNPROXY ruleset, `tcp_syncookies=2`, `nf_conntrack_tcp_loose=0`; '
      'the kernel alone and nftables SYNPROXY alone (the peer\'s setup without its XDP half) '
      'behind a pass-through XDP program '
      '(bench_pass: it only keeps veth\'s NAPI, and so delivery of XDP frames, running); the '
      'SYNPROXY ruleset is the standard one (`tcp flags syn notrack` in raw prerouting; '
      '`ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm` then '
      '`ct state invalid drop` in input); three XDP bounds (bench/bench_bounds.bpf.c): '
      '*reflect-only* turns the SYN into a SYN-ACK in place without cookie, socket lookup or '
      'option walk (the floor of answering), *drop-only* parses to the TCP flags and drops '
      '(the floor of doing anything), and *lookup* asks the socket table about the 4-tuple '
      '(`bpf_skc_lookup_tcp()`, the answer unused) before doing what reflect-only does to a '
      'SYN and drop-only to anything else (the floor of a defence that never answers a '
      'segment a socket owns). The DUT namespace has a listener on :80 that accepts, '
      'sends one byte and closes, and runs `net.ipv4.tcp_syncookies=1` in the synx and '
      'kernel-alone scenarios (the kernel\'s default policy; under a flood its SYN queue is '
      'full and synx answers every SYN), 2 behind SYNPROXY (the peer\'s documented setup; with '
      '1, every real connection through SYNPROXY took a ~1 s SYN-ACK retransmission to reach '
      'the listener in this lab).')
    w('- **closed mode** (no threaded NAPI): veth has no IRQ, so the receiver\'s NAPI runs on '
      'the sender\'s CPU, in softirq on the generator\'s own thread, and throttles the generator '
      'to the DUT\'s speed. One core (CPU 0) does generator + DUT + sink; the figure is that '
      'work per frame the DUT consumed: CPU time of the generator thread plus ksoftirqd '
      '(`/proc/PID/schedstat`), so that whatever else this shared VM runs does not count. The '
      'overhead every scenario shares (generator, veth, sink) is in each row; the bounds '
      'measure it.')
    w('- **split mode**: threaded NAPI on both ends (`/sys/class/net/IF/threaded`), the DUT\'s '
      'NAPI thread pinned to CPU 1, generator, sink thread and clients on CPU 0 (the sink '
      'thread on CPU 1 when paced, where the spinning generator cannot starve it). The DUT\'s '
      'NAPI thread and the generator run at nice -15 so that other work on the VM weighs less. '
      'The figure is the CPU time of the DUT\'s NAPI thread (plus ksoftirqd/1) per frame it '
      'consumed. At the maximum, the generator outruns the DUT and veth\'s 256-frame ring '
      'overflows; this measures behaviour under overload, and cross-CPU ring traffic makes '
      'each frame dearer than in closed mode. The paced run offers '
      f"{int(facts.get('paced_pps', 0)) // 1000} kpps instead: there each NAPI wake-up handles "
      'few frames, and its fixed cost dominates every scenario.')
    w('- **Real clients**: during closed-mode floods (tests of their own, so that the cost '
      'figures are not perturbed), during split-mode floods, and alone (idle baseline), clients '
      'in the generator namespace make sequential connections to 198.18.0.2:80 (IPv4 floods) '
      'or [fd00::2]:80 (IPv6 floods), 10 ms apart, each with a 3 s deadline (room for one SYN '
      'retransmission). A connection counts only once the server\'s byte arrives, i.e. once '
      'the handshake reached the listener (behind a proxy a SYN-ACK alone proves nothing); '
      '"SYN-ACK only" counts those that got a SYN-ACK and nothing after. Success rate and '
      'p50/p99 of the time to that byte are pooled over rounds.')
    w('- **Micro-benchmark**: the real objects through `BPF_PROG_TEST_RUN` with '
      f"repeat={int(facts.get('micro_repeat', 0)):,}, {int(facts.get('micro_rounds', 0))} "
      'rounds (bench/bench_micro.c), each run with `ingress_ifindex` set to an Ethernet device '
      '(one end of a veth pair) of the micro netns that holds the DUT\'s addresses '
      '(198.18.0.2/24, fd00::2/64) and whose MAC every frame is addressed to, except the '
      'delivery rows that address another host on purpose; rows marked forwarding run on a '
      'second device with `net.ipv4/ipv6.conf.DEV.forwarding=1` (that namespace\'s only). '
      'With repeat the kernel re-runs on the same buffer, which synx has '
      'rewritten into a SYN-ACK, so every class runs under bench_restore '
      '(bench/bench_micro.bpf.c): it restores the frame\'s metadata room, length and bytes, '
      'then tail-calls the program under test through a program array. Own-cookie rows switch '
      'synx\'s config to own cookies with fixed test keys; `peer-` rows run the peer\'s XDP '
      'program on the same frames. The wrapper\'s own cost (tail-calling an empty program) '
      'is measured alternately and subtracted. For classes a program does not rewrite, a '
      'direct run minus an empty program is shown as a cross-check. Every synx row is checked '
      'to end in its expected reason counter, `repeat` times (the peer\'s SYN rows against its '
      'SYN-ACK counter). The wrapper estimate is slightly high for SYNs: restoring their length '
      'costs one `bpf_xdp_adjust_tail` that the calibration run does not need.')
    w('')


def probes(rep):
    """What this machine lets a profiler do."""
    w, facts = rep.w, rep.facts
    w('## Profiling on this machine')
    w('')
    w(f"- fentry/freplace programs on synx: {facts.get('probe_tracing', '?')} — so no "
      'per-function BPF tracing, and libxdp cannot use its dispatcher (synx attaches as the '
      'only program).')
    w(f"- `bpftool prog profile`: {facts.get('probe_bpftool_profile', '?')}")
    w(f"- Hardware counters (`perf stat -e cycles`): {facts.get('probe_perf_cycles', '?')}")
    w('- What remains: the per-stage micro figures and the `perf` timer profiles above.')
    w('')


def reproduce(rep):
    """How to run it again."""
    w = rep.w
    w('## Reproduce')
    w('')
    w('`make bench` (root; ~20 min; rewrites this file and docs/benchmarks.png) or '
      '`make bench-quick` (~3 min smoke run into build/bench/, its raw results in '
      'build/bench/quick/). Both build the tools first '
      '(`make bench-tools`: one per bench/*.c) and the peer '
      '(`make bench-peer`: installs linux-source-6.12 if missing, extracts two files from it '
      'into build/bench/peer/src/, dumps this kernel\'s BTF to build/bench/peer/vmlinux.h). '
      'Raw results: build/bench/results.jsonl, build/bench/micro.out, '
      'build/bench/profile-*.txt.')
    w('')
