/*
 * model_igb.h - a behaviour model of the Intel 82576 PF for the host tests.
 *
 * It sits behind a fake PCI function (fake_devices.h builds one) and
 * implements what the driver touches: the BAR0 register file with its
 * access semantics (write-1-to-clear, read-to-clear, self-clearing and
 * read-only bits), CTRL.RST, MDIC and the PHY, NVM through EERD, TX/RX
 * advanced descriptor rings processed from the fake's DMA memory with PHY
 * (or, on QEMU, MAC) loopback, VMDq default-pool steering, the extended
 * interrupt registers and IVARs, the MSI-X table and PBA in BAR3 with
 * messages written into DMA memory, and the PCIe config side: FLR, MSI-X
 * control, BARs that stop decoding when cleared.
 *
 * Time is the fake platform's simulated clock: plat_udelay() runs the
 * model (link timers, EITR, MDIO/EERD latency, the wire), so a run is fast
 * and the same every time.
 *
 * Two personalities, chosen when the device is built:
 *   MODEL_QEMU     what QEMU 10.0's -device igb does (facts/qemu-igb.md and
 *                  hw/net/igb_core.c): MAC or PHY loopback, LU only 500 ms
 *                  after an autoneg restart, SLU ignored, DMA errors silent,
 *                  no AUTO_RD, EIAC writes only in Multiple_MSIX mode and
 *                  OR-ing, EIAM inert, EICS reads 0, TX/RX synchronous.
 *   MODEL_SILICON  what the datasheet and the seed series say real 82576
 *                  silicon does: no MAC loopback (3.5.6.2); PHY loopback
 *                  only with the forced link (FRCSPD/FRCDPX/SLU), LU follows
 *                  it; legacy TX descriptors flagged, not sent as data;
 *                  SRRCTL.DESCTYPE 0 gives the legacy RX write-back; EICR
 *                  read with EIAC set recorded; a DMA read outside mapped
 *                  memory wedges the descriptor engine until FLR (CTRL.RST
 *                  leaves it wedged), the read pending (GIO master
 *                  enabled, TRPND) until its completion timeout logs
 *                  Completion Timeout, endlessly retried while
 *                  GCR.Completion_Timeout_Resend is set; AUTO_RD after
 *                  reset; frames take their 1 Gb/s wire time; EIAM/EIAME
 *                  auto-mask; MDIC/EERD take time; FLR takes 100 ms;
 *                  RXDCTL/TXDCTL.ENABLE read 0 until RCTL.RXEN/TCTL.TXEN;
 *                  PHY loopback loses frames until it has settled (50 ms
 *                  after BMCR, 500 ms after the forced link); CTRL.RST with
 *                  mastering on and GIO master enabled recorded; a read
 *                  slower than the completion timeout in force is lost;
 *                  LAN 1 of a dual-port card (model_set_lan) says so in
 *                  STATUS.FUNC_ID and loads RAR0 with its own address; a
 *                  SerDes port (model_set_serdes) has no copper PHY and
 *                  loops back in its SerDes.
 *                  SILICON_SOURCES.md gives the source of each behaviour.
 *
 * Things a driver must not do on silicon are counted in violations[]: a
 * test run against the model is clean only when model_violations() is 0.
 */
#ifndef IGBTEST_MODEL_IGB_H
#define IGBTEST_MODEL_IGB_H

#include "fake_platform.h"
#include "model_sriov.h"

enum model_personality { MODEL_QEMU, MODEL_SILICON };

/* Faults to inject (model_inject), for both personalities. */
enum model_fault {
	MODEL_FAULT_MDIC_NEVER_READY = 1u << 0, /* MDIC.READY never sets */
	MODEL_FAULT_NVM_CHECKSUM = 1u << 1,     /* word 0x3F off by one */
	MODEL_FAULT_LINK_NEVER_UP = 1u << 2,    /* STATUS.LU stays 0 */
	MODEL_FAULT_NO_RX_WRITEBACK = 1u << 3,  /* data lands, DD never does */
	MODEL_FAULT_GPRC_STUCK = 1u << 4,       /* GPRC never counts */
	MODEL_FAULT_CRC_NOISE = 1u << 5,        /* a CRC-damaged frame beside each one */
	/* The rest are the fault-injection table's (model_inject.c); each
	 * names what model_injection parameter picks its target. */
	MODEL_FAULT_CORRUPT_FRAME = 1u << 6,  /* a byte of frame .frame flipped */
	MODEL_FAULT_DROP_FRAME = 1u << 7,     /* frame .frame lost on the wire */
	MODEL_FAULT_WB_LENGTH = 1u << 8,      /* frame .frame: write-back length 4 long */
	MODEL_FAULT_DD_BEFORE_DATA = 1u << 9, /* frame .frame: DD first, data a tick later */
	MODEL_FAULT_LEAK_READ = 1u << 10,      /* a read the IOMMU refused: half delivered */
	MODEL_FAULT_MSI_DUPLICATE = 1u << 11,  /* vector .vector: each message sent twice */
	MODEL_FAULT_MSI_LOST = 1u << 12,      /* vector .vector never fires */
	MODEL_FAULT_REG_STUCK = 1u << 13,     /* .reg reads .stuck_mask bits as .stuck_value */
	MODEL_FAULT_MBX_LOST = 1u << 14,      /* the next mailbox message never signals */
	MODEL_FAULT_VF_RESET_STUCK = 1u << 15, /* a VF reset never completes (RSTI stays) */
	MODEL_FAULT_FLR_KEEPS_STATE = 1u << 16, /* FLR leaves registers and a wedge as they were */
	MODEL_FAULT_RST_UNWEDGES = 1u << 17,  /* CTRL.RST clears a wedged engine */
	MODEL_FAULT_LEAK_WRITE = 1u << 18,    /* a write the IOMMU refused: half lands */
	MODEL_FAULT_MBX_LOCK_BROKEN = 1u << 19, /* a VF gets VFU while the PF holds PFU */
	MODEL_FAULT_PM_STUCK = 1u << 20,      /* PMCSR PowerState ignores writes */
	MODEL_FAULT_ONE_VECTOR_LOST = 1u << 21, /* MSI and INTx never signal */
	MODEL_FAULT_EITR_IGNORED = 1u << 22,  /* no throttling whatever EITR says */
	MODEL_FAULT_BAD_TLP = 1u << 23,       /* each TDT write logs a Bad TLP (AER CE) */
	MODEL_FAULT_POISONED_TLP = 1u << 24,  /* logs a poisoned TLP (AER UE) when injected */
	MODEL_FAULT_DROP_FROM = 1u << 25,     /* frame .frame and every later one lost */
	/* Each TDT write: the port above (model_set_port) logs an error. */
	MODEL_FAULT_PORT_UR = 1u << 26,       /* an Unsupported Request, header naming us */
	MODEL_FAULT_PORT_BAD_DLLP = 1u << 27, /* a Bad DLLP on the link: no header */
	/* Frame .frame's DMA strays: MODEL_INJECT_STRAY bytes next to where it
	 * should go are changed (the complement of what they held). */
	MODEL_FAULT_RX_STRAY_AFTER = 1u << 28,  /* written just past its RX data */
	MODEL_FAULT_RX_STRAY_BEFORE = 1u << 29, /* written just before its RX data */
	MODEL_FAULT_TX_WRITES_SOURCE = 1u << 30, /* written in its TX data (a read) */
};

/* Driver actions that are bugs on silicon (recorded by that personality;
 * MV_DMA_OUTSIDE and MV_MSI_OUTSIDE by both: DMA only to our buffers;
 * MV_INTX_TO_PLATFORM by both: no interrupt reaches the firmware's
 * controller). */
enum model_violation {
	MV_EICR_READ_WITH_EIAC,  /* 8.8.5 forbids it */
	MV_LEGACY_TX_DESC,       /* a legacy TX descriptor was fetched */
	MV_ACCESS_IN_RESET,      /* register access < 1 ms after CTRL.RST */
	MV_RESEND_STORM,         /* faulting read retried past the limit */
	MV_ACCESS_IN_FLR,        /* BAR access < 100 ms after FLR */
	MV_NVM_BEFORE_AUTO_RD,   /* EERD used before EECD.AUTO_RD (reset) */
	MV_DMA_OUTSIDE,          /* descriptor/buffer DMA outside our memory */
	MV_MSI_OUTSIDE,          /* an MSI-X message aimed outside our memory */
	MV_EICS_READ,            /* EICS is write-only: a read says nothing */
	MV_RESET_MASTER_ON,      /* CTRL.RST with GIO master enabled (mastering on) */
	MV_MDIC_NO_PHY,          /* MDIC on a port with no copper PHY (SerDes) */
	MV_PM_TOO_SOON,          /* config write < 10 ms after a D3hot transition */
	MV_ACCESS_IN_D3,         /* BAR access while in D3hot */
	MV_INTX_TO_PLATFORM,     /* INTx asserted with INTx Disable clear (both) */
	MV_PHY_NO_SEMAPHORE,     /* MDIC without the SW_FW_SYNC PHY bit (firmware active) */
	MV_PHY_RESET_BLOCKED,    /* PHY reset or loopback while MANC blocks it */
	MV_PHY_LEFT_LOOPBACK,    /* given back with the PHY looped or the MAC forced */
	MV_VF_BAR_OVERLAP,       /* VF memory enabled over another's memory */
	MV_ARI_CHANGED_LIVE,     /* ARI Capable Hierarchy changed while VFs are on */
	MV_COUNT
};

/* The PHY identifier QEMU's igb reports (IGP03E1000_E_PHY_ID, rev 1);
 * the model uses it for both personalities. */
#define MODEL_PHY_ID1 0x02a8
#define MODEL_PHY_ID2 0x0391
/* QEMU's igb answers EERD for 1024 words (IGB_EEPROM_SIZE, igb_core.h). */
#define MODEL_NVM_WORDS 1024
#define MODEL_PHY_REGS 32
#define MODEL_QUEUES 16
#define MODEL_VECTORS 25   /* EICR bits in Multiple_MSIX mode */
#define MODEL_MSIX_VECTORS 10 /* PF MSI-X table entries */
#define MODEL_MAX_FRAME 16384 /* largest frame the TX gather accepts */
#define MODEL_INJECT_LATE_MAX 16384 /* a late frame's bytes (one RX buffer) */
#define MODEL_INJECT_STRAY 4        /* bytes a stray DMA changes */
/* QEMU: frames its net layer holds for a port that cannot receive yet
 * (qemu_net_queue_send); the model holds this many of up to this size
 * and loses the rest. */
#define MODEL_WIRE_HELD 8
#define MODEL_WIRE_HELD_FRAME 2048

/* Where an injected fault strikes (model_inject_with). */
struct model_injection {
	unsigned frame;        /* frame faults: the n-th frame sent after injection (1: next) */
	unsigned vector;       /* MSI faults: the vector */
	uint32_t reg, stuck_mask, stuck_value; /* REG_STUCK */
};

/* The injection's running state (model_inject.c). */
struct model_inject_state {
	struct model_injection how;
	uint64_t frames;        /* frames sent since injection */
	bool hit;               /* the frame on its way now is the target */
	uint64_t late_addr;     /* DD_BEFORE_DATA: data still to land */
	uint32_t late_len;
	uint8_t late[MODEL_INJECT_LATE_MAX];
	uint64_t dup_addr;      /* MSI_DUPLICATE: the second message, next tick */
	uint32_t dup_data;
	bool dup_pending;
	uint32_t vf_reset_stuck; /* VFs whose reset never completes */
};

/* A frame fetched by the TX engine, on the wire until done_ns. */
struct model_tx_frame {
	bool valid;
	unsigned queue;
	unsigned head, ndesc;   /* descriptors it consumed */
	unsigned legacy;        /* of which legacy (silicon: flagged) */
	uint64_t rs;            /* bit i: descriptor head+i had RS */
	bool has_data;          /* false: only legacy/context descriptors */
	uint64_t src;           /* its first data buffer's address */
	uint32_t len;
	uint64_t done_ns;
	uint8_t data[MODEL_MAX_FRAME + 4];
};

struct model_igb {
	enum model_personality pers;
	struct fake_fn *fn;
	struct fake_mmio *bar0, *bar3;
	unsigned faults;

	/* ---- what a test reads back ---- */
	unsigned resets;               /* CTRL.RST writes */
	unsigned an_restarts;          /* autonegotiations restarted (BMCR) */
	unsigned flrs;                 /* Function Level Resets */
	unsigned eicr_reads_with_eiac; /* EICR reads while EIAC != 0 (both) */
	unsigned violations[MV_COUNT];
	uint64_t frames_tx, frames_rx; /* frames sent; frames written to a ring */
	uint64_t frames_to_wire;       /* sent with no loopback: lost */
	uint64_t rx_drop_filter, rx_drop_size, rx_drop_nodesc, rx_drop_off;
	uint64_t legacy_rx_writebacks; /* silicon, DESCTYPE 0 */
	unsigned dma_read_faults, dma_write_faults; /* refused or outside */
	unsigned iommu_faults;         /* of which the IOMMU refused */
	unsigned unsupported_requests; /* of which to nothing at all (UR) */
	unsigned resend_retries;
	unsigned cpl_timeouts;         /* silicon: reads slower than the timeout */
	uint64_t frames_unsettled;     /* silicon: lost before the PHY settled */
	uint64_t frames_unparsed;      /* QEMU: headers its TX parser refused */
	bool wedged;                   /* silicon: descriptor engine stuck */
	uint64_t wedge_addr;
	uint64_t msi_sent[MODEL_VECTORS]; /* messages written, per vector */
	uint64_t msi_pended, msi_dropped;
	uint64_t msi_messages;         /* MSI (not MSI-X) messages written */
	uint64_t intx_asserts;         /* INTx level went up */
	uint32_t msi_sending;          /* silicon: released, not yet sent */
	uint64_t msi_send_ns[MODEL_MSIX_VECTORS];
	uint64_t msi_send_addr[MODEL_MSIX_VECTORS];
	uint32_t msi_send_data[MODEL_MSIX_VECTORS];
	uint64_t tdt_writes;

	/* ---- internal state ---- */
	uint64_t now_ns;               /* time of the last sync */
	unsigned lan;                  /* silicon: LAN ID, STATUS.FUNC_ID (model_set_lan) */
	bool serdes;                   /* silicon: a SerDes port (model_set_serdes) */
	uint32_t link_mode;            /* its CTRL_EXT.LINK_MODE from the NVM */
	bool serdes_loopback;          /* SCTL loopback on; CTRL.RST keeps it */
	uint16_t nvm[MODEL_NVM_WORDS];
	uint16_t phy[MODEL_PHY_REGS];
	bool lu;                       /* STATUS.LU */
	uint64_t autoneg_done_ns;      /* QEMU: 0 = no autoneg running */
	uint64_t mdic_done_ns, eerd_done_ns; /* silicon latencies, 0 = idle */
	uint32_t mdic_result, eerd_result;
	uint64_t reset_start_ns, reset_done_ns, auto_rd_ns; /* silicon CTRL.RST */
	bool in_reset;
	uint64_t flr_done_ns;          /* silicon: inaccessible until then */
	bool in_flr;
	unsigned pm_state;             /* PMCSR PowerState (0 D0 .. 3 D3hot) */
	uint64_t pm_busy_ns;           /* silicon: no access until (PCI PM 5.6.1) */
	unsigned pm_undecoded;         /* BAR accesses refused before D3hot */
	unsigned pm_transitions;       /* D0 <-> D3hot changes that took */
	unsigned flr_undecoded;        /* BAR accesses refused before FLR */
	uint16_t devctl_reset;         /* PCIe Device Control after FLR */
	uint64_t cpl_due_ns;           /* silicon: a lost read's timeout, 0 = none */
	uint64_t next_retry_ns;        /* silicon resend of a faulting read */
	bool resending;
	uint32_t eitr_running;         /* throttle timers armed */
	uint32_t eitr_pending;         /* silicon: a message waits for one */
	uint64_t eitr_deadline_ns[MODEL_VECTORS];
	uint64_t wire_free_ns;         /* silicon: the wire is busy until */
	bool in_tdt;                   /* QEMU: inside a TDT write */
	uint32_t tdt_eic;              /* QEMU: TX causes of this TDT write */
	uint64_t phy_loopback_ns;      /* silicon: BMCR loopback set at */
	bool unplugged;                /* silicon: no cable, no link partner */
	struct model_igb *cable;       /* the port at the cable's other end
					* (model_cable); NULL: a partner that
					* is no port here (a switch), which
					* takes frames and answers none */
	uint64_t frames_cabled;        /* sent to the cable's other port */
	struct fake_fn *port;          /* the port above (model_set_port) */
	unsigned held;                 /* QEMU: frames held for this port */
	uint32_t held_len[MODEL_WIRE_HELD];
	uint8_t held_data[MODEL_WIRE_HELD][MODEL_WIRE_HELD_FRAME];
	uint64_t unplug_at_ns;         /* silicon: the cable is pulled then (0: never) */
	uint64_t partner_an_ns;        /* silicon: autoneg with the partner done at */
	uint64_t autoneg_ns;           /* silicon: how long it takes (0: MODEL_SI_AUTONEG_NS) */
	bool partner_link;             /* silicon: the PHY has a link to the partner */
	uint64_t forced_link_ns;       /* silicon: CTRL forced the link at */
	uint64_t fw_phy_until_ns;      /* silicon: firmware holds the PHY bit */
	bool mng_session;              /* MANC.BLK_PHY_RST_ON_IDE (model_mng_session) */
	bool phy_looped;               /* silicon: loopback entered, no PHY reset since */
	bool master_on;                /* PCI COMMAND.MASTER as last written */
	uint64_t host_read_ns;         /* silicon: completion latency of a DMA
					* read (a loaded host); 0 by default */
	uint64_t remove_at_us;         /* surprise removal, 0 = never */
	uint64_t remove_after_tdt;     /* ... or after this many TDT writes */
	bool removed;
	struct model_tx_frame tx;
	uint8_t rxbuf[MODEL_MAX_FRAME + 4];
	struct model_sriov sriov;      /* VFs and the mailbox (model_sriov.c) */
	struct model_inject_state inj; /* model_inject.c */
};

/* Give fake function fn (with BAR0 region bar0 and BAR3 region bar3) the
 * 82576's behaviour; freed with the fake world. */
struct model_igb *model_igb_attach(struct fake_fn *fn, struct fake_mmio *bar0,
				   struct fake_mmio *bar3, enum model_personality p);
const char *model_personality_name(enum model_personality p);

void model_inject(struct model_igb *g, unsigned faults);
/* QEMU's template identity words: version 2.1-0, legacy PBA "1040FF-0FF". */
#define MODEL_NVM_VERSION 0x2010
#define MODEL_NVM_PBA0 0x1040
#define MODEL_NVM_PBA1 0xffff
/* Silicon: the port is LAN lan (0 or 1) of a dual-port 82576: STATUS.FUNC_ID
 * says so and RAR0 (now and at each reset) holds the NVM MAC with bit 0 of
 * its last byte flipped on LAN 1. QEMU's igb is always LAN 0. */
void model_set_lan(struct model_igb *g, unsigned lan);
/* The port above g (a fake_bridge_add one), where MODEL_FAULT_PORT_* log
 * (at each TDT write, or now by model_pci_port_error). */
void model_set_port(struct model_igb *g, struct fake_fn *port);
void model_pci_port_error(struct model_igb *g);
/* A read by g's DMA engine, as a descriptor fetch does it (what the model
 * does about the address: IOMMU, nothing behind it): false if refused. */
bool model_dma_read(struct model_igb *g, uint64_t addr, void *buf, size_t len);
/* Silicon: a SerDes port (device 0x10E7, NVM-loaded CTRL_EXT.LINK_MODE
 * link_mode: SerDes, 1000BASE-KX or SGMII) with no copper PHY: MDIC reads fail, writes go nowhere, both are
 * violations; the link is the PCS's forced one (PCS_LCTL) with CTRL.SLU,
 * and frames loop back only with SCTL's SerDes loopback on, which
 * CTRL.RST does not turn off (Linux igb_setup_serdes_link_82575). Call
 * before the PCI scan. */
void model_set_serdes(struct model_igb *g, uint32_t link_mode);
/*
 * A cable between ports a and b (same personality): a frame one sends out
 * of loopback arrives at the other's receive side. Silicon: each PHY's
 * autonegotiation completes only while the far PHY negotiates too (not
 * looped back, not unplugged), and a frame crosses only while both ends
 * have that link. QEMU (two igbs on one -netdev hubport hub): the hub
 * takes every frame sent, link or not, and hands it over at once if the
 * other port can receive (igb_can_receive: LU, RCTL.EN, bus mastering, a
 * free descriptor); otherwise QEMU's net queue holds it until it can.
 * The sender's frame faults (DROP_FRAME, CORRUPT_FRAME) strike on the
 * wire. b NULL: a's cable goes to a partner that is no port here.
 */
void model_cable(struct model_igb *a, struct model_igb *b);

/* Silicon: the PHY negotiated with its partner before the driver came
 * (power-up, the firmware or an earlier OS), advertising adv (ANAR) and
 * adv1000 (1000BASE-T control); the MAC follows it (CTRL.SLU). STATUS
 * then shows the mode both ends' abilities resolve to. */
void model_link_before(struct model_igb *g, uint16_t adv, uint16_t adv1000);
/* After changing nvm[] words below 0x3F: make the checksum right again. */
void model_nvm_fix_checksum(struct model_igb *g);
/* The same with where the fault strikes; frame counting starts now. */
void model_inject_with(struct model_igb *g, unsigned faults,
		       const struct model_injection *how);
/* The injected faults stop (what they left behind, such as a wedge, stays). */
void model_inject_clear(struct model_igb *g);
/* Surprise removal (config space and BARs read all-ones, no more DMA) at
 * simulated time at_us, or right after the n-th TDT write. */
void model_remove_at(struct model_igb *g, uint64_t at_us);
void model_remove_after_tdt(struct model_igb *g, uint64_t n);

/* The manageability firmware opens (true) or closes a Serial-over-LAN /
 * IDE-redirection session: MANC.BLK_PHY_RST_ON_IDE, kept across resets. */
void model_mng_session(struct model_igb *g, bool on);

/* Silicon: PHY loopback has settled (frames loop rather than vanish). */
bool model_phy_settled(const struct model_igb *g);
/* Silicon: the completion timeout GCR / DEVCTL2 select now. */
uint64_t model_cpl_timeout_ns(const struct model_igb *g);

/* Sum of violations[]; describe them ("" when none). */
unsigned model_violations(const struct model_igb *g);
void model_describe_violations(const struct model_igb *g, char *buf, size_t n);
const char *model_violation_name(enum model_violation v);

#endif
