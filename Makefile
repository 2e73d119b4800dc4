# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# synx build.  Out-of-tree into build/; `make V=1` shows every command.
#
#   build/synx.bpf.o   the XDP object (loadable by `ip link ... xdp obj`)
#   build/synx_tc.bpf.o  the tc ingress program own cookies and IPv6
#                      gateway prefixes add (loaded only by `synx attach`)
#   build/*.skel.h     libbpf skeletons generated from them
#   build/synx         the CLI
#   build/tests/*      test helpers built from tests/tools/*.c (each with a
#                      main(); testrun.c is their shared library), and the
#                      LD_PRELOAD shims of tests/shim/*.c (NAME.so)
#   build/bench/*      the benchmark's tools, one per bench/*.c with a main()

BUILD     ?= build
CLANG     ?= clang
CC        ?= gcc
BPFTOOL   ?= bpftool
PYTHON    ?= /usr/bin/python3
ARCH      := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
# The release number, raised when a release is cut; `synx --version` adds
# the commit it was built from.
RELEASE   := 0.9.0
COMMIT    := $(shell git describe --always --dirty --exclude='*' 2>/dev/null || echo unknown)

# Where `make install` puts things (DESTDIR in front of each, for packaging).
# The CLI embeds its BPF object (the skeleton); the object is installed too,
# for `ip link ... xdp obj`, at a path `synx --version` prints.
PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
LIBDIR      ?= $(PREFIX)/lib/synx
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/synx
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR  ?= /etc

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# BPF side: packets through the plain UAPI headers; the kernel-internal
# state the program reads (bpf/ktypes.h) through minimal local definitions
# with preserve_access_index rather than a generated vmlinux.h: they do not
# clash with the UAPI headers, the build needs no BTF dump of the build
# host's kernel, and libbpf (synx attach and iproute2 alike) relocates every
# access to the running kernel at load time (CO-RE).
# -mcpu=v3 (Linux 5.1+): 32-bit jumps and ALU ops, 5-10% fewer cycles per
# SYN and ACK in the micro-benchmark.
# -fno-strict-aliasing, as the kernel: headers are written through their
# structs and summed back as 32-bit words for checksums.
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -fno-strict-aliasing \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Iinclude -Ibpf -I/usr/include/$(MULTIARCH) -MMD -MP

USER_CFLAGS := -g -O2 -std=gnu11 -Wall -Wextra -Werror -Wshadow \
	-Wno-missing-field-initializers -D_GNU_SOURCE \
	-Iinclude -Iuser -I$(BUILD) -MMD -MP $(EXTRA_CFLAGS)
# libnftables and jansson: `synx status` reads the nftables ruleset (user/firewall.c).
USER_LDLIBS := -lxdp -lbpf -lelf -lz -lnftables -ljansson $(EXTRA_LDFLAGS)

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
BPF_SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(wildcard user/*.c)
LIB_OBJS  := $(patsubst user/%.c,$(BUILD)/user/%.o,$(filter-out user/synx.c,$(USER_SRCS)))
# tests/tools: one program per .c file, except the helpers every one links.
TOOL_LIB  := tests/tools/testrun.c
TOOL_SRCS := $(filter-out $(TOOL_LIB),$(wildcard tests/tools/*.c))
TOOLS     := $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(TOOL_SRCS))
TOOL_LIB_OBJS := $(patsubst tests/tools/%.c,$(BUILD)/tests/%.o,$(TOOL_LIB))
# tests/shim: libraries the CLI tests preload to make one library call fail.
SHIMS     := $(patsubst tests/shim/%.c,$(BUILD)/tests/%.so,$(wildcard tests/shim/*.c))
# Side programs for tests and benchmarks (pass-through peers, traffic
# generators, bounds): same flags, built to build/<dir>/NAME.bpf.o.
AUX_BPF   := $(patsubst %.bpf.c,$(BUILD)/%.bpf.o,$(wildcard tests/lab/*.bpf.c bench/*.bpf.c))
# bench/: one tool per .c file (bench_gen.c drives bench_gen.bpf.c, ...),
# except the helpers they share (bench_lib.c, peer.c); all of them also link
# the tests' test-run library, the reason names of user/counters.c and
# synx_tc's loader, user/tc_obj.c.
BENCH_LIB   := bench/bench_lib.c bench/peer.c
BENCH_SRCS  := $(filter-out $(BENCH_LIB) %.bpf.c,$(wildcard bench/*.c))
BENCH_TOOLS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
BENCH_OBJS  := $(patsubst bench/%.c,$(BUILD)/bench/obj/%.o,$(BENCH_SRCS) $(BENCH_LIB))
BENCH_LIB_OBJS := $(patsubst bench/%.c,$(BUILD)/bench/obj/%.o,$(BENCH_LIB)) $(TOOL_LIB_OBJS) \
	$(BUILD)/user/counters.o $(BUILD)/user/tc_obj.o
BENCH_SKELS := $(patsubst bench/%.bpf.c,$(BUILD)/bench/%.skel.h,$(wildcard bench/*.bpf.c))
BENCH_CFLAGS := $(USER_CFLAGS) -Itests/tools
BENCH_LDLIBS := -lxdp -lbpf -lelf -lz -lm $(EXTRA_LDFLAGS)

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: FORCE all bpf user tools aux bench-tools check test deps demo bench bench-quick bench-deps \
	bench-peer fuzz clean help install uninstall

all: bpf user tools aux bench-tools ## Build the XDP object, the CLI, the test helpers and bench tools

bpf: $(BPF_OBJS) $(BPF_SKELS) ## Build only the BPF objects and their skeletons

user: $(BUILD)/synx ## Build only the CLI

tools: $(TOOLS) $(SHIMS)

aux: $(AUX_BPF)

bench-tools: $(BENCH_TOOLS) ## Build the benchmark's tools, one per bench/*.c, into build/bench/

$(BUILD)/%.tmp.bpf.o: bpf/%.bpf.c Makefile | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# `gen object` links and dedups BTF: the result is what both iproute2 and
# the skeleton load, so a test of one is a test of the other.
$(BUILD)/%.bpf.o: $(BUILD)/%.tmp.bpf.o
	$(call msg,GEN-OBJ,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@

$(BUILD)/tests/lab/%.tmp.bpf.o: tests/lab/%.bpf.c Makefile
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/%.tmp.bpf.o: bench/%.bpf.c Makefile
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/user/%.o: user/%.c $(BPF_SKELS) Makefile | $(BUILD)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

# Version and install paths, rewritten only when they change: what includes
# it rebuilds then, and only then (-MMD).
$(BUILD)/build_info.h: FORCE | $(BUILD)
	$(Q)printf '%s\n' '/* Generated by the Makefile. */' \
		'#define SYNX_VERSION "$(RELEASE)"' '#define SYNX_COMMIT "$(COMMIT)"' \
		'#define SYNX_LIBDIR "$(LIBDIR)"' >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/user/options.o: $(BUILD)/build_info.h

$(BUILD)/synx: $(BUILD)/user/synx.o $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $^ -o $@ $(USER_LDLIBS)

$(BUILD)/tests/%.o: tests/tools/%.c $(BPF_SKELS) Makefile | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.so: tests/shim/%.c Makefile | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -shared -fPIC $< -o $@ -ldl

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TOOL_LIB_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $^ -o $@ $(USER_LDLIBS)

# Every bench object waits for every bench skeleton (the first build has no
# dependency files yet); -MMD then says which ones it really includes.
$(BENCH_OBJS): $(BUILD)/bench/obj/%.o: bench/%.c Makefile | $(BPF_SKELS) $(BENCH_SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_TOOLS): $(BUILD)/bench/%: $(BUILD)/bench/obj/%.o $(BENCH_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(BENCH_CFLAGS) $^ -o $@ $(BENCH_LDLIBS)

$(BUILD) $(BUILD)/user $(BUILD)/tests:
	$(Q)mkdir -p $@

# What `make install` puts where: the unit is written with the paths of
# this install (ExecStart= needs an absolute path), the man page too.
INSTALLED := $(SBINDIR)/synx $(LIBDIR)/synx.bpf.o $(MANDIR)/man8/synx.8 \
	$(COMPLETIONDIR)/synx $(UNITDIR)/synx@.service $(DOCDIR)/example.conf

install: bpf user ## Install the CLI, object, man page, completion, unit, example (PREFIX, DESTDIR)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	$(Q)install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/synx
	$(Q)install -m 0755 $(BUILD)/synx $(DESTDIR)$(SBINDIR)/synx
	$(Q)install -m 0644 $(BUILD)/synx.bpf.o $(DESTDIR)$(LIBDIR)/synx.bpf.o
	$(Q)sed -e 's|\$$(PREFIX)|$(PREFIX)|g' docs/synx.8 >$(DESTDIR)$(MANDIR)/man8/synx.8
	$(Q)install -m 0644 scripts/bash-completion/synx $(DESTDIR)$(COMPLETIONDIR)/synx
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		scripts/systemd/synx@.service.in >$(DESTDIR)$(UNITDIR)/synx@.service
	$(Q)install -m 0644 docs/example.conf $(DESTDIR)$(DOCDIR)/example.conf
	$(Q)chmod 0644 $(DESTDIR)$(MANDIR)/man8/synx.8 $(DESTDIR)$(UNITDIR)/synx@.service

uninstall: ## Remove what install put there (and its directories, when empty)
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)rmdir $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/synx 2>/dev/null || true

deps: ## Install missing build and test packages (Debian 12, needs root)
	$(Q)scripts/deps.sh

check: ## Install what is missing, build, and run every test
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run.sh

test: all ## Run the test suite without the dependency step
	$(Q)tests/run.sh

demo: ## The self-contained veth lab demo (root)
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh

# The bench's peer, the kernel's own xdp_synproxy, is built at bench time
# from Debian's linux-source package (bench/peer_build.sh).  A failed peer
# build writes its reason to $(PEER_DIR)/status and skips that scenario:
# it never stops the bench.
PEER_DIR := $(BUILD)/bench/peer

bench-deps: ## Install the packages the benchmarks need (root)
	$(Q)bench/deps.sh || echo "bench: some packages could not be installed;" \
		"what needs them is skipped (the peer) or stops bench/run.sh" >&2

bench-peer: bench-deps ## Build the bench's peer, the kernel's xdp_synproxy, into build/bench/peer/
	$(Q)CLANG=$(CLANG) BPFTOOL=$(BPFTOOL) bench/peer_build.sh $(PEER_DIR)

bench: all bench-tools bench-peer ## Benchmarks beside the kernel's xdp_synproxy, the kernel and nftables SYNPROXY (~20 min, root)
	$(Q)bench/run.sh

bench-quick: all bench-tools bench-peer ## Short smoke version: synx, the peer and the bounds in closed mode (~3 min)
	$(Q)bench/run.sh --quick

FUZZ_COUNT ?= 1000000
FUZZ_SEED  ?= 0
fuzz: all ## Differential fuzzing against the reference model (FUZZ_COUNT, FUZZ_SEED)
	$(Q)tests/fuzz/fuzz --count $(FUZZ_COUNT) --seed $(FUZZ_SEED)

clean: ## Remove build/
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

help: ## Show this help
	@echo 'synx make targets (V=1 for verbose commands):'
	@grep -hE '^[a-z-]+:.*## ' Makefile | \
		awk -F':.*## ' '{ printf "  %-12s %s\n", $$1, $$2 }'

-include $(wildcard $(BUILD)/*.d $(BUILD)/user/*.d $(BUILD)/tests/*.d \
	$(BUILD)/tests/lab/*.d $(BUILD)/bench/*.d $(BUILD)/bench/obj/*.d)
