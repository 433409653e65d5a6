/* health.c - PCIe link and error health (see health.h). */
#include "pci/health.h"

#include "pci/pci_regs.h"
#include "report/fmt.h"

void pci_err_read(struct pci_bdf bdf, const struct pci_caps *c, struct pci_err *e)
{
	uint16_t st = pci_read16(bdf, PCI_STATUS);

	*e = (struct pci_err){ 0 };
	if (st == 0xffff) {
		e->gone = true;
		return;
	}
	e->status = st & PCI_STATUS_ERROR_BITS;
	if (c->pcie)
		e->devsta = pci_read16(bdf, c->pcie + PCI_EXP_DEVSTA) & PCI_EXP_DEVSTA_ERRORS;
	if (c->aer) {
		e->uncor = pci_read32(bdf, c->aer + PCI_ERR_UNCOR_STATUS);
		e->cor = pci_read32(bdf, c->aer + PCI_ERR_COR_STATUS);
	}
}

bool pci_err_any(const struct pci_err *e)
{
	return e->gone || e->status || e->devsta || e->uncor || e->cor;
}

int pci_err_clear(struct pci_bdf bdf, const struct pci_caps *c, const struct pci_err *e)
{
	int rc = RC_OK, r;

	if (e->gone)
		return RC_ENODEV;
	/* Write-1-to-clear: writing only the bits seen leaves the rest (and
	 * COMMAND's neighbour bits, which are read-only in STATUS) alone. */
	if (e->status && (r = pci_write16(bdf, PCI_STATUS, e->status)) && !rc)
		rc = r;
	if (c->pcie && e->devsta &&
	    (r = pci_write16(bdf, c->pcie + PCI_EXP_DEVSTA, e->devsta)) && !rc)
		rc = r;
	if (c->aer && e->uncor &&
	    (r = pci_write32(bdf, c->aer + PCI_ERR_UNCOR_STATUS, e->uncor)) && !rc)
		rc = r;
	if (c->aer && e->cor &&
	    (r = pci_write32(bdf, c->aer + PCI_ERR_COR_STATUS, e->cor)) && !rc)
		rc = r;
	return rc;
}

struct pci_err pci_err_or(const struct pci_err *a, const struct pci_err *b)
{
	return (struct pci_err){
		.status = a->status | b->status,
		.devsta = a->devsta | b->devsta,
		.uncor = a->uncor | b->uncor,
		.cor = a->cor | b->cor,
		.gone = a->gone || b->gone,
	};
}

/*
 * The uncorrectable errors whose TLP header AER logs, as Linux aer.c's
 * AER_LOG_TLP_MASKS (PCIe r5.0 6.2.7, table 6-5: the errors of a received
 * TLP; a completion timeout, a link error or a correctable error has no
 * header). The log holds the header of the error the First Error Pointer
 * names (7.8.4.7), valid while that status bit is set; byte 0 of the TLP
 * is the most significant byte of the first dword (7.8.4.8). Its second
 * dword's top half is the requester ID of a request and the completer ID
 * of a completion (2.2.6.2, 2.2.9): either way the function that sent it.
 * A masked error sets its status bit only: no header, no First Error
 * Pointer (6.2.3.2.2), so the log there is an earlier error's.
 */
#define PCI_ERR_UNC_HEADER_LOGGED (PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_ECRC | \
				   PCI_ERR_UNC_UNSUP | PCI_ERR_UNC_COMP_ABORT | \
				   PCI_ERR_UNC_UNX_COMP | PCI_ERR_UNC_MALF_TLP)

bool pci_err_sender(struct pci_bdf bdf, const struct pci_caps *c, const struct pci_err *e,
		    struct pci_bdf *from)
{
	uint32_t first, id;

	/* One uncorrectable error and nothing beside it but its own
	 * advisory: then every bit of e is that one TLP's. */
	if (!c->aer || e->gone || (e->cor & ~PCI_ERR_COR_ADV_NFAT))
		return false;
	first = 1u << PCI_ERR_CAP_FEP(pci_read32(bdf, c->aer + PCI_ERR_CAP));
	if (e->uncor != first || !(first & PCI_ERR_UNC_HEADER_LOGGED) ||
	    (pci_read32(bdf, c->aer + PCI_ERR_UNCOR_MASK) & first))
		return false;
	id = pci_read32(bdf, c->aer + PCI_ERR_HEADER_LOG + 4) >> 16;
	*from = (struct pci_bdf){ .seg = bdf.seg, .bus = (uint8_t)(id >> 8),
				  .dev = (uint8_t)((id >> 3) & 0x1f), .fn = (uint8_t)(id & 7) };
	return true;
}

struct pci_err pci_err_minus(const struct pci_err *e, const struct pci_err *allowed)
{
	return (struct pci_err){
		.status = e->status & ~allowed->status,
		.devsta = e->devsta & ~allowed->devsta,
		.uncor = e->uncor & ~allowed->uncor,
		.cor = e->cor & ~allowed->cor,
		.gone = e->gone && !allowed->gone,
	};
}

/* Names kept in the table, not pointed at: a pointer in initialized data
 * costs the .efi a 24-byte relocation besides itself. */
struct bit_name {
	uint32_t bit;
	char name[24];
};

static const struct bit_name status_bits[] = {
	{ PCI_STATUS_PARITY, "master data parity" },
	{ PCI_STATUS_SIG_TARGET_ABORT, "signaled target abort" },
	{ PCI_STATUS_REC_TARGET_ABORT, "received target abort" },
	{ PCI_STATUS_REC_MASTER_ABORT, "received master abort" },
	{ PCI_STATUS_SIG_SYSTEM_ERROR, "signaled system error" },
	{ PCI_STATUS_DETECTED_PARITY, "detected parity error" },
	{ 0, "" },
};

static const struct bit_name devsta_bits[] = {
	{ PCI_EXP_DEVSTA_CED, "correctable" },
	{ PCI_EXP_DEVSTA_NFED, "non-fatal" },
	{ PCI_EXP_DEVSTA_FED, "fatal" },
	{ PCI_EXP_DEVSTA_URD, "unsupported request" },
	{ 0, "" },
};

static const struct bit_name uncor_bits[] = {
	{ PCI_ERR_UNC_DLP, "data link protocol" },
	{ PCI_ERR_UNC_SURPDN, "surprise down" },
	{ PCI_ERR_UNC_POISON_TLP, "poisoned TLP" },
	{ PCI_ERR_UNC_FCP, "flow control protocol" },
	{ PCI_ERR_UNC_COMP_TIME, "completion timeout" },
	{ PCI_ERR_UNC_COMP_ABORT, "completer abort" },
	{ PCI_ERR_UNC_UNX_COMP, "unexpected completion" },
	{ PCI_ERR_UNC_RX_OVER, "receiver overflow" },
	{ PCI_ERR_UNC_MALF_TLP, "malformed TLP" },
	{ PCI_ERR_UNC_ECRC, "ECRC" },
	{ PCI_ERR_UNC_UNSUP, "unsupported request" },
	{ PCI_ERR_UNC_ACSV, "ACS violation" },
	{ PCI_ERR_UNC_INTN, "internal" },
	{ 0, "" },
};

static const struct bit_name cor_bits[] = {
	{ PCI_ERR_COR_RCVR, "receiver error" },
	{ PCI_ERR_COR_BAD_TLP, "bad TLP" },
	{ PCI_ERR_COR_BAD_DLLP, "bad DLLP" },
	{ PCI_ERR_COR_REP_ROLL, "replay rollover" },
	{ PCI_ERR_COR_REP_TIMER, "replay timer" },
	{ PCI_ERR_COR_ADV_NFAT, "advisory non-fatal" },
	{ PCI_ERR_COR_INTERNAL, "internal" },
	{ PCI_ERR_COR_LOG_OVER, "header log overflow" },
	{ 0, "" },
};

/* Append "; WHAT 0xV (name, name)" for the set bits of v. */
static size_t put_bits(char *buf, size_t n, size_t k, const char *what, uint32_t v,
		       const struct bit_name *names)
{
	uint32_t named = 0;
	bool first = true;

	if (!v || k >= n)
		return k;
	k += (size_t)fmt_snprintf(buf + k, n - k, "%s%s 0x%x (", k ? "; " : "", what, v);
	for (const struct bit_name *b = names; b->bit && k < n; b++) {
		if (!(v & b->bit))
			continue;
		named |= b->bit;
		k += (size_t)fmt_snprintf(buf + k, n - k, "%s%s", first ? "" : ", ", b->name);
		first = false;
	}
	if (k < n && (v & ~named))
		k += (size_t)fmt_snprintf(buf + k, n - k, "%sother 0x%x", first ? "" : ", ",
					  v & ~named);
	if (k < n)
		k += (size_t)fmt_snprintf(buf + k, n - k, ")");
	return k;
}

const char *pci_err_str(const struct pci_err *e, char *buf, size_t n)
{
	size_t k = 0;

	if (!n)
		return buf;
	buf[0] = '\0';
	if (e->gone) {
		fmt_snprintf(buf, n, "config space reads all-ones");
		return buf;
	}
	k = put_bits(buf, n, k, "STATUS", e->status, status_bits);
	k = put_bits(buf, n, k, "DEVSTA", e->devsta, devsta_bits);
	k = put_bits(buf, n, k, "AER UE", e->uncor, uncor_bits);
	put_bits(buf, n, k, "AER CE", e->cor, cor_bits);
	if (!buf[0])
		fmt_snprintf(buf, n, "none");
	return buf;
}

void pcie_link_read(struct pci_bdf bdf, const struct pci_caps *c, struct pcie_link *l)
{
	*l = (struct pcie_link){ 0 };
	/* Root-complex integrated endpoints and event collectors have no link. */
	if (!c->pcie || c->pcie_type == PCI_EXP_TYPE_RC_END ||
	    c->pcie_type == PCI_EXP_TYPE_RC_EC)
		return;
	uint32_t cap = pci_read32(bdf, c->pcie + PCI_EXP_LNKCAP);
	uint16_t sta = pci_read16(bdf, c->pcie + PCI_EXP_LNKSTA);
	if (cap == 0xffffffffu)
		return;
	l->present = true;
	l->cap_speed = cap & PCI_EXP_LNKCAP_SLS;
	l->cap_width = (cap & PCI_EXP_LNKCAP_MLW) >> 4;
	l->lnksta = sta;
	l->speed = sta & PCI_EXP_LNKSTA_CLS;
	l->width = (sta & PCI_EXP_LNKSTA_NLW) >> PCI_EXP_LNKSTA_NLW_SHIFT;
}

void pcie_link_expected(const struct pcie_link *dev, const struct pcie_link *port,
			uint8_t *speed, uint8_t *width)
{
	*speed = dev->cap_speed;
	*width = dev->cap_width;
	if (port && port->present) {
		if (port->cap_speed < *speed)
			*speed = port->cap_speed;
		if (port->cap_width < *width)
			*width = port->cap_width;
	}
}
