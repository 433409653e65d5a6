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
