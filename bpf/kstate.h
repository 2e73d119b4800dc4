/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The kernel's live state, read at packet time through BTF (ktypes.h).
 *
 * synx answers in the kernel's place, so it must decide as the kernel
 * would at that moment, not as a loader saw things at attach time:
 *
 *  - the ingress device: is the frame addressed to its MAC (the kernel's
 *    PACKET_HOST, eth_type_trans()), does it forward, what is its MTU;
 *  - the namespace: is the destination one of its addresses (the weak host
 *    model of inet_lookup_ifaddr_rcu() / ipv6_chk_addr(): any address of
 *    any interface, a VIP on lo included), and its TCP sysctls;
 *  - the listener: its SYN and accept queues (tcp_conn_request()), its
 *    receive buffer, window clamp and TCP_MAXSEG (cookie_v4_check(),
 *    tcp_select_initial_window()).
 *
 * Each group of fields is tested with bpf_core_field_exists(), every field
 * it reads (the KSTATE_* lists): on a kernel without one, the caller falls
 * back to what synx did without live state (kstate_feat() says which,
 * synx_state records it for `synx status`).
 * The two kfuncs are weak and tested by address: a load of a kfunc's
 * address is accepted by the verifier from Linux 6.4, the object's
 * minimum kernel.
 */
#ifndef SYNX_BPF_KSTATE_H
#define SYNX_BPF_KSTATE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "synx_config.h"
#include "ktypes.h"

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* What the program learned of the kernel: pinned by no one, read by `synx status`. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct synx_state);
} synx_state SEC(".maps");

static __always_inline struct synx_state *kstate(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&synx_state, &key);
}

/*
 * Every kernel field the program reads, by the group whose bit guards it
 * (X(struct, member)): a group is used only if all of its fields exist,
 * so that a kernel without one of them loads the object with that group
 * off instead of refusing it (a CO-RE relocation of a missing field
 * poisons its instruction, and the verifier rejects a reachable one).  A
 * field may serve several groups.  tests/unit/test_degrade lists every
 * field the object relocates (bpftool gen min_core_btf) and fails if one
 * is in no list; it takes one field of each group away and checks that
 * the object loads and falls back.
 */
#define KSTATE_DEVICE(X)            \
	X(xdp_buff, rxq)            \
	X(xdp_rxq_info, dev)        \
	X(net_device, addr_len)     \
	X(net_device, dev_addr)     \
	X(net_device, nd_net)       \
	X(net_device, mtu)          \
	X(net_device, ip_ptr)       \
	X(net_device, ip6_ptr)      \
	X(net, loopback_dev)        \
	X(in_device, ifa_list)      \
	X(in_device, cnf)           \
	X(ipv4_devconf, data)       \
	X(in_ifaddr, ifa_local)     \
	X(in_ifaddr, ifa_next)      \
	X(inet6_dev, dev)           \
	X(inet6_dev, addr_list)     \
	X(inet6_dev, cnf)           \
	X(ipv6_devconf, forwarding) \
	X(ipv6_devconf, hop_limit)  \
	X(net, ipv6)                \
	X(netns_ipv6, devconf_all)  \
	X(inet6_ifaddr, addr)       \
	X(inet6_ifaddr, flags)      \
	X(inet6_ifaddr, scope)      \
	X(inet6_ifaddr, idev)       \
	X(inet6_ifaddr, if_list)    \
	X(list_head, next)

#define KSTATE_SYSCTL(X)                         \
	X(net, ipv4)                             \
	X(netns_ipv4, sysctl_tcp_syncookies)     \
	X(netns_ipv4, sysctl_tcp_timestamps)     \
	X(netns_ipv4, sysctl_tcp_window_scaling) \
	X(netns_ipv4, sysctl_tcp_sack)           \
	X(netns_ipv4, sysctl_tcp_ecn)            \
	X(netns_ipv4, sysctl_tcp_rmem)

/* Plus tcp_sock.scaling_ratio or, before Linux 6.6, tcp_adv_win_scale. */
#define KSTATE_LISTENER(X)                         \
	X(sock, __sk_common)                       \
	X(sock_common, skc_net)                    \
	X(sock, sk_userlocks)                      \
	X(sock, sk_rcvbuf)                         \
	X(sock, sk_ack_backlog)                    \
	X(sock, sk_max_ack_backlog)                \
	X(inet_sock, sk)                           \
	X(inet_sock, pinet6)                       \
	X(inet_sock, uc_ttl)                       \
	X(ipv6_pinfo, hop_limit)                   \
	X(inet_connection_sock, icsk_inet)         \
	X(inet_connection_sock, icsk_accept_queue) \
	X(request_sock_queue, qlen)                \
	X(tcp_sock, inet_conn)                     \
	X(tcp_sock, window_clamp)                  \
	X(tcp_sock, rx_opt)                        \
	X(tcp_options_received, user_mss)

#define KSTATE_ADDR4(X)              \
	X(net, ipv4)                 \
	X(net, hash_mix)             \
	X(netns_ipv4, inet_addr_lst) \
	X(in_ifaddr, addr_lst)       \
	X(in_ifaddr, ifa_local)      \
	X(hlist_head, first)         \
	X(hlist_node, next)

#define KSTATE_ADDR6(X)               \
	X(net, ipv6)                  \
	X(net, hash_mix)              \
	X(netns_ipv6, inet6_addr_lst) \
	X(inet6_ifaddr, addr_lst)     \
	X(inet6_ifaddr, addr)         \
	X(inet6_ifaddr, flags)        \
	X(inet6_ifaddr, scope)        \
	X(inet6_ifaddr, idev)         \
	X(inet6_dev, dev)             \
	X(hlist_head, first)          \
	X(hlist_node, next)

/* Read only where their own existence is tested, each with a fallback. */
#define KSTATE_OPTIONAL(X)                                  \
	X(tcp_sock, scaling_ratio)                          \
	X(tcp_sock, is_mptcp)                               \
	X(netns_ipv4, sysctl_tcp_adv_win_scale)             \
	X(netns_ipv4, sysctl_tcp_workaround_signed_windows) \
	X(netns_ipv4, sysctl_ip_default_ttl)                \
	X(netns_ipv4, ip_rt_min_advmss)                     \
	X(netns_ipv6, sysctl)                               \
	X(netns_sysctl_ipv6, ip6_rt_min_advmss)             \
	X(ipv6_devconf, force_forwarding)                   \
	X(nf_conn, status)

#define KSTATE_HAS(s, f) &&bpf_core_field_exists(struct s, f)

/*
 * The groups of kernel state this kernel lets the program read: a
 * constant once libbpf has relocated the object.
 */
static __always_inline __u32 kstate_feat(void)
{
	__u32 f = 0;

	if (!bpf_cast_to_kern_ctx || !bpf_rdonly_cast)
		return 0;
	if (1 KSTATE_DEVICE(KSTATE_HAS))
		f |= SYNX_K_DEVICE;
	if (1 KSTATE_SYSCTL(KSTATE_HAS))
		f |= SYNX_K_SYSCTL;
	if ((1 KSTATE_LISTENER(KSTATE_HAS)) &&
	    (bpf_core_field_exists(struct tcp_sock, scaling_ratio) ||
	     bpf_core_field_exists(struct netns_ipv4, sysctl_tcp_adv_win_scale)))
		f |= SYNX_K_LISTENER;
	if (1 KSTATE_ADDR4(KSTATE_HAS))
		f |= SYNX_K_ADDR4;
	if (1 KSTATE_ADDR6(KSTATE_HAS))
		f |= SYNX_K_ADDR6;
	return f;
}

/*
 * Record, once, what this kernel offers (a store only when it changed).
 * A global function: inlined, its branches would split every verifier
 * state of the SYN path that follows it.
 */
__noinline int kstate_note_feat(__u32 feat)
{
	struct synx_state *st = kstate();

	if (st && st->kernel != (feat | SYNX_K_VALID))
		st->kernel = feat | SYNX_K_VALID;
	return 0;
}

/* ------------------------------------------------------------- device */

/* The device the frame arrived on, or NULL without BTF access. */
static __always_inline struct net_device *kdev_of(struct xdp_md *ctx, __u32 feat)
{
	struct xdp_buff *x;

	if (!(feat & SYNX_K_DEVICE))
		return NULL;
	x = bpf_cast_to_kern_ctx(ctx);
	return x->rxq->dev;
}

/*
 * Is the frame addressed to the device itself (the kernel's PACKET_HOST,
 * eth_type_trans())?  Broadcast, multicast and other hosts' frames are
 * never answered: a bridge, macvlan or a capture in promiscuous mode hands
 * them to us too.  A device without a 6-byte address is not Ethernet.
 */
static __always_inline int kdev_frame_is_host(const struct net_device *dev,
					      const struct ethhdr *eth)
{
	const struct ethhdr *own;

	if (dev->addr_len != ETH_ALEN)
		return 0;
	/* dev_addr is a plain byte pointer to BTF: view its 6 bytes as an address. */
	own = bpf_rdonly_cast(dev->dev_addr, bpf_core_type_id_kernel(struct ethhdr));
	return *(const __u32 *)own->h_dest == *(const __u32 *)eth->h_dest &&
	       *(const __u16 *)&own->h_dest[4] == *(const __u16 *)&eth->h_dest[4];
}

static __always_inline struct net *kdev_net(const struct net_device *dev)
{
	return dev->nd_net.net;
}

/*
 * Does the kernel forward what arrives on @dev?  IPv4 asks the ingress
 * device (net.ipv4.conf.DEV.forwarding, ip_route_input_slow()).  IPv6 asks
 * the namespace (net.ipv6.conf.all.forwarding) or, Linux 6.17+, the
 * device's force_forwarding (ip6_forward()): net.ipv6.conf.DEV.forwarding
 * alone makes the device act as a router towards its link, it forwards
 * nothing.
 */
static __always_inline int kdev_forwards(const struct net_device *dev, int ipv6)
{
	if (ipv6) {
		const struct ipv6_devconf *all = kdev_net(dev)->ipv6.devconf_all;
		const struct inet6_dev *idev = dev->ip6_ptr;

		if (all && all->forwarding)
			return 1;
		return idev && bpf_core_field_exists(struct ipv6_devconf, force_forwarding) &&
		       idev->cnf.force_forwarding;
	} else {
		const struct in_device *in_dev = dev->ip_ptr;

		/* IPV4_DEVCONF_FORWARDING is 1; data[] is indexed from 0. */
		return in_dev && in_dev->cnf.data[0];
	}
}

/* ------------------------------------------------------- local addresses */

/*
 * "Is this a local address of the namespace?" is the kernel's own
 * question, answered by its per-namespace address hash tables (Linux
 * 6.13+ for IPv4): inet_lookup_ifaddr_rcu() and ipv6_chk_addr().  The
 * bucket function is not in BTF and has changed between releases, so the
 * program learns which one this kernel uses (kaddr_learn()): until then
 * every known function is tried.  If none is this kernel's, or the table
 * does not exist, the direct walk of the ingress device and lo is all there
 * is, and addresses of other interfaces are not recognised (`synx status`
 * says so).  A function is only ever a way to find an entry: a hit is an
 * entry with exactly this address, so a wrong function can only miss,
 * never invent.
 */
#define KADDR_HASH_BITS 8  /* IN4_ADDR_HSIZE_SHIFT, IN6_ADDR_HSIZE_SHIFT */
#define KADDR_CHAIN_MAX 16 /* entries followed per bucket (256 buckets) */
#define KADDR_DEV_MAX 8    /* addresses walked per device in the direct walk */

#define GOLDEN_RATIO_32 0x61C88647U
#define JHASH_INITVAL 0xdeadbeefU

static __always_inline __u32 khash_32(__u32 v)
{
	return (v * GOLDEN_RATIO_32) >> (32 - KADDR_HASH_BITS);
}

static __always_inline __u32 rol32(__u32 w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

/* include/linux/jhash.h, laid out as there. */
/* clang-format off */
#define __jhash_mix(a, b, c)                                                                       \
	{                                                                                          \
		a -= c; a ^= rol32(c, 4); c += b;                                                  \
		b -= a; b ^= rol32(a, 6); a += c;                                                  \
		c -= b; c ^= rol32(b, 8); b += a;                                                  \
		a -= c; a ^= rol32(c, 16); c += b;                                                 \
		b -= a; b ^= rol32(a, 19); a += c;                                                 \
		c -= b; c ^= rol32(b, 4); b += a;                                                  \
	}

static __always_inline __u32 __jhash_final(__u32 a, __u32 b, __u32 c)
{
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c;
}
/* clang-format on */

static __always_inline __u32 kaddr4_bucket(__u8 fn, __be32 addr, __u32 mix)
{
	__u32 a = (__u32)addr, iv;

	switch (fn) {
	case SYNX_ADDRH_XOR: /* hash_32(addr ^ net_hash_mix(net)) */
		return khash_32(a ^ mix);
	case SYNX_ADDRH_JHASH: /* hash_32(jhash_1word(addr, net_hash_mix(net))) */
		iv = JHASH_INITVAL + (1 << 2) + mix;
		return khash_32(__jhash_final(a + iv, iv, iv));
	default: /* SYNX_ADDRH_PLAIN: hash_32(addr) */
		return khash_32(a);
	}
}

static __always_inline __u32 kaddr6_bucket(__u8 fn, const __u32 *a, __u32 mix)
{
	__u32 x, y, z;

	switch (fn) {
	case SYNX_ADDRH_JHASH: /* hash_32(jhash2(addr, 4, net_hash_mix(net))) */
		x = y = z = JHASH_INITVAL + (4 << 2) + mix;
		x += a[0];
		y += a[1];
		z += a[2];
		__jhash_mix(x, y, z);
		x += a[3];
		return khash_32(__jhash_final(x, y, z));
	case SYNX_ADDRH_XOR: /* hash_32(ipv6_addr_hash(addr) ^ net_hash_mix(net)) */
		return khash_32(a[0] ^ a[1] ^ a[2] ^ a[3] ^ mix);
	default:
		return khash_32(a[0] ^ a[1] ^ a[2] ^ a[3]);
	}
}

/*
 * IPv6 addresses that count: not tentative (unless optimistic, RFC 4429)
 * and DAD not failed; link- and host-scope ones only on the device they
 * belong to, as ipv6_chk_addr() with the ingress device.
 */
#define KIFA_F_OPTIMISTIC 0x04
#define KIFA_F_DADFAILED 0x08
#define KIFA_F_TENTATIVE 0x40
#define KIPV6_ADDR_LOOPBACK 0x0010U
#define KIPV6_ADDR_LINKLOCAL 0x0020U

static __always_inline int kifa6_usable(const struct inet6_ifaddr *ifp,
					const struct net_device *dev)
{
	__u32 flags = ifp->flags;

	if (flags & KIFA_F_DADFAILED)
		return 0;
	if ((flags & KIFA_F_TENTATIVE) && !(flags & KIFA_F_OPTIMISTIC))
		return 0;
	if (ifp->scope & (KIPV6_ADDR_LOOPBACK | KIPV6_ADDR_LINKLOCAL))
		return ifp->idev->dev == dev;
	return 1;
}

static __always_inline int in6_equal(const struct in6_addr *x, const __u32 *a)
{
	return x->in6_u.u6_addr32[0] == a[0] && x->in6_u.u6_addr32[1] == a[1] &&
	       x->in6_u.u6_addr32[2] == a[2] && x->in6_u.u6_addr32[3] == a[3];
}

/*
 * What a walk over address entries found: an entry with the address at all
 * (which proves a bucket function right), and one this frame may use
 * (every IPv4 entry is usable).  Like __ipv6_chk_addr_and_flags(), the walk
 * goes on past entries it may not use: one address can sit on several
 * devices (fe80::1 on every VLAN), or stay behind tentative or after a
 * failed DAD.
 */
#define KADDR_FOUND 1
#define KADDR_USABLE 2

/* Is @addr in bucket @b of the namespace's IPv4 table? */
static __always_inline int kaddr4_in_bucket(const struct net *net, __u32 b, __be32 addr)
{
	const struct hlist_head *head;
	const struct hlist_node *node;

	/* A variable index into a BTF array: re-typed so the load has a fixed offset. */
	head = bpf_rdonly_cast((void *)net->ipv4.inet_addr_lst + b * sizeof(struct hlist_head),
			       bpf_core_type_id_kernel(struct hlist_head));
	node = head->first;
	for (int i = 0; i < KADDR_CHAIN_MAX && node; i++) {
		const struct in_ifaddr *ifa =
			bpf_rdonly_cast((void *)node -
						bpf_core_field_offset(struct in_ifaddr, addr_lst),
					bpf_core_type_id_kernel(struct in_ifaddr));

		if (ifa->ifa_local == addr)
			return KADDR_FOUND | KADDR_USABLE;
		node = ifa->addr_lst.next;
	}
	return 0;
}

static __always_inline int kaddr6_in_bucket(const struct net *net, const struct net_device *dev,
					    __u32 b, const __u32 *a)
{
	const struct hlist_head *head;
	const struct hlist_node *node;
	int found = 0;

	head = bpf_rdonly_cast((void *)net->ipv6.inet6_addr_lst + b * sizeof(struct hlist_head),
			       bpf_core_type_id_kernel(struct hlist_head));
	node = head->first;
	for (int i = 0; i < KADDR_CHAIN_MAX && node; i++) {
		const struct inet6_ifaddr *ifp =
			bpf_rdonly_cast((void *)node - bpf_core_field_offset(struct inet6_ifaddr,
									     addr_lst),
					bpf_core_type_id_kernel(struct inet6_ifaddr));

		if (in6_equal(&ifp->addr, a)) {
			found = KADDR_FOUND;
			if (kifa6_usable(ifp, dev))
				return KADDR_FOUND | KADDR_USABLE;
		}
		node = ifp->addr_lst.next;
	}
	return found;
}

/* The direct walk: @addr among the first addresses of @dev. */
static __always_inline int kdev_has_addr4(const struct net_device *dev, __be32 addr)
{
	const struct in_device *in_dev = dev ? dev->ip_ptr : NULL;
	const struct in_ifaddr *ifa = in_dev ? in_dev->ifa_list : NULL;

	for (int i = 0; i < KADDR_DEV_MAX && ifa; i++) {
		if (ifa->ifa_local == addr)
			return KADDR_FOUND | KADDR_USABLE;
		ifa = ifa->ifa_next;
	}
	return 0;
}

static __always_inline int kdev_has_addr6(const struct net_device *dev, const __u32 *a)
{
	const struct inet6_dev *idev = dev ? dev->ip6_ptr : NULL;
	const struct list_head *head, *pos;

	int found = 0;

	if (!idev)
		return 0;
	head = &idev->addr_list;
	pos = head->next;
	for (int i = 0; i < KADDR_DEV_MAX && pos && pos != head; i++) {
		const struct inet6_ifaddr *ifp =
			bpf_rdonly_cast((void *)pos -
						bpf_core_field_offset(struct inet6_ifaddr, if_list),
					bpf_core_type_id_kernel(struct inet6_ifaddr));

		if (in6_equal(&ifp->addr, a)) {
			found = KADDR_FOUND;
			if (kifa6_usable(ifp, dev))
				return KADDR_FOUND | KADDR_USABLE;
		}
		pos = ifp->if_list.next;
	}
	return found;
}

/*
 * The common case first, without a hash: the destination is the ingress
 * device's first address (IPv6 keeps a device's addresses sorted by scope,
 * so that is its first global one).  Inlined on the packet path: a few
 * loads, where the table lookup costs a function call and a hash.
 */
static __always_inline int kdev_first_addr4(const struct net_device *dev, __be32 addr)
{
	const struct in_device *in_dev = dev->ip_ptr;
	const struct in_ifaddr *ifa = in_dev ? in_dev->ifa_list : NULL;

	return ifa && ifa->ifa_local == addr;
}

static __always_inline int kdev_first_addr6(const struct net_device *dev, const __u32 *a)
{
	const struct inet6_dev *idev = dev->ip6_ptr;
	const struct list_head *pos = idev ? idev->addr_list.next : NULL;
	const struct inet6_ifaddr *ifp;

	if (!pos || pos == &idev->addr_list)
		return 0;
	ifp = bpf_rdonly_cast((void *)pos - bpf_core_field_offset(struct inet6_ifaddr, if_list),
			      bpf_core_type_id_kernel(struct inet6_ifaddr));
	return in6_equal(&ifp->addr, a) && kifa6_usable(ifp, dev);
}

/*
 * While the bucket function is not known yet: try each known function on
 * the address, and learn the one whose bucket holds it when exactly one
 * does (two functions can map one address to the same bucket, and then
 * this address cannot tell them apart).  When the direct walk of the
 * ingress device and lo finds the address while no function does, none of
 * them may be this kernel's: after KADDR_MISS_MAX such SYNs synx gives up
 * on the table (SYNX_ADDRH_NONE).  Not after one: an address is on the
 * device's list a moment before it is hashed (__inet_insert_ifa()) and
 * after it is unhashed (ipv6_del_addr()).
 */
#define KADDR_MISS_MAX 4

static __always_inline void kaddr_learn(struct synx_state *st, int fam, int plain, int mixed,
					int jhash, int direct)
{
	int hits = !!(plain & KADDR_FOUND) + !!(mixed & KADDR_FOUND) + !!(jhash & KADDR_FOUND);

	if (hits == 1)
		st->addr_hash[fam] = (plain & KADDR_FOUND)   ? SYNX_ADDRH_PLAIN
				     : (mixed & KADDR_FOUND) ? SYNX_ADDRH_XOR
							     : SYNX_ADDRH_JHASH;
	else if (!hits && (direct & KADDR_FOUND) && ++st->addr_miss[fam] >= KADDR_MISS_MAX)
		st->addr_hash[fam] = SYNX_ADDRH_NONE;
}

/* Is @addr an IPv4 address of @dev's namespace (weak host model)? */
static __always_inline int klocal4(const struct net_device *dev, __be32 addr, __u32 feat,
				   struct synx_state *st)
{
	const struct net *net = kdev_net(dev);
	__u8 fn = st ? st->addr_hash[0] : SYNX_ADDRH_NONE;
	int direct, plain, mixed, jhash;
	__u32 mix;

	if (!(feat & SYNX_K_ADDR4))
		fn = SYNX_ADDRH_NONE;
	if (fn != SYNX_ADDRH_UNKNOWN && fn != SYNX_ADDRH_NONE)
		return !!kaddr4_in_bucket(net, kaddr4_bucket(fn, addr, net->hash_mix), addr);
	direct = kdev_has_addr4(dev, addr) | kdev_has_addr4(net->loopback_dev, addr);
	if (fn == SYNX_ADDRH_NONE || !st)
		return !!direct;
	mix = net->hash_mix;
	plain = kaddr4_in_bucket(net, kaddr4_bucket(SYNX_ADDRH_PLAIN, addr, mix), addr);
	mixed = kaddr4_in_bucket(net, kaddr4_bucket(SYNX_ADDRH_XOR, addr, mix), addr);
	jhash = kaddr4_in_bucket(net, kaddr4_bucket(SYNX_ADDRH_JHASH, addr, mix), addr);
	kaddr_learn(st, 0, plain, mixed, jhash, direct);
	return !!(plain | mixed | jhash | direct);
}

static __always_inline int klocal6(const struct net_device *dev, const __u32 *a, __u32 feat,
				   struct synx_state *st)
{
	const struct net *net = kdev_net(dev);
	__u8 fn = st ? st->addr_hash[1] : SYNX_ADDRH_NONE;
	int direct, mixed, jhash;
	__u32 mix;

	if (!(feat & SYNX_K_ADDR6))
		fn = SYNX_ADDRH_NONE;
	if (fn != SYNX_ADDRH_UNKNOWN && fn != SYNX_ADDRH_NONE)
		return !!(kaddr6_in_bucket(net, dev, kaddr6_bucket(fn, a, net->hash_mix), a) &
			  KADDR_USABLE);
	direct = kdev_has_addr6(dev, a) | kdev_has_addr6(net->loopback_dev, a);
	if (fn == SYNX_ADDRH_NONE || !st)
		return !!(direct & KADDR_USABLE);
	mix = net->hash_mix;
	mixed = kaddr6_in_bucket(net, dev, kaddr6_bucket(SYNX_ADDRH_XOR, a, mix), a);
	jhash = kaddr6_in_bucket(net, dev, kaddr6_bucket(SYNX_ADDRH_JHASH, a, mix), a);
	kaddr_learn(st, 1, 0, mixed, jhash, direct);
	return !!((mixed | jhash | direct) & KADDR_USABLE);
}

/* ------------------------------------------------------------- listener */

/*
 * Would the kernel answer this SYN with a cookie now?  tcp_conn_request()
 * and tcp_get_syncookie_mss(): always with tcp_syncookies=2, with 1 only
 * once the SYN queue is full, never with 0; and never while the accept
 * queue is full, where the SYN is dropped whatever the setting.  The
 * queue-full comparison is ">" since Linux 6.13 (and the stable releases
 * that took the fix), ">=" before it: at exactly backlog entries an older
 * kernel would already use a cookie where synx lets the kernel decide,
 * which is safe; the other way round would not be.
 */
enum klsn_answer {
	KLSN_COOKIE = 0,  /* the kernel would send a cookie: answer */
	KLSN_KERNEL,      /* it would queue the SYN, or cookies are off */
	KLSN_ACCEPT_FULL, /* it would drop the SYN: the accept queue is full */
};

static __always_inline enum klsn_answer klsn_policy(const struct tcp_sock *tp,
						    const struct net *net)
{
	const struct sock *sk = &tp->inet_conn.icsk_inet.sk;
	__u8 syncookies = net->ipv4.sysctl_tcp_syncookies;
	__u32 max = sk->sk_max_ack_backlog;
	__u32 qlen = (__u32)tp->inet_conn.icsk_accept_queue.qlen.counter;

	if (sk->sk_ack_backlog > max)
		return KLSN_ACCEPT_FULL;
	if (!syncookies || (syncookies != 2 && qlen <= max))
		return KLSN_KERNEL;
	return KLSN_COOKIE;
}

#define KSOCK_RCVBUF_LOCK 2 /* SOCK_RCVBUF_LOCK */
#define KTCP_RMEM_TO_WIN_SCALE 8
#define KTCP_MAX_WSCALE 14
#define KU16_MAX 0xffffU

/*
 * tcp_select_initial_window()'s first steps, shared by the window and the
 * shift: the space under the clamp (0: none, which becomes the largest
 * scalable window), rounded down to whole segments of @mss.
 */
static __always_inline __u32 kwin_space(__u32 full, __u32 *clamp, __u32 mss)
{
	__u32 space = full;

	if (!*clamp)
		*clamp = KU16_MAX << KTCP_MAX_WSCALE;
	if (space > *clamp)
		space = *clamp;
	if (mss && space > mss)
		space -= space % mss;
	return space;
}

/*
 * tcp_select_initial_window()'s shift from its inputs, all in u32 as the
 * kernel computes it.  A global function on purpose: its chain of
 * comparisons, inlined, would multiply the states the verifier explores
 * on every path that reaches it.
 */
__noinline __u32 klsn_wscale_math(__u32 full, __u32 clamp, __u32 mss, __u32 rmem2, __u32 rmem_max)
{
	__u32 space = kwin_space(full, &clamp, mss), log = 0;

	if (space < rmem2)
		space = rmem2;
	if (space < rmem_max)
		space = rmem_max;
	if (space > clamp)
		space = clamp;
	/* ilog2(space) - 15, clamped to [0, TCP_MAX_WSCALE]; ilog2 without branches. */
	log = space;
	log |= log >> 1;
	log |= log >> 2;
	log |= log >> 4;
	log |= log >> 8;
	log |= log >> 16;
	log = log - ((log >> 1) & 0x55555555);
	log = (log & 0x33333333) + ((log >> 2) & 0x33333333);
	log = (((log + (log >> 4)) & 0x0f0f0f0f) * 0x01010101) >> 24;
	log = log ? log - 1 : 0; /* popcount of the smeared value, minus one */
	if (log < 15)
		return 0;
	return log - 15 > KTCP_MAX_WSCALE ? KTCP_MAX_WSCALE : log - 15;
}

/* tcp_full_space(): the listener's receive buffer as a window. */
static __always_inline __u32 klsn_full_space(const struct tcp_sock *tp, const struct net *net)
{
	__s64 space = tp->inet_conn.icsk_inet.sk.sk_rcvbuf;

	if (space < 0)
		return 0;
	if (bpf_core_field_exists(struct tcp_sock, scaling_ratio))
		return (space * tp->scaling_ratio) >> KTCP_RMEM_TO_WIN_SCALE;
	/* Before Linux 6.6: tcp_win_from_space() from tcp_adv_win_scale. */
	{
		int adv = net->ipv4.sysctl_tcp_adv_win_scale;

		if (adv <= 0)
			return space >> (-adv & 31);
		return space - (space >> (adv & 31));
	}
}

/*
 * The listener's window clamp as tcp_openreq_init_rwin() takes it: "limit
 * the window selection if the user enforce a smaller rx buffer".
 */
static __always_inline __u32 klsn_window_clamp(const struct tcp_sock *tp, __u32 full)
{
	const struct sock *sk = &tp->inet_conn.icsk_inet.sk;
	__u32 locks = BPF_CORE_READ_BITFIELD(sk, sk_userlocks), clamp = tp->window_clamp;

	if ((locks & KSOCK_RCVBUF_LOCK) && (clamp > full || !clamp))
		clamp = full;
	return clamp;
}

/*
 * The window shift the kernel gives a connection this listener accepts
 * through a cookie: cookie_v4_check() / cookie_v6_check() redo what the
 * SYN-ACK would have done, tcp_select_initial_window() with the listener's
 * window clamp (TCP_WINDOW_CLAMP), its receive buffer (a SO_RCVBUF lock
 * caps the clamp), tcp_rmem[2] and net.core.rmem_max, quantised by the
 * cookie's MSS @mss.  @rmem_max comes from the loader: it is a global in
 * neither BTF nor kallsyms.  A route's window metric (ip route ... window)
 * is not visible from here: a known limit.  An own-cookie connection
 * (bpf_sk_assign_tcp_reqsk()) keeps the shift synx announces, and gets the
 * same one, so that its window clamp and buffer agree with it.
 */
static __always_inline __u8 klsn_rcv_wscale(const struct tcp_sock *tp, const struct net *net,
					    __u32 mss, __u32 rmem_max)
{
	__u32 full = klsn_full_space(tp, net);
	int rmem2 = net->ipv4.sysctl_tcp_rmem[2];

	return klsn_wscale_math(full, klsn_window_clamp(tp, full), mss, rmem2 > 0 ? rmem2 : 0,
				rmem_max);
}

/*
 * The unscaled window of the listener's SYN-ACK, tcp_openreq_init_rwin()
 * and tcp_select_initial_window(): its buffer as a window, under its clamp
 * (a SO_RCVBUF lock caps that too), rounded down to whole segments of
 * @mss, at most 65535 (32767 with tcp_workaround_signed_windows).  The
 * kernel's own SYN-ACK carries min(that, 65535).  A route's initrwnd or
 * window metric is not visible from here: a known limit.  Global for the
 * same reason as klsn_wscale_math().
 */
__noinline __u32 klsn_window_math(__u32 full, __u32 clamp, __u32 mss, __u32 signed_only)
{
	__u32 space = kwin_space(full, &clamp, mss), max = signed_only ? 0x7fff : KU16_MAX;

	return space < max ? space : max;
}

static __always_inline __u16 klsn_synack_window(const struct tcp_sock *tp, const struct net *net,
						__u32 mss)
{
	__u32 full = klsn_full_space(tp, net), signed_only = 0;

	if (bpf_core_field_exists(struct netns_ipv4, sysctl_tcp_workaround_signed_windows))
		signed_only = net->ipv4.sysctl_tcp_workaround_signed_windows;
	return klsn_window_math(full, klsn_window_clamp(tp, full), mss, signed_only);
}

#endif /* SYNX_BPF_KSTATE_H */
