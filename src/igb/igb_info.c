/* igb_info.c - board identity from the NVM and the statistics registers. */
#include "igb/igb_info.h"

#include "igb/igb_drv.h"
#include "igb/igb_regs.h"
#include "pci/pci_regs.h"
#include "report/fmt.h"

/* A 64-bit octet counter: low dword first, the high read clears both. */
static uint64_t rd64(struct igb_dev *d, uint32_t lo, uint32_t hi)
{
	uint64_t v = igb_rd32(d, lo);

	return v | (uint64_t)igb_rd32(d, hi) << 32;
}

/* Each counter's register; the octet counters' high half too (read
 * second, it clears both). Names inline: no pointer to relocate. */
static const struct {
	uint32_t lo, hi;
	char name[9];
} stat_regs[IGB_NSTATS] = {
	[IGB_STAT_GPTC] = { IGB_GPTC, 0, "GPTC" },
	[IGB_STAT_TPT] = { IGB_TPT, 0, "TPT" },
	[IGB_STAT_GOTC] = { IGB_GOTCL, IGB_GOTCH, "GOTC" },
	[IGB_STAT_TOT] = { IGB_TOTL, IGB_TOTH, "TOT" },
	[IGB_STAT_GPRC] = { IGB_GPRC, 0, "GPRC" },
	[IGB_STAT_TPR] = { IGB_TPR, 0, "TPR" },
	[IGB_STAT_GORC] = { IGB_GORCL, IGB_GORCH, "GORC" },
	[IGB_STAT_TOR] = { IGB_TORL, IGB_TORH, "TOR" },
	[IGB_STAT_CRCERRS] = { IGB_CRCERRS, 0, "CRCERRS" },
	[IGB_STAT_ALGNERRC] = { IGB_ALGNERRC, 0, "ALGNERRC" },
	[IGB_STAT_RXERRC] = { IGB_RXERRC, 0, "RXERRC" },
	[IGB_STAT_MPC] = { IGB_MPC, 0, "MPC" },
	[IGB_STAT_RLEC] = { IGB_RLEC, 0, "RLEC" },
	[IGB_STAT_RNBC] = { IGB_RNBC, 0, "RNBC" },
};

void igb_stats_read(struct igb_dev *d, struct igb_stats *s)
{
	for (unsigned i = 0; i < IGB_NSTATS; i++)
		s->v[i] = stat_regs[i].hi ? rd64(d, stat_regs[i].lo, stat_regs[i].hi) :
					    igb_rd32(d, stat_regs[i].lo);
}

const char *igb_stat_name(enum igb_stat i)
{
	return stat_regs[i].name;
}

static char hexdigit(unsigned v)
{
	return (char)(v < 10 ? '0' + v : 'A' + v - 10);
}

int igb_read_pba(struct igb_dev *d, char *buf, size_t n)
{
	uint16_t w0, w1, len;
	int rc;

	if (n < 11)
		return RC_EINVAL;
	if ((rc = igb_nvm_read(d, IGB_NVM_PBA_OFFSET_0, &w0)) ||
	    (rc = igb_nvm_read(d, IGB_NVM_PBA_OFFSET_1, &w1)))
		return rc;
	if (w0 != IGB_NVM_PBA_PTR_GUARD) {
		/* Legacy: six hex digits, '-', "0" and two more (10 in all). */
		unsigned k = 0;
		for (int sh = 12; sh >= 0; sh -= 4)
			buf[k++] = hexdigit((w0 >> sh) & 0xf);
		buf[k++] = hexdigit((w1 >> 12) & 0xf);
		buf[k++] = hexdigit((w1 >> 8) & 0xf);
		buf[k++] = '-';
		buf[k++] = '0';
		buf[k++] = hexdigit((w1 >> 4) & 0xf);
		buf[k++] = hexdigit(w1 & 0xf);
		buf[k] = '\0';
		return RC_OK;
	}
	/* w1 points at a length word (in words, itself included), then the
	 * string two characters a word, high byte first. */
	if ((rc = igb_nvm_read(d, w1, &len)))
		return rc;
	if (len == 0xffff || len == 0)
		return RC_EIO;
	if ((size_t)len * 2 - 1 > n)
		return RC_ERANGE;
	for (unsigned i = 0; i + 1 < len; i++) {
		uint16_t w;
		if ((rc = igb_nvm_read(d, (uint16_t)(w1 + 1 + i), &w)))
			return rc;
		buf[2 * i] = (char)(w >> 8);
		buf[2 * i + 1] = (char)w;
	}
	buf[2 * (len - 1)] = '\0';
	/* Anything unprintable ends the string where it starts. */
	for (char *p = buf; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '\0';
	return RC_OK;
}

int igb_read_nvm_version(struct igb_dev *d, struct igb_nvm_version *v)
{
	uint16_t etrack_hi, ver, lo;
	int rc;

	*v = (struct igb_nvm_version){ 0 };
	if ((rc = igb_nvm_read(d, IGB_NVM_ETRACK_HIWORD, &etrack_hi)) ||
	    (rc = igb_nvm_read(d, IGB_NVM_VERSION, &ver)))
		return rc;
	v->major = (ver & IGB_NVM_MAJOR_MASK) >> 12;
	v->minor = (ver & IGB_NVM_MINOR_MASK) >> 4;
	v->build = ver & IGB_NVM_IMAGE_ID_MASK;
	if ((etrack_hi & IGB_NVM_MAJOR_MASK) == IGB_NVM_ETRACK_VALID) {
		if ((rc = igb_nvm_read(d, IGB_NVM_ETRACK_WORD, &lo)))
			return rc;
		v->etrack_valid = true;
		v->etrack = (uint32_t)etrack_hi << 16 | lo;
	}
	return RC_OK;
}

unsigned igb_nvm_words(struct igb_dev *d)
{
	unsigned size = (igb_rd32(d, IGB_EECD) & IGB_EECD_SIZE_EX_MASK) >>
			IGB_EECD_SIZE_EX_SHIFT;

	size += IGB_NVM_WORD_SIZE_BASE_SHIFT;
	if (size > 15) /* Linux: "EEPROM access above 32k is unsupported" */
		size = 15;
	return 1u << size;
}

/* Three NVM words from word, as six address bytes, low byte first
 * (e1000_read_mac_addr_generic, igb_check_alt_mac_addr). */
static int read_mac_words(struct igb_dev *d, uint16_t word, uint8_t mac[6])
{
	for (unsigned i = 0; i < 3; i++) {
		uint16_t w;
		int rc = igb_nvm_read(d, (uint16_t)(word + i), &w);
		if (rc)
			return rc;
		mac[2 * i] = (uint8_t)w;
		mac[2 * i + 1] = (uint8_t)(w >> 8);
	}
	return RC_OK;
}

int igb_read_nvm_mac(struct igb_dev *d, struct igb_nvm_mac *m)
{
	int rc;

	*m = (struct igb_nvm_mac){ 0 };
	m->lan = (igb_rd32(d, IGB_STATUS) & IGB_STATUS_FUNC_MASK) >> IGB_STATUS_FUNC_SHIFT;
	if ((rc = read_mac_words(d, 0, m->dflt)))
		return rc;
	if (m->lan == 1)
		m->dflt[5] ^= 1;
	if ((rc = igb_nvm_read(d, IGB_NVM_ALT_MAC_ADDR_PTR, &m->alt_ptr)))
		return rc;
	if (m->alt_ptr == 0 || m->alt_ptr == 0xffff)
		return RC_OK;
	rc = read_mac_words(d, (uint16_t)(m->alt_ptr + m->lan * IGB_ALT_MAC_ADDRESS_OFFSET_LAN1),
			    m->alt_mac);
	if (rc)
		return rc;
	m->alt = !(m->alt_mac[0] & 0x01); /* multicast: not used */
	return RC_OK;
}

void igb_board_read(struct igb_dev *d, struct igb_board *b)
{
	const struct pci_caps *c = &d->fn->caps;

	*b = (struct igb_board){ .pba_rc = RC_ENODEV, .ver_rc = RC_ENODEV };
	b->vendor = pci_read16(d->bdf, PCI_VENDOR_ID);
	b->device = pci_read16(d->bdf, PCI_DEVICE_ID);
	b->subsys_vendor = pci_read16(d->bdf, PCI_SUBSYSTEM_VENDOR_ID);
	b->subsys_device = pci_read16(d->bdf, PCI_SUBSYSTEM_ID);
	if (c->dsn) {
		b->has_dsn = true;
		b->dsn = pci_read32(d->bdf, c->dsn + PCI_DSN) |
			 (uint64_t)pci_read32(d->bdf, c->dsn + PCI_DSN + 4) << 32;
	}
	if (!d->bar0)
		return;
	b->have_bar0 = true;
	uint32_t ral = igb_rd32(d, IGB_RAL(0)), rah = igb_rd32(d, IGB_RAH(0));
	for (unsigned i = 0; i < 4; i++)
		b->mac[i] = (uint8_t)(ral >> (8 * i));
	b->mac[4] = (uint8_t)rah;
	b->mac[5] = (uint8_t)(rah >> 8);
	b->pba_rc = igb_read_pba(d, b->pba, sizeof(b->pba));
	b->ver_rc = igb_read_nvm_version(d, &b->ver);
	b->nvm_words = igb_nvm_words(d);
}

const char *igb_board_str(const struct igb_board *b, char *buf, size_t n)
{
	char pba[IGB_PBA_MAX + 24], ver[48], dsn[32];

	if (b->pba_rc)
		fmt_snprintf(pba, sizeof(pba), "unreadable (%s)", rc_name(b->pba_rc));
	else
		fmt_snprintf(pba, sizeof(pba), "%s", b->pba);
	if (b->ver_rc)
		fmt_snprintf(ver, sizeof(ver), "unreadable (%s)", rc_name(b->ver_rc));
	else if (b->ver.etrack_valid)
		fmt_snprintf(ver, sizeof(ver), "%u.%u-%u etrack 0x%08x", b->ver.major,
			     b->ver.minor, b->ver.build, b->ver.etrack);
	else
		fmt_snprintf(ver, sizeof(ver), "%u.%u-%u", b->ver.major, b->ver.minor,
			     b->ver.build);
	if (b->has_dsn)
		fmt_snprintf(dsn, sizeof(dsn), "%02x-%02x-%02x-%02x-%02x-%02x-%02x-%02x",
			     (unsigned)(b->dsn >> 56) & 0xff, (unsigned)(b->dsn >> 48) & 0xff,
			     (unsigned)(b->dsn >> 40) & 0xff, (unsigned)(b->dsn >> 32) & 0xff,
			     (unsigned)(b->dsn >> 24) & 0xff, (unsigned)(b->dsn >> 16) & 0xff,
			     (unsigned)(b->dsn >> 8) & 0xff, (unsigned)b->dsn & 0xff);
	else
		fmt_snprintf(dsn, sizeof(dsn), "none");
	if (!b->have_bar0)
		fmt_snprintf(buf, n, "subsystem %04x:%04x dsn %s (BAR0 unusable: no MAC, "
			     "PBA or NVM)", b->subsys_vendor, b->subsys_device, dsn);
	else
		fmt_snprintf(buf, n, "subsystem %04x:%04x mac %02x:%02x:%02x:%02x:%02x:%02x "
			     "pba %s nvm %s (%u words) dsn %s", b->subsys_vendor,
			     b->subsys_device, b->mac[0], b->mac[1], b->mac[2], b->mac[3],
			     b->mac[4], b->mac[5], pba, ver, b->nvm_words, dsn);
	return buf;
}
