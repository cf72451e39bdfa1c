/**
 * Test preload (`node --require`): makes reads of one file fail with EIO, the way a failing disk
 * would, so the CLI's I/O path can be tested. LU_TEST_EIO_PATH names the file; reads at positions
 * other than LU_TEST_EIO_KEEP (a byte offset that still reads, e.g. the breadcrumb frame) throw.
 * Patches node:fs and syncs the ESM named exports, so `import { readSync } from "node:fs"` sees it.
 */
const fs = require("node:fs");
const { syncBuiltinESMExports } = require("node:module");
const path = process.env.LU_TEST_EIO_PATH;
const keep = Number(process.env.LU_TEST_EIO_KEEP ?? "-1");
if (path !== undefined) {
  const failing = new Set();
  const openSync = fs.openSync;
  const readSync = fs.readSync;
  const closeSync = fs.closeSync;
  fs.openSync = function (p, ...rest) {
    const fd = openSync.call(this, p, ...rest);
    if (String(p) === path) failing.add(fd);
    return fd;
  };
  fs.closeSync = function (fd) {
    failing.delete(fd);
    return closeSync.call(this, fd);
  };
  fs.readSync = function (fd, buffer, offset, length, position) {
    if (failing.has(fd) && position !== keep) {
      const err = new Error(`EIO: i/o error, read`);
      err.code = "EIO";
      throw err;
    }
    return readSync.call(this, fd, buffer, offset, length, position);
  };
  syncBuiltinESMExports();
}
