// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Protected ports that the nftables input chain blocks.  See firewall.h.
 *
 * libnftables gives the ruleset as `nft -j list ruleset` prints it
 * (libnftables-json(5)); jansson walks it.  A chain is followed rule by
 * rule, for a new TCP SYN to each protected port: the first rule that
 * decides a port decides it, a policy drop takes what no rule took.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <nftables/libnftables.h>
#include "firewall.h"
#include "ports.h"

struct synx_fw {
	json_t *root;
	json_t *items; /* the "nftables" array: tables, sets, chains, rules, in order */
};

struct synx_fw *synx_fw_read(void)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	struct synx_fw *fw = NULL;
	json_t *root = NULL;

	if (!nft)
		return NULL;
	/* Numbers for ports (no service names); errors stay in a buffer, never on stderr. */
	nft_ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON);
	if (nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft) ||
	    nft_run_cmd_from_buffer(nft, "list ruleset"))
		goto out;
	root = json_loads(nft_ctx_get_output_buffer(nft), 0, NULL);
	if (!root || !json_is_array(json_object_get(root, "nftables")))
		goto out;
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		goto out;
	fw->root = root;
	fw->items = json_object_get(root, "nftables");
	root = NULL;
out:
	json_decref(root);
	nft_ctx_free(nft);
	return fw;
}

void synx_fw_free(struct synx_fw *fw)
{
	if (!fw)
		return;
	json_decref(fw->root);
	free(fw);
}

/* ------------------------------------------------------------ port sets */

static void ports_fill(struct synx_ports *p)
{
	memset(p, 0xff, sizeof(*p));
	p->bits[0] &= ~1ULL; /* port 0 is no destination */
}

static bool ports_any(const struct synx_ports *p)
{
	for (unsigned int i = 0; i < SYNX_PORT_WORDS; i++)
		if (p->bits[i])
			return true;
	return false;
}

/* @a &= @b, or with @invert @a &= ~@b. */
static void ports_and(struct synx_ports *a, const struct synx_ports *b, bool invert)
{
	for (unsigned int i = 0; i < SYNX_PORT_WORDS; i++)
		a->bits[i] &= invert ? ~b->bits[i] : b->bits[i];
}

/* ------------------------------------------------------------ the ruleset */

static const char *str_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static bool is(const json_t *obj, const char *key, const char *want)
{
	const char *s = str_of(obj, key);

	return s && !strcmp(s, want);
}

/* The object @type ("set", "chain", ...) of one item of the list, or NULL. */
static json_t *item_of(json_t *item, const char *type)
{
	return json_object_get(item, type);
}

/* An element of a port set: 80, {"range": [8000, 8010]}, {"elem": {"val": 80, ...}}. */
static bool add_port_elem(json_t *e, struct synx_ports *out)
{
	json_t *r = json_object_get(e, "range");

	if (json_object_get(e, "elem"))
		return add_port_elem(json_object_get(json_object_get(e, "elem"), "val"), out);
	if (json_is_integer(e) && json_integer_value(e) >= 0 && json_integer_value(e) <= 65535) {
		if (json_integer_value(e))
			synx_ports_add_range(out, json_integer_value(e), json_integer_value(e));
		return true;
	}
	if (json_is_array(r) && json_array_size(r) == 2 && json_is_integer(json_array_get(r, 0)) &&
	    json_is_integer(json_array_get(r, 1))) {
		json_int_t lo = json_integer_value(json_array_get(r, 0));
		json_int_t hi = json_integer_value(json_array_get(r, 1));

		if (lo < 0 || hi > 65535 || lo > hi)
			return false;
		synx_ports_add_range(out, lo ? lo : 1, hi);
		return true;
	}
	return false;
}

static bool add_port_list(json_t *list, struct synx_ports *out)
{
	if (!json_is_array(list))
		return false;
	for (size_t i = 0; i < json_array_size(list); i++)
		if (!add_port_elem(json_array_get(list, i), out))
			return false;
	return true;
}

/* The named set @name of table @family @table: its element list (NULL: empty). */
static bool named_set(const struct synx_fw *fw, const json_t *rule, const char *name,
		      json_t **elems)
{
	size_t i;
	json_t *item, *s;

	for (i = 0; (item = json_array_get(fw->items, i)); i++) {
		s = item_of(item, "set");
		if (s && is(s, "name", name) && is(s, "family", str_of(rule, "family")) &&
		    is(s, "table", str_of(rule, "table"))) {
			*elems = json_object_get(s, "elem");
			return true;
		}
	}
	return false;
}

/*
 * The right-hand side of a tcp dport match as a port set: a port, a range,
 * an anonymous set of ports and ranges, or a named set.  False when it is
 * anything else.
 */
static bool port_value(const struct synx_fw *fw, const json_t *rule, json_t *v,
		       struct synx_ports *out)
{
	const char *s = json_string_value(v);
	json_t *elems;

	memset(out, 0, sizeof(*out));
	if (s && s[0] == '@') {
		if (!named_set(fw, rule, s + 1, &elems))
			return false;
		return !elems || add_port_list(elems, out);
	}
	if (json_object_get(v, "set"))
		return add_port_list(json_object_get(v, "set"), out);
	if (json_is_array(v))
		return add_port_list(v, out);
	return add_port_elem(v, out);
}

/*
 * Does value @v (a string, a number, a list or an anonymous set of them)
 * hold @name or @num (-1: names only)?  1 yes, 0 no, -1 when it cannot
 * tell (a wildcard name, anything that is not a plain value).
 */
static int value_has(json_t *v, const char *name, json_int_t num)
{
	json_t *list = json_is_array(v) ? v : json_object_get(v, "set");
	size_t i;
	json_t *e;
	int found = 0;

	if (json_is_string(v)) {
		if (strchr(json_string_value(v), '*'))
			return -1;
		return name && !strcmp(json_string_value(v), name);
	}
	/* A number where a name is expected (an interface gone): cannot tell. */
	if (json_is_integer(v))
		return num < 0 ? -1 : json_integer_value(v) == num;
	if (!json_is_array(list))
		return -1;
	for (i = 0; (e = json_array_get(list, i)); i++) {
		int r = value_has(e, name, num);

		if (r < 0)
			return -1;
		found |= r;
	}
	return found;
}

/* What one match says about a new TCP SYN arriving on the interface. */
enum fw_match {
	FW_M_PASSES,    /* the SYN matches it (tcp, ct state new, this interface) */
	FW_M_NEVER,     /* the SYN never matches it: the rule does not apply */
	FW_M_DPORT,     /* a tcp dport match: the ports are in the rule's set */
	FW_M_DPORT_BAD, /* a tcp dport match of a form not understood */
	FW_M_UNKNOWN,   /* anything else: the rule is conditional */
};

/* Header fields of these protocols imply them: a TCP SYN never matches. */
static const char *const other_l4[] = { "udp",    "udplite", "sctp", "dccp", "icmp",
					"icmpv6", "igmp",    "esp",  "ah" };

static enum fw_match match_kind(const struct synx_fw *fw, const json_t *rule, json_t *m,
				const char *ifname, struct synx_ports *ports)
{
	json_t *left = json_object_get(m, "left"), *right = json_object_get(m, "right");
	json_t *payload = json_object_get(left, "payload"), *meta = json_object_get(left, "meta");
	json_t *ct = json_object_get(left, "ct");
	const char *op = str_of(m, "op");
	bool neg = op && !strcmp(op, "!=");
	int has;

	if (!op || (strcmp(op, "==") && strcmp(op, "in") && !neg))
		return FW_M_UNKNOWN;
	if (payload && is(payload, "field", "dport") &&
	    (is(payload, "protocol", "tcp") || is(payload, "protocol", "th"))) {
		struct synx_ports all;

		if (!port_value(fw, rule, right, ports))
			return FW_M_DPORT_BAD;
		if (neg) {
			ports_fill(&all);
			ports_and(&all, ports, true);
			*ports = all;
		}
		return FW_M_DPORT;
	}
	for (unsigned int i = 0; payload && i < sizeof(other_l4) / sizeof(other_l4[0]); i++)
		if (is(payload, "protocol", other_l4[i]))
			return FW_M_NEVER;
	if ((meta && is(meta, "key", "l4proto")) ||
	    (payload && is(payload, "protocol", "ip") && is(payload, "field", "protocol")) ||
	    (payload && is(payload, "protocol", "ip6") && is(payload, "field", "nexthdr")))
		has = value_has(right, "tcp", 6);
	else if (ct && is(ct, "key", "state") && json_object_size(ct) == 1)
		has = value_has(right, "new", -1);
	else if (meta && (is(meta, "key", "iifname") || is(meta, "key", "iif")))
		has = value_has(right, ifname, -1);
	else
		return FW_M_UNKNOWN;
	if (has < 0)
		return FW_M_UNKNOWN;
	return has != neg ? FW_M_PASSES : FW_M_NEVER;
}

enum fw_verdict {
	FW_V_NONE, /* no verdict: the next rule decides */
	FW_V_ACCEPT,
	FW_V_DROP,
	FW_V_REJECT,
	FW_V_OTHER, /* jump, goto, return, queue, ...: decided elsewhere */
};

/* Statements that neither decide nor restrict: the packet goes on as before. */
static const char *const passive[] = { "counter", "log", "mangle", "notrack", "set" };
/* Statements that restrict the rule, as a match would. */
static const char *const limiting[] = { "limit", "quota" };

static bool has_key(json_t *e, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (json_object_get(e, keys[i]))
			return true;
	return false;
}

#define HAS_KEY(e, keys) has_key(e, keys, sizeof(keys) / sizeof(keys[0]))

static enum fw_verdict verdict_of(json_t *e)
{
	if (json_object_get(e, "accept"))
		return FW_V_ACCEPT;
	if (json_object_get(e, "drop"))
		return FW_V_DROP;
	if (json_object_get(e, "reject"))
		return FW_V_REJECT;
	/* jump, goto, return, queue, synproxy, anything else: decided elsewhere, or unknown */
	return FW_V_OTHER;
}

/* What a rule does to a new TCP SYN. */
struct fw_rule {
	bool never;       /* cannot match such a SYN */
	bool conditional; /* has a condition not understood */
	bool by_dport;    /* matches tcp dport */
	struct synx_ports ports;
	enum fw_verdict verdict;
	json_t *vmap; /* "tcp dport vmap { PORTS : VERDICT, ... }" instead of a verdict */
};

/* A verdict map keyed by ct state: a SYN is new, so it applies only with a "new" entry. */
static bool ct_vmap_without_new(json_t *vmap)
{
	json_t *key = json_object_get(json_object_get(vmap, "key"), "ct");
	json_t *set = json_object_get(json_object_get(vmap, "data"), "set");

	if (!key || !is(key, "key", "state") || json_object_size(key) != 1 || !json_is_array(set))
		return false;
	for (size_t i = 0; i < json_array_size(set); i++)
		if (value_has(json_array_get(json_array_get(set, i), 0), "new", -1) != 0)
			return false;
	return true;
}

static bool dport_vmap(json_t *vmap)
{
	json_t *p = json_object_get(json_object_get(vmap, "key"), "payload");

	return p && is(p, "field", "dport") &&
	       (is(p, "protocol", "tcp") || is(p, "protocol", "th"));
}

static void rule_read(const struct synx_fw *fw, json_t *rule, const char *ifname, struct fw_rule *r)
{
	json_t *exprs = json_object_get(rule, "expr"), *e, *m, *vmap;
	struct synx_ports p;
	size_t i;

	memset(r, 0, sizeof(*r));
	ports_fill(&r->ports);
	for (i = 0; (e = json_array_get(exprs, i)); i++) {
		m = json_object_get(e, "match");
		vmap = json_object_get(e, "vmap");
		if (m) {
			switch (match_kind(fw, rule, m, ifname, &p)) {
			case FW_M_PASSES:
				break;
			case FW_M_NEVER:
				r->never = true;
				break;
			case FW_M_DPORT:
				r->by_dport = true;
				ports_and(&r->ports, &p, false);
				break;
			case FW_M_DPORT_BAD: /* any port, for all we know */
				r->by_dport = true;
				r->conditional = true;
				break;
			default:
				r->conditional = true;
				break;
			}
		} else if (vmap && ct_vmap_without_new(vmap)) {
			r->never = true;
		} else if (vmap && dport_vmap(vmap)) {
			r->vmap = vmap;
			r->by_dport = true;
		} else if (HAS_KEY(e, passive)) {
			continue;
		} else if (HAS_KEY(e, limiting)) {
			r->conditional = true;
		} else {
			r->verdict = verdict_of(e);
			if (r->verdict == FW_V_OTHER)
				r->conditional = true;
		}
	}
	if (r->vmap && r->verdict == FW_V_NONE)
		r->verdict = FW_V_OTHER; /* resolved entry by entry */
}

/* One input chain followed for the protected ports still open in @open. */
struct fw_chain {
	const struct synx_fw *fw;
	json_t *chain;
	const char *ifname;
	struct synx_ports open; /* protected, not decided by any rule yet */
	char (*out)[SYNX_WARN_LEN];
	int n, max;
};

/* "IFACE: nftables FAMILY TABLE CHAIN: WHAT TCP port(s) LIST, which synx protects...". */
static void chain_warn(struct fw_chain *c, const struct synx_ports *hit, const char *what,
		       bool policy)
{
	char list[256];
	bool many;

	if (c->n >= c->max)
		return;
	synx_ports_format(hit, false, list, sizeof(list));
	many = strchr(list, ',') || strchr(list, '-');
	snprintf(
		c->out[c->n++], SYNX_WARN_LEN,
		"%s: nftables %s %s %s: %s TCP %s %s%s%s%s, which synx protects: synx answers SYNs to a listener there before the firewall sees them, so scanners see %s open; take %s out of --ports, or accept %s",
		c->ifname, str_of(c->chain, "family"), str_of(c->chain, "table"),
		str_of(c->chain, "name"), what, many ? "ports" : "port", list,
		policy ? " (no rule accepts " : "", policy ? (many ? "them" : "it") : "",
		policy ? " by tcp dport)" : "", many ? "them" : "it", many ? "them" : "it",
		many ? "them" : "it");
}

/* Ports @p meet verdict @v in rule @rule: take them out of the open set, warn if blocked. */
static void chain_apply(struct fw_chain *c, json_t *rule, const struct fw_rule *r,
			const struct synx_ports *p, enum fw_verdict v)
{
	struct synx_ports hit = c->open;
	char what[96];

	switch (v) {
	case FW_V_NONE:
		return;
	case FW_V_ACCEPT:
		/* Only an accept by tcp dport, or one without conditions, counts. */
		if (r->conditional && !r->by_dport)
			return;
		break;
	case FW_V_DROP:
	case FW_V_REJECT:
		/* A block under a condition not understood is not a certain block. */
		if (r->conditional)
			return;
		ports_and(&hit, p, false);
		if (ports_any(&hit)) {
			snprintf(what, sizeof(what), "rule handle %lld %s",
				 (long long)json_integer_value(json_object_get(rule, "handle")),
				 v == FW_V_DROP ? "drops" : "rejects");
			chain_warn(c, &hit, what, false);
		}
		break;
	default: /* decided elsewhere: say nothing about these ports */
		break;
	}
	ports_and(&c->open, p, true);
}

static void chain_rule(struct fw_chain *c, json_t *rule)
{
	struct fw_rule *r = malloc(sizeof(*r));
	struct synx_ports p;
	size_t i;
	json_t *entries, *e;

	if (!r)
		return;
	rule_read(c->fw, rule, c->ifname, r);
	if (r->never) {
		free(r);
		return;
	}
	if (!r->vmap) {
		chain_apply(c, rule, r, &r->ports, r->verdict);
		free(r);
		return;
	}
	/* tcp dport vmap: each entry a rule of its own ports and verdict. */
	entries = json_object_get(json_object_get(r->vmap, "data"), "set");
	for (i = 0; (e = json_array_get(entries, i)); i++) {
		if (!port_value(c->fw, rule, json_array_get(e, 0), &p)) {
			ports_fill(&p);
			chain_apply(c, rule, r, &p, FW_V_OTHER);
			continue;
		}
		ports_and(&p, &r->ports, false);
		chain_apply(c, rule, r, &p, verdict_of(json_array_get(e, 1)));
	}
	free(r);
}

static bool family_inet(const json_t *chain)
{
	return is(chain, "family", "ip") || is(chain, "family", "ip6") ||
	       is(chain, "family", "inet");
}

int synx_fw_warnings(const struct synx_fw *fw, const char *ifname, const struct synx_ports *ports,
		     bool all, char out[][SYNX_WARN_LEN], int max)
{
	struct fw_chain *c = fw ? calloc(1, sizeof(*c)) : NULL;
	size_t i, j;
	json_t *item, *other, *chain, *rule;
	int n = 0;

	if (!c)
		return 0;
	for (i = 0; (item = json_array_get(fw->items, i)); i++) {
		chain = item_of(item, "chain");
		if (!chain || !is(chain, "hook", "input") || !family_inet(chain))
			continue;
		c->fw = fw;
		c->chain = chain;
		c->ifname = ifname;
		c->out = out + n;
		c->n = 0;
		c->max = max - n;
		if (all)
			ports_fill(&c->open);
		else
			c->open = *ports;
		/* Its rules, in order: the same family, table and chain name. */
		for (j = 0; (other = json_array_get(fw->items, j)); j++) {
			rule = item_of(other, "rule");
			if (rule && is(rule, "family", str_of(chain, "family")) &&
			    is(rule, "table", str_of(chain, "table")) &&
			    is(rule, "chain", str_of(chain, "name")))
				chain_rule(c, rule);
		}
		if (is(chain, "policy", "drop") && ports_any(&c->open))
			chain_warn(c, &c->open, "policy drop blocks", true);
		n += c->n;
	}
	free(c);
	return n;
}
