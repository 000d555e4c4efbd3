// The phases of the parallel import, each run through on_every_rank so that an error on any rank
// reaches every rank (and the store's temporary folder goes with rank 0's builder):
//   plan         the units of accounts*/transactions* files, scanned in parallel, resolved;
//   accounts     read, checked, cut into shards by user, sorted by each shard's owner (ingest/);
//   transactions read, checked against the account map, spilled to their shard's owner;
//   duplicates   every transactionId checked once, by the owner of its hash bucket;
//   learn        (--labels learn) each owner learns from its shards, the counts are merged;
//   shards       each owner sorts, labels and writes its shards (static: shard k on rank k % P);
//   commit       the problems merged in input order, the rejects file, manifest and rename.
#include "app/import_store.hpp"

#include "parallel/on_every_rank.hpp"
#include "app/learned_merge.hpp"
#include "run/run_report.hpp"
#include "core/errors.hpp"
#include "csv/csv_checks.hpp"
#include "csv/csv_rejections.hpp"
#include "ingest/import_accounts.hpp"
#include "ingest/import_dedup.hpp"
#include "ingest/import_shards.hpp"
#include "ingest/import_transactions.hpp"
#include "parallel/collectives.hpp"
#include "store/store_wire.hpp"

#include <cereal/types/vector.hpp>

#include <malloc.h>  // malloc_trim (glibc)

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

namespace finseg {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Rank 0's progress lines: its own share of a phase stands for every rank's (the transactions
// read, in bytes; the shards written, counted).
class ImportProgress {
 public:
  enum class Kind { bytes_read, shards_written };
  ImportProgress(const Communicator& comm, Kind kind, std::uint64_t share, double every)
      : on_(comm.rank() == 0 && every > 0), kind_(kind), every_(every), share_(share) {}
  void operator()(std::uint64_t done) {
    if (!on_ || seconds_since(last_) < every_) return;
    last_ = Clock::now();
    const double secs = seconds_since(start_);
    const double left = done > 0 && share_ > done ? secs * static_cast<double>(share_ - done) / static_cast<double>(done) : 0;
    const double percent = share_ ? 100.0 * static_cast<double>(std::min(done, share_)) / static_cast<double>(share_) : 100.0;
    if (kind_ == Kind::bytes_read)
      std::fprintf(stderr, "finseg import: transactions %.0f%% read, %.1f MB/s per rank, %.0f s elapsed, ~%.0f s left\n", percent,
                   static_cast<double>(done) / 1e6 / secs, secs, left);
    else
      std::fprintf(stderr, "finseg import: shards %.0f%% written (%llu of %llu on rank 0), %.0f s elapsed, ~%.0f s left\n", percent,
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(share_), secs, left);
  }

 private:
  bool on_;
  Kind kind_;
  double every_;
  std::uint64_t share_;
  Clock::time_point start_ = Clock::now(), last_ = Clock::now();
};

struct Phases {
  std::string text;
  Clock::time_point at = Clock::now();
  void done(const char* name) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.2f s", text.empty() ? "" : ", ", name, seconds_since(at));
    text += buf;
    at = Clock::now();
  }
};

// Rank 0 creates the temporary folder of the store (and its staging folder); the others write
// into it and leave the commit to rank 0.
std::unique_ptr<StoreBuilder> open_builder(Communicator& comm, const std::filesystem::path& out) {
  std::unique_ptr<StoreBuilder> builder;
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    builder = std::make_unique<StoreBuilder>(out);
    std::filesystem::create_directory(builder->temp_dir() / "staging");
  });
  const std::filesystem::path temp = comm.broadcast(comm.is_root() ? builder->temp_dir().string() : "", 0);
  on_every_rank(comm, [&] {
    if (!comm.is_root()) builder = std::make_unique<StoreBuilder>(out, temp);
  });
  if (!comm.is_root()) builder->release();
  return builder;
}

// Whether what the readers learned while reading is what the shard owners would learn: no row
// that passed the row checks was dropped as a duplicate, and the money sums of all ranks together
// fit (then no user's sums can overflow, and the money bound drops nothing). Collective.
bool learned_while_reading(ingest::ImportContext& ctx, const ingest::Duplicates& dups) {
  const std::uint64_t share = (std::uint64_t{1} << 62) / static_cast<std::uint64_t>(ctx.comm.size());
  const bool over = any_rank(ctx.comm, ctx.money_total > share);  // else the sum is below 2^62
  return !over && dups.accepted_rows.empty();
}

// --labels learn: the counts of the rows every rank read (or, when a duplicate or the money bound
// dropped one of them, a pass of each owner over its shards) merged in rank order (exact, so the
// same at any rank count) into each rank's learner, which then trains.
void learn_on_every_rank(ingest::ImportContext& ctx, const ingest::Duplicates& dups, LearnedLabeller& read,
                         LearnedLabeller& learner, LabelSourceCounts& sources) {
  std::optional<LearnedLabeller> again;
  if (!learned_while_reading(ctx, dups)) {
    again.emplace(nullptr, ctx.taxonomy);
    on_every_rank(ctx.comm, [&] {
      for (int k = ctx.comm.rank(); k < ctx.shards; k += ctx.comm.size()) ingest::learn_from_shard(ctx, k, dups, *again);
    });
  }
  LearnedLabeller& local = again ? *again : read;
  learner.merge(merge_learned_counts(ctx.comm, local.counts()));
  sources.add(LabelSource::bank, static_cast<std::uint64_t>(all_sum(ctx.comm, static_cast<std::int64_t>(local.sources()[LabelSource::bank]))));
  learner.finish();
}

}  // namespace

namespace {

// The problems of every rank in input order; InputError beyond the allowance (on every rank),
// else the rejects file (rank 0). Returns the number of rejected rows.
std::uint64_t settle_rejections(ingest::ImportContext& ctx, const std::filesystem::path& dir) {
  const auto rows = static_cast<std::uint64_t>(all_sum(ctx.comm, static_cast<std::int64_t>(ctx.problems.rows())));
  std::vector<csv::Problem> first = ctx.problems.gather_first(ctx.comm);
  on_every_rank(ctx.comm, [&] {
    if (!ctx.comm.is_root()) return;
    const csv::Rejections rejections(ctx.options, std::move(first), rows);
    rejections.check(dir);
    if (ctx.options.max_rejects > 0) rejections.write(ctx.options.rejects_file);
  });
  return rows;
}

void check_rejects_file(const ImportOptions& o) {
  if (o.max_rejects > 0 && o.rejects_file.empty()) throw UsageError("import: allowing rejected rows needs a rejects file");
  if (o.max_rejects > 0 && !o.replace_rejects && std::filesystem::exists(o.rejects_file))
    throw IoError(o.rejects_file.string() + " exists already: a rejects file is never overwritten (remove it, or --replace-rejects)");
}

// How many buckets the duplicate check has and how big a spill buffer is (ImportContext).
void size_spills(ingest::ImportContext& ctx, const StoreImportOptions& options) {
  // A bucket holds the keys of ~bucket_input_bytes of input (~30 % of it: id, position, the
  // record only with a rejects file), the same number at any rank count.
  const std::uint64_t per_bucket = std::max<std::uint64_t>(1, options.bucket_input_bytes);
  // Rounded up to a multiple of the ranks, which check buckets b % P == rank: 9 buckets of the 10k
  // bank's CSV gave one of 2 ranks 5, and the other waited a fifth of the phase. Which rows are
  // duplicates does not depend on the buckets.
  const auto ranks = static_cast<std::uint64_t>(ctx.comm.size());
  const std::uint64_t buckets = std::clamp<std::uint64_t>((ctx.plan.estimated_plain_bytes + per_bucket - 1) / per_bucket, 1, 100000);
  ctx.id_buckets = static_cast<int>((buckets + ranks - 1) / ranks * ranks);
  // Every rank writes one spill file per shard and per bucket at a time: their buffers share 64 MiB.
  ctx.spill_buffer = std::clamp<std::size_t>((std::size_t{64} << 20) / static_cast<std::size_t>(ctx.shards + ctx.id_buckets),
                                             4096, std::size_t{1} << 20);
}

// `finseg run` holds one shard at a time: say so when too few shards make that large, with a
// shard count that keeps it small (the import itself stays within --memory-budget).
void warn_of_large_shards(const ingest::ImportContext& ctx) {
  const std::uint64_t per_shard = ctx.plan.estimated_plain_bytes / static_cast<std::uint64_t>(ctx.shards);
  if (!ctx.comm.is_root() || per_shard <= 2 * kShardCsvBytes) return;
  std::fprintf(stderr,
               "finseg import: warning: ~%.0f MB of CSV per shard: finseg run holds one shard's columns at a time "
               "(--shards %d, the default, keeps a shard near 64 MB of CSV)\n",
               static_cast<double>(per_shard) / 1e6, default_shard_count(ctx.plan.estimated_plain_bytes));
}

// Rank 0: the staging folder goes, the manifest lists every rank's shards, the model is saved
// (a model that cannot be written fails the import before the store exists), the rename commits.
void commit_store(ingest::ImportContext& ctx, StoreBuilder& builder, const std::vector<ShardInfo>& mine,
                  const StoreImportOptions& options) {
  // The spilled rows (nearly all of the staging folder, ~1.1 x the CSV) are removed by their
  // shards' owners, in parallel: rank 0 alone freed their page cache file by file while the other
  // ranks spun in the next collective (the 10,000-user import at np=2: commit 0.075 -> 0.045 s of
  // CPU per rank, docs/performance.md 6). Nothing reads them after the shards phase.
  on_every_rank(ctx.comm, [&] {
    for (int k = ctx.comm.rank(); k < ctx.shards; k += ctx.comm.size())
      for (int r = 0; r < ctx.comm.size(); ++r) std::filesystem::remove(ctx.spill("txn-rows", k, r));
  });
  const auto parts = gather_values(ctx.comm, mine, 0);
  on_every_rank(ctx.comm, [&] {
    if (!ctx.comm.is_root()) return;
    std::filesystem::remove_all(ctx.staging);
    StoreManifest manifest;
    manifest.shards.resize(static_cast<std::size_t>(ctx.shards));
    for (const auto& part : parts)
      for (const auto& info : part) manifest.shards[static_cast<std::size_t>(std::stoi(info.file.substr(6, 5)))] = info;
    manifest.created_by = options.created_by;
    if (options.save_model) options.import.learner->save(*options.save_model);
    builder.commit(manifest);
  });
}

}  // namespace

// The import's memory is bounded by --memory-budget whatever the shard, but `finseg run` reads one
// shard's columns at a time: shards of ~64 MB of CSV keep that
// small, and their spilled rows (~1.25x the CSV) fit a quarter of the default --memory-budget, so the
// usual shard is sorted in memory.
int default_shard_count(std::uint64_t plain_bytes) {
  return static_cast<int>(std::clamp<std::uint64_t>((plain_bytes + kShardCsvBytes - 1) / kShardCsvBytes, 4, 100000));
}

StoreImportResult import_store(Communicator& comm, const std::filesystem::path& csv_dir, const std::filesystem::path& out,
                               const Taxonomy& taxonomy, const StoreImportOptions& options) {
  const auto start = Clock::now();
  Phases phases;
  const ImportOptions& io = options.import;
  if (io.shards < 0) throw UsageError("import: the number of shards must be at least 1");
  on_every_rank(comm, [&] {
    if (!comm.is_root()) return;
    check_rejects_file(io);
    if (std::filesystem::exists(out)) throw IoError(out.string() + " exists already: a store is never overwritten");
  });
  ingest::ImportContext ctx{comm, taxonomy, io, {}, {}, io.shards, 1, 1 << 20, ingest::ProblemList(0)};
  ctx.problems = ingest::ProblemList(ctx.keep());
  on_every_rank(comm, [&] { ctx.plan = ingest::plan_input(comm, csv_dir, options.unit_bytes); });
  if (ctx.shards == 0) ctx.shards = default_shard_count(ctx.plan.estimated_plain_bytes);
  ctx.memory_budget = options.memory_budget;
  size_spills(ctx, options);
  warn_of_large_shards(ctx);
  phases.done("plan");
  const std::unique_ptr<StoreBuilder> builder = open_builder(comm, out);
  ctx.staging = builder->temp_dir() / "staging";

  ingest::AccountsOutcome accounts;
  on_every_rank(comm, [&] { accounts = ingest::import_accounts(ctx); });
  phases.done("accounts");
  ImportProgress progress(comm, ImportProgress::Kind::bytes_read, ctx.plan.transaction_bytes / static_cast<std::uint64_t>(comm.size()),
                          options.progress_seconds);
  const Labeller* rules = io.learner ? nullptr : io.labeller;
  LearnedLabeller read_learner(nullptr, taxonomy);  // --labels learn: what the rows read teach
  on_every_rank(comm, [&] {
    ingest::read_transactions(ctx, accounts.map, rules, io.learner ? &read_learner : nullptr, std::ref(progress));
  });
  phases.done("transactions");
  ingest::Duplicates dups;
  on_every_rank(comm, [&] { dups = ingest::find_duplicates(ctx, "txn-ids", csv::kTransactionColumns[csv::kTxnId], false); });
  phases.done("duplicates");
  // Beyond the allowance already: the shards are only checked (money bound), never written.
  const bool failing = static_cast<std::uint64_t>(all_sum(comm, static_cast<std::int64_t>(ctx.problems.rows()))) > io.max_rejects;

  StoreImportResult result;
  if (io.learner && !failing) {
    learn_on_every_rank(ctx, dups, read_learner, *io.learner, result.sources);
    phases.done("learn");
  }
  std::vector<ShardInfo> mine;
  std::int64_t transactions = 0, grouped = 0;
  ImportProgress shard_progress(comm, ImportProgress::Kind::shards_written,
                                static_cast<std::uint64_t>((ctx.shards + comm.size() - 1) / comm.size()), options.progress_seconds);
  // The duplicate check frees millions of small blocks the heap keeps (fragmented): given back
  // once here, a rank's RSS while it writes shards is what --memory-budget bounds. (Per shard it
  // would cost ~5 % of the import's CPU in page faults.)
  malloc_trim(0);
  on_every_rank(comm, [&] {
    std::uint64_t done = 0;
    ingest::ShardScratch scratch;  // handed from shard to shard
    for (int k = comm.rank(); k < ctx.shards; k += comm.size()) {
      auto w = ingest::write_import_shard(ctx, k, dups, failing ? nullptr : io.learner, *builder, options.write, !failing,
                                          &scratch);
      if (!failing) mine.push_back(std::move(w.info));
      transactions += static_cast<std::int64_t>(w.transactions);
      grouped += w.groups > 1 ? 1 : 0;
      shard_progress(++done);
    }
  });
  phases.done("shards");
  result.rejected_rows = settle_rejections(ctx, csv_dir);
  if (io.learner) {
    const auto& s = io.learner->sources().rows;
    const auto summed = all_sum(comm, s);
    for (std::size_t i = 0; i < kLabelSources; ++i) result.sources.rows[i] += summed[i];
  }
  result.transaction_rows = static_cast<std::uint64_t>(all_sum(comm, transactions));
  result.account_rows = accounts.accepted;
  result.shards = ctx.shards;
  result.grouped_shards = static_cast<std::uint64_t>(all_sum(comm, grouped));
  commit_store(ctx, *builder, mine, options);
  phases.done("commit");
  result.phases = phases.text;
  result.seconds = seconds_since(start);
  result.max_peak_rss_kib = static_cast<long>(all_max(comm, peak_rss_kib()));
  return result;
}

}  // namespace finseg
