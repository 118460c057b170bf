/* SPDX-License-Identifier: MIT */
/*
 * test_nic_threads.c - the NIC model as a QEMU-like platform drives it: the
 * processor runs on a thread of its own, woken by the model's kick, while
 * another thread writes doorbells through BAR0 (cfg.locked).  Frames flow,
 * and an idle NIC's threads use no CPU.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cdna/desc.h>
#include "../lib/check.h"
#include "../lib/host_mem.h"
#include "cdna_nic.h"

#define HOST_BASE 0x100000ull
#define HOST_SIZE (1u << 20)
#define RING_TX   (HOST_BASE + 0x0000u)
#define STATUS    (HOST_BASE + 0x2000u)
#define INTVEC    (HOST_BASE + 0x3000u)
#define BUF(i)    (HOST_BASE + 0x10000u + 0x800u * (i))
#define SEQ_BASE  0x77000000u
#define FRAMES    20000u

struct plat {
	struct host_mem hm;
	struct cdna_nic *nic;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int kicked, quit;
	atomic_uint wire_frames;
	atomic_uint irqs;
};

static struct plat P;

static void wire_tx(void *o, const uint8_t *f, size_t len)
{
	(void)o, (void)f, (void)len;
	atomic_fetch_add(&P.wire_frames, 1);
}

static void set_irq(void *o, int level)
{
	(void)o;
	if (level)
		atomic_fetch_add(&P.irqs, 1);
}

static uint64_t now_us(void *o)
{
	struct timespec ts;

	(void)o;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Called with the model's lock held: only signal. */
static void kick(void *o)
{
	(void)o;
	pthread_mutex_lock(&P.lock);
	P.kicked = 1;
	pthread_cond_signal(&P.cond);
	pthread_mutex_unlock(&P.lock);
}

/* The NIC thread: run when kicked or when a timer falls due, else sleep. */
static void *nic_thread(void *arg)
{
	uint64_t until = UINT64_MAX;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&P.lock);
		while (!P.kicked && !P.quit) {
			struct timespec ts;

			if (until == UINT64_MAX) {
				pthread_cond_wait(&P.cond, &P.lock);
				continue;
			}
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += (time_t)(until / 1000000u);
			ts.tv_nsec += (long)(until % 1000000u) * 1000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_cond_timedwait(&P.cond, &P.lock, &ts))
				break;
		}
		P.kicked = 0;
		if (P.quit) {
			pthread_mutex_unlock(&P.lock);
			return NULL;
		}
		pthread_mutex_unlock(&P.lock);
		until = cdna_nic_run(P.nic);
	}
}

static uint32_t status_tx_cons(void)
{
	return atomic_load_explicit((_Atomic uint32_t *)(void *)
				    (host_mem_at(&P.hm, STATUS)),
				    memory_order_acquire);
}

static void start(void)
{
	static const struct cdna_nic_ops ops = {
		.opaque = &P.hm, .dma_read = host_mem_dma_read,
		.dma_write = host_mem_dma_write, .wire_tx = wire_tx, .set_irq = set_irq, .now_us = now_us,
		.kick = kick,
	};
	struct cdna_nic_config cfg = { .locked = 1 };
	char err[256];
	size_t n;
	uint8_t *img;

	memset(&P, 0, sizeof(P));
	host_mem_init(&P.hm, HOST_BASE, HOST_SIZE);
	pthread_mutex_init(&P.lock, NULL);
	pthread_cond_init(&P.cond, NULL);
	img = build_image("cdna-fw.img", &n);
	P.nic = cdna_nic_new(&cfg, &ops, err, sizeof(err));
	CHECK(P.nic != NULL);
	CHECK_EQ(cdna_nic_flash_program(P.nic, 0, img, n, err, sizeof(err)), 0);
	free(img);
	CHECK_EQ(pthread_create(&P.thread, NULL, nic_thread, NULL), 0);
	cdna_nic_reset(P.nic);   /* locked: the NIC thread reboots it */
}

static void stop(void)
{
	pthread_mutex_lock(&P.lock);
	P.quit = 1;
	pthread_cond_signal(&P.cond);
	pthread_mutex_unlock(&P.lock);
	pthread_join(P.thread, NULL);
	cdna_nic_free(P.nic);
	host_mem_free(&P.hm);
}

static void bar2_wr(uint32_t off, uint32_t v)
{
	cdna_nic_bar_write(P.nic, 2, off, v, 4);
}

static void wait_for(int (*cond)(void))
{
	for (int i = 0; i < 20000 && !cond(); i++) {
		struct timespec ts = { 0, 100000 };

		nanosleep(&ts, NULL);
	}
}

static int fw_running(void)
{
	return cdna_nic_bar_read(P.nic, 2, MGMT_FW_STATE, 4) ==
	       CDNA_FW_STATE_RUNNING;
}

static int ctx_running(void)
{
	return cdna_nic_bar_read(P.nic, 2, CDNA_BAR2_HV + HV_CTX(0) +
				 HV_CTX_STATE, 4) == CDNA_CTX_STATE_RUNNING;
}

static void enable_ctx0(void)
{
	static const uint8_t far[6] = { 0x02, 0xfa, 0, 0, 0, 1 };

	wait_for(fw_running);
	CHECK(fw_running());
	bar2_wr(CDNA_BAR2_HV + HV_INTVEC_LO, (uint32_t)INTVEC);
	bar2_wr(CDNA_BAR2_HV + HV_INTVEC_HI, 0);
	bar2_wr(MGMT_CTX(0) + MGMT_CTX_MAC_LO, 0x00000002u);
	bar2_wr(MGMT_CTX(0) + MGMT_CTX_MAC_HI, 0x0100u);
	bar2_wr(CDNA_BAR2_HV + HV_CTX(0) + HV_CTX_TX_RING_LO, (uint32_t)RING_TX);
	bar2_wr(CDNA_BAR2_HV + HV_CTX(0) + HV_CTX_RX_RING_LO,
		(uint32_t)RING_TX + 0x1000u);
	bar2_wr(CDNA_BAR2_HV + HV_CTX(0) + HV_CTX_STATUS_LO, (uint32_t)STATUS);
	bar2_wr(CDNA_BAR2_HV + HV_CTX(0) + HV_CTX_SEQ_BASE, SEQ_BASE);
	bar2_wr(CDNA_BAR2_HV + HV_CTX(0) + HV_CTX_CTRL, CDNA_CTX_CTRL_ENABLE);
	cdna_nic_bar_write(P.nic, 0, CTX_IRQ_ENABLE, 1, 4);
	wait_for(ctx_running);
	CHECK(ctx_running());
	for (uint32_t i = 0; i < 8; i++) {
		uint8_t *fr = host_mem_at(&P.hm, BUF(i));

		memcpy(fr, far, 6);
		memcpy(fr + 6, (uint8_t[6]){ 0x02, 0, 0, 0, 0, 1 }, 6);
		fr[12] = 0x88, fr[13] = 0xb5;
	}
}

/* The driver thread's side: post up to a ring of frames, ring, repeat. */
static void send_frames(uint32_t total)
{
	uint32_t prod = 0;

	while (prod < total) {
		uint32_t cons = status_tx_cons();
		uint32_t room = CDNA_RING_SLOTS - (prod - cons);

		if (!room) {
			sched_yield();
			continue;
		}
		for (; room && prod < total; room--, prod++) {
			struct cdna_desc d = {
				.addr = BUF(prod % 8), .len = 60,
				.flags = CDNA_DESC_EOP, .seq = SEQ_BASE + prod,
			};

			memcpy(host_mem_at(&P.hm, RING_TX +
					   16u * (prod % CDNA_RING_SLOTS)),
			       &d, sizeof(d));
		}
		atomic_thread_fence(memory_order_release);
		cdna_nic_bar_write(P.nic, 0, CTX_TX_PROD, prod, 4);
	}
}

static int all_sent(void)
{
	return status_tx_cons() == FRAMES;
}

TEST(frames_flow_while_the_processor_runs_on_its_own_thread)
{
	start();
	enable_ctx0();
	send_frames(FRAMES);
	wait_for(all_sent);
	CHECK_EQ(status_tx_cons(), FRAMES);
	CHECK_EQ(atomic_load(&P.wire_frames), FRAMES);
	CHECK(atomic_load(&P.irqs) > 0);
	CHECK_EQ(cdna_nic_bar_read(P.nic, 2, MGMT_STATS(0) + STAT_TX_FRAMES, 4),
		 FRAMES);
	stop();
}

static double thread_cpu_s(pthread_t t)
{
	clockid_t id;
	struct timespec ts;

	pthread_getcpuclockid(t, &id);
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(idle_nic_thread_sleeps_instead_of_spinning)
{
	struct cdna_nic_info a, b;
	struct timespec half = { 0, 300000000 };
	double cpu0, cpu1;

	start();
	enable_ctx0();
	send_frames(1000);
	cdna_nic_get_info(P.nic, &a);
	cpu0 = thread_cpu_s(P.thread);
	nanosleep(&half, NULL);
	cpu1 = thread_cpu_s(P.thread);
	cdna_nic_get_info(P.nic, &b);
	/* In 300 ms the firmware's heartbeat timer (every 100 ms) wakes the
	 * processor a few times; a spinning thread would burn 300 ms. */
	printf("# NIC thread CPU while idle: %.3f ms in 300 ms; runs %llu\n",
	       (cpu1 - cpu0) * 1e3, (unsigned long long)(b.runs - a.runs));
	CHECK(cpu1 - cpu0 < 0.030);
	CHECK(b.runs - a.runs <= 10);
	stop();
}
