/**
 * What a saved host looks like: how many domains, how big, how many vCPUs and HVM params, how large
 * each domain's HVM_CONTEXT is, the page size and the seed that makes the layout reproducible.
 * `save()` turns a spec into a machine-memory image; the benchmark scales it.
 */

export interface HostSpec {
  /** Number of domains saved (domain ids 1..domains). */
  readonly domains: number;
  /** Guest frames owned by each domain (listed in its LU_DOMAIN_PAGES record). */
  readonly framesPerDomain: number;
  /** vCPUs per domain (LU_DOMAIN_INFO.max_vcpus; one CPU + LAPIC + LAPIC_REGS save record each). */
  readonly vcpus: number;
  /** HVM params per domain (HVM_PARAMS entries). */
  readonly hvmParams: number;
  /** Target size of each domain's HVM_CONTEXT body in bytes; CPU_XSAVE areas fill it up. */
  readonly hvmContextBytes: number;
  /** Machine page size in bytes (a power of two, at least 4096). */
  readonly pageSize: number;
  /** Frames reserved as the live update bootmem (the breadcrumb lives in its first words). */
  readonly bootmemFrames: number;
  /** First frame of the bootmem. */
  readonly bootmemStart: number;
  /** Spare frames in the machine beyond what domains and the stream need. */
  readonly spareFrames: number;
  /** Xen version written to LU_VERSION. */
  readonly xenMajor: number;
  readonly xenMinor: number;
  /** Seed of every random choice (frame placement, handles, register values). */
  readonly seed: number;
  /**
   * How guest memory is laid out: the domains' frames are handed out in aligned runs ("extents")
   * of this many frames, the extents placed by a seeded shuffle. 1 scatters every frame on its own
   * over the whole machine (the worst case for pass 1: every frame-table write lands somewhere
   * random); 512 is 2 MiB extents of 4 KiB pages, the way Xen's toolstack backs HVM guests (libxc
   * populates their memory with 1 GiB and 2 MiB superpages where it can). A power of two.
   * Optional: 1 when absent. The embedded hosts use 512.
   */
  readonly extentFrames?: number;
}

/**
 * The embedded default host: 64 domains, each with 131072 frames (512 MiB of 4 KiB guest pages) in
 * 2 MiB extents, which gives about 66 MiB of stream (the LU_DOMAIN_PAGES lists are 64 MiB of it).
 */
export const DEFAULT_HOST_SPEC: HostSpec = Object.freeze({
  domains: 64,
  framesPerDomain: 131072,
  vcpus: 4,
  hvmParams: 64,
  hvmContextBytes: 32768,
  pageSize: 4096,
  bootmemFrames: 256,
  bootmemStart: 256,
  spareFrames: 4096,
  xenMajor: 4,
  xenMinor: 19,
  seed: 0x5eed,
  extentFrames: 512,
});

/** A small host for tests and `--small`: 8 domains × 2048 frames. */
export const SMALL_HOST_SPEC: HostSpec = Object.freeze({
  ...DEFAULT_HOST_SPEC,
  domains: 8,
  framesPerDomain: 2048,
  vcpus: 2,
  hvmParams: 16,
  hvmContextBytes: 8192,
  bootmemFrames: 16,
  bootmemStart: 16,
  spareFrames: 64,
});

/** Domain ids from 0x7FF0 up are reserved by Xen (DOMID_FIRST_RESERVED). */
export const DOMID_FIRST_RESERVED = 0x7ff0;

/** Scales a spec's domain count (the benchmark's 1×, 4×, 16×); everything per domain stays the same. */
export function scaleHostSpec(spec: HostSpec, factor: number): HostSpec {
  return { ...spec, domains: spec.domains * factor };
}

/** The spec's extent size in frames (1 when it does not say). */
export function extentFrames(spec: HostSpec): number {
  return spec.extentFrames ?? 1;
}

/** Guest frames the spec's domains own in total. */
export function guestFrameCount(spec: HostSpec): number {
  return spec.domains * spec.framesPerDomain;
}

/** Throws a RangeError naming the first field of the spec that cannot be saved. */
export function checkHostSpec(spec: HostSpec): void {
  const whole = (name: Exclude<keyof HostSpec, "extentFrames">, min: number, max: number): void => {
    const v = spec[name];
    if (!Number.isSafeInteger(v) || v < min || v > max) {
      throw new RangeError(`host spec '${name}' is ${v}; expected an integer in ${min}..${max}`);
    }
  };
  whole("domains", 0, DOMID_FIRST_RESERVED - 1);
  whole("framesPerDomain", 0, 2 ** 32);
  whole("vcpus", 1, 4096);
  whole("hvmParams", 0, 2 ** 20);
  whole("hvmContextBytes", 0, 2 ** 30);
  whole("pageSize", 4096, 2 ** 30);
  whole("bootmemFrames", 1, 2 ** 32);
  whole("bootmemStart", 0, 2 ** 40);
  whole("spareFrames", 0, 2 ** 40);
  whole("xenMajor", 0, 2 ** 32 - 1);
  whole("xenMinor", 0, 2 ** 32 - 1);
  whole("seed", 0, 2 ** 32 - 1);
  if ((spec.pageSize & (spec.pageSize - 1)) !== 0) {
    throw new RangeError(`host spec 'pageSize' is ${spec.pageSize}; expected a power of two`);
  }
  const extent = extentFrames(spec);
  if (!Number.isSafeInteger(extent) || extent < 1 || extent > 2 ** 18 || (extent & (extent - 1)) !== 0) {
    throw new RangeError(`host spec 'extentFrames' is ${extent}; expected a power of two in 1..${2 ** 18}`);
  }
}
