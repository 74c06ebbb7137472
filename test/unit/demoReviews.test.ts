import assert from 'node:assert/strict';
import { writeReview } from '../../src/personas/demoModel/reviews';

/** The numbered context the persona runner sends (see src/personas/context.ts). */
function review(persona: string, file: string, code: string[]): string {
  const numbered = code.map((line, i) => `${i + 1}| ${line}`).join('\n');
  return writeReview({ persona, userText: `Review this\n---\nFile: ${file} (file, lines 1-${code.length})\n${numbered}` });
}

/** The severity and `file:line` the review gives a finding, or undefined when it is absent. */
function finding(text: string, title: string): { severity: string; evidence: string } | undefined {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^### \\d+\\. \\[(\\w+)\\] ${escaped}\\n\\n- \\*\\*Evidence:\\*\\* \`([^\`]+)\``, 'm').exec(text);
  return m ? { severity: m[1]!, evidence: m[2]! } : undefined;
}

interface Case {
  persona: string;
  title: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
  file: string;
  code: string[];
  /** The 1-based line the finding must cite. */
  line: number;
}

const FIRES: Case[] = [
  { persona: 'performance', title: 'Sequential await inside a loop', severity: 'HIGH', file: 'src/users.ts', line: 4, code: ['export async function loadAll(ids: string[]) {', '  const out = [];', '  for (const id of ids) {', '    out.push(await fetchUser(id));', '  }', '}'] },
  { persona: 'performance', title: 'JSON parsed or serialised inside a loop', severity: 'MEDIUM', file: 'src/report.ts', line: 3, code: ['const totals = new Map();', 'for (const row of rows) {', '  const meta = JSON.parse(row.meta);', '}'] },
  { persona: 'performance', title: 'Linear search inside a loop', severity: 'MEDIUM', file: 'src/join.ts', line: 2, code: ['orders.forEach((o) => {', '  const user = users.find((u) => u.id === o.userId);', '});'] },
  { persona: 'performance', title: 'Synchronous I/O blocks the event loop', severity: 'MEDIUM', file: 'src/handler.ts', line: 2, code: ['export function handle(path: string) {', '  const text = readFileSync(path, "utf8");', '}'] },
  { persona: 'concurrency', title: 'Async callback in forEach is never awaited', severity: 'HIGH', file: 'src/sync.ts', line: 2, code: ['export function saveAll(items: Item[]) {', '  items.forEach(async (item) => {', '    await save(item);', '  });', '}'] },
  { persona: 'concurrency', title: 'Module-level mutable state shared by async callers', severity: 'HIGH', file: 'src/counter.ts', line: 2, code: ['import { db } from "./db";', 'let inFlight = 0;', 'export async function handle() {', '  inFlight += 1;', '}'] },
  { persona: 'concurrency', title: 'Promise not awaited', severity: 'HIGH', file: 'src/close.ts', line: 2, code: ['export async function close(db: Db) {', '  db.flush();', '  await db.close();', '}'] },
  { persona: 'concurrency', title: 'Check-then-act race', severity: 'MEDIUM', file: 'src/lock.ts', line: 2, code: ['const lockPath = "app.lock";', 'if (!existsSync(lockPath)) {', '  writeFileSync(lockPath, String(process.pid));', '}'] },
  { persona: 'concurrency', title: 'Unbounded parallelism', severity: 'MEDIUM', file: 'src/crawl.ts', line: 2, code: ['export async function crawl(urls: string[]) {', '  return Promise.all(urls.map((u) => fetch(u)));', '}'] },
  { persona: 'database', title: 'Query inside a loop (N+1)', severity: 'HIGH', file: 'src/orders.ts', line: 2, code: ['for (const order of orders) {', '  order.user = await db.query("SELECT name FROM users WHERE id = $1", [order.userId]);', '}'] },
  { persona: 'database', title: 'Related writes without a transaction', severity: 'HIGH', file: 'src/checkout.ts', line: 3, code: ['export async function checkout(db: Db, id: string, sku: string) {', '  await db.run("INSERT INTO orders (id) VALUES (?)", [id]);', '  await db.run("UPDATE stock SET qty = qty - 1 WHERE sku = ?", [sku]);', '}'] },
  { persona: 'database', title: 'SELECT * in application code', severity: 'MEDIUM', file: 'src/orders.ts', line: 2, code: ['export async function list(db: Db, id: string) {', '  return db.all("SELECT * FROM orders WHERE customer_id = ? LIMIT 50", [id]);', '}'] },
  { persona: 'database', title: 'List query without LIMIT', severity: 'LOW', file: 'src/orders.ts', line: 2, code: ['export async function recent(db: Db) {', '  return db.all("SELECT id, total FROM orders ORDER BY created_at DESC");', '}'] },
  { persona: 'code-reviewer', title: 'Too many positional parameters', severity: 'MEDIUM', file: 'src/order.ts', line: 2, code: ['', 'export function createOrder(id: string, user: User, items: Item[], coupon: string, notify: boolean) {', '}'] },
  { persona: 'code-reviewer', title: 'Nested ternary', severity: 'LOW', file: 'src/label.ts', line: 2, code: ['', "const label = n === 0 ? 'none' : n === 1 ? 'one' : 'many';"] },
  { persona: 'code-reviewer', title: 'Commented-out code', severity: 'LOW', file: 'src/total.ts', line: 2, code: ['const total = sum(order);', '// const legacy = computeLegacyTotal(order);'] },
  { persona: 'code-reviewer', title: 'Magic number', severity: 'LOW', file: 'src/cart.ts', line: 2, code: ['const MAX_ITEMS = 1000;', 'if (items.length > 1000) {', '}'] },
  { persona: 'accessibility', title: 'Image without alt text (WCAG 1.1.1)', severity: 'HIGH', file: 'media/index.html', line: 2, code: ['<header>', '  <img src="logo.png" width="32">', '</header>'] },
  { persona: 'accessibility', title: 'Click handler on a non-interactive element (WCAG 2.1.1)', severity: 'HIGH', file: 'src/Card.tsx', line: 2, code: ['return (', '  <div className="card" onClick={open}>', '  </div>', ');'] },
  { persona: 'accessibility', title: 'Form field without a label (WCAG 1.3.1)', severity: 'MEDIUM', file: 'media/search.html', line: 2, code: ['<form>', '  <input type="text" name="q">', '</form>'] },
  { persona: 'accessibility', title: 'Focus indicator removed (WCAG 2.4.7)', severity: 'MEDIUM', file: 'media/main.css', line: 2, code: ['button {', '  outline: none;', '}'] },
  { persona: 'accessibility', title: 'Positive tabindex (WCAG 2.4.3)', severity: 'LOW', file: 'media/index.html', line: 2, code: ['<nav>', '  <a href="#main" tabindex="3">Skip</a>', '</nav>'] },
  { persona: 'api-docs', title: 'Exported function without a doc comment', severity: 'MEDIUM', file: 'src/parse.ts', line: 3, code: ['import { z } from "zod";', '', 'export function parseOrder(input: unknown): Order {', '}'] },
  { persona: 'api-docs', title: 'HTTP endpoint without a documented contract', severity: 'MEDIUM', file: 'src/routes.ts', line: 2, code: ['const router = express.Router();', 'router.post("/orders", createOrder);'] },
  { persona: 'api-docs', title: 'Thrown errors are not documented', severity: 'LOW', file: 'src/parse.ts', line: 3, code: ['/** Parses an order. */', 'export function parseOrder(input: unknown): Order {', '  if (!input) throw new OrderError("empty");', '}'] },
  { persona: 'observability', title: 'Promise rejection silenced', severity: 'HIGH', file: 'src/sync.ts', line: 2, code: ['export function start() {', '  void sync().catch(() => {});', '}'] },
  { persona: 'observability', title: 'Error caught without a log or metric', severity: 'HIGH', file: 'src/config.ts', line: 3, code: ['try {', '  return await loadConfig();', '} catch (err) {', '  return DEFAULTS;', '}'] },
  { persona: 'observability', title: 'Sensitive value written to logs', severity: 'HIGH', file: 'src/login.ts', line: 2, code: ['export function onLogin(user: User) {', '  logger.info("login", { email: user.email });', '}'] },
  { persona: 'observability', title: 'Log message built by interpolation', severity: 'MEDIUM', file: 'src/pay.ts', line: 2, code: ['} catch (err) {', '  logger.error(`payment ${id} failed: ${err.message}`);', '}'] },
  { persona: 'observability', title: 'Background task errors go nowhere', severity: 'MEDIUM', file: 'src/refresh.ts', line: 2, code: ['export function schedule() {', '  setInterval(async () => {', '    await refresh();', '  }, 60_000);', '}'] },
];

/** Code that looks close to a rule but is fine: the rule must stay quiet. */
const QUIET: Omit<Case, 'line' | 'severity'>[] = [
  { persona: 'performance', title: 'Sequential await inside a loop', file: 'src/users.ts', code: ['const users = await Promise.all(ids.map(async (id) => await fetchUser(id)));'] },
  { persona: 'concurrency', title: 'Promise not awaited', file: 'src/close.ts', code: ['export async function close(db: Db) {', '  await db.flush();', '  writeFileSync("closed", "1");', '}'] },
  { persona: 'database', title: 'Related writes without a transaction', file: 'src/checkout.ts', code: ['await db.run("BEGIN");', 'await db.run("INSERT INTO orders (id) VALUES (?)", [id]);', 'await db.run("UPDATE stock SET qty = qty - 1 WHERE sku = ?", [sku]);', 'await db.run("COMMIT");'] },
  { persona: 'database', title: 'List query without LIMIT', file: 'src/users.ts', code: ['return db.get("SELECT name FROM users WHERE id = ?", [id]);'] },
  { persona: 'code-reviewer', title: 'Magic number', file: 'src/cart.ts', code: ['export const MAX_ITEMS = 1000;'] },
  { persona: 'code-reviewer', title: 'Too many positional parameters', file: 'src/order.ts', code: ['const order = createOrder(id, user, items, coupon, notify);'] },
  { persona: 'accessibility', title: 'Image without alt text (WCAG 1.1.1)', file: 'media/index.html', code: ['<img src="logo.png" alt="Agent OS">'] },
  { persona: 'accessibility', title: 'Click handler on a non-interactive element (WCAG 2.1.1)', file: 'src/Card.tsx', code: ['<div role="button" tabIndex={0} onClick={open} onKeyDown={onKey}>'] },
  { persona: 'accessibility', title: 'Form field without a label (WCAG 1.3.1)', file: 'media/search.html', code: ['<label for="q">Search</label>', '<input id="q" type="text" name="q">'] },
  { persona: 'api-docs', title: 'Exported function without a doc comment', file: 'src/parse.ts', code: ['/**', ' * Parses an order.', ' * @throws OrderError when the input is empty.', ' */', 'export function parseOrder(input: unknown): Order {'] },
  { persona: 'observability', title: 'Error caught without a log or metric', file: 'src/config.ts', code: ['} catch (err) {', '  logger.warn("config.load_failed", { err });', '  return DEFAULTS;', '}'] },
];

describe('demo model reviews for the specialist personas', () => {
  for (const c of FIRES) {
    it(`${c.persona}: "${c.title}" cites ${c.file}:${c.line}`, () => {
      const text = review(c.persona, c.file, c.code);
      assert.deepEqual(finding(text, c.title), { severity: c.severity, evidence: `${c.file}:${c.line}` }, text);
    });
  }

  for (const c of QUIET) {
    it(`${c.persona}: "${c.title}" stays quiet on ${c.code.length === 1 ? c.code[0]!.trim() : `${c.file} (${c.code.length} lines)`}`, () => {
      const text = review(c.persona, c.file, c.code);
      assert.equal(finding(text, c.title), undefined, text);
    });
  }

  it('keeps the template and names a specialist in each new persona\'s review', () => {
    for (const persona of ['performance', 'concurrency', 'database', 'code-reviewer', 'accessibility', 'api-docs', 'observability']) {
      const text = review(persona, 'src/a.ts', ['export function f() {', '}']);
      const headings = text.split('\n').filter((l) => l.startsWith('## '));
      assert.deepEqual(headings, ['## Summary', '## Findings', '## Recommended specialists', '## Proposed standards'], persona);
      assert.match(text.split('## Recommended specialists')[1]!, /\*\*[a-z-]+\*\*/, `${persona} recommends someone`);
    }
  });
});
