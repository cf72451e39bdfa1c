import { Worker } from "node:worker_threads";
const w = new Worker(new URL("./w2.ts", import.meta.url), { execArgv: ["--import", process.argv[2]] });
w.on("message", (m) => { console.log("got", m); w.terminate(); });
w.on("error", (e) => console.log("err", e.message));
