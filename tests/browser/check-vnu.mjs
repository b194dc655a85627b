// Nu HTML Checker over every .html file of the given site folders (inline <style> CSS included).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const VNU_JAR = fileURLToPath(new URL("./node_modules/vnu-jar/build/dist/vnu.jar", import.meta.url));

function htmlFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith(".html"))
    .map((f) => path.join(dir, f))
    .sort();
}

export function checkVnu(report, siteDirs) {
  report.section("Nu HTML Checker");
  const files = siteDirs.flatMap(htmlFiles);
  if (files.length === 0) return report.check("vnu: html files found", false, siteDirs);
  const run = spawnSync("java", ["-jar", VNU_JAR, "--errors-only", "--format", "json", ...files], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (run.error) return report.check("vnu: ran", false, [String(run.error)]);
  let messages;
  try {
    messages = JSON.parse(run.stderr || '{"messages":[]}').messages;
  } catch {
    return report.check("vnu: readable output", false, [`exit ${run.status}`, run.stderr.slice(0, 2000)]);
  }
  for (const f of files) report.info(`checked ${f}`);
  const errors = messages.filter((m) => m.type === "error" || m.subType === "fatal" || m.type === "non-document-error");
  const details = errors.map((m) => {
    const where = `${fileURLToPath(m.url)}:${m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}`;
    const extract = m.extract ? `  «${m.extract.replace(/\s+/g, " ").trim()}»` : "";
    return `${where}: ${m.message}${extract}`;
  });
  report.check(`vnu: ${errors.length} errors`, errors.length === 0, details);
}
