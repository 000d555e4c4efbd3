// A bank developer's client of docs/openapi.yaml, used by tests/e2e/openapi.sh: the types come
// from openapi-typescript, the calls from openapi-fetch. tsc type-checks it (a misspelt field must
// be a type error: an @ts-expect-error line that finds no error fails the check), then node runs it
// against the service through the validating proxy: each segment's POST and GET, typed end to end.
// Usage: node client.mjs BASE_URL TOKEN
import createClient from "openapi-fetch";
import type { components, paths } from "./finseg-api.js";

type Schemas = components["schemas"];
declare const process: { argv: string[] };  // node's, without @types/node
const [baseUrl, token] = process.argv.slice(2);

// JSON answers only (the NDJSON and CSV media types of the same GETs are streams, not typed objects).
const api = createClient<paths, "application/json">({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
// The proxy names any request or response violation in this header (with --errors it also fails
// the answer itself, which the checks below then see).
api.use({
  onResponse({ request, response }) {
    const violations = response.headers.get("sl-violations");
    if (violations) throw new Error(`${request.method} ${request.url}: ${violations}`);
    return undefined;
  },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(what);
}

// Polls GET until the job is done: 404 is "not ready yet" (SEGMENTS.md 3), anything else fails.
async function poll<T>(what: string, get: () => Promise<{ data?: T; response: Response }>): Promise<T> {
  for (let i = 0; i < 600; ++i) {
    const { data, response } = await get();
    if (response.status === 200 && data !== undefined) return data;
    check(response.status === 404, `${what}: status ${response.status}`);
    await sleep(100);
  }
  throw new Error(`${what}: not done after 60 s`);
}

const lowRequest: Schemas["LowBalanceRequest"] = { threshold: -100, durationInMonth: 3, accountType: "checking" };
const low = await api.POST("/segments/lowBalance", { body: lowRequest });
const high = await api.POST("/segments/highBalance", { body: { accountType: "savings", threshold: 10000 } });
const breakdown = await api.POST("/segments/financialBreakdown", {
  body: { durationInMonth: 6, labelGroups: ["INSURANCE", "INCOME", "RENTANDLIVING"] },
});
const insurance = await api.POST("/segments/insuranceSpending", {
  body: { durationInMonth: 12, expectedInsuranceTypes: ["HEALTHINSURANCE", "LIABILITYINSURANCE"] },
  params: { query: { creationDate: "2026-10-01" } },
});
const income = await api.POST("/segments/incomeSpendingSummary", { body: { durationInMonth: 3 } });
for (const [name, r] of Object.entries({ low, high, breakdown, insurance, income }))
  check(r.response.status === 201 && typeof r.data?.jobId === "string", `POST ${name}: ${r.response.status}`);

const lowDoc = await poll("lowBalance", () =>
  api.GET("/segments/lowBalance/{jobId}", { params: { path: { jobId: low.data!.jobId } } }));
const lowest: number | undefined = lowDoc.users[0]?.accounts[0]?.amount;
check(lowest === undefined || lowest < -100, `lowBalance: ${lowest} is not below the threshold`);

const highPage = await poll("highBalance", () =>
  api.GET("/segments/highBalance/{jobId}", { params: { path: { jobId: high.data!.jobId }, query: { page: 1, perPage: 5 } } }));
check(highPage.paging !== undefined && highPage.paging.perPage === 5 && highPage.users.length <= 5, "highBalance: page");

const breakdownDoc = await poll("financialBreakdown", () =>
  api.GET("/segments/financialBreakdown/{jobId}", { params: { path: { jobId: breakdown.data!.jobId } } }));
for (const user of breakdownDoc.users)
  for (const b of user.breakdowns) check(b.months.length === breakdownDoc.durationInMonth, `${user.userId} ${b.labelGroup}: months`);

const insuranceDoc = await poll("insuranceSpending", () =>
  api.GET("/segments/insuranceSpending/{jobId}", { params: { path: { jobId: insurance.data!.jobId } } }));
check(insuranceDoc.creationDate === "2026-10-01", "insuranceSpending: creationDate");
for (const user of insuranceDoc.users) {
  check(user.missingInsuranceTypes !== undefined, `${user.userId}: missingInsuranceTypes`);
  for (const account of user.accounts)
    for (const contract of account.insurances) check(contract.paymentsInPeriod >= 1, `${contract.provider}: payments`);
}

const incomeDoc = await poll("incomeSpendingSummary", () =>
  api.GET("/segments/incomeSpendingSummary/{jobId}", { params: { path: { jobId: income.data!.jobId } } }));
for (const user of incomeDoc.users)
  for (const a of user.accounts) check(a.outgoingAmount <= 0 && a.incomingTransactions >= 0, `${a.accountId}: income/spending`);

const bad = await api.POST("/segments/highBalance", { body: { accountType: "savings", threshold: 1.234 } });
check(bad.response.status === 400 && bad.error?.errors[0]?.code === "BAD_REQUEST", "a threshold with 3 fraction digits: not a 400");

// Never called: these lines only have to fail type-checking.
function misspelt(): void {
  // @ts-expect-error: durationInMonths is not a field of the lowBalance request
  api.POST("/segments/lowBalance", { body: { threshold: -100, durationInMonths: 3 } });
  // @ts-expect-error: labelGroups is required for financialBreakdown
  api.POST("/segments/financialBreakdown", { body: { durationInMonth: 6 } });
  // @ts-expect-error: "INSURANCES" is not a label group
  api.POST("/segments/financialBreakdown", { body: { durationInMonth: 6, labelGroups: ["INSURANCES"] } });
  // @ts-expect-error: a highBalance request has no durationInMonth
  const wrong: Schemas["HighBalanceRequest"] = { accountType: "savings", threshold: 1, durationInMonth: 3 };
  // @ts-expect-error: an account of lowBalance has amount, not balance
  const balance: number = lowDoc.users[0]!.accounts[0]!.balance;
  // @ts-expect-error: no such path
  api.GET("/segments/lowBalances/{jobId}", { params: { path: { jobId: "x" } } });
  void wrong, balance;
}
void misspelt;
console.log(`typed client: 5 segments posted and read (${lowDoc.users.length} + ${highPage.paging?.totalCount} + ` +
  `${breakdownDoc.users.length} + ${insuranceDoc.users.length} + ${incomeDoc.users.length} users)`);
