/** The input options `lu dump` and `lu validate` share, parsed and checked. */
import { InputError, type InspectOptions } from "./inspect-input.js";

export interface InputFlags {
  readonly image?: boolean;
  readonly bootmem?: string;
  readonly pageSize?: string;
}

function wholeNumber(text: string, what: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new InputError(`${what} '${text}' is not a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InputError(`${what} '${text}' is too large`);
  return n;
}

export function inspectOptions(flags: InputFlags): InspectOptions {
  if (flags.image !== true) {
    if (flags.bootmem !== undefined || flags.pageSize !== undefined) throw new InputError("--bootmem and --page-size go with --image");
    return {};
  }
  if (flags.bootmem === undefined) throw new InputError("--image needs --bootmem FRAME (the first frame of the live update bootmem)");
  const pageSize = wholeNumber(flags.pageSize ?? "4096", "--page-size");
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw new InputError(`--page-size ${pageSize} is not a power of two of at least 512`);
  return { image: { bootmemFrame: wholeNumber(flags.bootmem, "--bootmem"), pageSize } };
}

export function addInputOptions<T extends { option(flags: string, description: string): T }>(cmd: T): T {
  return cmd
    .option("--image", "FILE is a machine-memory image (byte offset = physical address)")
    .option("--bootmem <frame>", "with --image: first frame of the live update bootmem (where the breadcrumb is)")
    .option("--page-size <bytes>", "with --image: machine page size (default 4096)");
}
