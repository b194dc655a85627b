// Starts `gen serve` on a fresh copy of a site, on a free loopback port, for browser tests and
// the reload benchmark.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Creates a site with `gen init` and the given resume text; returns its folder.
export function makeSite(genBin, resumeText) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gen-serve-site-"));
  const init = spawnSync(genBin, ["init", root], { encoding: "utf8" });
  if (init.status !== 0) throw new Error(`gen init failed:\n${init.stderr}`);
  fs.writeFileSync(path.join(root, "content", "resume.yaml"), resumeText);
  return root;
}

// Runs `gen serve --port PORT` (a free one by default) on `root`; resolves once it prints its
// address. `server.log` holds everything it printed; `server.stop()` ends it.
export function startServe(genBin, root, port = 0) {
  const child = spawn(genBin, ["serve", "--root", root, "--port", String(port)], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const server = { child, log: "", url: null, exited: null };
  const collect = (chunk) => { server.log += chunk; };
  child.stdout.setEncoding("utf8").on("data", collect);
  child.stderr.setEncoding("utf8").on("data", collect);
  child.on("exit", (code, signal) => { server.exited = { code, signal }; });
  server.stop = () => new Promise((resolve) => {
    if (server.exited) return resolve();
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gen serve printed no address in 20 s:\n${server.log}`)), 20000);
    const look = () => {
      const m = server.log.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        server.url = m[1];
        resolve(server);
      }
    };
    child.stderr.on("data", look);
    child.on("exit", () => { clearTimeout(timer); reject(new Error(`gen serve exited:\n${server.log}`)); });
  });
}
