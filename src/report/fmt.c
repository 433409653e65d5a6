/* fmt.c - freestanding snprintf subset (see fmt.h). */
#include "report/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct out {
	fmt_put_fn put;
	void *ctx;
	size_t len; /* characters produced */
};

static void put(struct out *o, char c)
{
	o->put(c, o->ctx);
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* Emit s (n bytes) in a field of width w, honouring '-' and '0'. */
static void field(struct out *o, const char *s, int n, int w, bool left, char padc)
{
	if (!left && padc == '0' && n > 0 && (s[0] == '-')) {
		put(o, '-');
		s++, n--, w--;
	}
	if (!left)
		pad(o, padc, w - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		pad(o, ' ', w - n);
}

static int utoa(char *tmp, unsigned long long v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	int n = 0, i = 0;

	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (n)
		tmp[i++] = rev[--n];
	return i;
}

int fmt_vcbprintf(fmt_put_fn fn, void *ctx, const char *f, va_list ap)
{
	struct out o = { fn, ctx, 0 };

	for (; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f++;
		bool left = false;
		char padc = ' ';
		for (;; f++) {
			if (*f == '-')
				left = true;
			else if (*f == '0')
				padc = '0';
			else
				break;
		}
		int width = 0;
		if (*f == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				width = width * 10 + (*f++ - '0');
		}
		int prec = -1;
		if (*f == '.') {
			f++;
			prec = 0;
			if (*f == '*') {
				prec = va_arg(ap, int);
				f++;
			} else {
				while (*f >= '0' && *f <= '9')
					prec = prec * 10 + (*f++ - '0');
			}
		}
		int lng = 0; /* -2 hh, -1 h, 1 l, 2 ll, 3 z */
		if (*f == 'h') {
			lng = -1;
			if (*++f == 'h') {
				lng = -2;
				f++;
			}
		} else if (*f == 'l') {
			lng = 1;
			if (*++f == 'l') {
				lng = 2;
				f++;
			}
		} else if (*f == 'z') {
			lng = 3;
			f++;
		}
		if (left)
			padc = ' ';

		char tmp[32];
		int n;
		unsigned long long u;
		switch (*f) {
		case 'd':
		case 'i': {
			long long v;
			if (lng == 2)
				v = va_arg(ap, long long);
			else if (lng == 1)
				v = va_arg(ap, long);
			else if (lng == 3)
				v = (long long)va_arg(ap, size_t);
			else
				v = va_arg(ap, int);
			if (lng == -1)
				v = (short)v;
			else if (lng == -2)
				v = (signed char)v;
			n = 0;
			if (v < 0) {
				tmp[n++] = '-';
				u = 0ULL - (unsigned long long)v;
			} else {
				u = (unsigned long long)v;
			}
			n += utoa(tmp + n, u, 10, false);
			field(&o, tmp, n, width, left, padc);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'p':
			if (*f == 'p') {
				u = (uintptr_t)va_arg(ap, void *);
				tmp[0] = '0';
				tmp[1] = 'x';
				n = 2 + utoa(tmp + 2, u, 16, false);
				field(&o, tmp, n, width, left, padc);
				break;
			}
			if (lng == 2)
				u = va_arg(ap, unsigned long long);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else if (lng == 3)
				u = va_arg(ap, size_t);
			else
				u = va_arg(ap, unsigned int);
			if (lng == -1)
				u = (unsigned short)u;
			else if (lng == -2)
				u = (unsigned char)u;
			n = utoa(tmp, u, *f == 'u' ? 10 : 16, *f == 'X');
			field(&o, tmp, n, width, left, padc);
			break;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			field(&o, tmp, 1, width, left, ' ');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			n = 0;
			while (s[n] && (prec < 0 || n < prec))
				n++;
			field(&o, s, n, width, left, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--; /* lone '%' at the end: stop cleanly */
			break;
		default:
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	return (int)o.len;
}

struct buf {
	char *p;
	size_t size, len;
};

static void put_buf(char c, void *ctx)
{
	struct buf *b = ctx;

	if (b->len + 1 < b->size)
		b->p[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *f, va_list ap)
{
	struct buf b = { buf, size, 0 };
	int n = fmt_vcbprintf(put_buf, &b, f, ap);

	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = fmt_vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* Days since 1970-01-01 and back (H. Hinnant's civil calendar algorithms). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, struct fmt_datetime *t)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	t->day = doy - (153 * mp + 2) / 5 + 1;
	t->month = mp < 10 ? mp + 3 : mp - 9;
	t->year = (unsigned)((int64_t)yoe + era * 400 + (t->month <= 2));
}

int fmt_datetime_plus(char *buf, size_t size, struct fmt_datetime t, uint64_t secs)
{
	int64_t s = days_from_civil(t.year, t.month, t.day) * 86400 +
		    (int64_t)(t.hour * 3600 + t.minute * 60 + t.second) + (int64_t)secs;

	civil_from_days(s / 86400, &t);
	s %= 86400;
	t.hour = (unsigned)(s / 3600);
	t.minute = (unsigned)(s / 60 % 60);
	t.second = (unsigned)(s % 60);
	return fmt_snprintf(buf, size, "%04u-%02u-%02u %02u:%02u:%02u", t.year, t.month,
			    t.day, t.hour, t.minute, t.second);
}
