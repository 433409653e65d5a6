/*
 * igb_drv.h - the 82576 as a DMA copy engine: PHY internal loopback (SerDes
 * loopback on a port without the copper PHY), one
 * advanced TX ring and one advanced RX ring per queue pair, memcpy through
 * the wire. Shaped like the Linux VFIO selftest drivers: an ops table of
 * init, remove, memcpy_start, memcpy_wait (send_msi comes later).
 */
#ifndef IGBTEST_IGB_DRV_H
#define IGBTEST_IGB_DRV_H

#include "dma/dma.h"
#include "dma/iommu.h"
#include "igb/igb.h"
#include "pci/flr.h"
#include "pci/msix.h"

/* Descriptors per ring, as the Linux selftest driver uses (64 KiB rings). */
#define IGB_RING_DESCS		4096
/* Largest frame we send: jumbo, inside RLPML and one RX buffer. */
#define IGB_MAX_FRAME		9000
/* Smallest frame the MAC sends without padding (no FCS; 7.2.2.3). */
#define IGB_MIN_FRAME		60

struct igb_tx_desc {
	uint64_t addr;
	uint32_t cmd_type_len;
	uint32_t olinfo_status;
};

union igb_rx_desc {
	struct {
		uint64_t pkt_addr;
		uint64_t hdr_addr;
	} read;
	struct {
		uint32_t info;
		uint32_t rss;
		uint32_t status_error;
		uint16_t length;
		uint16_t vlan;
	} wb;
};

struct igb_ring {
	struct dma_buf *mem;
	unsigned queue;
	unsigned count;  /* descriptors */
	unsigned tail;   /* next descriptor software fills */
};

/* One frame of a copy plan: bytes [off, off+len) of src land in dst. */
struct igb_frame {
	uint32_t off;
	uint16_t len;
};

/* The copy in flight: memcpy_start posts, memcpy_wait completes. */
struct igb_copy {
	const uint8_t *src;
	uint8_t *dst;
	uint64_t src_bus, dst_bus;
	size_t size;
	unsigned count;       /* repetitions of the whole copy */
	unsigned frames;      /* frames per repetition */
	uint64_t total;       /* frames in all */
	uint64_t posted;      /* frames given to the rings */
	uint64_t done;        /* frames completed */
	unsigned batch_first; /* RX index of the first frame in flight */
	unsigned batch_len;   /* frames in flight */
	bool bounce;          /* size < IGB_MIN_FRAME: RX lands in a bounce */
	bool active;
};

/*
 * MSI-X with no interrupt controller: every entry points at a slot of msg,
 * a DMA page of ours, so a message is a 4-byte write we can watch.
 */
#define IGB_MSG_SLOT	64	/* bytes between vectors' slots */
#define IGB_MAX_VECTORS	32	/* slots in the page we track */

struct igb_irq {
	struct msix msix;
	struct dma_buf *msg;
	unsigned nvec;          /* vectors in use (the capability's count) */
	uint32_t tag;           /* high half of every message's data */
	bool on;                /* MSI-X set up on device and function */
	char why[96];           /* why not, when !on */
};

/* Wire mode: RX descriptors point at slots of one buffer of ours. */
struct igb_wire_rx {
	uint8_t *cpu;
	uint64_t bus;
	unsigned slots, slot_size;
	unsigned first;  /* descriptor of slot 0 */
	unsigned next;   /* next descriptor to look at */
	unsigned seen;   /* frames taken */
};

/* What the caller chooses before init; init keeps it. */
struct igb_drv_config {
	unsigned tx_queue;        /* queues in use (igb_drv_set_queues) */
	unsigned rx_queue;
	unsigned dma_flags;       /* dma_alloc_flags for the rings (DMA_HIGH) */
	bool wire;                /* face the cable, not loopback (wire mode below) */
};

/* What init and the copies saw, for a case to read: init keeps it (a
 * recovery after a fault must not erase the fault), clears last_error and
 * measures the link again. */
struct igb_drv_seen {
	bool auto_rd_seen;        /* EECD.AUTO_RD after reset (silicon) */
	uint64_t link_up_us;      /* LU after init's loopback set-up, when first
				   * waited for (igb_link_settle) */
	bool link_taken;          /* wire mode: init took the PHY's link as it
				   * was (igb_autoneg_start) */
	char last_error[240];     /* what the last failure said */
	bool faulted;             /* the last copy ended on an IOMMU fault */
	struct iommu_fault fault; /* that fault (ours) */
};

struct igb_drv {
	struct igb_drv_config cfg;
	struct igb_drv_seen seen;
	/* The device state: init sets up all of it afresh. */
	struct igb_dev *dev;
	struct igb_ring tx, rx;
	struct dma_buf *pad;      /* zeros for short frames; RX bounce */
	unsigned max_frame;       /* RX buffer and RLPML size */
	/* Published by init, as the VFIO selftest drivers' max_memcpy_size and
	 * max_memcpy_count: the largest copy the rings carry at once (in
	 * frames of max_frame) and the most one-frame copies they hold.
	 * Larger copies work too, in batches; these are what cases size by. */
	size_t max_memcpy_size;
	unsigned max_memcpy_count;
	unsigned frame_size;      /* bytes per frame of a copy, <= max_frame */
	struct igb_copy copy;
	struct igb_wire_rx wire_rx; /* wire mode: the slots given to RX */
	struct igb_irq irq;
	bool up;                  /* init done (the link may still settle) */
	bool link_settled;        /* igb_link_settle() done since init */
	uint64_t link_t0;         /* init: loopback set-up started */
	uint64_t link_forced_at;  /* init: MAC link forced */
	uint32_t link_settle_us;  /* init: the loopback's settle after that */
};

/*
 * The contract, as the Linux VFIO selftest's vfio_pci_driver_ops: init
 * brings the copy engine up; memcpy_start posts a copy; memcpy_wait
 * completes it and reports what went wrong (RC_ETIMEDOUT, or RC_EIO with
 * faulted set for an IOMMU fault, last_error saying more). It neither
 * recovers nor prints: after a failed copy the engine may be wedged, and
 * recovery (igb_flr_init) is the caller's (the harness's test_memcpy_wait).
 */
struct igb_ops {
	int (*init)(struct igb_drv *drv, struct igb_dev *dev);
	void (*remove)(struct igb_drv *drv);
	int (*memcpy_start)(struct igb_drv *drv, const void *src, void *dst,
			    size_t size, unsigned count);
	int (*memcpy_wait)(struct igb_drv *drv);
	int (*send_msi)(struct igb_drv *drv, unsigned vector);
};

extern const struct igb_ops igb_ops;

/* Wait (bounded) until the link of the last init is up and settled; at
 * once when it already is. memcpy_start calls it before the first frame. */
int igb_link_settle(struct igb_drv *drv);

/* Building blocks, exposed for the tests. */
int igb_reset(struct igb_dev *dev, bool *auto_rd_seen);
int igb_nvm_read(struct igb_dev *dev, uint16_t word, uint16_t *val);
int igb_phy_read(struct igb_dev *dev, uint8_t reg, uint16_t *val);
int igb_phy_write(struct igb_dev *dev, uint8_t reg, uint16_t val);
/* CTRL_EXT.LINK_MODE: 0 for the internal copper PHY, else the port has
 * none behind MDIC and loops back in its SerDes; and its name. */
uint32_t igb_link_mode(struct igb_dev *dev);
const char *igb_link_mode_name(uint32_t mode);
/* MANC.BLK_PHY_RST_ON_IDE: the firmware forbids PHY resets, and so PHY
 * loopback (Linux igb_check_reset_block); init then fails with RC_EACCES
 * before touching anything. */
bool igb_phy_reset_blocked(const struct igb_dev *dev);
/* What FWSM and MANC say of the manageability firmware, for a reason. */
void igb_mng_describe(const struct igb_dev *dev, char *buf, size_t n);
/*
 * Use TX queue tx (0..15) and RX queue rx (0..7) from the next init. RX
 * queues other than 0 are reached through VMDq: the RX queue's pool is the
 * default pool, which takes every unicast frame that matches no receive
 * address, as every copy's header (igb_copy_hdr) is.
 */
int igb_drv_set_queues(struct igb_drv *drv, unsigned tx, unsigned rx);
/* The same on a running driver: rings moved, no reset, link kept. */
int igb_drv_switch_queues(struct igb_drv *drv, unsigned tx, unsigned rx);
/* Split copies into frames of this many bytes (clamped to what init set
 * up); returns the size in force. */
unsigned igb_drv_set_frame_size(struct igb_drv *drv, unsigned bytes);
/* Frames a copy of size bytes is split into. */
unsigned igb_copy_frames(size_t size, unsigned max_frame);
/*
 * A copy moves payloads: each frame on the wire starts with the fixed,
 * safe header igb_copy_hdr (igb_drv.c says why), never with arbitrary
 * bytes. A copy of IGB_MIN_FRAME bytes or more (igb_copy_headed) goes
 * frame by frame from source to destination, so the source holds each
 * frame's header in its first IGB_COPY_HDR_LEN bytes: the caller lays them
 * (igb_copy_put_headers, at igb_copy_frame's offsets) and memcpy_start
 * refuses a source without them (RC_EINVAL, nothing posted). A shorter
 * copy goes as the driver's header, the source bytes and padding, and
 * only the source bytes reach the destination.
 */
#define IGB_COPY_HDR_LEN	14
extern const uint8_t igb_copy_hdr[IGB_COPY_HDR_LEN];
bool igb_copy_headed(size_t size);
/* p starts with igb_copy_hdr. */
bool igb_copy_is_header(const uint8_t *p);
/* Frame f of a copy of size bytes at the frame size in force. */
struct igb_frame igb_copy_frame(const struct igb_drv *drv, size_t size, unsigned f);
void igb_copy_put_headers(const struct igb_drv *drv, void *src, size_t size);
/* The completion bound for a batch of frames totalling bytes. */
uint64_t igb_copy_timeout_us(uint64_t bytes, uint64_t frames);
/*
 * Recovery after a hung or faulted copy (seed series patch 8): CTRL.RST
 * does not un-wedge the 82576's descriptor engine after a DMA read fault,
 * Function Level Reset does. The caller quiesces first (ops.remove: rings
 * off, master requests drained, bus mastering off); then FLR (config
 * space restored) and a full init (rings, link, MSI-X re-armed). rep gets
 * the FLR phase times. Whether the device is still there to recover is
 * the caller's question (the harness's test_recover asks igb_gone).
 */
int igb_flr_init(struct igb_drv *drv, struct flr_report *rep);

/* ---- interrupts (igb_irq.c) ---- */
/* Set up MSI-X on the function and the device; failure is recorded in
 * drv->irq.why and is not fatal to the copy engine. */
int igb_irq_setup(struct igb_drv *drv);
void igb_irq_teardown(struct igb_drv *drv);
/* ops.send_msi: raise vector's cause through EICS (unmasking it first). */
int igb_send_msi(struct igb_drv *drv, unsigned vector);
/* The data vector v's entry carries: the tag in the high half, v low. */
uint32_t igb_msg_data(const struct igb_drv *drv, unsigned v);
/* New tag: reprogram every entry's data and clear every slot. */
void igb_irq_retag(struct igb_drv *drv, uint32_t tag);
/* What the slot of vector v holds now (0: nothing arrived). */
uint32_t igb_msg_read(const struct igb_drv *drv, unsigned v);
void igb_msg_clear(struct igb_drv *drv, unsigned v);
/* What the slot held, cleared in the same access (0: nothing arrived). */
uint32_t igb_msg_take(struct igb_drv *drv, unsigned v);
/*
 * Wait (bounded) for vector v's message, then for a quiet period that
 * proves no second message follows. Returns RC_OK with *data when exactly
 * one arrived, RC_ETIMEDOUT when none did, RC_EIO for a duplicate.
 */
int igb_msg_wait(struct igb_drv *drv, unsigned v, uint32_t *data);
/* The same for any 32-bit slot of our DMA memory (an MSI target). */
int igb_msg_wait_at(volatile uint32_t *at, uint32_t *data);
/* Route queue causes to vectors (IVAR) and other causes (IVAR_MISC). */
void igb_irq_route_rx(struct igb_drv *drv, unsigned queue, unsigned vector);
void igb_irq_route_tx(struct igb_drv *drv, unsigned queue, unsigned vector);
void igb_irq_route_other(struct igb_drv *drv, unsigned vector);
/* EIMS/EIMC for a set of vectors. */
void igb_irq_unmask(struct igb_drv *drv, uint32_t vectors);
void igb_irq_mask(struct igb_drv *drv, uint32_t vectors);
/* Clear causes: EICR is write-1-to-clear (7.3.4.2); it is never read. */
void igb_irq_ack(struct igb_drv *drv, uint32_t vectors);
/* Bound on a message's arrival and the quiet period after it. */
#define IGB_MSI_TIMEOUT_US	10000
#define IGB_MSI_QUIET_US	2000

/*
 * A link through the PHY to a partner, as an OS brings it up (Linux
 * igb_setup_copper_link_82575() / igb_copper_link_autoneg()).
 * igb_autoneg_start: the MAC link follows the PHY's (CTRL.SLU, speed and
 * duplex not forced); then a link the PHY already negotiated, on at least
 * what IGB_AUTONEG_ADV* advertise, is taken as it is (*taken; Linux
 * igb_diag_test runs its link test before any reset "so autoneg doesn't
 * interfere"), and otherwise the PHY advertises IGB_AUTONEG_ADV* and
 * restarts autonegotiation out of loopback and power-down. RC_ENOTSUP
 * when the port's link is not the internal copper PHY's (igb_link_mode),
 * and nothing was written. igb_autoneg_poll: one look at PHY status and
 * STATUS into an, true once negotiated with the MAC link up, waited for
 * within IGB_AUTONEG_TIMEOUT_US; igb_autoneg_abilities: what both ends
 * advertised (ours and the partner's) into an.
 */
struct igb_autoneg {
	uint64_t took_us;        /* restart to link (or to the bound); 0 taken */
	uint16_t bmsr, lpa, stat1000; /* PHY status, partner's abilities */
	uint16_t adv, adv1000;   /* our advertisement (ANAR, 1000BASE-T control) */
	uint32_t status;         /* STATUS at the end */
	bool an_done;            /* the PHY completed autonegotiation */
	bool taken;              /* already up: no restart */
};
/* Linux igb_phy_setup_autoneg() with its default autoneg_advertised
 * (E1000_ALL_SPEED_DUPLEX): 10 and 100 Mb/s both duplexes, 1000 Mb/s full
 * only ("Advertise 1000mb Half duplex request denied"). */
#define IGB_AUTONEG_ADV		(IGB_ANAR_SELECTOR_8023 | IGB_ANAR_10_HD | IGB_ANAR_10_FD | \
				 IGB_ANAR_100_HD | IGB_ANAR_100_FD)
#define IGB_AUTONEG_ADV_1000	IGB_1000T_CTRL_FD
/* Linux igb_link_test() gives autonegotiation 5 s (msleep(5000)) before it
 * reads STATUS.LU. */
#define IGB_AUTONEG_TIMEOUT_US	5000000
#define IGB_AUTONEG_POLL_US	10000
int igb_autoneg_start(struct igb_dev *d, bool *taken);
bool igb_autoneg_poll(struct igb_dev *d, struct igb_autoneg *an);
void igb_autoneg_abilities(struct igb_dev *d, struct igb_autoneg *an);
/* Mb/s from STATUS (10, 100 or 1000). */
unsigned igb_status_speed(uint32_t status);

/*
 * Wire mode: the port faces its cable, as an OS brings it up, instead of
 * looping back. With drv->cfg.wire set before init, init resets the MAC,
 * takes the PHY's link or starts autonegotiation (igb_autoneg_start,
 * drv->seen.link_taken) without waiting for it (ports
 * brought up together wait together: igb_autoneg_poll), sets up the rings
 * and turns the receiver on accepting every frame, as Linux
 * igb_setup_rctl() and igb_set_rx_mode() do for a promiscuous interface
 * (UPE, MPE, BAM, LPE, SECRC; no loopback bits), for frames up to
 * IGB_WIRE_MAX_FRAME: the far end of a cable need not take jumbo frames.
 * RX slots are that, rounded up to 1 KiB (igb_wire_slot_size). Copies are
 * refused: their frames would leave on the cable.
 */
#define IGB_WIRE_MAX_FRAME	1514
unsigned igb_wire_slot_size(const struct igb_drv *drv);
/* Give RX n slots of igb_wire_slot_size bytes each, one buffer of ours at
 * buf; frames land in them in order. */
int igb_wire_rx_fill(struct igb_drv *drv, uint8_t *buf, unsigned n);
/* Send the frame of len bytes at frame (ours; header included, the MAC
 * adds the FCS and pads below 60). RC_ENOMEM when the TX ring is full. */
int igb_wire_send(struct igb_drv *drv, const uint8_t *frame, size_t len);
/* The next frame received: true with its slot (0..n-1), length and
 * write-back status (DD and EOP, or what else the device said); false
 * when none has come (yet, or no slot is left). */
struct igb_wire_frame {
	unsigned slot;
	unsigned len;
	uint32_t status;
};
bool igb_wire_rx_next(struct igb_drv *drv, struct igb_wire_frame *f);
/* Frames sent but not yet off the TX ring (TDH behind TDT). */
unsigned igb_wire_tx_pending(const struct igb_drv *drv);

/* Ring state for a failure message. */
void igb_describe_rings(const struct igb_drv *drv, char *buf, size_t n);

#endif
