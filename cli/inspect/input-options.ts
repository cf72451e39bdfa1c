/** The input options `lu dump` and `lu validate` share, parsed and checked. */
import { parseBootmem } from "../image/bootmem-option.js";
import { parseBase, parseImageFormat } from "../image/image-input.js";
import { InputError, type InspectOptions } from "./inspect-input.js";

export interface InputFlags {
  readonly image?: boolean;
  readonly bootmem?: string;
  readonly pageSize?: string;
  readonly imageFormat?: string;
  readonly base?: string;
  readonly verbose?: boolean;
  /** False with `--no-progress`. */
  readonly progress?: boolean;
}

function wholeNumber(text: string, what: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new InputError(`${what} '${text}' is not a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InputError(`${what} '${text}' is too large`);
  return n;
}

export function inspectOptions(flags: InputFlags): InspectOptions {
  if (flags.image !== true) {
    if (
      flags.bootmem !== undefined ||
      flags.pageSize !== undefined ||
      flags.imageFormat !== undefined ||
      flags.base !== undefined
    ) {
      throw new InputError("--bootmem, --page-size, --image-format and --base go with --image");
    }
    return {};
  }
  if (flags.bootmem === undefined)
    throw new InputError("--image needs --bootmem FRAME (the first frame of the live update bootmem)");
  const pageSize = wholeNumber(flags.pageSize ?? "4096", "--page-size");
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0)
    throw new InputError(`--page-size ${pageSize} is not a power of two of at least 512`);
  let bootmem;
  try {
    bootmem = parseBootmem(flags.bootmem, pageSize);
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message : String(e));
  }
  let format;
  let base;
  try {
    format = parseImageFormat(flags.imageFormat);
    base = parseBase(flags.base, pageSize);
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message : String(e));
  }
  return {
    image: {
      ...(bootmem.kind === "range"
        ? { bootmemFrame: bootmem.range.start, bootmemFrames: bootmem.range.count }
        : { bootmemFrame: 0, auto: { within: bootmem.within } }),
      ...(flags.verbose === true ? { log: (line: string) => process.stderr.write(`lu: ${line}\n`) } : {}),
      progress: flags.progress !== false && process.stderr.isTTY === true,
      pageSize,
      ...(format === undefined ? {} : { format }),
      ...(base === undefined ? {} : { base }),
    },
  };
}

export function addInputOptions<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option("--image", "FILE is a machine-memory image (byte offset = physical address)")
    .option(
      "--bootmem <frame[:count]>",
      "with --image: the live update bootmem: its first frame (where the breadcrumb is), and its size as a frame count or with a K/M/G suffix; auto: find the breadcrumb in the whole image; auto:FRAME:COUNT: in that range",
    )
    .option("--page-size <bytes>", "with --image: machine page size (default 4096)")
    .option(
      "--image-format <format>",
      "with --image: auto (default: ELF core file by its magic, else flat, or raw with --base), flat, raw or elf",
    )
    .option("--base <addr>", "with --image: physical address of a raw dump's first octet")
    .option(
      "--verbose",
      "with --image --bootmem auto: say every breadcrumb candidate considered and why it was refused",
    )
    .option("--no-progress", "no progress bar (there is one on a terminal while a large image is read)");
}
