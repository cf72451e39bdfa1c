import { Worker } from "node:worker_threads";
const api = "file:///work/wt/j16b/node_modules/tsx/dist/esm/api/index.mjs";
const entry = new URL("./w2.ts", import.meta.url).href;
const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
const w = new Worker(code, { eval: true });
w.on("message", (m) => { console.log("got", m); w.terminate(); });
w.on("error", (e) => console.log("err", e.message));
