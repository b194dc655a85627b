// Collects pass/fail results and prints them as they come in.
export class Report {
  passed = 0;
  failed = 0;

  constructor(name = "page checks") {
    this.name = name;
  }

  section(title) {
    console.log(`\n== ${title}`);
  }

  info(line) {
    console.log(`   ${line}`);
  }

  // Records one check; `details` are printed under it (always for failures, and for passes too).
  check(name, ok, details = []) {
    if (ok) this.passed++;
    else this.failed++;
    console.log(`${ok ? "PASS" : "FAIL"} ${name}`);
    for (const d of details) console.log(`     ${d}`);
  }

  // Runs `fn` and records a failure instead of aborting the whole run when it throws.
  async guard(name, fn) {
    try {
      await fn();
    } catch (err) {
      this.check(name, false, [String(err && err.stack ? err.stack : err)]);
    }
  }

  summary() {
    console.log(`\n${this.name}: ${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0;
  }
}
