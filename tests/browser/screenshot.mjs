// Screenshots of the built site for a visual review:
//   node tests/browser/screenshot.mjs SITE_DIR OUT_DIR [PREFIX] [PAGE]
// writes PREFIX{light,dark}-{1280,390}.png (the whole page of PAGE, default "/") and
// PREFIXprint-{a4,letter}.pdf (the page as printed) into OUT_DIR.
import fs from "node:fs";
import { launch } from "./browser.mjs";
import { serveSite } from "./static-server.mjs";

const [siteDir, outDir, prefix = "", pagePath = "/"] = process.argv.slice(2);
if (!siteDir || !outDir) {
  console.error("usage: node tests/browser/screenshot.mjs SITE_DIR OUT_DIR [PREFIX] [PAGE]");
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const { server, url } = await serveSite(siteDir);
const browser = await launch();
try {
  for (const colorScheme of ["light", "dark"]) {
    for (const [width, height] of [[1280, 900], [390, 844]]) {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height });
      await page.goto(url + pagePath, { waitUntil: "load" });
      const file = `${outDir}/${prefix}${colorScheme}-${width}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${file}`);
      await page.close();
    }
  }
  const page = await browser.context.newPage();
  await page.goto(url + pagePath, { waitUntil: "load" });
  await page.emulateMedia({ media: "print" });
  await page.pdf({ path: `${outDir}/${prefix}print-a4.pdf`, format: "A4" });
  await page.pdf({ path: `${outDir}/${prefix}print-letter.pdf`, format: "Letter" });
  await page.close();
} finally {
  await browser.close();
  server.close();
}
