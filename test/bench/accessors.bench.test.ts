/**
 * The accessors benchmark measures the generated `LuDomainInfo` over a vmap and a contiguous
 * buffer: both read the same fields of the same records, the vmap copies nothing, and the stream
 * the benchmark builds is a real live update stream (the restore's reader and the generated
 * validate() accept it).
 */
import { describe, expect, it } from "vitest";
import { LU_DOMCTL_CDF_ALL, LuDomainInfo, LuDomainPages } from "../../generated/live-update.js";
import { RecordReader } from "../../runtime/record-reader.js";
import { readDomainInfos } from "../../bench/accessors.bench.js";
import { BENCH_FORMAT, REC_DOMAIN_INFO, REC_DOMAIN_PAGES, buildScatteredStream } from "../../bench/vmap.bench.js";

describe("bench/accessors.bench.ts", () => {
  const records = 3000;
  const s = buildScatteredStream(records, 700);

  it("reads the same checksum through LuDomainInfo over the vmap and the contiguous copy", () => {
    let want = 0;
    for (let i = 0; i < records; i++)
      want = (want + (i % 0x7ff0) + (i & LU_DOMCTL_CDF_ALL) + ((i % 64) + 1) + i * 7) | 0;
    const before = s.vmapped.bytesCopied;
    expect(readDomainInfos(s.vmapped, new LuDomainInfo())).toBe(want);
    expect(readDomainInfos(s.contiguous, new LuDomainInfo())).toBe(want);
    expect(s.vmapped.bytesCopied - before).toBe(0);
  });

  it("writes valid LU_DOMAIN_INFO bodies, some straddling a page edge, and a counted frame list", () => {
    const reader = new RecordReader(s.contiguous, BENCH_FORMAT, { strict: true });
    const info = new LuDomainInfo();
    let straddling = 0;
    let lists = 0;
    while (reader.next()) {
      if (reader.type === REC_DOMAIN_INFO) {
        expect(info.wrap(s.contiguous, reader.bodyOffset, reader.bodyLength).validate()).toEqual([]);
        if (Math.floor(reader.offset / 4096) !== Math.floor((reader.offset + reader.recordLength - 1) / 4096))
          straddling++;
      } else if (reader.type === REC_DOMAIN_PAGES) {
        const pages = LuDomainPages.at(s.contiguous, reader.bodyOffset, reader.bodyLength);
        expect(pages.count).toBe(700);
        expect(pages.validate()).toEqual([]);
        expect(s.arrayOffset).toBe(reader.bodyOffset + LuDomainPages.MFNS_OFFSET);
        lists++;
      }
    }
    expect(lists).toBe(1);
    expect(straddling).toBeGreaterThan(0);
  });
});
