/*
 * Line 7 of the benchmark: the native reference. Restores a live update memory image the same way
 * the JavaScript lines do: mmap the image, read the breadcrumb and the MFN array, build a table of
 * page pointers (what vmap() sets up), then pass 0 (domains, params), pass 1 (frame table: Xen's
 * own frames, the stream pages, MFN array and M2P pages, then the guests'), pass 2 (HVM save
 * records). Built and run by bench/stream-restore.bench.ts when a C compiler is present.
 *
 * usage: lu-restore IMAGE BOOTMEM_FRAME PAGE_SIZE REPEAT [THREADS [count|cas]]
 * prints: {"runs_ms":[...],"locate_ms":[...],"pass0_ms":[...],"pass1_ms":[...],"pass2_ms":[...],"threads":N,"claims":"...","fingerprint":"...","table_digest":"..."}
 * (locate: the frame table's allocation and fill, the breadcrumb, the MFN array's claims and page
 * pointers; then each pass, as lu-codec's RestoreResult.passes counts them)
 * (table_digest: the frame table hashed as bench/peers/peer-result.ts frameTableDigest does)
 *
 * THREADS (default 1) splits the guests' part of pass 1 (the LU_DOMAIN_PAGES claims) over that many
 * threads, the calling one included, the way lu-codec's restore pool does (liveupdate/workers/):
 * the threads are started once, before the timed runs (a warm pool); in each run the calling
 * thread claims Xen's M2P pages first, cuts the lists into runs (the piece of one list inside one
 * stream page, and its domain id) in stream order, and every thread takes groups of runs from a
 * shared atomic counter and claims them with plain loads and stores. A frame two threads claim at
 * the same moment is found as lu-codec finds it ("count", the default): the threads count the free
 * entries of the whole table before and after the claims (slices taken from a counter, barriers
 * between), and the table must have exactly as many fewer free frames as entries were claimed.
 * "cas" claims each entry with an atomic compare-and-exchange instead (no counting). On any
 * failure the claims are undone from each run's progress and the single-thread loop runs again,
 * which stops at the first conflict in stream order with the one-thread error. With THREADS 1
 * nothing of this runs: the single-thread restore as always.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FRAME_FREE 0xffffu
#define DOMID_XEN 0x7ff2u
#define LU_MAGIC 0x4c69766555706461ull

struct domain {
    uint32_t type, ssidref, flags, max_vcpus, emulation_flags, extra_flags;
    uint16_t page_shift, domain_id;
    uint8_t handle[16];
    uint32_t param_count;
    uint64_t param_checksum;
    uint64_t frames;
    uint32_t hvm_records;
};

struct stream {
    uint8_t **pages;
    uint64_t nr_pages, page_size, mask;
    unsigned shift;
};

static void die(const char *msg, uint64_t at) {
    fprintf(stderr, "lu-restore: %s (at %" PRIu64 ")\n", msg, at);
    exit(1);
}

/* Little-endian loads at a stream offset; values that straddle a page edge are assembled. */
static inline uint8_t rd8(const struct stream *s, uint64_t off) {
    return s->pages[off >> s->shift][off & s->mask];
}
static inline uint16_t rd16(const struct stream *s, uint64_t off) {
    uint64_t o = off & s->mask;
    if (o + 2 <= s->page_size) { uint16_t v; memcpy(&v, s->pages[off >> s->shift] + o, 2); return v; }
    return (uint16_t)(rd8(s, off) | (rd8(s, off + 1) << 8));
}
static inline uint32_t rd32(const struct stream *s, uint64_t off) {
    uint64_t o = off & s->mask;
    if (o + 4 <= s->page_size) { uint32_t v; memcpy(&v, s->pages[off >> s->shift] + o, 4); return v; }
    return (uint32_t)rd16(s, off) | ((uint32_t)rd16(s, off + 2) << 16);
}
static inline uint64_t rd64(const struct stream *s, uint64_t off) {
    uint64_t o = off & s->mask;
    if (o + 8 <= s->page_size) { uint64_t v; memcpy(&v, s->pages[off >> s->shift] + o, 8); return v; }
    return (uint64_t)rd32(s, off) | ((uint64_t)rd32(s, off + 4) << 32);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- Pass 1 over several threads (THREADS > 1) ---- */

#define COUNT_SLICE (1u << 18) /* table entries per counting slice, as lu-codec's COUNT_SLICE */

struct run { const uint64_t *e; uint32_t n; uint16_t domid; };

struct job {
    uint16_t *owners;
    uint64_t nframes;
    struct run *runs;
    uint32_t *done;     /* entries each run claimed */
    size_t nruns, per_task;
    int cas;
    atomic_size_t next, count_before, count_after;
    atomic_int failed;
    uint64_t *free_before, *free_after; /* per thread */
};

static struct {
    int threads, quit;
    pthread_t *tids;
    pthread_barrier_t start, counted, claimed, finished;
    struct job *job;
} pool;

/* Entries with bit 15 set (FRAME_FREE has it, a domain id below 0x7ff0 has not) in [from, to). */
static uint64_t count_free(const uint16_t *owners, uint64_t from, uint64_t to) {
    uint64_t n = 0, i = from;
    for (; i < to && (i & 3); i++) n += owners[i] >> 15;
    for (; i + 4 <= to; i += 4) {
        uint64_t w;
        memcpy(&w, owners + i, 8);
        n += (uint64_t)__builtin_popcountll(w & 0x8000800080008000ull);
    }
    for (; i < to; i++) n += owners[i] >> 15;
    return n;
}

static uint64_t count_slices(struct job *j, atomic_size_t *counter) {
    uint64_t n = 0;
    for (;;) {
        uint64_t from = (uint64_t)atomic_fetch_add(counter, 1) * COUNT_SLICE;
        if (from >= j->nframes) return n;
        uint64_t to = from + COUNT_SLICE < j->nframes ? from + COUNT_SLICE : j->nframes;
        n += count_free(j->owners, from, to);
    }
}

/* Claims groups of runs until none is left or a thread has refused an entry. */
static void claim_tasks(struct job *j) {
    uint16_t *owners = j->owners;
    uint64_t nframes = j->nframes;
    for (;;) {
        if (atomic_load_explicit(&j->failed, memory_order_relaxed)) return;
        size_t first = atomic_fetch_add(&j->next, 1) * j->per_task;
        if (first >= j->nruns) return;
        size_t end = first + j->per_task < j->nruns ? first + j->per_task : j->nruns;
        for (size_t r = first; r < end; r++) {
            const uint64_t *e = j->runs[r].e;
            uint32_t n = j->runs[r].n, i = 0;
            uint16_t domid = j->runs[r].domid;
            if (j->cas) {
                for (; i < n; i++) {
                    uint64_t mfn = e[i];
                    uint16_t want = FRAME_FREE;
                    if (mfn >= nframes || !__atomic_compare_exchange_n(&owners[mfn], &want, domid, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) break;
                }
            } else {
                for (; i < n; i++) {
                    uint64_t mfn = e[i];
                    if (mfn >= nframes || owners[mfn] != FRAME_FREE) break;
                    owners[mfn] = domid;
                }
            }
            j->done[r] = i;
            if (i < n) { atomic_store(&j->failed, 1); return; }
        }
    }
}

/* One thread's part of a job: count, claim, count (counting only without "cas"). */
static void run_part(struct job *j, int t) {
    if (!j->cas) j->free_before[t] = count_slices(j, &j->count_before);
    pthread_barrier_wait(&pool.counted);
    claim_tasks(j);
    pthread_barrier_wait(&pool.claimed);
    if (!j->cas && !atomic_load(&j->failed)) j->free_after[t] = count_slices(j, &j->count_after);
}

static void *worker(void *arg) {
    int t = (int)(intptr_t)arg;
    for (;;) {
        pthread_barrier_wait(&pool.start);
        if (pool.quit) return NULL;
        run_part(pool.job, t);
        pthread_barrier_wait(&pool.finished);
    }
}

static void pool_start(int threads) {
    pool.threads = threads;
    pthread_barrier_init(&pool.start, NULL, (unsigned)threads);
    pthread_barrier_init(&pool.counted, NULL, (unsigned)threads);
    pthread_barrier_init(&pool.claimed, NULL, (unsigned)threads);
    pthread_barrier_init(&pool.finished, NULL, (unsigned)threads);
    pool.tids = calloc((size_t)threads, sizeof(pthread_t));
    for (int t = 1; t < threads; t++)
        if (pthread_create(&pool.tids[t], NULL, worker, (void *)(intptr_t)t) != 0) { perror("pthread_create"); exit(2); }
}

static void pool_stop(void) {
    pool.quit = 1;
    pthread_barrier_wait(&pool.start);
    for (int t = 1; t < pool.threads; t++) pthread_join(pool.tids[t], NULL);
}

/* Runs the job on every thread of the pool (this one is thread 0); 1 when every claim held. */
static int pool_run(struct job *j, uint64_t entries) {
    pool.job = j;
    pthread_barrier_wait(&pool.start);
    run_part(j, 0);
    pthread_barrier_wait(&pool.finished);
    if (atomic_load(&j->failed)) return 0;
    if (j->cas) return 1;
    uint64_t before = 0, after = 0;
    for (int t = 0; t < pool.threads; t++) { before += j->free_before[t]; after += j->free_after[t]; }
    return before - after == entries;
}

int main(int argc, char **argv) {
    if (argc < 5 || argc > 7) { fprintf(stderr, "usage: lu-restore IMAGE BOOTMEM PAGE_SIZE REPEAT [THREADS [count|cas]]\n"); return 2; }
    uint64_t bootmem = strtoull(argv[2], NULL, 0), ps = strtoull(argv[3], NULL, 0);
    int repeat = atoi(argv[4]);
    int threads = argc > 5 ? atoi(argv[5]) : 1;
    int cas = argc > 6 && strcmp(argv[6], "cas") == 0;
    if (threads < 1 || threads > 1024 || (argc > 6 && !cas && strcmp(argv[6], "count") != 0)) {
        fprintf(stderr, "lu-restore: THREADS is 1 to 1024, the claims 'count' or 'cas'\n");
        return 2;
    }
    if (threads > 1) pool_start(threads);
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { perror("open"); return 2; }
    struct stat st;
    fstat(fd, &st);
    const uint8_t *mem = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mem == MAP_FAILED) { perror("mmap"); return 2; }
    /* The stream pages are scattered over a mostly sparse file: without this, every fault reads
     * ahead around its page, and on the 16x image (270,588 pages over 514 GiB) that readahead of
     * holes filled the page cache and left the run in the kernel for minutes. */
    posix_madvise((void *)mem, (size_t)st.st_size, POSIX_MADV_RANDOM);
    uint64_t nframes = (uint64_t)st.st_size / ps;
    unsigned shift = 0;
    while ((1ull << shift) < ps) shift++;

    double *runs = calloc((size_t)repeat, sizeof(double));
    double *stage_ms[4];
    for (int k = 0; k < 4; k++) stage_ms[k] = calloc((size_t)repeat, sizeof(double));
    static char fp[1 << 20];
    uint32_t digest = 0;
    for (int run = 0; run < repeat; run++) {
        double t0 = now_ms();
        uint16_t *owners = malloc(nframes * sizeof(uint16_t));
        memset(owners, 0xff, nframes * sizeof(uint16_t));

        /* Breadcrumb and MFN array → page pointer table. */
        const uint8_t *crumb = mem + bootmem * ps;
        uint64_t magic, array_addr, shifted;
        memcpy(&magic, crumb, 8); memcpy(&array_addr, crumb + 8, 8); memcpy(&shifted, crumb + 16, 8);
        if (magic != (LU_MAGIC & ~(ps - 1))) die("no live update breadcrumb", bootmem * ps);
        if (shifted & (ps - 1)) die("shifted_nr_pages has low bits set", bootmem * ps + 16);
        struct stream s = { .nr_pages = shifted >> shift, .page_size = ps, .mask = ps - 1, .shift = shift };
        if (array_addr + s.nr_pages * 8 > (uint64_t)st.st_size) die("MFN array outside the machine", array_addr);
        s.pages = malloc(s.nr_pages * sizeof(uint8_t *));
        const uint64_t *mfns = (const uint64_t *)(mem + array_addr);
        for (uint64_t i = 0; i < s.nr_pages; i++) {
            if (mfns[i] >= nframes) die("stream page outside the machine", array_addr + 8 * i);
            if (owners[mfns[i]] != FRAME_FREE) die("stream page listed twice", array_addr + 8 * i);
            s.pages[i] = (uint8_t *)mem + mfns[i] * ps;
            owners[mfns[i]] = DOMID_XEN;
        }
        uint64_t array_start = array_addr >> shift, array_frames = (s.nr_pages * 8 + ps - 1) / ps;
        for (uint64_t f = array_start; f < array_start + array_frames; f++) {
            if (owners[f] != FRAME_FREE) die("MFN array frame is also a stream page", f * ps);
            owners[f] = DOMID_XEN;
        }
        uint64_t limit = s.nr_pages * ps;
        double t_located = now_ms();

        /* Pass 0. */
        size_t cap = 64, nd = 0;
        struct domain *doms = calloc(cap, sizeof *doms);
        uint64_t *pages_at = malloc(cap * sizeof(uint64_t)), *ctx_at = malloc(cap * sizeof(uint64_t));
        size_t *pages_dom = malloc(cap * sizeof(size_t)), *ctx_dom = malloc(cap * sizeof(size_t));
        size_t np = 0, nc = 0, nm = 0;
        uint64_t m2p_at[16];
        uint64_t off = 0, records = 0;
        for (;;) {
            if (off + 8 > limit) die("stream ends without END", off);
            uint32_t type = rd32(&s, off), len = rd32(&s, off + 4);
            uint64_t body = off + 8, next = body + (((uint64_t)len + 7) & ~7ull);
            if (next > limit) die("record runs past the stream", off);
            records++;
            if (type == 0) break;
            if (nd == cap || np == cap || nc == cap) {
                cap *= 2;
                doms = realloc(doms, cap * sizeof *doms);
                pages_at = realloc(pages_at, cap * sizeof(uint64_t)); pages_dom = realloc(pages_dom, cap * sizeof(size_t));
                ctx_at = realloc(ctx_at, cap * sizeof(uint64_t)); ctx_dom = realloc(ctx_dom, cap * sizeof(size_t));
            }
            switch (type) {
            case 0x40000000: break;
            case 0x40000001: case 0x40000002:
                if (nm == 16) die("more than 16 M2P records", off);
                if (len % 8) die("M2P record is not whole entries", off);
                m2p_at[nm++] = off;
                break;
            case 0x40000003: {
                struct domain *d = &doms[nd++];
                memset(d, 0, sizeof *d);
                d->type = rd32(&s, body); d->page_shift = rd16(&s, body + 4); d->domain_id = rd16(&s, body + 6);
                for (int i = 0; i < 16; i++) d->handle[i] = rd8(&s, body + 8 + i);
                d->ssidref = rd32(&s, body + 24); d->flags = rd32(&s, body + 28); d->max_vcpus = rd32(&s, body + 32);
                d->emulation_flags = rd32(&s, body + 36); d->extra_flags = rd32(&s, body + 40);
                break;
            }
            case 0x0a: {
                if (nd == 0) die("HVM_PARAMS before a domain", off);
                struct domain *d = &doms[nd - 1];
                uint32_t count = rd32(&s, body);
                if (8 + 16ull * count > len) die("HVM_PARAMS overruns", off);
                uint64_t sum = 0;
                for (uint32_t i = 0; i < count; i++) sum += rd64(&s, body + 8 + 16ull * i) ^ rd64(&s, body + 16 + 16ull * i);
                d->param_count = count; d->param_checksum = sum;
                break;
            }
            case 0x40000004: if (nd == 0) die("LU_DOMAIN_PAGES before a domain", off); pages_at[np] = off; pages_dom[np++] = nd - 1; break;
            case 0x09: if (nd == 0) die("HVM_CONTEXT before a domain", off); ctx_at[nc] = off; ctx_dom[nc++] = nd - 1; break;
            default: if (!(type & 0x80000000u)) die("unknown mandatory record", off);
            }
            off = next;
        }

        double t_pass0 = now_ms();
        /* Pass 1: Xen's M2P pages, then the guests' frames page segment by page segment. */
        for (size_t k = 0; k < nm; k++) {
            uint64_t at = m2p_at[k], body = at + 8, len = rd32(&s, at + 4);
            for (uint64_t p = body; p < body + len; p += 8) {
                uint64_t e = rd64(&s, p), order = e & 0xfff;
                if (order == 0) continue; /* a discontiguity marker */
                if (order < shift || order > 30) die("M2P entry has a bad order", p);
                uint64_t first = e >> shift, count = 1ull << (order - shift);
                if (first + count > nframes) die("M2P page outside the machine", p);
                for (uint64_t f = first; f < first + count; f++) {
                    if (owners[f] != FRAME_FREE) die("M2P frame owned twice", p);
                    owners[f] = DOMID_XEN;
                }
            }
        }
        uint64_t frames = 0;
        size_t serial_from = 0; /* the lists the one-thread loop below still has to claim */
        if (threads > 1) {
            /* The runs, in stream order: at most one per stream page and list. A list that
             * overruns its record leaves every list to the one-thread loop, which reports it in
             * its place among the claims. */
            struct run *runs = malloc((s.nr_pages + np) * sizeof *runs);
            size_t nruns = 0;
            uint64_t entries = 0;
            int shareable = 1;
            for (size_t k = 0; k < np && shareable; k++) {
                uint64_t at = pages_at[k];
                uint32_t len = rd32(&s, at + 4), count = rd32(&s, at + 8);
                if (8 + 8ull * count > len) { shareable = 0; break; }
                uint64_t pos = at + 16, left = count;
                while (left) {
                    uint64_t o = pos & s.mask, n = (ps - o) / 8;
                    if (n > left) n = left;
                    runs[nruns++] = (struct run){ (const uint64_t *)(s.pages[pos >> shift] + o), (uint32_t)n, doms[pages_dom[k]].domain_id };
                    left -= n; pos += n * 8;
                }
                entries += count;
            }
            uint64_t free_counts[2 * 1024];
            struct job j = { .owners = owners, .nframes = nframes, .runs = runs, .done = calloc(nruns ? nruns : 1, sizeof(uint32_t)),
                             .nruns = nruns, .cas = cas, .free_before = free_counts, .free_after = free_counts + threads };
            size_t per = (nruns + (size_t)threads * 16 - 1) / ((size_t)threads * 16);
            j.per_task = per < 1 ? 1 : per > 64 ? 64 : per;
            atomic_init(&j.next, 0); atomic_init(&j.count_before, 0); atomic_init(&j.count_after, 0); atomic_init(&j.failed, 0);
            int ok = shareable && pool_run(&j, entries);
            if (!ok) {
                /* Undo every claim (each was of a free frame), then the one-thread loop below names the first conflict. */
                for (size_t r = 0; r < nruns; r++)
                    for (uint32_t i = 0; i < j.done[r]; i++) owners[runs[r].e[i]] = FRAME_FREE;
            }
            free(runs); free(j.done);
            if (ok) {
                for (size_t k = 0; k < np; k++) {
                    uint32_t count = rd32(&s, pages_at[k] + 8);
                    doms[pages_dom[k]].frames += count; frames += count;
                }
                serial_from = np;
            }
        }
        for (size_t k = serial_from; k < np; k++) {
            struct domain *d = &doms[pages_dom[k]];
            uint64_t at = pages_at[k];
            uint32_t len = rd32(&s, at + 4), count = rd32(&s, at + 8);
            if (8 + 8ull * count > len) die("LU_DOMAIN_PAGES overruns", at);
            uint64_t pos = at + 16, left = count;
            uint16_t domid = d->domain_id;
            while (left) {
                uint64_t o = pos & s.mask, n = (ps - o) / 8;
                if (n > left) n = left;
                const uint64_t *e = (const uint64_t *)(s.pages[pos >> shift] + o);
                for (uint64_t i = 0; i < n; i++) {
                    uint64_t mfn = e[i];
                    if (mfn >= nframes) die("frame outside the machine", pos + 8 * i);
                    if (owners[mfn] != FRAME_FREE) die("frame owned twice", pos + 8 * i);
                    owners[mfn] = domid;
                }
                left -= n; pos += n * 8;
            }
            d->frames += count; frames += count;
        }

        double t_pass1 = now_ms();
        /* Pass 2: HVM save records. */
        for (size_t k = 0; k < nc; k++) {
            struct domain *d = &doms[ctx_dom[k]];
            uint64_t at = ctx_at[k], end = at + 8 + rd32(&s, at + 4), p = at + 8;
            uint32_t n = 0;
            for (;;) {
                if (p + 8 > end) die("HVM_CONTEXT without END", p);
                uint16_t typecode = rd16(&s, p);
                uint32_t length = rd32(&s, p + 4);
                if (p + 8 + length > end) die("HVM save record overruns", p);
                n++;
                if (typecode == 0) break;
                p += 8 + length;
            }
            d->hvm_records = n;
        }
        runs[run] = now_ms() - t0;
        stage_ms[0][run] = t_located - t0;
        stage_ms[1][run] = t_pass0 - t_located;
        stage_ms[2][run] = t_pass1 - t_pass0;
        stage_ms[3][run] = t0 + runs[run] - t_pass1;

        if (run == repeat - 1) {
            uint32_t h = 0x811c9dc5u;
            for (uint64_t i = 0; i < nframes; i++)
                if (owners[i] != FRAME_FREE) h = (h ^ owners[i] ^ ((uint32_t)i << 16)) * 0x01000193u;
            digest = h;
            size_t w = (size_t)snprintf(fp, sizeof fp, "frames=%" PRIu64 " records=%" PRIu64 " domains=", frames, records);
            for (size_t i = 0; i < nd && w < sizeof fp - 256; i++) {
                struct domain *d = &doms[i];
                w += (size_t)snprintf(fp + w, sizeof fp - w, "%s%u:%u:%u:", i ? "," : "", d->type, d->page_shift, d->domain_id);
                for (int j = 0; j < 16; j++) w += (size_t)snprintf(fp + w, sizeof fp - w, "%02x", d->handle[j]);
                w += (size_t)snprintf(fp + w, sizeof fp - w, ":%u:%u:%u:%u:%u:%u:%" PRIu64 ":%" PRIu64 ":%u", d->ssidref, d->flags,
                                      d->max_vcpus, d->emulation_flags, d->extra_flags, d->param_count, d->param_checksum,
                                      d->frames, d->hvm_records);
            }
        }
        free(owners); free(s.pages); free(doms); free(pages_at); free(ctx_at); free(pages_dom); free(ctx_dom);
    }
    printf("{\"runs_ms\":[");
    for (int i = 0; i < repeat; i++) printf("%s%.3f", i ? "," : "", runs[i]);
    static const char *stage_names[4] = { "locate_ms", "pass0_ms", "pass1_ms", "pass2_ms" };
    for (int k = 0; k < 4; k++) {
        printf("],\"%s\":[", stage_names[k]);
        for (int i = 0; i < repeat; i++) printf("%s%.3f", i ? "," : "", stage_ms[k][i]);
    }
    printf("],\"threads\":%d,\"claims\":\"%s\",\"fingerprint\":\"%s\",\"table_digest\":\"%x\"}\n", threads,
           threads == 1 ? "serial" : cas ? "cas" : "count", fp, digest);
    if (threads > 1) pool_stop();
    return 0;
}
