// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw_cfg: the item store and register model (selector, data, DMA), after
 * QEMU's docs/specs/fw_cfg.rst. Pure: guest memory is reached only through
 * the DMA callbacks the device glue (fw_cfg-io.c) installs, so that a DMA
 * descriptor pointing anywhere ends in the error bit, never in a crash.
 * Not here: the port mapping (fw_cfg-io.c) or what the items mean (board).
 */
#include "kemu/common.h"
#include "hw/nvram/fw_cfg.h"

static struct fw_cfg_entry *fw_cfg_entry(struct fw_cfg_state *s, uint16_t key)
{
	unsigned idx = key & FW_CFG_ENTRY_MASK;

	if (key == FW_CFG_INVALID || idx >= FW_CFG_MAX_ENTRY)
		return NULL;
	return &s->entries[!!(key & FW_CFG_ARCH_LOCAL)][idx];
}

static void fw_cfg_set(struct fw_cfg_state *s, uint16_t key, void *data, size_t len)
{
	struct fw_cfg_entry *e = fw_cfg_entry(s, key);

	g_assert(e && len <= UINT32_MAX);
	g_free(e->data);
	e->data = data;
	e->len = len;
}

void fw_cfg_add_bytes_take(struct fw_cfg_state *s, uint16_t key, void *data, size_t len)
{
	fw_cfg_set(s, key, data, len);
}

void fw_cfg_add_bytes(struct fw_cfg_state *s, uint16_t key, const void *data, size_t len)
{
	fw_cfg_set(s, key, g_memdup2(data, len), len);
}

void fw_cfg_add_string(struct fw_cfg_state *s, uint16_t key, const char *value)
{
	fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

void fw_cfg_add_i16(struct fw_cfg_state *s, uint16_t key, uint16_t value)
{
	uint8_t b[2];

	stw_le_p(b, value);
	fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i32(struct fw_cfg_state *s, uint16_t key, uint32_t value)
{
	uint8_t b[4];

	stl_le_p(b, value);
	fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i64(struct fw_cfg_state *s, uint16_t key, uint64_t value)
{
	uint8_t b[8];

	stq_le_p(b, value);
	fw_cfg_add_bytes(s, key, b, sizeof(b));
}

/* Item 0x19: be32 count, then { be32 size, be16 select, be16 0, name[56] }. */
static void fw_cfg_update_dir(struct fw_cfg_state *s)
{
	size_t len = 4 + 64 * s->nr_files;
	uint8_t *dir = g_malloc0(len);

	dir[0] = s->nr_files >> 24;
	dir[1] = s->nr_files >> 16;
	dir[2] = s->nr_files >> 8;
	dir[3] = s->nr_files;
	for (unsigned i = 0; i < s->nr_files; i++) {
		const struct fw_cfg_entry *e = &s->entries[0][FW_CFG_FILE_FIRST + i];
		uint8_t *f = dir + 4 + 64 * i;
		uint16_t sel = FW_CFG_FILE_FIRST + i;

		f[0] = e->len >> 24;
		f[1] = e->len >> 16;
		f[2] = e->len >> 8;
		f[3] = e->len;
		f[4] = sel >> 8;
		f[5] = sel;
		memcpy(f + 8, e->name, FW_CFG_MAX_FILE_PATH);
	}
	fw_cfg_set(s, FW_CFG_FILE_DIR, dir, len);
}

bool fw_cfg_add_file_take(struct fw_cfg_state *s, const char *name, void *data, size_t len)
{
	struct fw_cfg_entry *files = &s->entries[0][FW_CFG_FILE_FIRST];
	unsigned pos;

	if (strlen(name) >= FW_CFG_MAX_FILE_PATH || s->nr_files >= FW_CFG_FILE_SLOTS ||
	    len > UINT32_MAX || fw_cfg_find_file(s, name, NULL)) {
		g_free(data);
		return false;
	}
	/* Keep the directory sorted by name, as QEMU does since 2.x. */
	for (pos = 0; pos < s->nr_files && strcmp(files[pos].name, name) < 0; pos++)
		;
	memmove(&files[pos + 1], &files[pos], (s->nr_files - pos) * sizeof(files[0]));
	memset(&files[pos], 0, sizeof(files[0]));
	g_strlcpy(files[pos].name, name, sizeof(files[pos].name));
	files[pos].data = data;
	files[pos].len = len;
	s->nr_files++;
	fw_cfg_update_dir(s);
	return true;
}

bool fw_cfg_add_file(struct fw_cfg_state *s, const char *name, const void *data, size_t len)
{
	return fw_cfg_add_file_take(s, name, g_memdup2(data, len), len);
}

const struct fw_cfg_entry *fw_cfg_find_file(const struct fw_cfg_state *s, const char *name,
					    uint16_t *key)
{
	for (unsigned i = 0; i < s->nr_files; i++) {
		const struct fw_cfg_entry *e = &s->entries[0][FW_CFG_FILE_FIRST + i];

		if (!strcmp(e->name, name)) {
			if (key)
				*key = FW_CFG_FILE_FIRST + i;
			return e;
		}
	}
	return NULL;
}

bool fw_cfg_modify_file(struct fw_cfg_state *s, const char *name, const void *data, size_t len)
{
	uint16_t key;

	if (!fw_cfg_find_file(s, name, &key))
		return false;
	fw_cfg_add_bytes(s, key, data, len);
	fw_cfg_update_dir(s);
	return true;
}

void fw_cfg_state_init(struct fw_cfg_state *s, bool dma_enabled)
{
	memset(s, 0, sizeof(*s));
	s->dma_enabled = dma_enabled;
	fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
	fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | (dma_enabled ? FW_CFG_VERSION_DMA : 0));
	fw_cfg_update_dir(s);
	fw_cfg_state_reset(s);
}

void fw_cfg_state_destroy(struct fw_cfg_state *s)
{
	for (unsigned a = 0; a < 2; a++)
		for (unsigned i = 0; i < FW_CFG_MAX_ENTRY; i++)
			g_free(s->entries[a][i].data);
	memset(s->entries, 0, sizeof(s->entries));
	s->nr_files = 0;
}

void fw_cfg_state_reset(struct fw_cfg_state *s)
{
	s->cur_entry = FW_CFG_INVALID;
	s->cur_offset = 0;
	s->dma_addr = 0;
}

void fw_cfg_select(struct fw_cfg_state *s, uint16_t key)
{
	s->cur_offset = 0;
	s->cur_entry = fw_cfg_entry(s, key) ? key : FW_CFG_INVALID;
}

uint8_t fw_cfg_data_read(struct fw_cfg_state *s)
{
	struct fw_cfg_entry *e = fw_cfg_entry(s, s->cur_entry);

	if (!e || !e->data || s->cur_offset >= e->len)
		return 0;
	return e->data[s->cur_offset++];
}

static bool dma_read(struct fw_cfg_state *s, uint64_t addr, void *buf, uint64_t len)
{
	return s->dma.read && s->dma.read(s->dma.opaque, addr, buf, len);
}

static bool dma_write(struct fw_cfg_state *s, uint64_t addr, const void *buf, uint64_t len)
{
	return s->dma.write && s->dma.write(s->dma.opaque, addr, buf, len);
}

static bool dma_zero(struct fw_cfg_state *s, uint64_t addr, uint64_t len)
{
	static const uint8_t zero[4096];

	while (len) {
		uint64_t n = MIN(len, sizeof(zero));

		if (!dma_write(s, addr, zero, n))
			return false;
		addr += n;
		len -= n;
	}
	return true;
}

/*
 * fw_cfg.rst "DMA interface": the descriptor { be32 control, be32 length,
 * be64 address } is at desc_addr; when done, control is written back as 0
 * or FW_CFG_DMA_CTL_ERROR.
 */
void fw_cfg_dma_transfer(struct fw_cfg_state *s, uint64_t desc_addr)
{
	uint8_t d[16], ctl_out[4] = { 0 };
	uint32_t control, length;
	uint64_t address;
	bool error = false;

	if (!s->dma_enabled)
		return;
	if (desc_addr > UINT64_MAX - 16 || !dma_read(s, desc_addr, d, sizeof(d))) {
		guest_error("fw_cfg: DMA descriptor at 0x%" PRIx64 " is not in RAM", desc_addr);
		ctl_out[3] = FW_CFG_DMA_CTL_ERROR;
		dma_write(s, desc_addr, ctl_out, 4);
		return;
	}
	control = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
	length = (uint32_t)d[4] << 24 | d[5] << 16 | d[6] << 8 | d[7];
	address = 0;
	for (int i = 0; i < 8; i++)
		address = address << 8 | d[8 + i];

	if (control & FW_CFG_DMA_CTL_SELECT)
		fw_cfg_select(s, control >> 16);

	if (control & FW_CFG_DMA_CTL_READ) {
		control = FW_CFG_DMA_CTL_READ;
	} else if (control & FW_CFG_DMA_CTL_WRITE) {
		control = FW_CFG_DMA_CTL_WRITE;
	} else if (control & FW_CFG_DMA_CTL_SKIP) {
		control = FW_CFG_DMA_CTL_SKIP;
	} else {
		length = 0;	/* select only */
	}

	while (length > 0 && !error) {
		struct fw_cfg_entry *e = fw_cfg_entry(s, s->cur_entry);
		uint32_t n;

		if (!e || !e->data || s->cur_offset >= e->len) {
			/* Past the end: reads give zeros, writes fail (fw_cfg.rst). */
			n = length;
			if (control == FW_CFG_DMA_CTL_READ && !dma_zero(s, address, n))
				error = true;
			if (control == FW_CFG_DMA_CTL_WRITE)
				error = true;
		} else {
			n = MIN(length, e->len - s->cur_offset);
			if (control == FW_CFG_DMA_CTL_READ) {
				if (!dma_write(s, address, e->data + s->cur_offset, n))
					error = true;
			} else if (control == FW_CFG_DMA_CTL_WRITE) {
				if (!e->write_cb || length > e->len - s->cur_offset ||
				    !dma_read(s, address, e->data + s->cur_offset, n))
					error = true;
				else
					e->write_cb(e->write_opaque, s->cur_offset, n);
			}
			s->cur_offset += n;
		}
		address += n;
		length -= n;
	}
	if (error)
		guest_error("fw_cfg: DMA transfer failed (item 0x%x)", s->cur_entry);
	ctl_out[3] = error ? FW_CFG_DMA_CTL_ERROR : 0;
	dma_write(s, desc_addr, ctl_out, 4);
}
