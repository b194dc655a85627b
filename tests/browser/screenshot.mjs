// Screenshots of the built site for a visual review: node screenshot.mjs SITE_DIR OUT_DIR
import { launch } from "./browser.mjs";
import { serveSite } from "./static-server.mjs";

const [siteDir, outDir] = process.argv.slice(2);
const { server, url } = await serveSite(siteDir);
const browser = await launch();
for (const [name, opts] of Object.entries({
  light: { colorScheme: "light", viewport: { width: 1280, height: 900 } },
  dark: { colorScheme: "dark", viewport: { width: 1280, height: 900 } },
  mobile: { colorScheme: "light", viewport: { width: 390, height: 844 } },
})) {
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme: opts.colorScheme });
  await page.setViewportSize(opts.viewport);
  await page.goto(url + "/");
  await page.screenshot({ path: `${outDir}/${name}.png`, fullPage: true });
  await page.close();
}
const page = await browser.context.newPage();
await page.goto(url + "/");
await page.emulateMedia({ media: "print" });
await page.pdf({ path: `${outDir}/print-a4.pdf`, format: "A4" });
await page.pdf({ path: `${outDir}/print-letter.pdf`, format: "Letter" });
await browser.close();
server.close();
