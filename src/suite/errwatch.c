/*
 * errwatch.c - the harness's PCIe error check (issue 15 item 2).
 *
 * Before a device's first case: read its error status (PCI_STATUS,
 * DEVSTA, AER) and the port's above it, report what was there once and
 * clear it, so nothing found before the run is blamed on a case. After
 * every case: read again; bits the case did not declare fail it, by name;
 * then clear everything seen, so each case starts clean. Only the device
 * under test and the port directly above it are written, and only their
 * write-1-to-clear error bits.
 *
 * Side by side, the functions of a dual- or quad-port 82576 share the
 * port above them, and a sibling's case may be running when the port
 * records an error. Such an error goes to the function that sent the TLP
 * when the port's AER header log names it (pci_err_sender); otherwise
 * the port cannot say whose it is, and it fails every case that was
 * running below the port, each naming the others. A port error is never
 * pinned on one case that may not have raised it; holding the sibling
 * off instead (a lock over whole cases) would undo the overlap for
 * exactly the boards that have siblings.
 *
 * A NEEDS_PORTS case's pass over every port runs before the round's
 * device blocks, with nothing else running: what it leaves on a device
 * and its port is kept for that case's result in the device's block
 * (errwatch_pass_end), not blamed on the device's first case.
 *
 * Errors raised on purpose: a case that declares port errors
 * (test_expect_pcie: a deliberate DMA fault, answered with Unsupported
 * Request or Completer Abort, which the port logs, PCIe r5.0 6.2.7) has
 * its port to itself from then until its check is over. Its siblings'
 * running cases finish first and none starts meanwhile, so no sibling's
 * check can find that error where the port cannot say whose it is (no
 * AER, UR masked by firmware-first, two errors at once) and fail a case
 * for what another did on purpose.
 */
#include "suite/errwatch.h"

#include "pci/pci_regs.h"
#include "report/fmt.h"
#include "task.h"

const struct pci_err test_dma_fault_dev = {
	.status = PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_REC_TARGET_ABORT,
	.devsta = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_URD,
	.uncor = PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP |
		 PCI_ERR_UNC_UNSUP,
	.cor = PCI_ERR_COR_ADV_NFAT,
};

const struct pci_err test_dma_fault_port = {
	.status = PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
		  PCI_STATUS_REC_TARGET_ABORT,
	.devsta = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_URD,
	.uncor = PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNSUP,
	.cor = PCI_ERR_COR_ADV_NFAT,
};

/* Read both ends; a function that is gone reads as no errors here (the
 * runner's own checks say "gone"). */
static void read_both(const struct igb_dev *d, struct pci_err *dev, struct pci_err *port)
{
	pci_err_read(d->bdf, &d->fn->caps, dev);
	if (dev->gone)
		*dev = (struct pci_err){ 0 };
	*port = (struct pci_err){ 0 };
	if (d->port) {
		pci_err_read(d->port->bdf, &d->port->caps, port);
		if (port->gone)
			*port = (struct pci_err){ 0 };
	}
}

static void clear_both(const struct igb_dev *d, const struct pci_err *dev,
		       const struct pci_err *port)
{
	if (pci_err_any(dev))
		pci_err_clear(d->bdf, &d->fn->caps, dev);
	if (d->port && pci_err_any(port))
		pci_err_clear(d->port->bdf, &d->port->caps, port);
}

/* NEEDS_PORTS cases whose pass errors one device keeps at once. */
#define ERRWATCH_PASSES 4

/* What a case's pass left on a device and its port, for that case. */
struct pass_err {
	const char *name; /* NULL: none */
	struct pci_err dev, port;
};

/*
 * The devices of this run, for the siblings of one (the functions below
 * the same port): the case each is running (NULL between cases) and the
 * port errors a sibling's check passed to it: the ones the port's header
 * log names it for, and the ones it shares, with the case they came with.
 * And what the round's passes left on it.
 */
static struct watch {
	struct igb_dev *d;
	const char *running;
	struct pci_err named, shared;
	char with[160];
	struct pass_err pass[ERRWATCH_PASSES];
	struct task_lock *port_held; /* its port's lock, while a case runs */
	bool port_excl;              /* held exclusively (test_expect_pcie) */
} watch[SUITE_MAX_DEVICES];
static unsigned nwatch;

/* A port's lock: the one at the index of the first device below it. Every
 * case holds its port's shared (errwatch_case), taken after the runner's
 * case_lock and before any fault window (suite.c), given back in reverse. */
static struct task_lock port_locks[SUITE_MAX_DEVICES];

void errwatch_reset(void)
{
	nwatch = 0;
	for (unsigned i = 0; i < SUITE_MAX_DEVICES; i++)
		port_locks[i] = (struct task_lock)TASK_LOCK_INIT;
}

static struct watch *watch_of(const struct igb_dev *d)
{
	for (unsigned i = 0; i < nwatch; i++)
		if (watch[i].d == d)
			return &watch[i];
	return NULL;
}

static bool siblings(const struct igb_dev *a, const struct igb_dev *b)
{
	return a != b && a->port && b->port && pci_bdf_eq(a->port->bdf, b->port->bdf);
}

static struct task_lock *port_lock_of(const struct igb_dev *d)
{
	for (unsigned i = 0; d->port && i < nwatch; i++)
		if (watch[i].d->port && pci_bdf_eq(watch[i].d->port->bdf, d->port->bdf))
			return &port_locks[i];
	return NULL;
}

void errwatch_case(struct igb_dev *d, const char *name)
{
	struct watch *w = watch_of(d);

	if (!w)
		return;
	if (name && !w->port_held && (w->port_held = port_lock_of(d)))
		task_lock_shared(w->port_held);
	if (!name && w->port_held) {
		if (w->port_excl)
			task_unlock_excl(w->port_held);
		else
			task_unlock_shared(w->port_held);
		w->port_held = NULL;
		w->port_excl = false;
	}
	w->running = name;
}

void test_expect_pcie(struct test_run *t, const struct pci_err *dev,
		      const struct pci_err *port, const char *why)
{
	struct watch *w = t->drv && t->drv->dev ? watch_of(t->drv->dev) : NULL;

	t->allow_dev = *dev;
	t->allow_port = *port;
	t->allow_why = why;
	/* The port to itself until the check (above): the siblings' cases
	 * running end first. */
	if (w && w->port_held && !w->port_excl && pci_err_any(port)) {
		task_unlock_shared(w->port_held);
		task_lock_excl(w->port_held);
		w->port_excl = true;
	}
}

/*
 * Whose the port's errors are, found by d's check after its case (name):
 * passed to the sibling the header log names, and *port emptied, when
 * that sibling is running a case; else left in *port as d's, with a note
 * when the header names a sibling between cases (nothing else can take
 * them: it may have no case left) or when the port cannot say (the note
 * names the siblings' cases that were running too, which get them as
 * well). Returns the note's length.
 */
static size_t attribute(struct igb_dev *d, const char *name, struct pci_err *port,
		      char *note, size_t n)
{
	struct pci_bdf from;
	size_t k = 0;

	if (pci_err_sender(d->port->bdf, &d->port->caps, port, &from)) {
		if (pci_bdf_eq(from, d->bdf))
			return 0;
		for (unsigned i = 0; i < nwatch; i++) {
			struct watch *w = &watch[i];
			if (!siblings(d, w->d) || !pci_bdf_eq(from, w->d->bdf))
				continue;
			if (!w->running) {
				k = (size_t)fmt_snprintf(note, n, "the port's AER header log "
							 "names %s, between its cases",
							 w->d->name);
				return k < n ? k : n - 1;
			}
			w->named = pci_err_or(&w->named, port);
			ktap_diag("%s: PCIe errors of the port above passed to %s, which the "
				  "port's AER header log names", name, w->d->name);
			*port = (struct pci_err){ 0 };
			return 0;
		}
	}
	for (unsigned i = 0; i < nwatch; i++) {
		struct watch *w = &watch[i];
		if (!siblings(d, w->d) || !w->running)
			continue;
		if (!pci_err_any(&w->shared))
			fmt_snprintf(w->with, sizeof(w->with), "%s's %s", d->name, name);
		w->shared = pci_err_or(&w->shared, port);
		if (k < n)
			k += (size_t)fmt_snprintf(note + k, n - k, "%s%s's %s",
						  k ? ", " : "the port is shared and does not "
						  "say which function: failed too, as it ran "
						  "meanwhile: ", w->d->name, w->running);
	}
	return k < n ? k : n - 1;
}

/* "device: ...; port 0000:00:1c.0: ... (note); port 0000:00:1c.0: ...
 * (shared with: with)" for whichever has bits. */
static const char *err_str(const struct igb_dev *d, const struct pci_err *dev,
			   const struct pci_err *port, const char *note,
			   const struct pci_err *shared, const char *with, char *buf, size_t n)
{
	char e[200], bdf[16] = "";
	size_t k = 0;

	buf[0] = '\0';
	if (d->port)
		pci_bdf_str(d->port->bdf, bdf, sizeof(bdf));
	if (pci_err_any(dev))
		k = (size_t)fmt_snprintf(buf, n, "device: %s", pci_err_str(dev, e, sizeof(e)));
	if (pci_err_any(port) && k < n)
		k += (size_t)fmt_snprintf(buf + k, n - k, "%sport %s: %s%s%s%s", k ? "; " : "",
					  bdf, pci_err_str(port, e, sizeof(e)),
					  note[0] ? " (" : "", note, note[0] ? ")" : "");
	if (pci_err_any(shared) && k < n)
		fmt_snprintf(buf + k, n - k, "%sport %s: %s (raised while %s ran too; the "
			     "port is shared and does not say which function)", k ? "; " : "",
			     bdf, pci_err_str(shared, e, sizeof(e)), with);
	return buf;
}

void errwatch_begin(struct igb_dev *d)
{
	if (!watch_of(d) && nwatch < SUITE_MAX_DEVICES)
		watch[nwatch++] = (struct watch){ .d = d };
	read_both(d, &d->err_before, &d->port_err_before);
	clear_both(d, &d->err_before, &d->port_err_before);
}

void errwatch_say(const struct igb_dev *d)
{
	char s[400], bdf[16] = "";

	if (d->port)
		pci_bdf_str(d->port->bdf, bdf, sizeof(bdf));
	ktap_diag("PCIe error check: after every case, on %s and the port above it (%s), "
		  "whose error status bits igbtest clears", d->name, d->port ? bdf : "none");
	if (err_str(d, &d->err_before, &d->port_err_before, "", &(struct pci_err){ 0 }, "",
		    s, sizeof(s))[0])
		ktap_diag_at(KTAP_ALWAYS, "PCIe errors found before the run (cleared, not "
			     "blamed on any case): %s", s);
}

/* The errors t's case is answerable for, found when: said if it
 * declared them, else they turn *r into a failure. */
static void judge(const struct igb_dev *d, struct test_run *t, enum ktap_result *r,
		  const char *when, const struct pci_err *dev, const struct pci_err *port,
		  const char *note, const struct pci_err *shared, const char *with)
{
	struct pci_err bad[3], ok[3];
	char s[800];

	bad[0] = pci_err_minus(dev, &t->allow_dev);
	bad[1] = pci_err_minus(port, &t->allow_port);
	bad[2] = pci_err_minus(shared, &t->allow_port);
	ok[0] = pci_err_minus(dev, &bad[0]);
	ok[1] = pci_err_minus(port, &bad[1]);
	ok[2] = pci_err_minus(shared, &bad[2]);
	if (err_str(d, &ok[0], &ok[1], "", &ok[2], with, s, sizeof(s))[0])
		ktap_diag("%s: PCIe errors expected (%s): %s", t->name,
			  t->allow_why ? t->allow_why : "declared", s);
	if (err_str(d, &bad[0], &bad[1], note, &bad[2], with, s, sizeof(s))[0]) {
		if (*r == KTAP_FAIL)
			ktap_diag_at(KTAP_ALWAYS, "%s: also PCIe errors %s: %s", t->name, when, s);
		else
			*r = test_fail(t, "PCIe errors %s: %s", when, s);
	}
}

/* name: the case's own (its IGB_CASE row's), as the pass and the block
 * both give it. */
static struct pass_err *pass_of(struct watch *w, const char *name)
{
	for (unsigned i = 0; i < ERRWATCH_PASSES; i++)
		if (w->pass[i].name && w->pass[i].name == name)
			return &w->pass[i];
	return NULL;
}

void errwatch_pass_end(const char *name)
{
	for (unsigned i = 0; i < nwatch; i++) {
		struct watch *w = &watch[i];
		struct pci_err dev, port;
		struct pass_err *p = pass_of(w, name);

		read_both(w->d, &dev, &port);
		if (!pci_err_any(&dev) && !pci_err_any(&port))
			continue;
		for (unsigned k = 0; !p && k < ERRWATCH_PASSES; k++)
			if (!w->pass[k].name)
				p = &w->pass[k];
		if (!p) /* more NEEDS_PORTS cases than kept: the last one's */
			p = &w->pass[ERRWATCH_PASSES - 1];
		p->name = name;
		p->dev = pci_err_or(&p->dev, &dev);
		p->port = pci_err_or(&p->port, &port);
		clear_both(w->d, &dev, &port);
	}
}

void errwatch_after(struct igb_dev *d, struct test_run *t, enum ktap_result *r)
{
	struct pci_err dev, seen, port, shared = { 0 };
	struct watch *w = watch_of(d);
	struct pass_err *p;
	char note[200] = "", with[160] = "";
	size_t k = 0;

	read_both(d, &dev, &seen);
	port = seen;
	if (pci_err_any(&port))
		k = attribute(d, t->name, &port, note, sizeof(note));
	if (w && pci_err_any(&w->named)) {
		port = pci_err_or(&port, &w->named);
		fmt_snprintf(note + k, sizeof(note) - k, "%sthe port's AER header log names this "
			     "function%s", k ? "; " : "", k ? " for some" : "");
		w->named = (struct pci_err){ 0 };
	}
	if (w && pci_err_any(&w->shared)) {
		shared = w->shared;
		fmt_snprintf(with, sizeof(with), "%s", w->with);
		w->shared = (struct pci_err){ 0 };
	}
	judge(d, t, r, "during the case", &dev, &port, note, &shared, with);
	if (w && (p = pass_of(w, t->name))) {
		judge(d, t, r, "during the round's pass over every port, before the device "
		      "blocks", &p->dev, &p->port, "", &(struct pci_err){ 0 }, "");
		*p = (struct pass_err){ 0 };
	}
	clear_both(d, &dev, &seen);
}
