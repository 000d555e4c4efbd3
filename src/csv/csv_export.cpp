// CSV export: the exact columns of SEGMENTS.md 1.1, written into a sibling temp folder that is
// renamed into place by commit(), so a reader never sees half an export.
#include "core/errors.hpp"
#include "csv/csv_import.hpp"
#include "csv/csv_writer.hpp"

#include <chrono>
#include <cstdio>
#include <optional>
#include <unordered_map>
#include <unistd.h>

namespace finseg {

struct CsvExporter::Impl {
  Impl(std::filesystem::path d, std::filesystem::path t, const Taxonomy& tax)
      : dir(std::move(d)), tmp(std::move(t)), taxonomy(tax) {}
  std::filesystem::path dir;
  std::filesystem::path tmp;
  const Taxonomy& taxonomy;
  std::optional<csv::FileWriter> accounts;
  std::optional<csv::FileWriter> transactions;
  bool committed = false;
  std::unordered_map<LabelSet, std::string> label_text;  // Taxonomy::format of the sets seen

  const std::string& labels(LabelSet set) {
    auto it = label_text.find(set);
    if (it != label_text.end()) return it->second;
    if (taxonomy.size() < static_cast<std::size_t>(kMaxLabels) && (set >> taxonomy.size()) != 0)
      throw StoreError("a transaction carries label bits the taxonomy does not name (label set " +
                       std::to_string(set) + ", taxonomy of " + std::to_string(taxonomy.size()) + " names)");
    return label_text.emplace(set, taxonomy.format(set)).first->second;
  }
};

CsvExporter::CsvExporter(std::filesystem::path dir, const Taxonomy& taxonomy) {
  if (!dir.has_filename()) dir = dir.parent_path();  // "out/" names the folder "out"
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) || ec)
    throw IoError(dir.string() + " exists already: an export never writes into an existing folder");
  const std::filesystem::path parent = dir.has_parent_path() ? dir.parent_path() : std::filesystem::path(".");
  std::filesystem::create_directories(parent, ec);
  if (ec) throw IoError("cannot create " + parent.string() + ": " + ec.message());
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  std::filesystem::path tmp =
      parent / (std::string(".") + dir.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(stamp));
  if (!std::filesystem::create_directory(tmp, ec) || ec)
    throw IoError("cannot create temporary folder " + tmp.string() + (ec ? ": " + ec.message() : ""));
  impl_ = std::make_unique<Impl>(std::move(dir), std::move(tmp), taxonomy);
  try {
    impl_->accounts.emplace(impl_->tmp / "accounts.csv");
    impl_->transactions.emplace(impl_->tmp / "transactions.csv");
    for (const char* h : {"accountId", "userId", "accountType", "currency", "balance", "balanceDate"})
      impl_->accounts->field(h);
    impl_->accounts->end_record();
    for (const char* h : {"transactionId", "accountId", "bookingDate", "amount", "counterpartName", "counterpartIban",
                          "purpose", "labels"})
      impl_->transactions->field(h);
    impl_->transactions->end_record();
  } catch (...) {
    impl_->accounts.reset();
    impl_->transactions.reset();
    std::filesystem::remove_all(impl_->tmp, ec);
    throw;
  }
}

CsvExporter::~CsvExporter() {
  if (!impl_ || impl_->committed) return;
  impl_->accounts.reset();
  impl_->transactions.reset();
  std::error_code ec;
  std::filesystem::remove_all(impl_->tmp, ec);
  if (ec) std::fprintf(stderr, "warning: cannot remove %s: %s\n", impl_->tmp.c_str(), ec.message().c_str());
}

void CsvExporter::append(const ShardData& shard) {
  if (impl_->committed) throw std::logic_error("CsvExporter::append after commit");
  csv::FileWriter& acc = *impl_->accounts;
  csv::FileWriter& txn = *impl_->transactions;
  for (std::size_t u = 0; u < shard.users(); ++u) {
    const std::string_view user = shard.user_id[u];
    const auto a_end = static_cast<std::size_t>(shard.user_account_offsets[u + 1]);
    for (auto a = static_cast<std::size_t>(shard.user_account_offsets[u]); a < a_end; ++a) {
      const std::string_view account = shard.account_id[a];
      acc.field(account);
      acc.field(user);
      acc.begin_field().append(to_string(shard.account_type[a]));
      acc.begin_field().append(shard.currency[a].data(), shard.currency[a].size());
      append_money(acc.begin_field(), shard.balance[a]);
      append_date(acc.begin_field(), shard.balance_date[a]);
      acc.end_record();

      const auto t_end = static_cast<std::size_t>(shard.account_txn_offsets[a + 1]);
      for (auto t = static_cast<std::size_t>(shard.account_txn_offsets[a]); t < t_end; ++t) {
        txn.field(shard.transaction_id[t]);
        txn.field(account);
        append_date(txn.begin_field(), shard.booking_date[t]);
        append_money(txn.begin_field(), shard.amount[t]);
        txn.field(shard.counterpart_name[t]);
        txn.field(shard.counterpart_iban[t]);
        txn.field(shard.purpose[t]);
        txn.field(impl_->labels(shard.labels[t]));
        txn.end_record();
      }
    }
  }
}

void CsvExporter::commit() {
  if (impl_->committed) return;
  impl_->accounts->close();
  impl_->transactions->close();
  std::error_code ec;
  // rename(2) would replace an empty folder that appeared meanwhile: check once more.
  if (std::filesystem::exists(impl_->dir, ec))
    throw IoError(impl_->dir.string() + " appeared while exporting: an export never replaces a folder");
  std::filesystem::rename(impl_->tmp, impl_->dir, ec);
  if (ec) throw IoError("cannot rename " + impl_->tmp.string() + " to " + impl_->dir.string() + ": " + ec.message());
  impl_->committed = true;
}

}  // namespace finseg
