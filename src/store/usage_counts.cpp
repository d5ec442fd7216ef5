#include "store/usage_counts.hpp"

#include "core/errors.hpp"
#include "store/sql_statements.hpp"

namespace mindme::store::detail {
namespace {

// A limit no count reaches, for "no limit", that cannot overflow when added to.
constexpr std::int64_t kUnlimited = std::int64_t{1} << 60;

std::int64_t limit_of(std::int64_t quota) { return quota > 0 ? quota : kUnlimited; }

}  // namespace

void charge_usage(soci::session& s, const std::string& user_id, const Usage& delta,
                  const Quotas& quotas) {
    auto max_memories = limit_of(quotas.memories);
    auto max_files = limit_of(quotas.files);
    auto max_bytes = limit_of(quotas.file_bytes);
    // Shrinking is never refused: only the counts that grow are checked.
    auto grows = [](std::int64_t d) { return d > 0 ? d : std::int64_t{0}; };
    auto gm = grows(delta.memories), gf = grows(delta.files), gb = grows(delta.file_bytes);
    soci::statement st = statement(
        s,
        "UPDATE users SET memory_count = memory_count + :dm, file_count = file_count + :df, "
        "file_bytes = file_bytes + :db WHERE id = :u AND memory_count + :gm <= :mm "
        "AND file_count + :gf <= :mf AND file_bytes + :gb <= :mb",
        soci::use(delta.memories), soci::use(delta.files), soci::use(delta.file_bytes),
        soci::use(user_id), soci::use(gm), soci::use(max_memories), soci::use(gf),
        soci::use(max_files), soci::use(gb), soci::use(max_bytes));
    if (affected(st) > 0) return;
    auto usage = read_usage(s, user_id);
    std::string which = "quota.user_bytes";
    std::int64_t quota = quotas.file_bytes;
    if (usage.memories + gm > max_memories) {
        which = "quota.user_memories";
        quota = quotas.memories;
    } else if (usage.files + gf > max_files) {
        which = "quota.user_files";
        quota = quotas.files;
    }
    throw core::ApiError(core::ErrorCode::kInsufficientStorage,
                         "over the account's quota (" + which + " = " + std::to_string(quota) +
                             "); delete something first");
}

Usage read_usage(soci::session& s, const std::string& user_id) {
    Usage u;
    s << "SELECT memory_count, file_count, file_bytes FROM users WHERE id = :u", soci::use(user_id),
        soci::into(u.memories), soci::into(u.files), soci::into(u.file_bytes);
    return u;
}

}  // namespace mindme::store::detail
