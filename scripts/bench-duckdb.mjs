#!/usr/bin/env node
// The reference side of scripts/bench: computes the SEGMENTS.md documents of job files with SQL in
// DuckDB, from DuckDB's own tables (an on-disk database loaded once from finseg's CSV export).
//
//   node scripts/bench-duckdb.mjs --db DB.duckdb [--load CSVDIR] --out DIR [--repeat N] JOB.json...
//
// --load CSVDIR   (re)creates the tables `accounts` and `transactions` from accounts.csv /
//                 transactions.csv when DB has no `transactions` table yet (money as BIGINT cents,
//                 dates as DATE, labels as a BIGINT bit set in config/labels.json's table order,
//                 transactions sorted by account and bookingDate like finseg's shards).
// --out DIR       writes DIR/<job file name>: one document per job (users by userId in byte order,
//                 money with two fraction digits).
// --repeat N      runs every job's SQL N times (default 1) and prints per job one line
//                 `TIME <job name> <median s> <s,s,...>` (query + fetch + writing the document).
// --modules DIR   where `npm install @duckdb/node-api` was run (default build/bench/duckdb).
// The DuckDB module is a benchmark tool, not a dependency of the project.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = { repeat: 1, modules: path.join(root, 'build/bench/duckdb'), labels: path.join(root, 'config/labels.json') };
const jobs = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--db') opt.db = args[++i];
  else if (a === '--load') opt.load = args[++i];
  else if (a === '--out') opt.out = args[++i];
  else if (a === '--repeat') opt.repeat = Number(args[++i]);
  else if (a === '--modules') opt.modules = args[++i];
  else if (a === '--labels') opt.labels = args[++i];
  else if (a.startsWith('--')) { console.error(`bench-duckdb: unknown option ${a}`); process.exit(2); }
  else jobs.push(a);
}
if (!opt.db) { console.error('usage: bench-duckdb.mjs --db DB [--load CSVDIR] --out DIR [--repeat N] JOB.json...'); process.exit(2); }

const { DuckDBInstance } = createRequire(path.join(opt.modules, 'package.json'))('@duckdb/node-api');

// ---- label taxonomy: bit i = i-th name in table order (group, then its labels) ----
const taxonomy = JSON.parse(fs.readFileSync(opt.labels, 'utf8')).groups;
const names = [];
const groupMask = {};       // group -> mask of the group bit and all its labels' bits
const insuranceLeaves = []; // [name, bit] in table order
for (const g of taxonomy) {
  const gbit = names.length; names.push(g.group);
  let mask = 1n << BigInt(gbit);
  for (const l of g.labels) {
    const b = names.length; names.push(l);
    mask |= 1n << BigInt(b);
    if (g.group === 'INSURANCE') insuranceLeaves.push([l, b]);
  }
  groupMask[g.group] = mask;
}
const tableOrder = new Map(names.map((n, i) => [n, i]));
// DuckDB BIGINT is signed: masks stay below 2^63 with at most 63 names; 64 would need UBIGINT.
const lit = (m) => `${m}::BIGINT`;
const q = (s) => `'${String(s).replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(opt.db);
const conn = await instance.connect();
const rows = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJson();

if (opt.load) {
  const have = await rows(`SELECT count(*) n FROM information_schema.tables WHERE table_name = 'transactions'`);
  if (Number(have[0].n) === 0) {
    const t0 = performance.now();
    const csv = (f, cols) => `read_csv(${q(path.join(opt.load, f))}, header = true, delim = ',', quote = '"', escape = '"', columns = {${cols}})`;
    const bitsExpr = `list_reduce(list_transform(CASE WHEN labels IS NULL OR labels = '' THEN [] ELSE string_split(labels, ';') END,
        x -> (1::BIGINT << CASE x ${names.map((n, i) => `WHEN ${q(n)} THEN ${i}`).join(' ')} END)), (a, b) -> a | b, 0::BIGINT)`;
    await conn.run(`CREATE TABLE accounts AS SELECT accountId, userId, accountType, currency,
        CAST(round(balance * 100) AS BIGINT) AS balance, balanceDate
      FROM ${csv('accounts.csv', `'accountId': 'VARCHAR', 'userId': 'VARCHAR', 'accountType': 'VARCHAR', 'currency': 'VARCHAR', 'balance': 'DECIMAL(18,2)', 'balanceDate': 'DATE'`)}
      ORDER BY userId, accountId`);
    await conn.run(`CREATE TABLE transactions AS SELECT transactionId, accountId, bookingDate,
        CAST(round(amount * 100) AS BIGINT) AS amount, counterpartName, ${bitsExpr} AS labelBits
      FROM ${csv('transactions.csv', `'transactionId': 'VARCHAR', 'accountId': 'VARCHAR', 'bookingDate': 'DATE', 'amount': 'DECIMAL(18,2)', 'counterpartName': 'VARCHAR', 'counterpartIban': 'VARCHAR', 'purpose': 'VARCHAR', 'labels': 'VARCHAR'`)}
      ORDER BY accountId, bookingDate`);
    await conn.run('CHECKPOINT');
    const n = await rows('SELECT (SELECT count(*) FROM accounts) a, (SELECT count(*) FROM transactions) t');
    console.log(`LOAD ${((performance.now() - t0) / 1000).toFixed(3)} s accounts=${n[0].a} transactions=${n[0].t}`);
  }
}

// ---- dates and windows ----
const snapshot = (await rows(`SELECT strftime(max(balanceDate), '%Y-%m-%d') d FROM accounts`))[0].d;
function windowOf(creationDate, n) {
  const [y, m] = creationDate.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 - n, 1));
  const last = new Date(Date.UTC(y, m - 1, 0));
  const iso = (d) => d.toISOString().slice(0, 10);
  return { ws: iso(first), we: iso(last) };
}
const months = (ws, n) => Array.from({ length: n }, (_, i) => {
  const d = new Date(Date.UTC(Number(ws.slice(0, 4)), Number(ws.slice(5, 7)) - 1 + i, 1));
  return d.toISOString().slice(0, 7);
});
const cents = (x) => { // threshold: a JSON number with at most 2 fraction digits -> exact cents
  const s = String(x); const neg = s.startsWith('-'); const [i, f = ''] = s.replace('-', '').split('.');
  const c = BigInt(i) * 100n + BigInt((f + '00').slice(0, 2)); return neg ? -c : c;
};

// ---- JSON with money as numbers with exactly two fraction digits ----
class Money { constructor(c) { this.c = c; } }
const money = (c) => new Money(Number(c));
const roundHalfAway = (x) => Math.sign(x) * Math.round(Math.abs(x)); // x in cents, exact halves
function fmtMoney(c) {
  if (Object.is(c, -0) || c === 0) return '0.00';
  const neg = c < 0; const a = Math.abs(c);
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}
function toJson(v, ind = '') {
  const n = ind + '  ';
  if (v instanceof Money) return fmtMoney(v.c);
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => n + toJson(x, n)).join(',\n')}\n${ind}]` : '[]';
  if (v && typeof v === 'object') {
    const ks = Object.keys(v);
    return ks.length ? `{\n${ks.map((k) => `${n}${JSON.stringify(k)}: ${toJson(v[k], n)}`).join(',\n')}\n${ind}}` : '{}';
  }
  return JSON.stringify(v);
}
function groupUsers(list, make) { // rows sorted by userId -> [{userId, ...make(rowsOfUser)}]
  const out = []; let cur = null;
  for (const r of list) {
    if (!cur || cur.userId !== r.userId) { cur = { userId: r.userId, rows: [] }; out.push(cur); }
    cur.rows.push(r);
  }
  return out.map((u) => ({ userId: u.userId, ...make(u.rows) }));
}
const typeFilter = (req, alias) => (req.accountType ? `AND ${alias}.accountType = ${q(req.accountType)}` : '');
const WS = `[ \\t\\n\\x0B\\f\\r]`; // the six ASCII white-space characters of SEGMENTS.md 2.5

// ---- the five segments ----
const segments = {
  async highBalance(req, c) {
    const r = await rows(`
      SELECT a.userId, a.accountId,
             a.balance - COALESCE(SUM(t.amount) FILTER (WHERE t.bookingDate <= a.balanceDate), 0) AS eod
      FROM accounts a LEFT JOIN transactions t ON t.accountId = a.accountId AND t.bookingDate > DATE ${q(c)}
      WHERE a.accountType = ${q(req.accountType)}
      GROUP BY a.userId, a.accountId, a.balance
      HAVING eod > ${cents(req.threshold)}
      ORDER BY a.userId, a.accountId`);
    return { durationInMonth: 0, creationDate: c,
      users: groupUsers(r, (rs) => ({ accounts: rs.map((x) => ({ accountId: x.accountId, amount: money(x.eod) })) })) };
  },

  async lowBalance(req, c) {
    const n = req.durationInMonth; const { ws, we } = windowOf(c, n);
    // EOD after the bookings of a day d = balance - (sum of the amounts booked strictly later);
    // a day without bookings carries the EOD of the last booking day before it, so a month's
    // lowest EOD is the min of its first day's EOD (ASOF: the balance before the first later
    // booking day) and the EODs of its booking days.
    const r = await rows(`
      WITH acc AS (SELECT accountId, userId, balance FROM accounts a WHERE true ${typeFilter(req, 'a')}),
      daily AS (SELECT t.accountId, t.bookingDate AS d, SUM(t.amount) AS amt
                FROM transactions t WHERE t.bookingDate >= DATE ${q(ws)}
                  AND t.accountId IN (SELECT accountId FROM acc) GROUP BY ALL),
      eod AS (SELECT d.accountId, d.d, d.amt,
                     acc.balance - COALESCE(SUM(d.amt) OVER (PARTITION BY d.accountId ORDER BY d.d DESC
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS eodAfter
              FROM daily d JOIN acc USING (accountId)),
      ms AS (SELECT CAST(range AS DATE) AS ms FROM range(DATE ${q(ws)}, DATE ${q(we)} + 1, INTERVAL 1 MONTH)),
      starts AS (SELECT s.accountId, s.ms, COALESCE(e.eodAfter - e.amt, s.balance) AS v
                 FROM (SELECT acc.accountId, acc.balance, ms.ms FROM acc CROSS JOIN ms) s
                 ASOF LEFT JOIN eod e ON s.accountId = e.accountId AND s.ms < e.d),
      vals AS (SELECT accountId, ms, v FROM starts
               UNION ALL
               SELECT accountId, CAST(date_trunc('month', d) AS DATE), eodAfter FROM eod WHERE d <= DATE ${q(we)}),
      perMonth AS (SELECT accountId, ms, MIN(v) AS mn FROM vals GROUP BY ALL)
      SELECT acc.userId, p.accountId, MIN(p.mn) AS amount
      FROM perMonth p JOIN acc USING (accountId)
      GROUP BY ALL
      HAVING count(*) FILTER (WHERE p.mn < ${cents(req.threshold)}) = ${n}
      ORDER BY acc.userId, p.accountId`);
    return { durationInMonth: n, creationDate: c,
      users: groupUsers(r, (rs) => ({ accounts: rs.map((x) => ({ accountId: x.accountId, amount: money(x.amount) })) })) };
  },

  async incomeSpendingSummary(req, c) {
    const n = req.durationInMonth; const { ws, we } = windowOf(c, n);
    const r = await rows(`
      SELECT a.userId, a.accountId,
             count(*) FILTER (WHERE t.amount > 0) AS inN, count(*) FILTER (WHERE t.amount < 0) AS outN,
             COALESCE(SUM(t.amount) FILTER (WHERE t.amount > 0), 0) AS inA,
             COALESCE(SUM(t.amount) FILTER (WHERE t.amount < 0), 0) AS outA
      FROM transactions t JOIN accounts a USING (accountId)
      WHERE t.bookingDate BETWEEN DATE ${q(ws)} AND DATE ${q(we)} ${typeFilter(req, 'a')}
      GROUP BY ALL ORDER BY a.userId, a.accountId`);
    return { durationInMonth: n, creationDate: c,
      users: groupUsers(r, (rs) => ({ accounts: rs.map((x) => ({ accountId: x.accountId,
        incomingTransactions: Number(x.inN), outgoingTransactions: Number(x.outN),
        incomingAmount: money(x.inA), outgoingAmount: money(x.outA) })) })) };
  },

  async financialBreakdown(req, c) {
    const n = req.durationInMonth; const { ws, we } = windowOf(c, n);
    const groups = req.labelGroups.map((g, i) => `(${i}, ${q(g)}, ${lit(groupMask[g])})`).join(', ');
    const r = await rows(`
      WITH g(gi, name, mask) AS (VALUES ${groups}),
      ms AS (SELECT CAST(range AS DATE) AS ms FROM range(DATE ${q(ws)}, DATE ${q(we)} + 1, INTERVAL 1 MONTH)),
      hits AS (SELECT a.userId, g.gi, CAST(date_trunc('month', t.bookingDate) AS DATE) AS ms, SUM(t.amount) AS s
               FROM transactions t JOIN accounts a USING (accountId) JOIN g ON (t.labelBits & g.mask) <> 0
               WHERE t.bookingDate BETWEEN DATE ${q(ws)} AND DATE ${q(we)}
               GROUP BY ALL),
      filled AS (SELECT p.userId, p.gi, ms.ms, COALESCE(h.s, 0) AS s
               FROM (SELECT DISTINCT userId, gi FROM hits) p CROSS JOIN ms
               LEFT JOIN hits h ON h.userId = p.userId AND h.gi = p.gi AND h.ms = ms.ms)
      SELECT userId, gi, SUM(s) AS total, MIN(s) AS mn, MAX(s) AS mx,
             quantile_cont(s, 0.5) AS median, stddev_pop(s) AS sd,
             list(s ORDER BY ms) AS monthly
      FROM filled GROUP BY ALL ORDER BY userId, gi`);
    const ml = months(ws, n);
    return { durationInMonth: n, creationDate: c,
      users: groupUsers(r, (rs) => ({ breakdowns: rs.map((x) => ({
        labelGroup: req.labelGroups[Number(x.gi)],
        total: money(x.total),
        average: money(roundHalfAway(Number(x.total) / n)),
        min: money(x.mn), max: money(x.mx),
        median: money(roundHalfAway(Number(x.median))),
        standardDeviation: money(roundHalfAway(Number(x.sd))),
        months: x.monthly.map((s, i) => ({ month: ml[i], amount: money(s) })),
      })) })) };
  },

  async insuranceSpending(req, c) {
    const n = req.durationInMonth ?? 12; const { ws, we } = windowOf(c, n);
    const typeCase = `CASE ${insuranceLeaves.map(([l, b]) => `WHEN (t.labelBits & ${lit(1n << BigInt(b))}) <> 0 THEN ${q(l)}`).join(' ')} ELSE 'INSURANCE' END`;
    const r = await rows(`
      WITH pay AS (
        SELECT t.accountId, t.bookingDate AS d, -t.amount AS amt, ${typeCase} AS insuranceType,
               regexp_replace(regexp_replace(COALESCE(t.counterpartName, ''), '^${WS}+|${WS}+$', '', 'g'), '${WS}+', ' ', 'g') AS provider
        FROM transactions t
        WHERE t.amount < 0 AND (t.labelBits & ${lit(groupMask.INSURANCE)}) <> 0 AND t.bookingDate <= DATE ${q(we)}),
      contracts AS (
        SELECT accountId, provider, insuranceType,
               arg_max(amt, struct_pack(d := d, a := amt)) AS amount, max(d) AS lastDate,
               count(*) FILTER (WHERE d >= DATE ${q(ws)}) AS inN,
               COALESCE(SUM(amt) FILTER (WHERE d >= DATE ${q(ws)}), 0) AS inA
        FROM pay GROUP BY ALL HAVING count(*) FILTER (WHERE d >= DATE ${q(ws)}) > 0),
      gaps AS (
        SELECT accountId, provider, insuranceType, d - lag(d) OVER (PARTITION BY accountId, provider, insuranceType ORDER BY d) AS gap
        FROM (SELECT DISTINCT p.accountId, p.provider, p.insuranceType, p.d FROM pay p
              SEMI JOIN contracts k ON k.accountId = p.accountId AND k.provider = p.provider AND k.insuranceType = p.insuranceType)),
      med AS (SELECT accountId, provider, insuranceType, quantile_cont(gap, 0.5) AS m FROM gaps GROUP BY ALL)
      SELECT a.userId, k.accountId, k.provider, k.insuranceType, k.amount, strftime(k.lastDate, '%Y-%m-%d') AS lastDate, k.inN, k.inA,
             CASE WHEN med.m IS NULL THEN 'UNKNOWN'
                  WHEN med.m BETWEEN 20 AND 40 THEN 'MONTHLY' WHEN med.m BETWEEN 80 AND 100 THEN 'QUARTERLY'
                  WHEN med.m BETWEEN 170 AND 200 THEN 'HALF_YEARLY' WHEN med.m BETWEEN 340 AND 390 THEN 'YEARLY'
                  ELSE 'IRREGULAR' END AS frequency
      FROM contracts k JOIN accounts a USING (accountId)
      LEFT JOIN med USING (accountId, provider, insuranceType)
      ORDER BY a.userId, k.accountId, k.provider, k.insuranceType`);
    const expected = req.expectedInsuranceTypes
      ? [...new Set(req.expectedInsuranceTypes)].sort((x, y) => tableOrder.get(x) - tableOrder.get(y)) : null;
    return { durationInMonth: n, creationDate: c,
      users: groupUsers(r, (rs) => {
        const accounts = []; let cur = null;
        for (const x of rs) {
          if (!cur || cur.accountId !== x.accountId) { cur = { accountId: x.accountId, insurances: [] }; accounts.push(cur); }
          cur.insurances.push({ provider: x.provider, insuranceType: x.insuranceType, amount: money(x.amount),
            frequency: x.frequency, lastPaymentDate: x.lastDate, paymentsInPeriod: Number(x.inN), totalInPeriod: money(x.inA) });
        }
        if (!expected) return { accounts };
        const have = new Set(rs.map((x) => x.insuranceType));
        return { accounts, missingInsuranceTypes: expected.filter((e) => !have.has(e)) };
      }) };
  },
};

if (opt.out) fs.mkdirSync(opt.out, { recursive: true });
const median = (v) => { const s = [...v].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
for (const jobPath of jobs) {
  const job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
  const fn = segments[job.segment];
  if (!fn) { console.error(`bench-duckdb: ${jobPath}: unknown segment ${job.segment}`); process.exit(5); }
  const creation = job.creationDate ?? snapshot;
  const times = [];
  for (let i = 0; i < opt.repeat; i++) {
    const t0 = performance.now();
    const doc = await fn(job.request, creation);
    const text = toJson(doc) + '\n';
    if (opt.out) fs.writeFileSync(path.join(opt.out, path.basename(jobPath)), text);
    times.push((performance.now() - t0) / 1000);
  }
  if (opt.repeat > 1 || process.env.BENCH_DUCKDB_TIMES)
    console.log(`TIME ${path.basename(jobPath, '.json')} ${median(times).toFixed(4)} ${times.map((t) => t.toFixed(4)).join(',')}`);
}
