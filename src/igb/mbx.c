/* mbx.c - the PF/VF mailbox, both ends (see mbx.h). */
#include "igb/mbx.h"

#include <stdarg.h>

#include "igb/igb_regs.h"
#include "report/fmt.h"
#include "wait_bound.h"

void igb_mbx_init(struct igb_mbx *m, const struct igb_dev *pf, unsigned vf,
		  uint64_t vf_bar0)
{
	*m = (struct igb_mbx){ .pf = pf, .vf = vf, .vf_bar0 = vf_bar0 };
}

uint32_t igb_vf_rd32(const struct igb_mbx *m, uint32_t reg)
{
	return plat_mmio_read32(m->vf_bar0 + reg);
}

void igb_vf_wr32(const struct igb_mbx *m, uint32_t reg, uint32_t v)
{
	plat_mmio_write32(m->vf_bar0 + reg, v);
}

void igb_mbx_describe(struct igb_mbx *m, char *buf, size_t n)
{
	uint32_t raw = igb_vf_rd32(m, IGB_V2PMAILBOX);

	m->r2c |= raw & IGB_V2PMAILBOX_R2C_BITS;
	fmt_snprintf(buf, n, "V2PMAILBOX 0x%08x (unconsumed PFSTS/PFACK/RSTD 0x%02x), "
		     "P2VMAILBOX(%u) 0x%08x, MBVFICR 0x%08x, VFLRE 0x%08x, VMBMEM(%u)[0] 0x%08x",
		     raw, m->r2c, m->vf, igb_rd32(m->pf, IGB_P2VMAILBOX(m->vf)),
		     igb_rd32(m->pf, IGB_MBVFICR), igb_rd32(m->pf, IGB_VFLRE), m->vf,
		     igb_rd32(m->pf, IGB_VMBMEM(m->vf)));
}

static int mbx_fail(struct igb_mbx *m, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record what failed and the registers as they are now. */
static int mbx_fail(struct igb_mbx *m, int rc, const char *fmt, ...)
{
	char regs[160];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = fmt_vsnprintf(m->last_error, sizeof(m->last_error), fmt, ap);
	va_end(ap);
	igb_mbx_describe(m, regs, sizeof(regs));
	if (k >= 0 && (size_t)k < sizeof(m->last_error))
		fmt_snprintf(m->last_error + k, sizeof(m->last_error) - (size_t)k, "; %s", regs);
	return rc;
}

/* ---- VF side ------------------------------------------------------------ */

uint32_t igb_mbx_vf_status(struct igb_mbx *m)
{
	uint32_t v = igb_vf_rd32(m, IGB_V2PMAILBOX);

	m->r2c |= v & IGB_V2PMAILBOX_R2C_BITS;
	return v | m->r2c;
}

bool igb_mbx_vf_check(struct igb_mbx *m, uint32_t bits)
{
	bool hit = igb_mbx_vf_status(m) & bits;

	m->r2c &= ~bits;
	return hit;
}

/* The lock wait: IGB_MBX_LOCK_TRIES attempts IGB_MBX_LOCK_RETRY_US apart,
 * stretched by --timeout-scale like every other wait. */
#define IGB_MBX_LOCK_BOUND_US ((IGB_MBX_LOCK_TRIES - 1) * IGB_MBX_LOCK_RETRY_US)

static bool vf_lock_taken(void *ctx)
{
	struct igb_mbx *m = ctx;

	igb_vf_wr32(m, IGB_V2PMAILBOX, IGB_V2PMAILBOX_VFU);
	return igb_mbx_vf_status(m) & IGB_V2PMAILBOX_VFU;
}

int igb_mbx_vf_lock(struct igb_mbx *m)
{
	if (wait_until(vf_lock_taken, m, IGB_MBX_LOCK_BOUND_US, IGB_MBX_LOCK_RETRY_US))
		return RC_OK;
	return mbx_fail(m, RC_ETIMEDOUT, "VF %u: VFU not granted within %llu us", m->vf,
			(unsigned long long)wait_bound_us(IGB_MBX_LOCK_BOUND_US));
}

void igb_mbx_vf_unlock(struct igb_mbx *m)
{
	igb_vf_wr32(m, IGB_V2PMAILBOX, 0);
}

static int check_len(struct igb_mbx *m, unsigned n)
{
	if (n < 1 || n > IGB_MBX_WORDS)
		return mbx_fail(m, RC_EINVAL, "message of %u words (1..%u)", n, IGB_MBX_WORDS);
	return RC_OK;
}

int igb_mbx_vf_write(struct igb_mbx *m, const uint32_t *msg, unsigned n)
{
	int rc = check_len(m, n);

	if (rc || (rc = igb_mbx_vf_lock(m)))
		return rc;
	/* The buffer is about to be overwritten: old signals are stale. */
	igb_mbx_vf_check(m, IGB_V2PMAILBOX_PFACK | IGB_V2PMAILBOX_PFSTS);
	for (unsigned i = 0; i < n; i++)
		igb_vf_wr32(m, IGB_VF_VMBMEM + 4 * i, msg[i]);
	igb_vf_wr32(m, IGB_V2PMAILBOX, IGB_V2PMAILBOX_REQ); /* drops VFU */
	return RC_OK;
}

int igb_mbx_vf_read(struct igb_mbx *m, uint32_t *msg, unsigned n)
{
	int rc = check_len(m, n);

	if (rc || (rc = igb_mbx_vf_lock(m)))
		return rc;
	for (unsigned i = 0; i < n; i++)
		msg[i] = igb_vf_rd32(m, IGB_VF_VMBMEM + 4 * i);
	igb_vf_wr32(m, IGB_V2PMAILBOX, IGB_V2PMAILBOX_ACK); /* drops VFU */
	return RC_OK;
}

/* Wait until done(m, bit), through the one bounded wait. */
struct mbx_wait {
	struct igb_mbx *m;
	bool (*done)(struct igb_mbx *m, uint32_t bit);
	uint32_t bit;
};

static bool mbx_done(void *ctx)
{
	struct mbx_wait *w = ctx;

	return w->done(w->m, w->bit);
}

static bool poll(struct igb_mbx *m, bool (*done)(struct igb_mbx *m, uint32_t bit),
		 uint32_t bit, uint32_t timeout_us, uint32_t step_us)
{
	struct mbx_wait w = { m, done, bit };

	return wait_until(mbx_done, &w, timeout_us, step_us);
}

int igb_mbx_vf_wait(struct igb_mbx *m, uint32_t bit, uint32_t timeout_us)
{
	if (poll(m, igb_mbx_vf_check, bit, timeout_us, IGB_MBX_POLL_US))
		return RC_OK;
	return mbx_fail(m, RC_ETIMEDOUT, "VF %u: no %s within %llu us", m->vf,
			bit == IGB_V2PMAILBOX_PFACK ? "PFACK" :
			bit == IGB_V2PMAILBOX_PFSTS ? "PFSTS" : "signal",
			(unsigned long long)wait_bound_us(timeout_us));
}

static bool settled(struct igb_mbx *m, uint32_t bits)
{
	return !igb_mbx_vf_check(m, bits);
}

int igb_mbx_vf_reset(struct igb_mbx *m)
{
	igb_vf_wr32(m, IGB_VF_CTRL, igb_vf_rd32(m, IGB_VF_CTRL) | IGB_VF_CTRL_RST);
	/* As igbvf's e1000_reset_hw_vf: not ready while RSTI/RSTD show. */
	if (poll(m, settled, IGB_V2PMAILBOX_RSTI | IGB_V2PMAILBOX_RSTD,
		 IGB_MBX_VF_RESET_TIMEOUT_US, IGB_MBX_VF_RESET_POLL_US))
		return RC_OK;
	return mbx_fail(m, RC_ETIMEDOUT, "VF %u: RSTI/RSTD still set %llu us after VTCTRL.RST",
			m->vf, (unsigned long long)wait_bound_us(IGB_MBX_VF_RESET_TIMEOUT_US));
}

/* ---- PF side ------------------------------------------------------------ */

bool igb_mbx_pf_check(struct igb_mbx *m, uint32_t bit)
{
	if (!(igb_rd32(m->pf, IGB_MBVFICR) & bit))
		return false;
	igb_wr32(m->pf, IGB_MBVFICR, bit);
	return true;
}

static bool pf_lock_taken(void *ctx)
{
	struct igb_mbx *m = ctx;

	igb_wr32(m->pf, IGB_P2VMAILBOX(m->vf), IGB_P2VMAILBOX_PFU);
	return igb_rd32(m->pf, IGB_P2VMAILBOX(m->vf)) & IGB_P2VMAILBOX_PFU;
}

int igb_mbx_pf_lock(struct igb_mbx *m)
{
	if (wait_until(pf_lock_taken, m, IGB_MBX_LOCK_BOUND_US, IGB_MBX_LOCK_RETRY_US))
		return RC_OK;
	return mbx_fail(m, RC_ETIMEDOUT, "PF: PFU for VF %u not granted within %llu us",
			m->vf, (unsigned long long)wait_bound_us(IGB_MBX_LOCK_BOUND_US));
}

void igb_mbx_pf_unlock(struct igb_mbx *m)
{
	igb_wr32(m->pf, IGB_P2VMAILBOX(m->vf), 0);
}

int igb_mbx_pf_write(struct igb_mbx *m, const uint32_t *msg, unsigned n)
{
	int rc = check_len(m, n);

	if (rc || (rc = igb_mbx_pf_lock(m)))
		return rc;
	/* Linux igb_write_mbx_pf: "flush msg and acks as we are overwriting
	 * the message buffer" - which is what loses a VF message sent
	 * meanwhile (mailbox_race_2011). */
	igb_mbx_pf_check(m, IGB_MBVFICR_VFREQ(m->vf));
	igb_mbx_pf_check(m, IGB_MBVFICR_VFACK(m->vf));
	for (unsigned i = 0; i < n; i++)
		igb_wr32(m->pf, IGB_VMBMEM(m->vf) + 4 * i, msg[i]);
	igb_wr32(m->pf, IGB_P2VMAILBOX(m->vf), IGB_P2VMAILBOX_STS); /* drops PFU */
	return RC_OK;
}

int igb_mbx_pf_read(struct igb_mbx *m, uint32_t *msg, unsigned n)
{
	int rc = check_len(m, n);

	if (rc || (rc = igb_mbx_pf_lock(m)))
		return rc;
	for (unsigned i = 0; i < n; i++)
		msg[i] = igb_rd32(m->pf, IGB_VMBMEM(m->vf) + 4 * i);
	igb_wr32(m->pf, IGB_P2VMAILBOX(m->vf), IGB_P2VMAILBOX_ACK); /* drops PFU */
	return RC_OK;
}

int igb_mbx_pf_wait(struct igb_mbx *m, uint32_t bit, uint32_t timeout_us)
{
	if (poll(m, igb_mbx_pf_check, bit, timeout_us, IGB_MBX_POLL_US))
		return RC_OK;
	return mbx_fail(m, RC_ETIMEDOUT, "PF: no %s from VF %u within %llu us",
			bit == IGB_MBVFICR_VFREQ(m->vf) ? "VFREQ" :
			bit == IGB_MBVFICR_VFACK(m->vf) ? "VFACK" : "signal", m->vf,
			(unsigned long long)wait_bound_us(timeout_us));
}

int igb_mbx_pf_reply_reset(struct igb_mbx *m, const uint8_t mac[6])
{
	uint32_t msg[3] = {
		IGB_VF_RESET | IGB_VT_MSGTYPE_ACK,
		(uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
			(uint32_t)mac[3] << 24,
		(uint32_t)mac[4] | (uint32_t)mac[5] << 8,
	};

	return igb_mbx_pf_write(m, msg, 3);
}
