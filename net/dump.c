// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -object filter-dump,id=ID,netdev=NETDEV,file=FILE[,maxlen=N]: every frame
 * the netdev sends or is sent, written to FILE in the classic libpcap
 * format (tcpdump -r, wireshark). Format: the libpcap file format as
 * documented by tcpdump.org's pcap-savefile(5): a 24-byte global header
 * (magic 0xa1b2c3d4, version 2.4, snaplen, link type 1 = Ethernet), then
 * per frame a 16-byte record header (seconds, microseconds, captured
 * length, original length) and the captured bytes.
 *
 * Not a general filter framework: only capture, only on netdevs.
 */
#include "kemu/common.h"
#include "net/net.h"
#include "system/timer.h"

#define PCAP_MAGIC		0xa1b2c3d4
#define PCAP_VERSION_MAJOR	2
#define PCAP_VERSION_MINOR	4
#define PCAP_LINKTYPE_ETHERNET	1

struct net_dump {
	FILE *file;
	char *path;
	uint32_t maxlen;
};

static bool net_dump_put32(FILE *f, uint32_t v)
{
	/* host order, as libpcap writes it: readers detect the order from the magic */
	return fwrite(&v, 4, 1, f) == 1;
}

static bool net_dump_put16(FILE *f, uint16_t v)
{
	return fwrite(&v, 2, 1, f) == 1;
}

bool net_dump_add(const char *netdev, const char *file, uint32_t maxlen, GError **errp)
{
	struct net_client *nc = net_client_find_netdev(netdev);
	struct net_dump *d;
	FILE *f;

	if (!nc) {
		g_set_error(errp, KEMU_ERROR, 0, "netdev=%s: no -netdev with this id", netdev);
		return false;
	}
	if (nc->dump) {
		g_set_error(errp, KEMU_ERROR, 0, "netdev=%s: already has a filter-dump", netdev);
		return false;
	}
	f = fopen(file, "wb");
	if (!f) {
		g_set_error(errp, KEMU_ERROR, 0, "file=%s: %s", file, g_strerror(errno));
		return false;
	}
	if (!net_dump_put32(f, PCAP_MAGIC) || !net_dump_put16(f, PCAP_VERSION_MAJOR) ||
	    !net_dump_put16(f, PCAP_VERSION_MINOR) || !net_dump_put32(f, 0) ||
	    !net_dump_put32(f, 0) || !net_dump_put32(f, maxlen) ||
	    !net_dump_put32(f, PCAP_LINKTYPE_ETHERNET) || fflush(f)) {
		g_set_error(errp, KEMU_ERROR, 0, "file=%s: write failed: %s", file, g_strerror(errno));
		fclose(f);
		return false;
	}
	d = g_new0(struct net_dump, 1);
	d->file = f;
	d->path = g_strdup(file);
	d->maxlen = maxlen;
	nc->dump = d;
	return true;
}

void net_dump_write(struct net_dump *d, const uint8_t *buf, size_t len)
{
	int64_t now_us = clock_get_ns(CLOCK_HOST) / 1000;
	uint32_t caplen = MIN(len, (size_t)d->maxlen);

	if (!d->file)
		return;
	if (!net_dump_put32(d->file, now_us / 1000000) ||
	    !net_dump_put32(d->file, now_us % 1000000) ||
	    !net_dump_put32(d->file, caplen) || !net_dump_put32(d->file, len) ||
	    fwrite(buf, 1, caplen, d->file) != caplen || fflush(d->file)) {
		/* a full disk ends the capture, not the VM */
		fprintf(stderr, "kemu: filter-dump %s: write failed, capture stopped: %s\n",
			d->path, g_strerror(errno));
		fclose(d->file);
		d->file = NULL;
	}
}

void net_dump_free(struct net_dump *d)
{
	if (!d)
		return;
	if (d->file)
		fclose(d->file);
	g_free(d->path);
	g_free(d);
}
