/*
 * model_stats.c - the 82576's statistics registers (8.19) in the model.
 *
 * Both personalities count what QEMU's igb_core.c counts on a frame sent
 * (igb_on_tx_done_update_stats: TPT, TOTL/H, GPTC, GOTCL/H, with the 4 FCS
 * bytes) and received (e1000x_update_rx_total_stats: TPR, TORL/H, GPRC,
 * GORCL/H, FCS included). Reads clear the 32-bit counters; the 64-bit
 * octet counters clear, both halves, when the high dword is read
 * (igb_mac_read_clr8; Linux igb_update_stats). Silicon also counts RNBC
 * when a frame finds no free descriptor; QEMU never counts RNBC or MPC.
 * The counters live in the register file, so every reset clears them.
 */
#include "model_priv.h"

#include "igb/igb_regs.h"

static void inc(struct model_igb *g, uint32_t reg, uint32_t by)
{
	uint32_t v = REG(g, reg);

	REG(g, reg) = v + by < v ? 0xffffffffu : v + by; /* they saturate */
}

static void grow64(struct model_igb *g, uint32_t lo, uint64_t by)
{
	uint64_t v = REG(g, lo) | (uint64_t)REG(g, lo + 4) << 32;

	v += by;
	REG(g, lo) = (uint32_t)v;
	REG(g, lo + 4) = (uint32_t)(v >> 32);
}

void stats_tx(struct model_igb *g, uint32_t len)
{
	inc(g, IGB_TPT, 1);
	grow64(g, IGB_TOTL, len + MODEL_ETH_FCS);
	inc(g, IGB_GPTC, 1);
	grow64(g, IGB_GOTCL, len + MODEL_ETH_FCS);
}

void stats_rx(struct model_igb *g, uint32_t len)
{
	inc(g, IGB_TPR, 1);
	grow64(g, IGB_TORL, len + MODEL_ETH_FCS);
	if (g->faults & MODEL_FAULT_CRC_NOISE) {
		/* A damaged frame beside each good one: seen, counted, dropped. */
		inc(g, IGB_TPR, 1);
		grow64(g, IGB_TORL, len + MODEL_ETH_FCS);
		inc(g, IGB_CRCERRS, 1);
		inc(g, IGB_RXERRC, 1);
	}
}

void stats_rx_good(struct model_igb *g, uint32_t len)
{
	if (!(g->faults & MODEL_FAULT_GPRC_STUCK))
		inc(g, IGB_GPRC, 1);
	grow64(g, IGB_GORCL, len + MODEL_ETH_FCS);
}

void stats_no_buffer(struct model_igb *g)
{
	if (model_silicon(g))
		inc(g, IGB_RNBC, 1);
}

bool stats_read(struct model_igb *g, uint32_t off, uint32_t *val)
{
	static const uint32_t hi64[] = { IGB_GORCH, IGB_GOTCH, IGB_TORH, IGB_TOTH };

	if (off < IGB_CRCERRS || off > IGB_TPT)
		return false;
	*val = REG(g, off);
	for (size_t i = 0; i < ARRAY_SIZE(hi64); i++) {
		if (off == hi64[i]) {
			REG(g, off) = REG(g, off - 4) = 0;
			return true;
		}
		if (off + 4 == hi64[i])
			return true; /* the low half clears with the high read */
	}
	REG(g, off) = 0;
	return true;
}
