/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test guests' tiny runtime: 16550 output on COM1 (0x3f8), the verdict
 * through isa-debug-exit (port 0xf4: the emulator exits with (v << 1) | 1),
 * printf-lite, the kernel command line, the PIT as a clock, CMOS access.
 *
 * A guest prints "<NAME>: PASS" or "<NAME>: FAIL: <why>" and then calls
 * guest_exit_pass()/guest_exit_fail(); the functional runner asserts on both
 * the line and the exit status (GUEST_STATUS_PASS = 85, GUEST_STATUS_FAIL = 3).
 * It is not a libc: no heap, no files, no floating point.
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include "io.h"
#include <stdarg.h>

#define DEBUG_EXIT_PORT		0xf4
#define DEBUG_EXIT_PASS		0x2a	/* emulator exit status 85 */
#define DEBUG_EXIT_FAIL		0x01	/* emulator exit status 3 */
#define COM1			0x3f8

void serial_init(void);
void serial_putc(char c);
int serial_getc_timeout(uint32_t spins);	/* -1 when nothing arrived */
void puts_(const char *s);
int vsnprintf_(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf_(char *buf, size_t n, const char *fmt, ...) __attribute__((format(__printf__, 3, 4)));
void printf_(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
#define printf printf_

void debug_exit(uint8_t code) __attribute__((noreturn));
void guest_pass(const char *name) __attribute__((noreturn));
void guest_fail(const char *name, const char *fmt, ...) __attribute__((noreturn, format(__printf__, 2, 3)));
void halt_forever(void) __attribute__((noreturn));

/* command line: "key=value key2=value2"; set by the entry code */
extern const char *guest_cmdline;
bool cmdline_get(const char *key, char *val, size_t n);
uint64_t cmdline_get_u64(const char *key, uint64_t dflt);

size_t strlen_(const char *s);
int strncmp_(const char *a, const char *b, size_t n);
int memcmp_(const void *a, const void *b, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
uint64_t strtou64(const char *s, const char **end);

/* PIT channel 2 (gate at port 0x61): busy-wait delays and elapsed time */
void pit_delay_us(uint32_t us);
/* PIT channel 0 free-running in mode 2; call pit_ticks() at least every 50 ms */
void pit_clock_start(void);
uint64_t pit_ticks(void);		/* 1193182 Hz */
#define PIT_HZ 1193182u

uint8_t cmos_read(uint8_t idx);
void cmos_write(uint8_t idx, uint8_t v);

#endif
