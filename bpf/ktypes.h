/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The kernel-internal types synx reads, reduced to the fields it reads.
 *
 * Every access through these definitions is a CO-RE relocation
 * (preserve_access_index): libbpf, and iproute2 through libbpf, rewrites
 * each offset for the running kernel from its BTF when the object is
 * loaded, so the program never depends on the layout of the kernel it was
 * built on.  Only names matter: a field that a kernel does not have is
 * tested with bpf_core_field_exists() before use (kstate.h), and the
 * program then falls back to what it did without live state.
 *
 * Why these and not vmlinux.h: the datapath parses packets with the UAPI
 * headers (linux/ip.h, linux/tcp.h, ...), which vmlinux.h redefines; a
 * generated vmlinux.h would also tie the build to the build host's kernel
 * and hide, in 100k lines, which internal state synx relies on.  This file
 * is that list.
 */
#ifndef SYNX_BPF_KTYPES_H
#define SYNX_BPF_KTYPES_H

#include <linux/types.h>
#include <linux/in6.h>

#define __ktype __attribute__((preserve_access_index))

struct hlist_node {
	struct hlist_node *next;
} __ktype;

struct hlist_head {
	struct hlist_node *first;
} __ktype;

struct list_head {
	struct list_head *next;
} __ktype;

/* include/net/netns/ipv4.h: the TCP sysctls of a namespace, and its address table. */
struct netns_ipv4 {
	__u8 sysctl_tcp_syncookies;
	__u8 sysctl_tcp_timestamps;
	__u8 sysctl_tcp_window_scaling;
	__u8 sysctl_tcp_sack;
	__u8 sysctl_tcp_ecn;
	__u8 sysctl_ip_default_ttl;
	int sysctl_tcp_rmem[3];
	int sysctl_tcp_adv_win_scale; /* before tcp_sock.scaling_ratio (Linux 6.6) */
	int ip_rt_min_advmss;
	__u8 sysctl_tcp_workaround_signed_windows;
	struct hlist_head *inet_addr_lst; /* per namespace since Linux 6.13 */
} __ktype;

struct netns_sysctl_ipv6 {
	int ip6_rt_min_advmss;
} __ktype;

struct ipv6_devconf;

struct netns_ipv6 {
	struct netns_sysctl_ipv6 sysctl;
	struct hlist_head *inet6_addr_lst;
	struct ipv6_devconf *devconf_all;
} __ktype;

struct net {
	__u32 hash_mix;
	struct net_device *loopback_dev;
	struct netns_ipv4 ipv4;
	struct netns_ipv6 ipv6;
} __ktype;

typedef struct {
	struct net *net;
} possible_net_t;

struct ipv4_devconf {
	int data[33];
} __ktype;

struct in_ifaddr {
	struct hlist_node addr_lst;
	struct in_ifaddr *ifa_next;
	struct in_device *ifa_dev;
	__be32 ifa_local;
	unsigned char ifa_scope;
} __ktype;

struct in_device {
	struct net_device *dev;
	struct in_ifaddr *ifa_list;
	struct ipv4_devconf cnf;
} __ktype;

struct ipv6_devconf {
	__s32 hop_limit;
	__s32 forwarding;
	__s32 force_forwarding; /* Linux 6.17+ */
} __ktype;

struct inet6_dev {
	struct net_device *dev;
	struct list_head addr_list;
	struct ipv6_devconf cnf;
} __ktype;

struct inet6_ifaddr {
	struct in6_addr addr;
	__u32 flags;
	__u16 scope;
	struct inet6_dev *idev;
	struct list_head if_list;
	struct hlist_node addr_lst;
} __ktype;

struct net_device {
	unsigned int mtu;
	unsigned short type;
	unsigned char addr_len;
	const unsigned char *dev_addr;
	struct in_device *ip_ptr;
	struct inet6_dev *ip6_ptr;
	possible_net_t nd_net;
} __ktype;

struct xdp_rxq_info {
	struct net_device *dev;
} __ktype;

struct xdp_buff {
	struct xdp_rxq_info *rxq;
} __ktype;

struct sock_common {
	possible_net_t skc_net;
} __ktype;

struct sock {
	struct sock_common __sk_common;
	__u8 sk_userlocks; /* a 4-bit field before Linux 5.x: read with BPF_CORE_READ_BITFIELD */
	int sk_rcvbuf;
	__u32 sk_ack_backlog;
	__u32 sk_max_ack_backlog;
} __ktype;

struct ipv6_pinfo {
	__s16 hop_limit;
} __ktype;

struct inet_sock {
	struct sock sk;
	struct ipv6_pinfo *pinet6;
	__s16 uc_ttl;
} __ktype;

typedef struct {
	int counter;
} atomic_t;

struct request_sock_queue {
	atomic_t qlen;
} __ktype;

struct inet_connection_sock {
	struct inet_sock icsk_inet;
	struct request_sock_queue icsk_accept_queue;
} __ktype;

struct tcp_options_received {
	__u16 user_mss;
} __ktype;

struct tcp_sock {
	struct inet_connection_sock inet_conn;
	__u8 scaling_ratio; /* Linux 6.6+ */
	__u32 window_clamp;
	struct tcp_options_received rx_opt;
	__u8 is_mptcp; /* bool; absent without CONFIG_MPTCP */
} __ktype;

/* include/net/netfilter/nf_conntrack.h: what gateway mode reads of a conntrack entry. */
struct nf_conn {
	unsigned long status; /* IPS_* (linux/netfilter/nf_conntrack_common.h) */
} __ktype;

#endif /* SYNX_BPF_KTYPES_H */
