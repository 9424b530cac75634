/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What nearly every kemu source file needs: C library, glib, fixed-width
 * types, logging, and a few small helpers. Include it first.
 */
#ifndef KEMU_COMMON_H
#define KEMU_COMMON_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "kemu/log.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

#define NS_PER_SEC 1000000000LL
#define NS_PER_MS  1000000LL
#define NS_PER_US  1000LL

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)

#define KEMU_ERROR kemu_error_quark()
GQuark kemu_error_quark(void);

/*
 * Sizes as QEMU writes them: "256" (MiB when default_suffix is 'M'),
 * "4G", "512k", "1T"; binary multiples. Returns false on junk or overflow.
 */
bool parse_size(const char *str, char default_suffix, uint64_t *out);
/* Unsigned number in decimal, 0x-hex or 0-octal, the whole string. */
bool parse_uint64(const char *str, uint64_t *out);

static inline uint16_t lduw_le_p(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ldl_le_p(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t ldq_le_p(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void stw_le_p(void *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void stl_le_p(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void stq_le_p(void *p, uint64_t v) { memcpy(p, &v, 8); }

#endif
