/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The firewall runs after XDP: a port that the host's nftables input chain
 * drops or rejects still gets synx's SYN-ACKs, so scanners see it open.
 * `synx status` reads the ruleset through libnftables (JSON) and warns
 * about protected ports that an input chain blocks for a new SYN.
 *
 * The analysis is small and says only what it is sure of: base chains with
 * hook input (families ip, ip6, inet), rules that match tcp dport (a port,
 * a range, a set, a named set, a verdict map) and end in drop or reject,
 * and policy drop for the ports no rule accepts by tcp dport.  Rules that
 * cannot match a new TCP SYN (other protocols, ct state without new,
 * another input interface) are left out; a rule with anything else it does
 * not understand never produces a warning, and a jump, goto or verdict it
 * cannot follow makes it say nothing about the ports that rule may take.
 */
#ifndef SYNX_FIREWALL_H
#define SYNX_FIREWALL_H

#include <stdbool.h>
#include "synx_config.h"
#include "warnings.h"

struct synx_fw;

/*
 * The ruleset of the current network namespace, or NULL when libnftables
 * cannot read it (no permission, no nf_tables): then nothing is said.
 */
struct synx_fw *synx_fw_read(void);
void synx_fw_free(struct synx_fw *fw);

/*
 * One warning per input-chain rule, or policy, that drops or rejects a new
 * SYN arriving on @ifname to a port of @ports (@all: every port).
 */
int synx_fw_warnings(const struct synx_fw *fw, const char *ifname, const struct synx_ports *ports,
		     bool all, char out[][SYNX_WARN_LEN], int max);

#endif
