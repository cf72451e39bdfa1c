import { describe, expect, it } from "vitest";
import { checkHostSpec, DEFAULT_HOST_SPEC, guestFrameCount, scaleHostSpec } from "../../liveupdate/host-spec.js";

describe("host spec", () => {
  it("the default host is 64 domains x 512 MiB of 4 KiB pages", () => {
    expect(DEFAULT_HOST_SPEC.domains).toBe(64);
    expect(DEFAULT_HOST_SPEC.framesPerDomain * DEFAULT_HOST_SPEC.pageSize).toBe(512 * 2 ** 20);
    expect(guestFrameCount(DEFAULT_HOST_SPEC)).toBe(8 * 2 ** 20);
    expect(() => checkHostSpec(DEFAULT_HOST_SPEC)).not.toThrow();
  });

  it("scales by domains", () => {
    expect(scaleHostSpec(DEFAULT_HOST_SPEC, 4).domains).toBe(256);
    expect(scaleHostSpec(DEFAULT_HOST_SPEC, 4).framesPerDomain).toBe(DEFAULT_HOST_SPEC.framesPerDomain);
  });

  it("names the first field it cannot save", () => {
    expect(() => checkHostSpec({ ...DEFAULT_HOST_SPEC, pageSize: 6000 })).toThrow(/pageSize.*power of two/);
    expect(() => checkHostSpec({ ...DEFAULT_HOST_SPEC, domains: 0x7ff0 })).toThrow(/'domains'/);
    expect(() => checkHostSpec({ ...DEFAULT_HOST_SPEC, vcpus: 0 })).toThrow(/'vcpus'/);
  });
});
