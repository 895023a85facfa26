/*
 * copy_offsets: how fast `rep movsb` copies 16 KiB on this CPU, by how far the
 * destination sits after the source modulo 4 KiB. The kernel copies socket data to
 * and from user memory with this instruction on CPUs with FSRM (fast short rep movsb),
 * so this is the copy a send() or recv() pays, without the kernel around it.
 *
 * Source and destination are in warm, separate 1 MiB buffers; each cell is the best
 * of 7 runs of 2000 copies, in ns per byte. Prints one line per distance.
 *
 * Build: gcc -O2 -o copy_offsets copy_offsets.c   (x86-64 only)
 * Usage: copy_offsets [SRC_OFFSET]   source offset in its page, 0 to 4095 (default 0)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEN 16384
#define SPAN (1 << 20)

static inline void rep_movsb(void *d, const void *s, size_t n)
{
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long src_off = 0;
	if (argc > 2 || (argc == 2 && (sscanf(argv[1], "%ld", &src_off) != 1 || src_off < 0 || src_off > 4095))) {
		fprintf(stderr, "copy_offsets: the source offset is a byte offset from 0 to 4095\n");
		return 2;
	}
	char *src = aligned_alloc(4096, SPAN), *dst = aligned_alloc(4096, SPAN);
	if (!src || !dst)
		return 1;
	memset(src, 1, SPAN);
	memset(dst, 2, SPAN);
	const int dist[] = {0, 1, 8, 16, 32, 48, 63, 64, 96, 128, 1024, 2048, 4032, 4080, 4095};
	printf("rep movsb, %d bytes, source %ld bytes into its page\n", LEN, src_off);
	printf("%-28s %s\n", "(dst - src) mod 4096", "ns/byte");
	for (size_t i = 0; i < sizeof dist / sizeof dist[0]; i++) {
		long dst_off = (src_off + dist[i]) % 4096;
		double best = 1e9;
		for (int r = 0; r < 7; r++) {
			double t0 = now();
			for (int k = 0; k < 2000; k++)
				rep_movsb(dst + dst_off + (k % 8) * 2 * LEN, src + src_off + (k % 4) * 2 * LEN, LEN);
			double t = (now() - t0) / 2000 / LEN * 1e9;
			if (t < best)
				best = t;
		}
		printf("%-28d %.3f\n", dist[i], best);
	}
	return 0;
}
