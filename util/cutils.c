// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Small string helpers shared by option parsing and device properties.
 */
#include "kemu/common.h"

bool parse_uint64(const char *str, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!str || !*str || *str == '-' || g_ascii_isspace(*str))
		return false;
	errno = 0;
	v = strtoull(str, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool parse_size(const char *str, char default_suffix, uint64_t *out)
{
	char *end;
	double d;
	uint64_t mult, v;
	char suffix;

	if (!str || !*str || *str == '-' || g_ascii_isspace(*str))
		return false;
	errno = 0;
	/* QEMU accepts fractions ("1.5G"); integers go through strtoull for precision. */
	v = strtoull(str, &end, 10);
	if (errno)
		return false;
	if (*end == '.') {
		d = g_ascii_strtod(str, &end);
		if (errno || d < 0)
			return false;
	} else {
		d = -1;
	}
	if (end == str)
		return false;
	suffix = *end ? g_ascii_toupper(*end) : default_suffix;
	if (*end && end[1] && !(g_ascii_toupper(end[1]) == 'B' && !end[2]) &&
	    !(g_ascii_toupper(end[1]) == 'I' && g_ascii_toupper(end[2]) == 'B' && !end[3]))
		return false;
	switch (suffix) {
	case 'B': case 0: mult = 1; break;
	case 'K': mult = KiB; break;
	case 'M': mult = MiB; break;
	case 'G': mult = GiB; break;
	case 'T': mult = 1024 * GiB; break;
	case 'P': mult = 1024 * 1024 * GiB; break;
	case 'E': mult = 1024ULL * 1024 * 1024 * GiB; break;
	default: return false;
	}
	if (d >= 0) {
		d *= (double)mult;
		if (d >= 18446744073709551616.0)
			return false;
		*out = (uint64_t)d;
		return true;
	}
	if (v && mult > UINT64_MAX / v)
		return false;
	*out = v * mult;
	return true;
}
