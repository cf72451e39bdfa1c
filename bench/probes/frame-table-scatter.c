/*
 * Frame-table scatter probe: how long does pass 1's core take per frame, with nothing else in the
 * way, as the machine grows? Fills a u16 owner table of N frames from a list of all N frame
 * numbers in a seeded random order (the layout `save()` writes by default), checking each entry
 * is free first, like pass 1. Four ways:
 *
 *   direct       check + store, in list order (what every restore line does);
 *   store-only   the store without the check (a lower bound for the direct loop);
 *   huge         direct, with the table madvise()d for transparent huge pages;
 *   partitioned  the list cut into chunks of C entries, each chunk bucketed by table region
 *                (4096 regions) into a scratch buffer of 4 bytes an entry, then stored region by
 *                region: the cache-friendly alternative, and the memory it needs.
 *
 * Usage: frame-table-scatter FRAMES [CHUNK]   (prints one JSON line)
 * Built and run by bench/frame-table-scatter.ts (`npm run bench:scatter`).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define FREE 0xffffu
#define REGIONS 4096

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static uint64_t state = 0x5eedULL * 0x9E3779B97F4A7C15ULL;
static uint64_t next_random(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint16_t *new_table(size_t n, int huge) {
    uint16_t *t = mmap(NULL, n * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (t == MAP_FAILED) { perror("mmap"); exit(2); }
    if (huge) madvise(t, n * 2, MADV_HUGEPAGE);
    memset(t, 0xff, n * 2); /* faulted in before the clock starts, like the restore's table */
    return t;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FRAMES [CHUNK]\n", argv[0]); return 2; }
    size_t n = strtoull(argv[1], NULL, 10);
    size_t chunk = argc > 2 ? strtoull(argv[2], NULL, 10) : 16u << 20;
    if (n == 0 || n > (1ull << 32) || chunk == 0) { fprintf(stderr, "bad FRAMES or CHUNK\n"); return 2; }
    uint32_t *list = malloc(n * 4);
    if (list == NULL) { perror("malloc"); return 2; }
    for (size_t i = 0; i < n; i++) list[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = next_random() % (i + 1);
        uint32_t t = list[i]; list[i] = list[j]; list[j] = t;
    }
    size_t bad = 0;
    double ms[4];

    for (int mode = 0; mode < 3; mode++) {
        uint16_t *owners = new_table(n, mode == 2);
        double t0 = now_ms();
        if (mode == 1) {
            for (size_t i = 0; i < n; i++) owners[list[i]] = (uint16_t)(i >> 17);
        } else {
            for (size_t i = 0; i < n; i++) {
                uint32_t m = list[i];
                if (owners[m] != FREE) bad++;
                owners[m] = (uint16_t)(i >> 17);
            }
        }
        ms[mode] = now_ms() - t0;
        munmap(owners, n * 2);
    }

    {
        uint16_t *owners = new_table(n, 0);
        size_t region = (n + REGIONS - 1) / REGIONS;
        size_t cap = chunk < n ? chunk : n;
        uint32_t *scratch = malloc(cap * 4);
        uint32_t *start = malloc((REGIONS + 1) * 4);
        if (scratch == NULL || start == NULL) { perror("malloc"); return 2; }
        double t0 = now_ms();
        for (size_t c0 = 0; c0 < n; c0 += cap) {
            size_t c1 = c0 + cap < n ? c0 + cap : n;
            memset(start, 0, (REGIONS + 1) * 4);
            for (size_t i = c0; i < c1; i++) start[list[i] / region + 1]++;
            for (int k = 0; k < REGIONS; k++) start[k + 1] += start[k];
            for (size_t i = c0; i < c1; i++) { uint32_t m = list[i]; scratch[start[m / region]++] = m; }
            for (size_t j = 0; j < c1 - c0; j++) {
                uint32_t m = scratch[j];
                if (owners[m] != FREE) bad++;
                owners[m] = 1;
            }
        }
        ms[3] = now_ms() - t0;
        free(scratch);
        free(start);
        munmap(owners, n * 2);
    }
    printf("{\"frames\":%zu,\"chunk\":%zu,\"scratch_bytes\":%zu,\"direct_ms\":%.3f,\"store_only_ms\":%.3f,"
           "\"huge_ms\":%.3f,\"partitioned_ms\":%.3f,\"bad\":%zu}\n",
           n, chunk, (chunk < n ? chunk : n) * 4, ms[0], ms[1], ms[2], ms[3], bad);
    free(list);
    return bad == 0 ? 0 : 1;
}
