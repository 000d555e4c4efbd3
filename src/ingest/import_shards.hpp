// The shard owner's part of the parallel import: one shard's rows from every rank's spill, less
// the duplicates, sorted into store order (users and accounts in byte order, each account's
// transactions by bookingDate, ties in input order), the money bound applied per user as the
// serial import applies it, then learned from (pass 1 with --labels learn) or labelled and
// written as the shard file (pass 2). What is held is bounded by ctx.memory_budget whatever the
// shard's size: a shard whose spilled rows exceed a quarter of it is cut into groups of consecutive
// users (each in a file of the staging folder), sorted and written one group at a time through
// a ShardStreamWriter, which is also how a small shard is written (the same bytes either way).
#pragma once

#include "ingest/import_context.hpp"
#include "ingest/import_dedup.hpp"
#include "ingest/import_records.hpp"
#include "store/shard_stream.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <vector>

namespace finseg {
class LearnedLabeller;
}

namespace finseg::ingest {

// Pass 1 of --labels learn: the shard's accepted rows observed by `local` (labelled cells
// learned from, empty cells noted).
void learn_from_shard(const ImportContext& ctx, int shard, const Duplicates& dups, LearnedLabeller& local);

// What sorting and the money bound need of a transaction (40 bytes, not the 150 of a decoded
// TxnRec): its numbers, decoded once, and where its texts are; only the texts are decoded again
// from the spill bytes when the shard data is built (the whole record was, ~5 % of an import).
struct ShardRow {
  InputPos pos;
  Cents amount = 0;
  LabelSet labels = 0;
  Day booking_date = 0;
  std::uint32_t texts = 0;  // offset of the record's texts (TxnRec::read_texts) in the group's spill file `part`
  std::uint16_t part = 0;
  bool labels_empty = false;
};

// What a rank's shards hand on to each other, written one after the other: the writer's column
// buffers and the vectors of a group's rows. Freed with each shard, they went back to the kernel
// (glibc maps blocks this large), and the next shard faulted their pages in again and copied them
// at every doubling while they grew (docs/performance.md 6). They hold what one group needs.
struct ShardScratch {
  ShardStreamWriter::Buffers columns;
  std::vector<ShardRow> rows;
  std::vector<std::uint32_t> account_of, order;
};

struct WrittenShard {
  ShardInfo info;
  std::uint64_t transactions = 0;
  std::size_t groups = 1;  // of users sorted one at a time (more than one: the shard exceeded the budget)
};

// Pass 2: records the money-bound rejections in ctx.problems, labels the empty cells with
// `learner` (null: they were labelled when read) and, when `write`, writes the shard into the
// builder's folder (an import that fails already only counts its rejections). `scratch`: what
// the rank's shards hand on to each other.
WrittenShard write_import_shard(ImportContext& ctx, int shard, const Duplicates& dups, LearnedLabeller* learner,
                                StoreBuilder& builder, const ShardWriteOptions& write_options, bool write,
                                ShardScratch* scratch = nullptr);

}  // namespace finseg::ingest
