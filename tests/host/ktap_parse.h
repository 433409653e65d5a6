/*
 * ktap_parse.h - read igbtest's captured output back as KTAP and check its
 * structure: version line, plans that match their result counts, results
 * numbered 1..N per level, subtests indented two spaces with a "# Subtest:"
 * header and closed by a parent result of the same name, and a closing
 * "# Totals:" line that counts exactly the leaf results.
 *
 * A device block holds one block per IOMMU mode ("iommu=off", ...), or a
 * skip line for a mode that could not run. The block's c[] gathers the
 * cases of every mode block in order (one mode runs where there is no
 * DMAR, as on the fakes); modes[] holds the mode results themselves.
 */
#ifndef IGBTEST_KTAP_PARSE_H
#define IGBTEST_KTAP_PARSE_H

#include <stdbool.h>

#define KP_NAME_MAX 96
#define KP_MAX_CASES 256
#define KP_MAX_BLOCKS 8
#define KP_MAX_MODES 4

enum kp_verdict { KP_NONE = -1, KP_OK, KP_NOT_OK, KP_SKIP };

struct kp_case {
	char name[KP_NAME_MAX];
	enum kp_verdict v;
	bool leaf; /* a mode's result with no block under it (a skipped mode) */
};

/* One "# Subtest:" block (one device) and its parent result. */
struct kp_block {
	char name[KP_NAME_MAX];
	unsigned plan;           /* mode results expected */
	struct kp_case modes[KP_MAX_MODES];
	unsigned nmodes;
	struct kp_case c[KP_MAX_CASES];
	unsigned n;
	enum kp_verdict v;
	unsigned first_line, last_line; /* output line range of the block */
};

struct kp_doc {
	unsigned plan;
	bool skip_all;
	char skip_reason[KP_NAME_MAX];
	struct kp_block b[KP_MAX_BLOCKS];
	unsigned nb;
	bool totals;
	unsigned pass, fail, skip, error;
	char problem[200]; /* first structural problem; "" when well formed */
};

/* Parse the fake platform's captured output; false (and d->problem) when
 * it is not well-formed KTAP as igbtest writes it. */
bool kp_parse(struct kp_doc *d);
/* The verdict of the named case in block b, KP_NONE if it has none. */
enum kp_verdict kp_verdict_of(const struct kp_block *b, const char *name);
/* The verdict of mode block "iommu=<mode>" in b, KP_NONE if none. */
enum kp_verdict kp_mode_of(const struct kp_block *b, const char *mode);
/* True when the block holds a diagnostic line "# <text>" (any indent). */
bool kp_block_has_diag(const struct kp_block *b, const char *text);
/* True when the block holds a diagnostic line starting "# <prefix>". */
bool kp_block_has_diag_prefix(const struct kp_block *b, const char *prefix);

#endif
