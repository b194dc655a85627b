// axe-core with every rule enabled (experimental and AAA included), per page and per display variant.
// The script is evaluated through the DevTools protocol, which the page's CSP does not apply to.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";

const AXE_SOURCE = fs.readFileSync(
  fileURLToPath(new URL("./node_modules/axe-core/axe.min.js", import.meta.url)),
  "utf8",
);

export const VARIANTS = {
  "light 1280px": { colorScheme: "light", viewport: { width: 1280, height: 900 } },
  "dark 1280px": { colorScheme: "dark", viewport: { width: 1280, height: 900 } },
  "light 390px": { colorScheme: "light", viewport: { width: 390, height: 844 } },
  "dark 390px": { colorScheme: "dark", viewport: { width: 390, height: 844 } },
};

function describe(v) {
  const tags = v.tags.filter((t) => /^(wcag|best-practice|experimental)/.test(t)).join(",");
  const lines = [`${v.id} [${v.impact}; ${tags}]: ${v.help}`];
  for (const node of v.nodes) {
    lines.push(`  at ${node.target.join(" ")}  ${node.html.replace(/\s+/g, " ").slice(0, 120)}`);
    if (node.failureSummary) lines.push(`    ${node.failureSummary.replace(/\s*\n\s*/g, " | ")}`);
  }
  return lines;
}

export async function checkAxe(report, siteUrl, pages = ["/", "/404.html"], variants = VARIANTS) {
  report.section("axe-core");
  const browser = await launch();
  try {
    for (const pagePath of pages) {
      const seen = new Map(); // identical findings in several variants are listed once per page
      for (const [variant, opts] of Object.entries(variants)) {
        const page = await browser.context.newPage();
        await page.setViewportSize(opts.viewport);
        await page.emulateMedia({ colorScheme: opts.colorScheme });
        await page.goto(siteUrl + pagePath, { waitUntil: "load" });
        await page.evaluate(AXE_SOURCE);
        const result = await page.evaluate(async () => {
          const rules = Object.fromEntries(window.axe.getRules().map((r) => [r.ruleId, { enabled: true }]));
          const r = await window.axe.run(document, { rules, resultTypes: ["violations"] });
          return { violations: r.violations, incomplete: r.incomplete.map((i) => i.id) };
        });
        const n = result.violations.length;
        let details = result.violations.flatMap(describe);
        const key = details.join("\n");
        if (n && seen.has(key)) details = [`${result.violations.map((v) => v.id).join(", ")}: same nodes as in ${seen.get(key)}`];
        else seen.set(key, variant);
        if (result.incomplete.length) details.push(`needs review (not failed): ${result.incomplete.join(", ")}`);
        report.check(`axe ${pagePath} ${variant}: ${n} violations`, n === 0, details);
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
}
