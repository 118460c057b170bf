// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cdna_front.c - domU mode: a xenbus frontend for device type "cdna".
 *
 * dom0's cdnactl plays the backend (include/cdna/xenbus.h): assign writes
 * the frontend directory with what ASSIGN returned and the backend's state
 * Connected, so xenbus probes this driver; the driver maps the context
 * (cdna_pv.c), registers eth%d and writes Connected.  Revoke writes the
 * backend's state Closing: the interface goes down, the pages are unmapped,
 * the driver writes Closed; cdnactl then revokes in the hypervisor and
 * removes both directories, which removes the device here and frees the
 * buffers.
 *
 * Nothing in xenstore is authority (the guest owns its frontend directory):
 * the hypervisor checks every hypercall, and cdna_pv.c asks it (QUERY)
 * whether the context is ours before using it.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

#include <cdna/xenbus.h>

#include "cdna.h"

/*
 * enum xenbus_state values as include/cdna/xenbus.h names them, by number
 * (checkpatch takes Xen's own CamelCase enumerators for new names).
 */
#define CDNA_XB_CONNECTED	4
#define CDNA_XB_CLOSING		5
#define CDNA_XB_CLOSED		6

static int cdna_front_read(struct xenbus_device *xdev,
			   struct cdna_op_assign *hv)
{
	unsigned int ctx, evtchn;
	u64 tx_ring, rx_ring, status, ctx_page;
	char *mac;
	int err;

	err = xenbus_gather(XBT_NIL, xdev->nodename,
			    CDNA_XENBUS_KEY_CTX, "%u", &ctx,
			    CDNA_XENBUS_KEY_CTX_PAGE, "%llx", &ctx_page,
			    CDNA_XENBUS_KEY_TX_RING, "%llx", &tx_ring,
			    CDNA_XENBUS_KEY_RX_RING, "%llx", &rx_ring,
			    CDNA_XENBUS_KEY_STATUS, "%llx", &status,
			    CDNA_XENBUS_KEY_EVTCHN, "%u", &evtchn, NULL);
	if (err) {
		xenbus_dev_fatal(xdev, err, "reading %s", xdev->nodename);
		return err;
	}
	mac = xenbus_read(XBT_NIL, xdev->nodename, CDNA_XENBUS_KEY_MAC, NULL);
	if (IS_ERR(mac)) {
		xenbus_dev_fatal(xdev, PTR_ERR(mac), "reading %s/%s",
				 xdev->nodename, CDNA_XENBUS_KEY_MAC);
		return PTR_ERR(mac);
	}
	err = mac_pton(mac, hv->mac) ? 0 : -EINVAL;
	kfree(mac);
	if (err || ctx >= CDNA_NUM_CTX) {
		xenbus_dev_fatal(xdev, -EINVAL, "%s: bad %s or %s",
				 xdev->nodename, CDNA_XENBUS_KEY_MAC,
				 CDNA_XENBUS_KEY_CTX);
		return -EINVAL;
	}
	hv->ctx = ctx;
	hv->tx_ring = tx_ring;
	hv->rx_ring = rx_ring;
	hv->status = status;
	hv->ctx_page = ctx_page;
	hv->evtchn = evtchn;
	return 0;
}

/* Read the nodes, attach the context, register its interface: Connected. */
static int cdna_front_connect(struct xenbus_device *xdev)
{
	struct cdna_op_assign hv = { };
	struct net_device *ndev;
	int err;

	err = cdna_front_read(xdev, &hv);
	if (err)
		return err;
	ndev = cdna_pv_create(&xdev->dev, NULL, &hv);
	if (IS_ERR(ndev)) {
		xenbus_dev_fatal(xdev, PTR_ERR(ndev), "context %u", hv.ctx);
		return PTR_ERR(ndev);
	}
	((struct cdna_priv *)netdev_priv(ndev))->xdev = xdev;
	dev_set_drvdata(&xdev->dev, ndev);
	err = xenbus_switch_state(xdev, CDNA_XB_CONNECTED);
	if (err)
		netdev_warn(ndev, "cannot write %s/state: %d\n",
			    xdev->nodename, err);
	return 0;
}

static int cdna_front_probe(struct xenbus_device *xdev,
			    const struct xenbus_device_id *id)
{
	return cdna_front_connect(xdev);
}

/*
 * Assigned again (backend Connected) while this device, closed by a
 * revoke, was not removed yet: the directory came back before xenbus saw
 * it go.  The old context was revoked (cdnactl revokes after our Closed,
 * and a context is assigned again only once free), so its buffers may go.
 */
static void cdna_front_reconnect(struct xenbus_device *xdev)
{
	struct net_device *old = dev_get_drvdata(&xdev->dev);
	unsigned int ctx;

	if (old) {
		struct cdna_priv *priv = netdev_priv(old);
		bool revoked = cdna_pv_revoked(old);

		if (!revoked &&
		    xenbus_scanf(XBT_NIL, xdev->nodename, CDNA_XENBUS_KEY_CTX,
				 "%u", &ctx) == 1 && ctx == priv->ctx)
			revoked = true;
		dev_set_drvdata(&xdev->dev, NULL);
		cdna_pv_destroy(old, revoked);
	}
	if (cdna_front_connect(xdev))
		dev_err(&xdev->dev, "assigned again, but cannot take the context\n");
}

/* The backend's state changed: Closing (or Closed) is the revoke. */
static void cdna_front_backend_changed(struct xenbus_device *xdev,
				       enum xenbus_state backend_state)
{
	struct net_device *ndev = dev_get_drvdata(&xdev->dev);

	switch (backend_state) {
	case CDNA_XB_CONNECTED:
		if (xdev->state == CDNA_XB_CLOSED)
			cdna_front_reconnect(xdev);
		break;
	case CDNA_XB_CLOSING:
	case CDNA_XB_CLOSED:
		if (xdev->state == CDNA_XB_CLOSED)
			break;
		if (ndev)
			cdna_pv_detach(ndev);
		dev_info(&xdev->dev, "context revoked by dom0: interface down, pages unmapped\n");
		xenbus_frontend_closed(xdev);
		break;
	default:
		break;
	}
}

static void cdna_front_remove(struct xenbus_device *xdev)
{
	struct net_device *ndev = dev_get_drvdata(&xdev->dev);

	if (!ndev)
		return;
	dev_set_drvdata(&xdev->dev, NULL);
	cdna_pv_destroy(ndev, cdna_pv_revoked(ndev));
}

static const struct xenbus_device_id cdna_front_ids[] = {
	{ CDNA_XENBUS_TYPE },
	{ "" }
};

static struct xenbus_driver cdna_front_driver = {
	.ids = cdna_front_ids,
	.probe = cdna_front_probe,
	.remove = cdna_front_remove,
	.otherend_changed = cdna_front_backend_changed,
};

/* A PV domU only: dom0 finds the NIC on PCI, bare metal has no xenbus. */
static bool cdna_front_wanted(void)
{
	return xen_pv_domain() && !xen_initial_domain();
}

int cdna_front_register(void)
{
	if (!cdna_front_wanted())
		return 0;
	return xenbus_register_frontend(&cdna_front_driver);
}

void cdna_front_unregister(void)
{
	if (cdna_front_wanted())
		xenbus_unregister_driver(&cdna_front_driver);
}
