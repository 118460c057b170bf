/* SPDX-License-Identifier: MIT */
/*
 * cdna/xenbus.h - how a Xen guest finds the context it was given: the
 * xenstore nodes dom0's cdnactl writes and the guest driver reads.
 *
 * Contract between: dom0-mgr (cdnactl assign / revoke) and the guest
 * driver's PV mode (guest-driver/linux).
 *
 * The layout is Xen's split-driver one (like vif or vbd), with device type
 * "cdna", so Linux's xenbus probes the guest driver when a context is
 * assigned and tells it when the context is being taken back.  There is no
 * backend process: cdnactl plays the backend's part in xenstore.
 *
 * Frontend directory  /local/domain/<domid>/device/cdna/<devid>/
 *   (owned by the guest, dom0 may read; devid: 0, 1, ... per context the
 *   guest holds, the lowest free one)
 *     backend-id     "0"
 *     backend        "/local/domain/0/backend/cdna/<domid>/<devid>"
 *     state          XenbusState: cdnactl creates it Initialising (1),
 *                    the only state in which Linux's xenbus probes a
 *                    frontend; from then on the guest writes it
 *     ctx            the context number, decimal
 *     mac            the context's MAC, "52:54:00:cd:00:05"
 *     ctx-page       machine address of the context's BAR0 page, "0x..."
 *     tx-ring        machine address of the TX ring page (read only)
 *     rx-ring        machine address of the RX ring page (read only)
 *     status         machine address of the status page (read only)
 *     event-channel  hcall.h cdna_op_assign.evtchn, decimal: bind it with
 *                    EVTCHNOP_bind_interdomain(DOMID_SELF, this port)
 *
 * Backend directory   /local/domain/0/backend/cdna/<domid>/<devid>/
 *   (owned by dom0, the guest may read)
 *     frontend       the frontend directory's path
 *     frontend-id    "<domid>"
 *     ctx            the context number, decimal
 *     state          XenbusStateConnected (4) from assign on;
 *                    XenbusStateClosing (5) when revoke starts
 *
 * Revoke: cdnactl writes backend state Closing, waits up to
 * CDNA_XENBUS_CLOSE_MS for the guest to write Closed (6) (its driver stops
 * the interface and unmaps the pages), then revokes in the hypervisor
 * whether or not the guest answered (a guest cannot delay it for longer)
 * and removes both directories.
 *
 * Trust: the guest owns its frontend directory and may rewrite any node in
 * it.  Nothing there is authority: the hypervisor checks every call against
 * its own record of who owns which context, and a guest that lies to
 * itself only breaks its own interface.
 */
#ifndef CDNA_XENBUS_H
#define CDNA_XENBUS_H

#define CDNA_XENBUS_TYPE        "cdna"
#define CDNA_XENBUS_KEY_CTX     "ctx"
#define CDNA_XENBUS_KEY_MAC     "mac"
#define CDNA_XENBUS_KEY_CTX_PAGE "ctx-page"
#define CDNA_XENBUS_KEY_TX_RING "tx-ring"
#define CDNA_XENBUS_KEY_RX_RING "rx-ring"
#define CDNA_XENBUS_KEY_STATUS  "status"
#define CDNA_XENBUS_KEY_EVTCHN  "event-channel"

/* How long revoke waits for the guest to close its side. */
#define CDNA_XENBUS_CLOSE_MS    5000

#endif /* CDNA_XENBUS_H */
